"""TLS and proxies against local servers: verification on by default, CA bundles, mutual TLS,
HTTP(S)_PROXY / NO_PROXY / proxies= through a loopback forward proxy (CONNECT tunnels for https).

The certificate authority and the certificates (for 127.0.0.1 and localhost) are made here, in the
test run (``tests/_tls.py``: the ``cryptography`` package, else ``trustme``, else ``openssl``).
A ``TLSFront`` does the handshakes and pipes to an ``OfflineServer``; it counts handshakes, which is
how a refused certificate is seen not to be retried.
"""
from __future__ import annotations

import warnings

import pytest

from _proxy import ForwardProxy
from _tls import TLSFront, available_backends, make_pki, pki_backend
from conftest import API_KEY, chat, wait_until
from openai_lite import APIConnectionError, APITimeoutError, OpenAI

pytestmark = pytest.mark.skipif(pki_backend() is None, reason="needs cryptography, trustme or openssl")

PROXY_USER, PROXY_PASSWORD = "proxyuser", "proxy-PASSWORD-7d1c"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(str(tmp_path_factory.mktemp("pki")))


@pytest.fixture
def front(pki, server):
    with TLSFront(pki, server.port) as f:
        yield f


@pytest.fixture
def mtls_front(pki, server):
    with TLSFront(pki, server.port, require_client_cert=True) as f:
        yield f


@pytest.fixture
def proxy():
    with ForwardProxy() as p:
        yield p


@pytest.fixture
def auth_proxy():
    with ForwardProxy(credentials=(PROXY_USER, PROXY_PASSWORD)) as p:
        yield p


# -- verification ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_an_unknown_ca_is_refused_by_default_and_not_retried(front, server, host):
    with OpenAI(api_key=API_KEY, base_url=front.url(host), max_retries=2) as client:
        with pytest.raises(APIConnectionError) as info:
            chat(client)
    assert type(info.value) is APIConnectionError
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value) or "certificate verify failed" in str(info.value)
    assert API_KEY not in str(info.value)
    assert front.handshakes == 1  # a certificate error is not retried
    assert server.requests == []  # nothing reached the server, the key included


def test_a_ca_that_did_not_sign_the_server_is_refused(pki, front, server):
    with OpenAI(api_key=API_KEY, base_url=front.url(), verify=pki.other_ca_cert) as client:
        with pytest.raises(APIConnectionError):
            chat(client)
    assert front.handshakes == 1 and server.requests == []


def test_a_name_the_certificate_does_not_cover_is_refused(pki, server):
    try:
        front = TLSFront(pki, server.port, host="127.0.0.2")  # all of 127/8 is loopback on Linux
    except OSError:
        pytest.skip("cannot listen on 127.0.0.2 here")
    with front, OpenAI(api_key=API_KEY, base_url=front.url("127.0.0.2"), verify=pki.ca_cert) as client:
        with pytest.raises(APIConnectionError) as info:
            chat(client)
        assert front.handshakes == 1
    assert "127.0.0.2" in str(info.value) or "match" in str(info.value).lower()
    assert server.requests == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_accepted_with_verify_set_to_the_ca(pki, front, server, host):
    with OpenAI(api_key=API_KEY, base_url=front.url(host), verify=pki.ca_cert) as client:
        for i in range(3):
            assert chat(client, content="tls %d" % i).choices[0].message.content == "You said: tls %d" % i
    assert front.handshakes == 1  # one TLS connection, kept alive
    assert server.last_request.headers["Authorization"] == "Bearer " + API_KEY


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"])
def test_accepted_with_a_ca_bundle_from_the_environment(pki, front, monkeypatch, variable):
    monkeypatch.setenv(variable, pki.ca_cert)
    with OpenAI(api_key=API_KEY, base_url=front.url()) as client:
        assert chat(client).object == "chat.completion"


