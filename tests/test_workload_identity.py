"""Workload identity (openai_lite.auth): the token exchange, the cache, the refresh, the providers.

One loopback server plays both the token issuer (POST /oauth/token) and the API; metadata services
(GCP, Azure IMDS) are reached at their real URLs through the same server acting as an HTTP proxy.
"""
from __future__ import annotations

import itertools
import logging
import pickle
import threading
from typing import Any, Dict, List

import pytest
import requests

import openai_lite
from openai_lite import auth
from openai_lite.testing import OfflineServer, Scripted

from conftest import chat

SUBJECT = "subject-JWT-SECRET-aaaa"
TOKEN_PATH = "/oauth/token"
IDENTITY = {"identity_provider_id": "idp-123", "service_account_id": "sa-456"}


class Issuer:
    """The token endpoint: answers exchanges with access-token-1, access-token-2, ..."""

    def __init__(self, server: OfflineServer, expires_in: float = 3600) -> None:
        self.server = server
        self.expires_in = expires_in
        self.count = itertools.count(1)
        server.add_route("POST", TOKEN_PATH, self.handle)

    def handle(self, server: Any, req: Any, match: Any) -> Scripted:
        n = next(self.count)
        return Scripted(json={"access_token": "access-TOKEN-%d" % n, "expires_in": self.expires_in,
                              "token_type": "Bearer"})

    @property
    def exchanges(self) -> List[Any]:
        return [r for r in self.server.requests if r.path == TOKEN_PATH]

    @property
    def api_calls(self) -> List[Any]:
        return [r for r in self.server.requests if r.path != TOKEN_PATH]


@pytest.fixture
def issuer(server: OfflineServer, monkeypatch: pytest.MonkeyPatch) -> Issuer:
    monkeypatch.setattr(auth, "DEFAULT_TOKEN_EXCHANGE_URL", server.root_url + TOKEN_PATH)
    return Issuer(server)


def identity(get_token: Any = lambda: SUBJECT, token_type: str = "jwt", **extra: Any) -> Dict[str, Any]:
    return dict(IDENTITY, provider={"token_type": token_type, "get_token": get_token}, **extra)


def make_client(server: OfflineServer, ident: Any = None, **kwargs: Any) -> openai_lite.OpenAI:
    return openai_lite.OpenAI(workload_identity=ident or identity(), base_url=server.url, **kwargs)


