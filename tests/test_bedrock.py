"""Amazon Bedrock (openai_lite.providers.bedrock): endpoints and regions, bearer tokens, SigV4 per attempt.

SigV4 signatures are checked on the loopback server against botocore's own signer, recomputed from the
request as it arrived (skipped where botocore is not installed: the oldest dependency set).
"""
from __future__ import annotations

import hashlib
import itertools
import pickle
import re
import sys
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

import openai_lite
from openai_lite.providers import bedrock
from openai_lite.providers import bedrock as bedrock_factory
from openai_lite.testing import OfflineServer, Scripted

from conftest import chat

bedrock_module = sys.modules["openai_lite.providers.bedrock"]

try:
    import botocore  # noqa: F401

    HAVE_BOTOCORE = True
except ImportError:
    HAVE_BOTOCORE = False

needs_botocore = pytest.mark.skipif(not HAVE_BOTOCORE, reason="botocore is not installed (SigV4 is optional)")

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "session-TOKEN-SECRET"
FILE_JSON = {"id": "file-1", "object": "file", "bytes": 5, "created_at": 1, "filename": "a.txt",
             "purpose": "assistants", "status": "processed"}


@pytest.fixture(autouse=True)
def _no_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_BEARER_TOKEN_BEDROCK", "AWS_BEDROCK_BASE_URL",
                 "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def verify_sigv4(req: Any, secret: str = SECRET_KEY, token: Optional[str] = None) -> Dict[str, str]:
    """Recompute the request's signature with botocore's signer; return the Credential scope parts."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    match = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                     r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", req.headers["Authorization"])
    assert match is not None, "not a SigV4 Authorization header"
    access, date, region, service, signed, signature = match.groups()
    assert req.headers["X-Amz-Date"].startswith(date)
    names = signed.split(";")
    assert "host" in names and "x-amz-date" in names and "x-amz-content-sha256" in names
    headers = {name: req.headers[name] for name in names}
    aws_request = AWSRequest(method=req.method, url="http://%s%s" % (req.headers["Host"], req.target),
                             headers=headers, data=req.body)
    aws_request.context["timestamp"] = req.headers["X-Amz-Date"]
    signer = SigV4Auth(Credentials(access, secret, token), service, region)
    expected = signer.signature(signer.string_to_sign(aws_request, signer.canonical_request(aws_request)), aws_request)
    assert signature == expected, "signature does not match botocore's for the request as received"
    assert req.headers["X-Amz-Content-SHA256"] == hashlib.sha256(req.body or b"").hexdigest()
    if token is not None:
        assert req.headers["X-Amz-Security-Token"] == token
        assert "x-amz-security-token" in names
    return {"access_key": access, "region": region, "service": service}


def client_for(server: OfflineServer, **kwargs: Any) -> openai_lite.OpenAI:
    kwargs.setdefault("region", "us-east-1")
    return openai_lite.OpenAI(provider=bedrock(base_url=server.url, **kwargs))


# -- endpoints and regions -----------------------------------------------------------------------------

ENDPOINTS = [
    ("mantle", "us-east-1", "https://bedrock-mantle.us-east-1.api.aws/openai/v1"),
    ("mantle", "eu-central-1", "https://bedrock-mantle.eu-central-1.api.aws/openai/v1"),
    ("mantle", "cn-north-1", "https://bedrock-mantle.cn-north-1.api.aws/openai/v1"),
    ("runtime", "us-west-2", "https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1"),
    ("runtime", "ap-southeast-2", "https://bedrock-runtime.ap-southeast-2.amazonaws.com/openai/v1"),
    ("runtime", "cn-northwest-1", "https://bedrock-runtime.cn-northwest-1.amazonaws.com.cn/openai/v1"),
    ("runtime", "eusc-de-east-1", "https://bedrock-runtime.eusc-de-east-1.amazonaws.eu/openai/v1"),
    ("runtime", "us-iso-east-1", "https://bedrock-runtime.us-iso-east-1.c2s.ic.gov/openai/v1"),
    ("runtime", "us-isob-east-1", "https://bedrock-runtime.us-isob-east-1.sc2s.sgov.gov/openai/v1"),
    ("runtime", "eu-isoe-west-1", "https://bedrock-runtime.eu-isoe-west-1.cloud.adc-e.uk/openai/v1"),
    ("runtime", "us-isof-south-1", "https://bedrock-runtime.us-isof-south-1.csp.hci.ic.gov/openai/v1"),
    ("runtime", "us-gov-west-1", "https://bedrock-runtime.us-gov-west-1.amazonaws.com/openai/v1"),
]


@pytest.mark.parametrize("endpoint,region,url", ENDPOINTS)
def test_endpoint_table(endpoint: str, region: str, url: str) -> None:
    c = openai_lite.OpenAI(provider=bedrock(endpoint=endpoint, region=region, api_key="k"))  # type: ignore[arg-type]
    assert c.base_url == url + "/"
    assert bedrock_module.parse_endpoint_host(url.split("/")[2]) == (endpoint, region)


def test_endpoint_table_matches_the_official_provider() -> None:
    official = pytest.importorskip("openai.providers.bedrock")
    official_module = sys.modules["openai.providers.bedrock"]
    for endpoint, region, _ in ENDPOINTS:
        assert bedrock_module.default_base_url(endpoint, region) == \
            str(official_module._default_bedrock_base_url(endpoint, region)).rstrip("/")
    hosts = ["bedrock-mantle.us-east-1.api.aws", "bedrock-runtime-fips.us-east-1.amazonaws.com",
             "bedrock-runtime.cn-north-1.amazonaws.com.cn", "bedrock-runtime.cn-north-1.amazonaws.com",
             "bedrock-mantle.us-east-1.amazonaws.com", "bedrock-runtime.us-east-1.api.aws", "example.com",
             "bedrock-mantle.not_a_region.api.aws", "BEDROCK-MANTLE.US-WEST-2.API.AWS."]
    for host in hosts:
        got = bedrock_module.parse_endpoint_host(host)
        assert got == official_module._parse_bedrock_endpoint_hostname(host), host
    assert official is not None


def test_region_from_environment_and_endpoint_from_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    assert openai_lite.OpenAI(provider=bedrock(api_key="k")).base_url == \
        "https://bedrock-mantle.eu-west-3.api.aws/openai/v1/"
    monkeypatch.setenv("AWS_REGION", "ap-northeast-1")  # AWS_REGION first
    assert openai_lite.OpenAI(provider=bedrock(api_key="k", endpoint="runtime")).base_url == \
        "https://bedrock-runtime.ap-northeast-1.amazonaws.com/openai/v1/"
    # the endpoint family follows a canonical host name; a pasted /responses suffix is dropped
    url = "https://bedrock-runtime.ap-northeast-1.amazonaws.com/openai/v1/responses"
    p = bedrock(api_key="k", base_url=url)
    assert p.endpoint == "runtime"  # type: ignore[attr-defined]
    assert openai_lite.OpenAI(provider=p).base_url == "https://bedrock-runtime.ap-northeast-1.amazonaws.com/openai/v1/"
    monkeypatch.setenv("AWS_BEDROCK_BASE_URL", "https://bedrock-mantle.ap-northeast-1.api.aws/openai/v1")
    assert openai_lite.OpenAI(provider=bedrock(api_key="k")).base_url == \
        "https://bedrock-mantle.ap-northeast-1.api.aws/openai/v1/"
    assert openai_lite.OpenAI(provider=bedrock(api_key="k", base_url=None)).base_url == \
        "https://bedrock-mantle.ap-northeast-1.api.aws/openai/v1/"


@pytest.mark.parametrize("kwargs,message", [
    ({"api_key": "k"}, "requires an AWS region"),
    ({"api_key": "k", "region": "us_east_1"}, "region` is invalid"),
    ({"api_key": "k", "region": "  "}, "must not be empty"),
    ({"api_key": "k", "endpoint": "edge", "region": "us-east-1"}, "`mantle` or `runtime`"),
    ({"api_key": "k", "region": "us-east-1", "base_url": "https://bedrock-mantle.us-west-2.api.aws/openai/v1"},
     "does not match the configured AWS region"),
    ({"api_key": "k", "base_url": "http://bedrock-mantle.us-west-2.api.aws/openai/v1"}, "require HTTPS"),
    ({"api_key": "k", "endpoint": "mantle", "base_url": "https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1"},
     "endpoint='runtime'"),
    ({"api_key": "k", "token_provider": lambda: "t", "region": "us-east-1"}, "mutually exclusive"),
    ({"api_key": "", "region": "us-east-1"}, "must not be empty"),
    ({"access_key_id": "a", "region": "us-east-1"}, "require both"),
    ({"access_key_id": "a", "secret_access_key": "s", "profile": "p", "region": "us-east-1"}, "ambiguous"),
    ({"api_key": "k", "profile": "p", "region": "us-east-1"}, "ambiguous"),
])
def test_bad_settings_are_named(kwargs: Dict[str, Any], message: str) -> None:
    with pytest.raises(openai_lite.OpenAIError, match=message):
        openai_lite.OpenAI(provider=bedrock(**kwargs))


def test_provider_excludes_top_level_auth_and_url(monkeypatch: pytest.MonkeyPatch) -> None:
    p = bedrock(region="us-east-1", api_key="k")
    with pytest.raises(openai_lite.OpenAIError, match=r"`api_key`, `base_url`.*bedrock\(\.\.\.\)"):
        openai_lite.OpenAI(provider=p, api_key="sk-x", base_url="https://example.com")
    with pytest.raises(openai_lite.OpenAIError, match="data_residency"):
        openai_lite.OpenAI(provider=p, data_residency="eu")
    with pytest.raises(openai_lite.OpenAIError, match="provider factory"):
        openai_lite.OpenAI(provider=object())
    # no OPENAI_API_KEY needed; OPENAI_BASE_URL does not apply
    monkeypatch.setenv("OPENAI_BASE_URL", "https://elsewhere.example/v1")
    assert openai_lite.OpenAI(provider=p).base_url.startswith("https://bedrock-mantle.us-east-1.api.aws/")


def test_provider_hides_its_credentials() -> None:
    p = bedrock(region="us-east-1", access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY, session_token=SESSION_TOKEN)
    text = repr(p) + repr(vars(p))
    assert SECRET_KEY not in text and SESSION_TOKEN not in text
    # a pickle (a client sent to a worker process) carries the keys scrambled, and they come back whole
    blob = pickle.dumps(p)
    assert SECRET_KEY.encode() not in blob and SESSION_TOKEN.encode() not in blob
    assert pickle.loads(blob)._BedrockProvider__settings["static"] == (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)


def test_client_with_bearer_provider_pickles(server: OfflineServer) -> None:
    c = client_for(server, api_key="bedrock-KEY-123")
    blob = pickle.dumps(c)
    assert b"bedrock-KEY-123" not in blob
    clone = pickle.loads(blob)
    chat(clone)
    assert server.requests[-1].headers["Authorization"] == "Bearer bedrock-KEY-123"


# -- bearer tokens -------------------------------------------------------------------------------------


def test_bearer_api_key(server: OfflineServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-should-not-go")
    with client_for(server, api_key="bedrock-KEY") as c:
        assert chat(c).choices[0].message.content
    req = server.requests[-1]
    assert req.headers["Authorization"] == "Bearer bedrock-KEY"
    assert req.headers.get("OpenAI-Organization") is None


def test_environment_token_is_read_on_every_attempt(server: OfflineServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "env-token-1")
    with client_for(server) as c:
        chat(c)
        monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "env-token-2")
        chat(c)
        monkeypatch.delenv("AWS_BEARER_TOKEN_BEDROCK")
        with pytest.raises(openai_lite.OpenAIError, match="AWS_BEARER_TOKEN_BEDROCK"):
            chat(c)
    assert [r.headers["Authorization"] for r in server.requests] == ["Bearer env-token-1", "Bearer env-token-2"]


def test_token_provider_is_called_per_attempt_including_retries(server: OfflineServer) -> None:
    tokens = ("tok-%d" % n for n in itertools.count(1))
    server.enqueue(Scripted(status=500, json={"error": {"message": "boom"}}), path="/v1/chat/completions")
    with client_for(server, token_provider=lambda: next(tokens)) as c:
        chat(c)
    assert [r.headers["Authorization"] for r in server.requests] == ["Bearer tok-1", "Bearer tok-2"]


def test_token_provider_failures_are_named(server: OfflineServer) -> None:
    def broken() -> str:
        raise RuntimeError("secret-detail")

    with client_for(server, token_provider=broken) as c:
        with pytest.raises(openai_lite.OpenAIError, match="Failed to resolve a bearer credential") as info:
            chat(c)
    assert "secret-detail" not in str(info.value)
    with client_for(server, token_provider=lambda: "") as c:
        with pytest.raises(openai_lite.OpenAIError, match="non-empty string"):
            chat(c)
    assert server.requests == []


def test_refuses_other_origins_and_custom_authorization(server: OfflineServer, closed_port: int) -> None:
    with client_for(server, api_key="bedrock-KEY") as c:
        with pytest.raises(openai_lite.OpenAIError, match="origin other than the configured provider URL"):
            c.get("http://127.0.0.1:%d/v1/models" % closed_port, cast_to=object)
        with pytest.raises(openai_lite.OpenAIError, match="custom `Authorization` header"):
            chat(c, extra_headers={"Authorization": "Bearer mine"})
    assert server.requests == []


def test_sigv4_without_botocore_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("botocore", "botocore.auth", "botocore.awsrequest", "botocore.credentials", "botocore.session"):
        monkeypatch.setitem(sys.modules, name, None)  # as if not installed
    with pytest.raises(openai_lite.OpenAIError, match=r"openai_lite\[bedrock\]"):
        openai_lite.OpenAI(provider=bedrock(region="us-east-1", access_key_id="a", secret_access_key="s"))
    # bearer tokens need nothing more
    assert openai_lite.OpenAI(provider=bedrock(region="us-east-1", api_key="k")).base_url


# -- SigV4 ---------------------------------------------------------------------------------------------


@needs_botocore
def test_sigv4_static_credentials(server: OfflineServer) -> None:
    with client_for(server, access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY, session_token=SESSION_TOKEN) as c:
        chat(c)
        c.models.list()
    scope = verify_sigv4(server.requests[0], token=SESSION_TOKEN)
    assert scope == {"access_key": ACCESS_KEY, "region": "us-east-1", "service": "bedrock-mantle"}
    verify_sigv4(server.requests[1], token=SESSION_TOKEN)  # a GET: empty body, its own hash
    assert server.requests[1].method == "GET"


@needs_botocore
def test_sigv4_runtime_signing_name(server: OfflineServer) -> None:
    with client_for(server, endpoint="runtime", region="eu-west-1", access_key_id=ACCESS_KEY,
                    secret_access_key=SECRET_KEY) as c:
        chat(c, extra_query={"b": "2", "a": "x y"})
    scope = verify_sigv4(server.requests[0])
    assert scope["service"] == "bedrock" and scope["region"] == "eu-west-1"


@needs_botocore
def test_sigv4_signs_every_attempt(server: OfflineServer) -> None:
    from botocore.credentials import Credentials

    keys = ("AKID%d" % n for n in itertools.count(1))
    server.enqueue(Scripted(status=503, json={"error": {"message": "busy"}}), path="/v1/chat/completions")
    with client_for(server, credential_provider=lambda: Credentials(next(keys), SECRET_KEY)) as c:
        chat(c)
    assert [verify_sigv4(r)["access_key"] for r in server.requests] == ["AKID1", "AKID2"]


@needs_botocore
def test_sigv4_streamed_upload_retried(server: OfflineServer, tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b'{"x": 1}\n' * 50000)  # sent streamed from disk, hashed by reading it through
    server.enqueue(Scripted(status=500, json={"error": {"message": "boom"}}), path="/v1/files")
    server.enqueue(Scripted(json=FILE_JSON), path="/v1/files")
    with client_for(server, access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY) as c:
        assert c.files.create(file=path, purpose="assistants").id == "file-1"
    first, second = server.requests
    assert first.body == second.body and len(first.body) > 450000
    verify_sigv4(first)
    verify_sigv4(second)


@needs_botocore
def test_sigv4_default_chain_as_on_lambda(server: OfflineServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The Lambda runtime puts the function role's credentials in the environment.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ASIALAMBDA")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    with openai_lite.OpenAI(provider=bedrock(base_url=server.url)) as c:
        chat(c)
    scope = verify_sigv4(server.requests[0], token=SESSION_TOKEN)
    assert scope == {"access_key": "ASIALAMBDA", "region": "us-west-2", "service": "bedrock-mantle"}


@needs_botocore
def test_sigv4_region_from_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.write_text("[profile team]\nregion = eu-north-1\naws_access_key_id = AKIDTEAM\n"
                      "aws_secret_access_key = %s\n" % SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    c = openai_lite.OpenAI(provider=bedrock(profile="team"))
    assert c.base_url == "https://bedrock-mantle.eu-north-1.api.aws/openai/v1/"


@needs_botocore
def test_sigv4_no_credentials_is_named(server: OfflineServer) -> None:
    with client_for(server) as c:  # no bearer, no keys anywhere, instance metadata disabled
        with pytest.raises(openai_lite.OpenAIError, match="Could not find credentials for Bedrock"):
            chat(c)
    assert server.requests == []


@needs_botocore
def test_redirect_to_another_host_drops_the_signature(server: OfflineServer) -> None:
    with OfflineServer() as other:
        other.enqueue(Scripted(json={"object": "list", "data": []}))
        server.enqueue(Scripted(status=307, headers={"Location": other.url + "/models"}), path="/v1/models")
        with client_for(server, access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY,
                        session_token=SESSION_TOKEN) as c:
            c.models.list()
        moved = other.requests[0]
        assert moved.headers.get("Authorization") is None
        assert moved.headers.get("X-Amz-Security-Token") is None


def test_public_names_match_openai() -> None:
    pytest.importorskip("openai.providers.bedrock")
    official = sys.modules["openai.providers.bedrock"]
    assert set(bedrock_module.__all__) == set(official.__all__)
    assert bedrock_factory is bedrock


# -- the legacy BedrockOpenAI class and the module-level client ------------------------------------------


def test_legacy_bedrock_client_bearer(server: OfflineServer) -> None:
    from openai_lite import BedrockOpenAI

    with BedrockOpenAI(aws_region="us-west-2", api_key="legacy-KEY", base_url=server.url) as c:
        chat(c)
        assert c.aws_region == "us-west-2"
        assert c.with_options(max_retries=0).aws_region == "us-west-2"
        assert pickle.loads(pickle.dumps(c)).aws_region == "us-west-2"
    assert server.requests[0].headers["Authorization"] == "Bearer legacy-KEY"
    tokens = iter(["t1", "t2"])
    with BedrockOpenAI(aws_region="us-west-2", bedrock_token_provider=lambda: next(tokens), base_url=server.url) as c:
        chat(c)
        chat(c)
    assert [r.headers["Authorization"] for r in server.requests[1:]] == ["Bearer t1", "Bearer t2"]
    assert BedrockOpenAI(api_key="k", aws_region="eu-west-1").base_url == \
        "https://bedrock-mantle.eu-west-1.api.aws/openai/v1/"
    assert BedrockOpenAI(api_key="k", base_url="https://bedrock-runtime.ap-south-1.amazonaws.com/openai/v1").aws_region \
        == "ap-south-1"
    with pytest.raises(openai_lite.OpenAIError, match="bedrock_token_provider"):
        BedrockOpenAI(api_key=lambda: "x", aws_region="us-east-1")  # type: ignore[arg-type]


@needs_botocore
def test_legacy_bedrock_client_sigv4(server: OfflineServer) -> None:
    from openai_lite import BedrockOpenAI

    with BedrockOpenAI(aws_region="us-west-2", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                       base_url=server.url) as c:
        chat(c)
    assert verify_sigv4(server.requests[0])["region"] == "us-west-2"


def test_async_bedrock_client_says_why() -> None:
    from openai_lite import AsyncBedrockOpenAI

    with pytest.raises(openai_lite.OpenAIError, match="synchronous"):
        AsyncBedrockOpenAI(aws_region="us-east-1")


def test_module_client_amazon_bedrock(server: OfflineServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from openai_lite import _module_client

    monkeypatch.setenv("AWS_REGION", "us-east-2")
    monkeypatch.setattr(openai_lite, "api_type", "amazon-bedrock")
    monkeypatch.setattr(openai_lite, "base_url", server.url)
    monkeypatch.setattr(openai_lite, "bedrock_token_provider", lambda: "module-token")
    try:
        openai_lite.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    finally:
        _module_client.reset()
    assert server.requests[0].headers["Authorization"] == "Bearer module-token"


def test_no_secret_in_logs(server: OfflineServer, caplog: Any) -> None:
    import logging

    kwargs: Dict[str, Any] = {"token_provider": lambda: "bearer-SECRET-123"}
    with caplog.at_level(logging.DEBUG):
        with client_for(server, **kwargs) as c:
            chat(c)
        if HAVE_BOTOCORE:
            with client_for(server, access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY,
                            session_token=SESSION_TOKEN) as c:
                chat(c)
    assert "Request: POST" in caplog.text
    for secret in ("bearer-SECRET-123", SECRET_KEY, SESSION_TOKEN):
        assert secret not in caplog.text
