"""Proxies and user sessions: explicit proxies, HTTP_PROXY / NO_PROXY, resolution once per client,
a user's own adapters kept as given, a plain user session given our retrying adapter."""
from __future__ import annotations

import http.client
import http.server
import threading
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from conftest import API_KEY, chat
from openai_lite import InternalServerError, OpenAI
from openai_lite.testing import Scripted

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade"}


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output quiet
        pass

    def _forward(self):
        self.server.seen.append((self.command, self.path))
        target = urlsplit(self.path)
        if target.scheme != "http" or not target.hostname:
            self.send_error(400, "absolute http URI expected")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=10)
        try:
            path = target.path + ("?" + target.query if target.query else "")
            upstream.request(self.command, path, body=body, headers=headers)
            reply = upstream.getresponse()
            data = reply.read()
            self.send_response(reply.status, reply.reason)
            for name, value in reply.getheaders():
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Via", "1.1 test-proxy")
            self.end_headers()
            self.wfile.write(data)
        finally:
            upstream.close()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward


class ForwardProxy:
    """A loopback forward proxy for plain http (absolute-URI requests)."""

    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ProxyHandler)
        self.httpd.daemon_threads = True
        self.httpd.seen = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.httpd.server_address[1]

    @property
    def seen(self):
        return list(self.httpd.seen)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def proxy():
    with ForwardProxy() as p:
        yield p


def test_explicit_proxies(server, proxy):
    with OpenAI(api_key=API_KEY, base_url=server.url, proxies={"http": proxy.url}) as client:
        raw = client.chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "via proxy"}])
    assert raw.parse().choices[0].message.content == "You said: via proxy"
    assert raw.headers.get("Via") == "1.1 test-proxy"
    assert proxy.seen == [("POST", server.url + "/chat/completions")]
    assert len(server.requests) == 1
    assert server.last_request.headers.get("Authorization") == "Bearer " + API_KEY


def test_explicit_proxies_with_retries(server, proxy):
    server.enqueue(Scripted.error(500, "boom", headers={"retry-after-ms": "1"}))
    with OpenAI(api_key=API_KEY, base_url=server.url, proxies={"http": proxy.url}) as client:
        chat(client)
    assert len(proxy.seen) == 2 and len(server.requests) == 2
    assert server.requests[0].body == server.requests[1].body


def test_http_proxy_environment(server, proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with OpenAI(api_key=API_KEY, base_url=server.url) as client:
        client.models.list()
    assert proxy.seen == [("GET", server.url + "/models")]


def test_no_proxy_bypasses(server, proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with OpenAI(api_key=API_KEY, base_url=server.url) as client:
        client.models.list()
    assert proxy.seen == []
    assert len(server.requests) == 1


def test_explicit_proxies_win_over_environment(server, proxy, monkeypatch, closed_port):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:%d" % closed_port)  # would be refused
    with OpenAI(api_key=API_KEY, base_url=server.url, proxies={"http": proxy.url}) as client:
        client.models.list()
    assert len(proxy.seen) == 1
    with OpenAI(api_key=API_KEY, base_url=server.url, proxies={}) as client:  # explicitly none
        client.models.list()
    assert len(proxy.seen) == 1 and len(server.requests) == 2


def test_settings_resolved_once_per_client(server, proxy, monkeypatch):
    with OpenAI(api_key=API_KEY, base_url=server.url) as direct:
        direct.models.list()
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        direct.models.list()
        direct.with_options(max_retries=0).models.list()  # copies share the resolved settings
        assert proxy.seen == []
        with OpenAI(api_key=API_KEY, base_url=server.url) as fresh:  # a new client reads the env anew
            fresh.models.list()
        assert len(proxy.seen) == 1
        with OpenAI(api_key=API_KEY, base_url=server.url) as proxied:
            proxied.models.list()
            monkeypatch.delenv("HTTP_PROXY")
            proxied.models.list()
        assert len(proxy.seen) == 3
    assert len(server.requests) == 6


class CountingAdapter(HTTPAdapter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent = []

    def send(self, request, *args, **kwargs):
        self.sent.append(request.url)
        return super().send(request, *args, **kwargs)


def test_user_session_with_mounted_adapter_is_used_as_given(server):
    session = requests.Session()
    adapter = CountingAdapter()
    session.mount("http://", adapter)
    with OpenAI(api_key=API_KEY, base_url=server.url, http_session=session) as client:
        chat(client)
        client.models.list()
        assert session.adapters["http://"] is adapter
        assert adapter.sent == [server.url + "/chat/completions", server.url + "/models"]
        # an adapter the user mounted keeps its own retry settings (none by default)
        server.enqueue(Scripted.error(500, "boom", headers={"retry-after-ms": "1"}))
        with pytest.raises(InternalServerError):
            chat(client)
        assert len(adapter.sent) == 3
    session.close()


def test_user_adapter_on_a_narrower_prefix(server):
    session = requests.Session()
    adapter = CountingAdapter()
    session.mount(server.root_url + "/", adapter)
    with OpenAI(api_key=API_KEY, base_url=server.url, http_session=session) as client:
        chat(client)
    assert adapter.sent == [server.url + "/chat/completions"]
    session.close()


def test_plain_user_session_gets_the_retrying_adapter(server):
    session = requests.Session()
    session.headers["X-Session"] = "kept"
    seen_by_hook = []
    session.hooks["response"].append(lambda r, *a, **k: seen_by_hook.append(r.status_code))
    server.enqueue(Scripted.error(503, "busy", headers={"retry-after-ms": "1"}, repeat=2))
    with OpenAI(api_key=API_KEY, base_url=server.url, http_session=session) as client:
        assert chat(client).choices[0].message.content == "You said: hello there"
    assert len(server.requests) == 3  # retried by our adapter
    assert all(r.headers.get("X-Session") == "kept" for r in server.requests)
    assert seen_by_hook == [200]
    assert client.http_session is session
    chat(OpenAI(api_key=API_KEY, base_url=server.url, http_session=session))  # still usable after close()
    session.close()


def test_http_client_alias_and_wrong_type(server):
    session = requests.Session()
    with OpenAI(api_key=API_KEY, base_url=server.url, http_client=session) as client:
        assert client.http_session is session
        client.models.list()
    with pytest.raises(TypeError):
        OpenAI(api_key=API_KEY, base_url=server.url, http_client=object())
    session.close()


def test_user_session_with_proxies_and_trust_env_off(server, proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:1")  # ignored: trust_env is off
    session = requests.Session()
    session.trust_env = False
    session.proxies = {"http": proxy.url}
    with OpenAI(api_key=API_KEY, base_url=server.url, http_session=session) as client:
        client.models.list()
    assert proxy.seen == [("GET", server.url + "/models")]
    session.close()


def test_user_plain_adapter_with_its_own_pool_size_is_kept(server):
    session = requests.Session()
    adapter = HTTPAdapter(pool_maxsize=3, pool_connections=2)
    session.mount("http://", adapter)
    server.enqueue(Scripted.error(500, "boom", headers={"retry-after-ms": "1"}))
    with OpenAI(api_key=API_KEY, base_url=server.url, http_session=session) as client:
        with pytest.raises(InternalServerError):
            chat(client)  # the user's adapter has no retries, and it is the one used
        assert session.adapters["http://"] is adapter
        assert chat(client).object == "chat.completion"
    assert len(server.requests) == 2
    session.close()