def test_verify_argument_wins_over_the_environment(pki, front, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", pki.other_ca_cert)
    with OpenAI(api_key=API_KEY, base_url=front.url(), verify=pki.ca_cert) as client:
        assert chat(client).object == "chat.completion"
    with OpenAI(api_key=API_KEY, base_url=front.url()) as client:
        with pytest.raises(APIConnectionError):
            chat(client)


def test_verify_false_connects_and_warns(front):
    with OpenAI(api_key=API_KEY, base_url=front.url(), verify=False) as client:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert chat(client).object == "chat.completion"
    assert any("Unverified HTTPS request" in str(w.message) for w in caught)


def test_the_pool_recovers_after_a_refused_certificate(pki, front, server):
    client = OpenAI(api_key=API_KEY, base_url=front.url())
    with pytest.raises(APIConnectionError):
        chat(client)
    trusted = client.with_options(base_url=server.url)  # same pool, plain http
    assert chat(trusted).object == "chat.completion"
    client.close()


@pytest.mark.parametrize("backend", ["cryptography", "trustme", "openssl"])
def test_every_way_of_making_certificates_works(backend, server, tmp_path):
    if backend not in available_backends():
        pytest.skip("%s is not installed" % backend)
    pki = make_pki(str(tmp_path), backend)
    with TLSFront(pki, server.port) as front:
        with OpenAI(api_key=API_KEY, base_url=front.url(), verify=pki.ca_cert) as client:
            assert chat(client).object == "chat.completion"
        with OpenAI(api_key=API_KEY, base_url=front.url("localhost"), verify=pki.other_ca_cert) as client:
            with pytest.raises(APIConnectionError):
                chat(client)
    with TLSFront(pki, server.port, require_client_cert=True) as front:
        with OpenAI(api_key=API_KEY, base_url=front.url(), verify=pki.ca_cert,
                    cert=(pki.client_cert, pki.client_key)) as client:
            assert chat(client).object == "chat.completion"


# -- mutual TLS ------------------------------------------------------------------------------------------


def test_mutual_tls_with_a_client_certificate(pki, mtls_front, server):
    with OpenAI(api_key=API_KEY, base_url=mtls_front.url(), verify=pki.ca_cert,
                cert=(pki.client_cert, pki.client_key)) as client:
        assert chat(client).choices[0].message.content == "You said: hello there"
        assert chat(client).object == "chat.completion"
    assert mtls_front.handshakes == 1 and mtls_front.handshake_failures == []
    subject = dict(item[0] for item in mtls_front.peer_certs[0]["subject"])
    assert subject["commonName"] in ("openai_lite test client", "openai-lite-test-client@example.com")


def test_mutual_tls_with_a_combined_pem_file(pki, mtls_front, tmp_path):
    combined = tmp_path / "client-combined.pem"
    combined.write_bytes(open(pki.client_cert, "rb").read() + open(pki.client_key, "rb").read())
    with OpenAI(api_key=API_KEY, base_url=mtls_front.url(), verify=pki.ca_cert, cert=str(combined)) as client:
        assert chat(client).object == "chat.completion"


def test_mutual_tls_without_a_certificate_fails_in_bounded_attempts(pki, mtls_front, server):
    with OpenAI(api_key=API_KEY, base_url=mtls_front.url(), verify=pki.ca_cert, max_retries=2) as client:
        with pytest.raises(APIConnectionError) as info:
            chat(client)
    assert not isinstance(info.value, APITimeoutError)
    assert 1 <= mtls_front.handshakes <= 3  # at most 1 + max_retries attempts
    # the server side records its failure a moment after the client gave up
    assert wait_until(lambda: len(mtls_front.handshake_failures) == mtls_front.handshakes)
    assert server.requests == []


# -- proxies -----------------------------------------------------------------------------------------------


def test_https_proxy_from_the_environment_tunnels_to_the_tls_server(pki, front, server, proxy, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", proxy.url())
    with OpenAI(api_key=API_KEY, base_url=front.url("localhost"), verify=pki.ca_cert) as client:
        assert chat(client).object == "chat.completion"
        assert chat(client).object == "chat.completion"
    assert [(m, t) for m, t, _ in proxy.seen] == [("CONNECT", "localhost:%d" % front.port)]  # one tunnel, reused
    assert all(h.lower() != "authorization" for h in proxy.headers[0])  # the API key never goes to the proxy
    assert server.last_request.headers["Authorization"] == "Bearer " + API_KEY  # it goes through the tunnel


def test_http_proxy_from_the_environment(server, proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", proxy.url())
    with OpenAI(api_key=API_KEY, base_url=server.url) as client:
        assert chat(client).object == "chat.completion"
    assert proxy.seen[0][:2] == ("POST", server.url + "/chat/completions")


@pytest.mark.parametrize("no_proxy", ["localhost", "localhost,127.0.0.1", "*"])
def test_no_proxy_bypasses_the_proxy(pki, front, proxy, monkeypatch, no_proxy):
    monkeypatch.setenv("HTTPS_PROXY", proxy.url())
    monkeypatch.setenv("NO_PROXY", no_proxy)
    with OpenAI(api_key=API_KEY, base_url=front.url("localhost"), verify=pki.ca_cert) as client:
        assert chat(client).object == "chat.completion"
    assert proxy.seen == []


def test_explicit_proxies_override_the_environment(pki, front, proxy, monkeypatch, closed_port):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:%d" % closed_port)  # a dead proxy
    monkeypatch.setenv("NO_PROXY", "")
    with OpenAI(api_key=API_KEY, base_url=front.url("localhost"), verify=pki.ca_cert,
                proxies={"https": proxy.url()}) as client:
        assert chat(client).object == "chat.completion"
    assert [m for m, _, _ in proxy.seen] == ["CONNECT"]
    with OpenAI(api_key=API_KEY, base_url=front.url("localhost"), verify=pki.ca_cert, proxies={}) as client:
        assert chat(client).object == "chat.completion"  # an empty mapping: no proxy at all
    assert len(proxy.seen) == 1
    with OpenAI(api_key=API_KEY, base_url=front.url("localhost"), verify=pki.ca_cert, max_retries=0) as client:
        with pytest.raises(APIConnectionError):
            chat(client)  # the environment's dead proxy, to show it was really set


def test_proxy_credentials_are_sent_to_the_proxy(pki, front, server, auth_proxy, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", auth_proxy.url(with_credentials=True))
    monkeypatch.setenv("HTTP_PROXY", auth_proxy.url(with_credentials=True))
    with OpenAI(api_key=API_KEY, base_url=front.url("localhost"), verify=pki.ca_cert) as client:
        assert chat(client).object == "chat.completion"
    with OpenAI(api_key=API_KEY, base_url=server.url) as client:
        assert chat(client).object == "chat.completion"
    assert [m for m, _, _ in auth_proxy.seen] == ["CONNECT", "POST"]
    assert all(auth is not None and auth.startswith("Basic ") for _, _, auth in auth_proxy.seen)
    assert all(r.headers.get("Proxy-Authorization") is None for r in server.requests)


def test_missing_proxy_credentials_fail_with_a_connection_error_at_once(pki, front, server, auth_proxy, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", auth_proxy.url())
    with OpenAI(api_key=API_KEY, base_url=front.url("localhost"), verify=pki.ca_cert, max_retries=2) as client:
        with pytest.raises(APIConnectionError) as info:
            chat(client)
    assert "407 Proxy Authentication Required" in str(info.value)
    assert len(auth_proxy.seen) == 1 and server.requests == []  # the proxy's 407 is its answer: not asked again


def test_a_dead_proxy_is_a_connection_error(server, monkeypatch, closed_port):
    monkeypatch.setenv("HTTP_PROXY", "http://%s:%s@127.0.0.1:%d" % (PROXY_USER, PROXY_PASSWORD, closed_port))
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=1) as client:
        with pytest.raises(APIConnectionError) as info:
            chat(client)
    assert PROXY_PASSWORD not in str(info.value) and PROXY_PASSWORD not in repr(info.value)
    assert server.requests == []
