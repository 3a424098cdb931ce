"""Secrets: keys, tokens and proxy passwords never show in logs, reprs, exception text or pickles;
credentials never follow a redirect to another host.

- Logs: every logger at DEBUG (``openai_lite``, ``urllib3``, ``requests``, the root), while the
  client goes through calls, retries, broken bodies, errors, streams, uploads, redirects, proxies
  and Azure's three ways of signing in; every raised exception is also logged with its traceback
  (the whole chain of causes), as an application would.
- Reprs and ``str()`` of clients, options, resources, responses, streams, requests and errors.
- Pickles: the bytes and the disassembly of every protocol, for clients, options and errors; the
  unpickled clients still send the right credentials.
- Redirects: ``Authorization`` and ``api-key`` are dropped when the host (or port) changes, kept
  on the same host. requests alone drops only ``Authorization``, which the last test shows.
"""
from __future__ import annotations

import contextlib
import io
import logging
import pickle
import pickletools
import warnings
from typing import Any, Iterator, List

import pytest
import requests

from _proxy import ForwardProxy
from conftest import ADMIN_KEY, API_KEY, CHAT, chat
from openai_lite import APIConnectionError, AuthenticationError, AzureOpenAI, OpenAI
from openai_lite.testing import OfflineServer, Scripted

AZURE_KEY = "azure-SECRET-KEY-5f3a9c0e1d"
AD_TOKEN = "eyJ-SECRET-AD-TOKEN-77aa01"
WEBHOOK_SECRET = "whsec_U0VDUkVULVdFQkhPT0stU0VDUkVU"
PROXY_PASSWORD = "proxy-SECRET-PASSWORD-31"
SECRETS = (API_KEY, ADMIN_KEY, AZURE_KEY, AD_TOKEN, WEBHOOK_SECRET, PROXY_PASSWORD)
FAST = {"retry-after-ms": "1"}
AZURE_VERSION = "2024-10-21"
DEPLOYMENT_PATH = "/openai/deployments/gpt-4o-mini/chat/completions"


def token_provider() -> str:  # module level, so that a client using it pickles
    return AD_TOKEN


def assert_clean(text: str, where: str = "") -> None:
    for secret in SECRETS:
        assert secret not in text, "%s shows a secret: %s" % (where, text[:2000])


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.texts: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))
        self.texts.append(repr(record.args))