class FakeClock:
    """Stands in for ``time`` inside openai_lite.auth, so expiry is tested without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_exchange_payload_and_bearer_on_the_api_call(server: OfflineServer, issuer: Issuer) -> None:
    with make_client(server) as c:
        assert chat(c).choices[0].message.content
    exchange = issuer.exchanges[0]
    assert exchange.method == "POST"
    assert exchange.headers["Content-Type"] == "application/json"
    assert exchange.headers.get("Authorization") is None
    assert exchange.json() == {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": SUBJECT,
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "identity_provider_id": "idp-123",
        "service_account_id": "sa-456",
    }
    assert issuer.api_calls[0].headers["Authorization"] == "Bearer access-TOKEN-1"


def test_token_is_cached_across_calls_and_threads(server: OfflineServer, issuer: Issuer) -> None:
    subjects = itertools.count(1)
    with make_client(server, identity(lambda: "subject-%d" % next(subjects))) as c:
        barrier = threading.Barrier(8)
        errors: List[BaseException] = []

        def work() -> None:
            try:
                barrier.wait()
                chat(c)
                chat(c)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert len(issuer.exchanges) == 1
    assert len(issuer.api_calls) == 16
    assert {r.headers["Authorization"] for r in issuer.api_calls} == {"Bearer access-TOKEN-1"}


def test_id_token_provider_type(server: OfflineServer, issuer: Issuer) -> None:
    with make_client(server, identity(token_type="id")) as c:
        chat(c)
    assert issuer.exchanges[0].json()["subject_token_type"] == "urn:ietf:params:oauth:token-type:id_token"


def test_refreshed_shortly_before_expiry(server: OfflineServer, issuer: Issuer, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(auth, "time", clock)
    with make_client(server, identity(refresh_buffer_seconds=600)) as c:
        chat(c)
        clock.now += 3600 - 600 - 1  # not yet due
        chat(c)
        assert len(issuer.exchanges) == 1
        clock.now += 2  # inside the buffer: exchanged again before it expires
        chat(c)
    assert len(issuer.exchanges) == 2
    assert [r.headers["Authorization"] for r in issuer.api_calls] == [
        "Bearer access-TOKEN-1", "Bearer access-TOKEN-1", "Bearer access-TOKEN-2"]


def test_buffer_is_at_most_half_the_lifetime(server: OfflineServer, issuer: Issuer,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(auth, "time", clock)
    issuer.expires_in = 600  # default buffer 1200 s > lifetime: refresh at half of it instead
    with make_client(server) as c:
        chat(c)
        clock.now += 299
        chat(c)
        assert len(issuer.exchanges) == 1
        clock.now += 2
        chat(c)
    assert len(issuer.exchanges) == 2


def test_failed_refresh_keeps_the_valid_token_then_raises_once_expired(
        server: OfflineServer, issuer: Issuer, monkeypatch: pytest.MonkeyPatch, caplog: Any) -> None:
    clock = FakeClock()
    monkeypatch.setattr(auth, "time", clock)
    with make_client(server, max_retries=0) as c:
        chat(c)
        clock.now += 3000  # due (buffer 1200 s) but valid until +3600
        server.enqueue(Scripted(status=503, json={"error": "unavailable"}), path=TOKEN_PATH)
        with caplog.at_level(logging.WARNING, logger="openai_lite"):
            chat(c)
        assert issuer.api_calls[-1].headers["Authorization"] == "Bearer access-TOKEN-1"
        assert "refresh failed" in caplog.text
        clock.now += 700  # expired now
        server.enqueue(Scripted(status=503, json={"error": "unavailable"}), path=TOKEN_PATH)
        with pytest.raises(openai_lite.OpenAIError, match="Token exchange failed with status 503"):
            chat(c)
    assert len(issuer.api_calls) == 2


def test_401_exchanges_once_more_and_resends(server: OfflineServer, issuer: Issuer) -> None:
    with make_client(server) as c:
        chat(c)
        server.enqueue(Scripted(status=401, json={"error": {"message": "token revoked"}}), path="/v1/chat/completions")
        assert chat(c).choices[0].message.content
    assert len(issuer.exchanges) == 2
    assert [r.headers["Authorization"] for r in issuer.api_calls] == [
        "Bearer access-TOKEN-1", "Bearer access-TOKEN-1", "Bearer access-TOKEN-2"]
    # the resent request carried the whole body again
    assert issuer.api_calls[2].json() == issuer.api_calls[1].json()


def test_a_second_401_is_the_callers(server: OfflineServer, issuer: Issuer) -> None:
    server.enqueue(Scripted(status=401, json={"error": {"message": "nope"}}, repeat=2), path="/v1/chat/completions")
    with make_client(server) as c:
        with pytest.raises(openai_lite.AuthenticationError) as info:
            chat(c)
    assert len(issuer.api_calls) == 2
    assert len(issuer.exchanges) == 2
    assert "access-TOKEN" not in str(info.value)


def test_retries_are_authenticated(server: OfflineServer, issuer: Issuer) -> None:
    server.enqueue(Scripted(status=500, json={"error": {"message": "boom"}}), path="/v1/chat/completions")
    with make_client(server) as c:
        chat(c)
    assert [r.headers["Authorization"] for r in issuer.api_calls] == ["Bearer access-TOKEN-1"] * 2
    assert len(issuer.exchanges) == 1


def test_refused_exchange_is_oauth_error(server: OfflineServer, issuer: Issuer) -> None:
    server.enqueue(Scripted(status=400, json={"error": "invalid_grant", "error_description": "subject token expired"}),
                   path=TOKEN_PATH)
    with make_client(server) as c:
        with pytest.raises(openai_lite.OAuthError) as info:
            chat(c)
    err = info.value
    assert isinstance(err, openai_lite.AuthenticationError)
    assert err.error == "invalid_grant"
    assert err.status_code == 400
    assert err.message == "subject token expired"
    assert SUBJECT not in repr(err.__dict__)
    clone = pickle.loads(pickle.dumps(err))
    assert clone.error == "invalid_grant"
    assert issuer.api_calls == []


@pytest.mark.parametrize("body,message", [
    ({"expires_in": 3600}, "access_token"),
    ({"access_token": "a", "expires_in": "soon"}, "expires_in"),
    ([1, 2], "not a JSON object"),
])
def test_malformed_exchange_answers_are_named(server: OfflineServer, issuer: Issuer, body: Any, message: str) -> None:
    server.enqueue(Scripted(json=body), path=TOKEN_PATH)
    with make_client(server) as c:
        with pytest.raises(openai_lite.OpenAIError, match=message):
            chat(c)


def test_no_token_in_logs_reprs_or_errors(server: OfflineServer, issuer: Issuer, caplog: Any) -> None:
    with caplog.at_level(logging.DEBUG):  # every logger: urllib3's and requests' too
        with make_client(server) as c:
            chat(c)
            texts = [repr(c), repr(c._credentials), repr(c._credentials.auth), repr(c._options)]
            server.enqueue(Scripted(status=401, json={"error": {"message": "bad"}}, repeat=2),
                           path="/v1/chat/completions")
            with pytest.raises(openai_lite.AuthenticationError) as info:
                chat(c)
            texts.append(str(info.value))
    texts.append(caplog.text)
    assert "workload identity" in caplog.text  # the log did speak about it
    for text in texts:
        assert SUBJECT not in text
        assert "access-TOKEN" not in text


def test_exchange_uses_the_client_connection_settings(server: OfflineServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The client's proxies= apply to the issuer: here the loopback server is the proxy, and the issuer
    # is reached at its (made-up) plain-HTTP name through it.
    monkeypatch.setattr(auth, "DEFAULT_TOKEN_EXCHANGE_URL", "http://issuer.example" + TOKEN_PATH)
    issuer = Issuer(server)
    with make_client(server, proxies={"http": server.root_url}) as c:
        c.models.list()
    assert issuer.exchanges[0].target == "http://issuer.example" + TOKEN_PATH
    assert issuer.api_calls[0].headers["Authorization"] == "Bearer access-TOKEN-1"


def test_custom_authorization_header_wins(server: OfflineServer, issuer: Issuer) -> None:
    with make_client(server) as c:
        chat(c, extra_headers={"Authorization": "Bearer mine"})
    assert issuer.exchanges == []
    assert issuer.api_calls[0].headers["Authorization"] == "Bearer mine"


def test_admin_endpoints_keep_the_admin_key(server: OfflineServer, issuer: Issuer) -> None:
    server.enqueue(Scripted(json={"object": "list", "data": [], "has_more": False}))
    with make_client(server, admin_api_key="sk-admin-KEY") as c:
        list(c.admin.organization.users.list())
    assert issuer.exchanges == []
    assert issuer.api_calls[0].headers["Authorization"] == "Bearer sk-admin-KEY"


def test_constructor_rules() -> None:
    with pytest.raises(openai_lite.OpenAIError, match="mutually exclusive"):
        openai_lite.OpenAI(api_key="sk-x", workload_identity=identity())
    with pytest.raises(openai_lite.OpenAIError, match="get_token"):
        openai_lite.OpenAI(workload_identity=dict(IDENTITY))
    with pytest.raises(openai_lite.OpenAIError, match="service_account_id"):
        openai_lite.OpenAI(workload_identity={"identity_provider_id": "x", "provider": identity()["provider"]})
    with pytest.raises(openai_lite.OpenAIError, match="Unsupported token type"):
        openai_lite.OpenAI(workload_identity=identity(token_type="saml"))
    with pytest.raises(openai_lite.OpenAIError, match="refresh_buffer_seconds"):
        openai_lite.OpenAI(workload_identity=identity(refresh_buffer_seconds=-1))
    # no OPENAI_API_KEY needed
    c = openai_lite.OpenAI(workload_identity=identity())
    assert c.base_url == "https://api.openai.com/v1/"
    assert openai_lite.OpenAI(workload_identity=identity(), data_residency="eu").base_url == "https://eu.api.openai.com/v1/"


def test_x509_identity() -> None:
    ident = auth.x509_workload_identity(identity_provider_id="idp", service_account_id="sa", refresh_buffer_seconds=60)
    assert ident == {"type": "x509", "identity_provider_id": "idp", "service_account_id": "sa",
                     "refresh_buffer_seconds": 60}
    with pytest.raises(openai_lite.OpenAIError, match="client certificate"):
        openai_lite.OpenAI(workload_identity=ident)
    c = openai_lite.OpenAI(workload_identity=ident, cert=("/nonexistent/cert.pem", "/nonexistent/key.pem"))
    assert c.base_url == "https://mtls.api.openai.com/v1/"
    assert c._credentials.auth.token_exchange_url == "https://mtls.auth.openai.com/oauth/token"
    assert openai_lite.OpenAI(workload_identity=ident, cert="/x.pem", data_residency="us").base_url == \
        "https://mtls-us.api.openai.com/v1/"
    with pytest.raises(openai_lite.OpenAIError, match="mTLS endpoint"):
        openai_lite.OpenAI(workload_identity=ident, cert="/x.pem", data_residency="jp")
    with pytest.raises(openai_lite.OpenAIError, match="HTTPS"):
        openai_lite.OpenAI(workload_identity=ident, cert="/x.pem", base_url="http://example.com/v1")


def test_x509_exchange_payload_has_no_subject_token(server: OfflineServer, issuer: Issuer) -> None:
    ident = auth.x509_workload_identity(identity_provider_id="idp", service_account_id="sa")
    token_auth = auth.WorkloadIdentityAuth(workload_identity=ident, token_exchange_url=server.root_url + TOKEN_PATH)
    assert token_auth.get_token() == "access-TOKEN-1"
    assert issuer.exchanges[0].json() == {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token_type": "urn:openai:params:oauth:token-type:x509",
        "identity_provider_id": "idp", "service_account_id": "sa"}


# -- subject-token providers ----------------------------------------------------------------------


def test_k8s_provider_reads_the_file_on_every_exchange(tmp_path: Any) -> None:
    path = tmp_path / "token"
    path.write_text("first-token\n")
    provider = auth.k8s_service_account_token_provider(path)
    assert provider["token_type"] == "jwt"
    assert provider["get_token"]() == "first-token"
    path.write_text("rotated-token")
    assert provider["get_token"]() == "rotated-token"
    path.write_text("  \n")
    with pytest.raises(openai_lite.SubjectTokenProviderError, match="is empty"):
        provider["get_token"]()
    with pytest.raises(openai_lite.SubjectTokenProviderError, match="Failed to read"):
        auth.k8s_service_account_token_provider(tmp_path / "missing")["get_token"]()


def proxied_session(server: OfflineServer) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.proxies = {"http": server.root_url}
    return session


def test_gcp_provider_asks_the_metadata_server(server: OfflineServer) -> None:
    path = "/computeMetadata/v1/instance/service-accounts/default/identity"
    server.enqueue(Scripted(body="gcp-id-token\n"), path=path)
    session = proxied_session(server)
    provider = auth.gcp_id_token_provider(http_client=session)
    assert provider["token_type"] == "id"
    assert provider["get_token"]() == "gcp-id-token"
    req = server.requests[-1]
    assert req.target.startswith("http://metadata.google.internal" + path)
    assert req.query == {"audience": ["https://api.openai.com/v1"]}
    assert req.headers["Metadata-Flavor"] == "Google"
    server.enqueue(Scripted(status=404, body="no"), path=path)
    with pytest.raises(openai_lite.SubjectTokenProviderError, match="HTTP 404") as info:
        provider["get_token"]()
    assert info.value.response.status_code == 404


def test_azure_provider_asks_imds(server: OfflineServer) -> None:
    path = "/metadata/identity/oauth2/token"
    server.enqueue(Scripted(json={"access_token": "azure-mi-token", "expires_in": "3599"}), path=path)
    provider = auth.azure_managed_identity_token_provider(client_id="cid", http_client=proxied_session(server))
    assert provider["token_type"] == "jwt"
    assert provider["get_token"]() == "azure-mi-token"
    req = server.requests[-1]
    assert req.target.startswith("http://169.254.169.254" + path)
    assert req.query == {"api-version": ["2018-02-01"], "resource": ["https://management.azure.com/"],
                         "client_id": ["cid"]}
    assert req.headers["Metadata"] == "true"
    server.enqueue(Scripted(json={"token_type": "Bearer"}), path=path)
    with pytest.raises(openai_lite.SubjectTokenProviderError, match="did not include an access_token"):
        provider["get_token"]()


def test_metadata_unreachable_is_a_provider_error(closed_port: int) -> None:
    session = requests.Session()
    session.trust_env = False
    session.proxies = {"http": "http://127.0.0.1:%d" % closed_port}
    with pytest.raises(openai_lite.SubjectTokenProviderError, match="GCP subject token"):
        auth.gcp_id_token_provider(http_client=session, timeout=5)["get_token"]()


def test_provider_end_to_end_through_the_client(server: OfflineServer, issuer: Issuer) -> None:
    path = "/computeMetadata/v1/instance/service-accounts/default/identity"
    server.enqueue(Scripted(body="gcp-id-token"), path=path)
    ident = dict(IDENTITY, provider=auth.gcp_id_token_provider(http_client=proxied_session(server)))
    with make_client(server, ident) as c:
        chat(c)
    exchange = issuer.exchanges[0].json()
    assert exchange["subject_token"] == "gcp-id-token"
    assert exchange["subject_token_type"] == "urn:ietf:params:oauth:token-type:id_token"


def test_public_names_match_openai() -> None:
    openai_auth = pytest.importorskip("openai.auth")
    assert set(auth.__all__) == set(openai_auth.__all__)


def test_token_due_between_attempts_is_exchanged_inside_the_retry(
        server: OfflineServer, issuer: Issuer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The retry of an API call finds its token due: the exchange runs inside that retry, on its own
    connection (not under the API call's retry policy), and a failing exchange does not hang it."""
    from openai_lite.testing._server import DEFAULT_ROUTES

    clock = FakeClock()
    monkeypatch.setattr(auth, "time", clock)
    boom = Scripted(status=500, json={"error": {"message": "boom"}})
    answers = iter([boom, None, boom, None])  # None: the server's normal answer

    def chat_route(srv: Any, req: Any, match: Any) -> Scripted:
        answer = next(answers)
        if answer is None:
            return DEFAULT_ROUTES[("POST", r"/v1/chat/completions")](srv, req, match)
        clock.now += 2500  # the token (valid 3600 s, due after 2400 s) becomes due before the retry
        return answer

    server.add_route("POST", r"/v1/chat/completions", chat_route)
    with make_client(server) as c:
        chat(c)  # 500 at t+2500; the retry exchanges a new token
        assert [r.headers["Authorization"] for r in issuer.api_calls] == [
            "Bearer access-TOKEN-1", "Bearer access-TOKEN-2"]
        server.enqueue(Scripted(status=503, json={"error": "down"}), path=TOKEN_PATH)
        chat(c)  # 500 again: the retry's exchange fails, the still-valid token is used
    assert [r.headers["Authorization"] for r in issuer.api_calls][2:] == [
        "Bearer access-TOKEN-2", "Bearer access-TOKEN-2"]
    assert len(issuer.exchanges) == 3


