"""The constructor keywords of the pinned openai release: data_residency, _enforce_credentials, the
copy() keywords, and AzureOpenAI's — supported, or refused with an error that says why."""
from __future__ import annotations

import inspect

import pytest

import openai_lite
from openai_lite import AzureOpenAI, OpenAI
from openai_lite.providers import bedrock
from openai_lite.testing import OfflineServer, Scripted

from conftest import API_KEY, chat

RESIDENCY = {
    "global": "https://api.openai.com/v1/", "us": "https://us.api.openai.com/v1/",
    "eu": "https://eu.api.openai.com/v1/", "ae": "https://ae.api.openai.com/v1/",
    "au": "https://au.api.openai.com/v1/", "in": "https://in.api.openai.com/v1/",
    "jp": "https://jp.api.openai.com/v1/",
}


@pytest.mark.parametrize("region,url", sorted(RESIDENCY.items()))
def test_data_residency_selects_the_regional_endpoint(region: str, url: str) -> None:
    c = OpenAI(api_key=API_KEY, data_residency=region)
    assert c.base_url == url
    assert c.copy(timeout=5).base_url == url


def test_data_residency_beats_the_environment_and_excludes_explicit_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://proxy.example/v1")
    assert OpenAI(api_key=API_KEY, data_residency="eu").base_url == RESIDENCY["eu"]
    with pytest.raises(ValueError, match="`data_residency` and `base_url`"):
        OpenAI(api_key=API_KEY, data_residency="eu", base_url="https://x.example/v1")
    with pytest.raises(ValueError, match="`data_residency` and `websocket_base_url`"):
        OpenAI(api_key=API_KEY, data_residency="eu", websocket_base_url="wss://x.example/v1")
    with pytest.raises(ValueError, match="Invalid `data_residency` 'mars'"):
        OpenAI(api_key=API_KEY, data_residency="mars")
    with pytest.raises(openai_lite.OpenAIError, match="`data_residency` and `provider`"):
        OpenAI(data_residency="eu", provider=bedrock(region="us-east-1", api_key="k"))


def test_copy_with_data_residency_and_back_to_a_base_url() -> None:
    c = OpenAI(api_key=API_KEY, websocket_base_url="wss://ws.example/v1")
    eu = c.with_options(data_residency="eu")
    assert eu.base_url == RESIDENCY["eu"]
    assert eu.websocket_base_url is None  # the regional endpoint replaces the inherited one
    assert c.base_url == RESIDENCY["global"]  # the original is unchanged
    assert eu.copy(base_url="https://proxy.example/v1").base_url == "https://proxy.example/v1/"
    with pytest.raises(ValueError, match="mutually exclusive"):
        c.copy(data_residency="eu", base_url="https://x.example/v1")


def test_copy_switches_between_key_workload_identity_and_provider(server: OfflineServer) -> None:
    ident = {"identity_provider_id": "idp", "service_account_id": "sa",
             "provider": {"token_type": "jwt", "get_token": lambda: "subject"}}
    c = OpenAI(api_key=API_KEY, base_url=server.url)
    wi = c.copy(workload_identity=ident)
    assert wi._options.workload_identity == ident and wi._options.api_key is None
    back = wi.copy(api_key="sk-other")
    assert back._options.workload_identity is None
    chat(back)
    assert server.requests[-1].headers["Authorization"] == "Bearer sk-other"
    with pytest.raises(openai_lite.OpenAIError, match="mutually exclusive"):
        c.copy(api_key="sk-x", workload_identity=ident)

    on_bedrock = c.copy(provider=bedrock(base_url=server.url, region="us-east-1", api_key="bedrock-key"))
    chat(on_bedrock)
    assert server.requests[-1].headers["Authorization"] == "Bearer bedrock-key"
    chat(on_bedrock.with_options(max_retries=0))  # a copy keeps the provider
    assert server.requests[-1].headers["Authorization"] == "Bearer bedrock-key"
    with pytest.raises(openai_lite.OpenAIError, match="`provider` cannot be combined with `base_url`"):
        on_bedrock.copy(base_url="https://x.example/v1")
    off = on_bedrock.copy(provider=None, api_key="sk-again")
    assert off.base_url == RESIDENCY["global"]
    with pytest.raises(TypeError, match="_extra_kwargs: surprise"):
        c.copy(_extra_kwargs={"surprise": 1})


def test_enforce_credentials_false_sends_no_authorization(server: OfflineServer) -> None:
    with pytest.raises(openai_lite.OpenAIError, match="api_key"):
        OpenAI(base_url=server.url)
    with OpenAI(base_url=server.url, _enforce_credentials=False, default_headers={"X-Gateway-Key": "g"}) as c:
        chat(c)
    req = server.requests[-1]
    assert req.headers.get("Authorization") is None
    assert req.headers["X-Gateway-Key"] == "g"


def test_azure_keywords(server: OfflineServer) -> None:
    with pytest.raises(openai_lite.OpenAIError, match="workload_identity is not supported by AzureOpenAI"):
        AzureOpenAI(api_key="k", api_version="2024-10-21", azure_endpoint="https://r.example",
                    workload_identity={"identity_provider_id": "i", "service_account_id": "s"})
    c = AzureOpenAI(api_key="k", admin_api_key="sk-admin", api_version="2024-10-21", azure_endpoint=server.root_url)
    assert c.admin_api_key == "sk-admin"
    with pytest.raises(openai_lite.OpenAIError, match="only supported by OpenAI clients"):
        c.with_options(data_residency="eu")
    with pytest.raises(openai_lite.OpenAIError, match="not on `AzureOpenAI.with_options"):
        c.with_options(provider=bedrock(region="us-east-1", api_key="k"))
    bare = AzureOpenAI(api_version="2024-10-21", azure_endpoint=server.root_url, _enforce_credentials=False)
    server.enqueue(Scripted(json={"object": "list", "data": []}))
    bare.models.list()
    req = server.requests[-1]
    assert req.headers.get("api-key") is None and req.headers.get("Authorization") is None


def test_every_keyword_of_the_pinned_release_is_accepted() -> None:
    openai = pytest.importorskip("openai")
    from openai.lib.azure import AzureOpenAI as OfficialAzure

    for ours, theirs in ((OpenAI.__init__, openai.OpenAI.__init__), (OpenAI.copy, openai.OpenAI.copy),
                         (AzureOpenAI.__init__, OfficialAzure.__init__)):
        missing = set(inspect.signature(theirs).parameters) - set(inspect.signature(ours).parameters)
        assert missing == set(), (ours.__qualname__, missing)