@contextlib.contextmanager
def every_log_at_debug() -> Iterator[_Everything]:
    handler = _Everything()
    names = ["", "openai_lite", "urllib3", "urllib3.connectionpool", "urllib3.connection", "urllib3.util.retry",
             "requests", "sseclient", "app"]
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    root = logging.getLogger()
    root.addHandler(handler)
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def expect_failure(fn: Any) -> BaseException:
    """Run, expect an error, and log it with its traceback as an application would."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        logging.getLogger("app").error("call failed", exc_info=True)
        return exc
    raise AssertionError("expected an error")


@pytest.fixture
def other():
    with OfflineServer(host="localhost") as srv:
        yield srv


def azure_clients(server: OfflineServer, **kwargs: Any) -> List[AzureOpenAI]:
    base = dict(azure_endpoint=server.root_url, api_version=AZURE_VERSION, **kwargs)
    return [AzureOpenAI(api_key=AZURE_KEY, **base), AzureOpenAI(azure_ad_token=AD_TOKEN, **base),
            AzureOpenAI(azure_ad_token_provider=token_provider, **base)]


# -- logs ------------------------------------------------------------------------------------------------


def test_no_secret_in_any_log_at_debug(server, other, closed_port, tmp_path, monkeypatch):
    errors: List[BaseException] = []
    with every_log_at_debug() as logs, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = OpenAI(api_key=API_KEY, admin_api_key=ADMIN_KEY, webhook_secret=WEBHOOK_SECRET,
                        base_url=server.url, organization="org-visible")
        chat(client)
        server.enqueue(Scripted.error(500, "boom", headers=FAST))
        server.enqueue(Scripted(fault="reset_mid_body"))
        chat(client)
        list(chat(client, stream=True))
        server.enqueue(Scripted.error(401, "Incorrect API key provided"))
        errors.append(expect_failure(lambda: chat(client)))
        errors.append(expect_failure(lambda: client._request("GET", "/organization/users", auth="admin")))
        server.add_route("POST", r"/v1/files", lambda s, r, m: Scripted(json={"id": "file-1", "object": "file"}))
        path = tmp_path / "data.jsonl"
        path.write_bytes(b'{"a": 1}\n' * 1000)
        server.enqueue(Scripted.error(503, "busy", headers=FAST), path="/v1/files")
        client.files.create(file=path, purpose="batch")
        server.enqueue(Scripted(status=307, headers={"Location": other.url + "/chat/completions"}, body=b""))
        chat(client)
        client.with_options(api_key=lambda: API_KEY).models.list()
        errors.append(expect_failure(lambda: client.webhooks.unwrap('{"type": "x"}', {
            "webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": "v1,bm9wZQ=="})))
        refused = OpenAI(api_key=API_KEY, base_url="http://127.0.0.1:%d/v1" % closed_port)
        errors.append(expect_failure(lambda: chat(refused)))
        server.enqueue(Scripted(fault="stall_headers", stall=2, repeat=3))
        errors.append(expect_failure(lambda: chat(client, timeout=0.2)))

        for azure in azure_clients(server):
            server.enqueue(Scripted.error(429, "slow", headers=FAST), path=DEPLOYMENT_PATH)
            server.enqueue(Scripted(json={"id": "az", "object": "chat.completion", "choices": []}), path=DEPLOYMENT_PATH)
            azure.chat.completions.create(**CHAT)
            server.enqueue(Scripted.error(401, "Access denied due to invalid subscription key"), path=DEPLOYMENT_PATH)
            errors.append(expect_failure(lambda: azure.chat.completions.create(**CHAT)))
            azure.close()

        with ForwardProxy(credentials=("user", PROXY_PASSWORD)) as proxy:
            monkeypatch.setenv("HTTP_PROXY", proxy.url(with_credentials=True))
            via_proxy = OpenAI(api_key=API_KEY, base_url=server.url)
            chat(via_proxy)
            assert proxy.seen and proxy.seen[0][2] is not None  # it did go through the proxy, with credentials
            via_proxy.close()
        monkeypatch.setenv("HTTP_PROXY", "http://user:%s@127.0.0.1:%d" % (PROXY_PASSWORD, closed_port))
        dead_proxy = OpenAI(api_key=API_KEY, base_url=server.url)
        errors.append(expect_failure(lambda: chat(dead_proxy)))
        explicit = OpenAI(api_key=API_KEY, base_url=server.url,
                          proxies={"http": "http://user:%s@127.0.0.1:%d" % (PROXY_PASSWORD, closed_port)})
        errors.append(expect_failure(lambda: chat(explicit)))
        for c in (client, refused, dead_proxy, explicit):
            c.close()

    assert len(errors) == 10
    assert any("Retrying" in t for t in logs.texts)  # the logs were really on, at every level
    assert any(t.startswith("urllib3") and "DEBUG" in t for t in logs.texts)
    assert any("Traceback" in t for t in logs.texts)
    for text in logs.texts:
        assert_clean(text, "a log record")


# -- reprs -----------------------------------------------------------------------------------------------


def test_no_secret_in_reprs(server, closed_port):
    client = OpenAI(api_key=API_KEY, admin_api_key=ADMIN_KEY, webhook_secret=WEBHOOK_SECRET, base_url=server.url,
                    proxies={"https": "http://u:%s@127.0.0.1:1" % PROXY_PASSWORD})
    objects: List[Any] = [client, client.with_options(max_retries=5), client._options, client.chat.completions,
                          client.chat.completions.with_raw_response, client.timeout]
    objects += azure_clients(server)
    objects += [a._options for a in objects[-3:]]
    raw = client.chat.completions.with_raw_response.create(**CHAT)
    objects += [raw, raw.http_response, raw.http_response.request, raw.parse()]
    stream = chat(client, stream=True)
    objects += [stream, stream.response, stream.response.request]
    stream.close()
    server.enqueue(Scripted.error(401, "Incorrect API key provided"))
    try:
        chat(client)
    except AuthenticationError as exc:
        objects += [exc, exc.request, exc.response]
    refused = OpenAI(api_key=API_KEY, base_url="http://127.0.0.1:%d/v1" % closed_port, max_retries=0)
    try:
        chat(refused)
    except APIConnectionError as exc:
        objects += [exc, exc.request]
    assert len(objects) > 20
    for obj in objects:
        assert_clean(repr(obj), "repr(%s)" % type(obj).__name__)
        assert_clean(str(obj), "str(%s)" % type(obj).__name__)
    client.close()
    refused.close()


# -- pickles ---------------------------------------------------------------------------------------------


def _pickle_texts(obj: Any) -> Iterator[str]:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        data = pickle.dumps(obj, protocol=protocol)
        yield data.decode("latin-1")
        out = io.StringIO()
        pickletools.dis(data, out)
        yield out.getvalue()


def test_no_secret_in_pickles_and_the_clones_still_sign_in(server, closed_port):
    client = OpenAI(api_key=API_KEY, admin_api_key=ADMIN_KEY, webhook_secret=WEBHOOK_SECRET, base_url=server.url,
                    proxies={"https": "http://u:%s@127.0.0.1:1" % PROXY_PASSWORD})
    azures = azure_clients(server)
    errors: List[BaseException] = []
    server.enqueue(Scripted.error(401, "Incorrect API key provided", headers={"Set-Cookie": "session=" + API_KEY}))
    errors.append(expect_failure(lambda: chat(client)))
    for azure in azures:
        server.enqueue(Scripted.error(403, "denied"), path=DEPLOYMENT_PATH)
        errors.append(expect_failure(lambda: azure.chat.completions.create(**CHAT)))
    refused = OpenAI(api_key=API_KEY, base_url="http://127.0.0.1:%d/v1" % closed_port, max_retries=0)
    errors.append(expect_failure(lambda: chat(refused)))
    assert errors[0].response.request.headers["Authorization"] == "Bearer " + API_KEY  # the live one has it

    for obj in [client, client._options] + azures + [a._options for a in azures] + errors:
        for text in _pickle_texts(obj):
            assert_clean(text, "pickle of %s" % type(obj).__name__)

    clone = pickle.loads(pickle.dumps(client))
    assert (clone.api_key, clone.admin_api_key, clone.webhook_secret) == (API_KEY, ADMIN_KEY, WEBHOOK_SECRET)
    assert clone._transport.proxies == client._transport.proxies
    chat(clone)
    assert server.last_request.headers["Authorization"] == "Bearer " + API_KEY
    sent = []
    for azure in azures:
        copy = pickle.loads(pickle.dumps(azure))
        server.enqueue(Scripted(json={"id": "az", "object": "chat.completion", "choices": []}), path=DEPLOYMENT_PATH)
        copy.chat.completions.create(**CHAT)
        headers = server.last_request.headers
        sent.append((headers.get("api-key"), headers.get("Authorization")))
        copy.close()
    assert sent == [(AZURE_KEY, None), (None, "Bearer " + AD_TOKEN), (None, "Bearer " + AD_TOKEN)]
    for c in [client, clone, refused] + azures:
        c.close()


# -- redirects -------------------------------------------------------------------------------------------


def _signed(req: Any) -> tuple:
    return (req.headers.get("Authorization"), req.headers.get("api-key"))


@pytest.mark.parametrize("which", ["api key", "admin key", "azure key", "azure token", "azure provider",
                                   "api-key default header"])
def test_a_redirect_to_another_host_drops_credentials(server, other, which):
    if which.startswith("azure"):
        kind = {"azure key": 0, "azure token": 1, "azure provider": 2}[which]
        client = azure_clients(server)[kind]
        path = DEPLOYMENT_PATH
        call = lambda: client.chat.completions.create(**CHAT)  # noqa: E731
    else:
        client = OpenAI(api_key=API_KEY, admin_api_key=ADMIN_KEY, base_url=server.url,
                        default_headers={"api-key": AZURE_KEY} if which == "api-key default header" else None)
        path = "/v1/organization/users" if which == "admin key" else "/v1/chat/completions"
        if which == "admin key":
            call = lambda: client._request("GET", "/organization/users", auth="admin")  # noqa: E731
        else:
            call = lambda: chat(client)  # noqa: E731
    server.enqueue(Scripted(status=307, headers={"Location": other.root_url + "/elsewhere"}, body=b""), path=path)
    # the other host fails once: the retry there must not bring the credentials back
    other.enqueue(Scripted.error(500, "boom", headers=FAST), path="/elsewhere")
    other.enqueue(Scripted(json={"id": "there", "object": "thing", "choices": []}), path="/elsewhere")
    assert call().id == "there"
    assert any(v is not None for v in _signed(server.requests[0]))  # the first host got them
    assert [_signed(r) for r in other.requests] == [(None, None), (None, None)]
    client.close()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_on_the_same_host_keeps_credentials(server, status):
    client = OpenAI(api_key=API_KEY, base_url=server.url, default_headers={"api-key": AZURE_KEY})
    server.enqueue(Scripted(status=status, headers={"Location": "/v1/moved"}, body=b""), path="/v1/old")
    server.enqueue(Scripted(json={"id": "moved", "object": "thing"}), path="/v1/moved")
    assert client.get("/old").id == "moved"
    assert [_signed(r) for r in server.requests] == [("Bearer " + API_KEY, AZURE_KEY)] * 2
    client.close()


def test_another_port_on_the_same_address_counts_as_another_host(server):
    with OfflineServer() as second:  # 127.0.0.1 too, another port
        client = OpenAI(api_key=API_KEY, base_url=server.url, default_headers={"api-key": AZURE_KEY})
        server.enqueue(Scripted(status=308, headers={"Location": second.url + "/chat/completions"}, body=b""))
        chat(client)
        assert _signed(second.last_request) == (None, None)
        client.close()


def test_requests_alone_would_forward_the_api_key_header(server, other):
    # Why the transport strips credentials itself: requests' own redirect handling keeps api-key.
    server.enqueue(Scripted(status=307, headers={"Location": other.url + "/x"}, body=b""), path="/v1/x")
    other.enqueue(Scripted(json={"ok": True}), path="/v1/x")
    with requests.Session() as session:
        session.trust_env = False
        session.post(server.url + "/x", json={}, headers={"Authorization": "Bearer " + API_KEY, "api-key": AZURE_KEY})
    assert _signed(other.last_request) == (None, AZURE_KEY)


# -- exception text: whatever put a credential there, it is redacted on the way out ------------------


def _chain_text(exc: BaseException) -> str:
    import traceback

    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


@pytest.mark.parametrize("key", ["static", "callable"])
def test_a_server_echoing_the_key_in_its_error_body(server, key):
    server.enqueue(Scripted.error(401, "Incorrect API key provided: %s. Check it." % API_KEY))
    with OpenAI(api_key=API_KEY if key == "static" else (lambda: API_KEY), base_url=server.url) as client:
        with pytest.raises(AuthenticationError) as info:
            chat(client)
    error = info.value
    for text in (str(error), repr(error), error.message, repr(error.body), _chain_text(error)):
        assert API_KEY not in text
    assert "Incorrect API key provided: <redacted>. Check it." in str(error)
    assert pickle.loads(pickle.dumps(error)).message == error.message


def test_a_server_echoing_the_key_in_a_stream_error_and_a_bad_body(server):
    server.enqueue(Scripted(chunks=['data: {"error": {"message": "key %s revoked"}}\n\n' % API_KEY],
                            content_type="text/event-stream"))
    server.enqueue(Scripted(body="not json, but the key: " + API_KEY, content_type="application/json"))
    with OpenAI(api_key=API_KEY, base_url=server.url) as client:
        with pytest.raises(Exception) as streamed:
            for _ in chat(client, stream=True):
                pass
        with pytest.raises(Exception) as plain:
            chat(client)
    for error, says in ((streamed.value, "key <redacted> revoked"), (plain.value, "the key: <redacted>")):
        assert says in str(error)
        assert API_KEY not in _chain_text(error) and API_KEY not in repr(getattr(error, "body", None))


def test_a_proxy_quoting_its_password():
    import base64
    import socket

    from _rawserver import RawServer

    password = "pr0xy-PASSWORD-55"
    encoded = base64.b64encode(("user:" + password).encode()).decode()

    def proxy(conn: socket.socket, head: bytes) -> None:
        conn.sendall(("HTTP/1.1 407 Denied %s (%s)\r\nContent-Length: 0\r\n\r\n" % (password, encoded)).encode())

    with RawServer(proxy) as srv:
        client = OpenAI(api_key=API_KEY, base_url="https://api.example.invalid/v1", max_retries=0,
                        proxies={"https": "http://user:%s@127.0.0.1:%d" % (password, srv.port)})
        with pytest.raises(APIConnectionError) as info:
            chat(client)
    text = _chain_text(info.value) + repr(info.value)
    assert "Denied <redacted>" in str(info.value)
    assert password not in text and encoded not in text and API_KEY not in text


def test_our_own_messages_never_show_a_key(server):
    with OpenAI(api_key=API_KEY, base_url=server.url) as client:
        for headers in ({"Authorization": "Bearer %s\n" % API_KEY}, {"X-\u00e9": API_KEY}, {"X": API_KEY + "\u2615"}):
            with pytest.raises(ValueError) as info:
                chat(client, extra_headers=headers)
            assert API_KEY not in _chain_text(info.value)
    assert server.requests == []