def test_copies_share_the_token(server: OfflineServer, issuer: Issuer) -> None:
    with make_client(server) as c:
        chat(c)
        chat(c.with_options(timeout=30))
        chat(c.with_options(max_retries=0).copy(default_headers={"X-A": "1"}))
        assert len(issuer.exchanges) == 1
        other = c.copy(workload_identity=identity(lambda: "another-subject"))
        chat(other)  # another identity: its own token
    assert len(issuer.exchanges) == 2
    assert issuer.exchanges[1].json()["subject_token"] == "another-subject"


def test_client_with_a_platform_provider_pickles(server: OfflineServer, issuer: Issuer, tmp_path: Any) -> None:
    path = tmp_path / "token"
    path.write_text("k8s-subject")
    c = make_client(server, dict(IDENTITY, provider=auth.k8s_service_account_token_provider(path)))
    chat(c)
    clone = pickle.loads(pickle.dumps(c))
    chat(clone)  # its own token cache: one more exchange, with the same identity
    assert [e.json()["subject_token"] for e in issuer.exchanges] == ["k8s-subject", "k8s-subject"]
    for provider in (auth.gcp_id_token_provider(), auth.azure_managed_identity_token_provider()):
        assert pickle.loads(pickle.dumps(provider))["token_type"] == provider["token_type"]


def test_x509_end_to_end_over_mutual_tls(server: OfflineServer, tmp_path: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The issuer and the API both require the client certificate; the exchange shows it and sends no
    subject token, and the API call carries the token it got."""
    from _tls import TLSFront, make_pki, pki_backend

    if pki_backend() is None:
        pytest.skip("needs cryptography, trustme or openssl")
    pki = make_pki(str(tmp_path))
    issuer = Issuer(server)
    with TLSFront(pki, server.port, require_client_cert=True) as front:
        monkeypatch.setattr(auth, "X509_TOKEN_EXCHANGE_URL", front.url().replace("/v1", TOKEN_PATH))
        ident = auth.x509_workload_identity(identity_provider_id="idp", service_account_id="sa")
        with openai_lite.OpenAI(workload_identity=ident, base_url=front.url(), verify=pki.ca_cert,
                                cert=(pki.client_cert, pki.client_key)) as c:
            chat(c)
        assert front.handshake_failures == []
    assert "subject_token" not in issuer.exchanges[0].json()
    assert issuer.api_calls[0].headers["Authorization"] == "Bearer access-TOKEN-1"
