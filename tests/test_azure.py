"""AzureOpenAI: URLs, deployments, api-version, credentials (key, AD token, token provider)."""
from __future__ import annotations

import pickle

import pytest

from conftest import CHAT
from openai_lite import AzureOpenAI, InternalServerError, OpenAIError
from openai_lite.testing import Scripted

VERSION = "2024-10-21"
AZURE_KEY = "azure-KEY-0123456789abcdef"
AD_TOKEN = "eyJ-AD-TOKEN-abcdef0123456789"
OK = {"id": "chatcmpl-az", "object": "chat.completion", "choices": []}


def answer(server, path, times=1):
    for _ in range(times):
        server.enqueue(Scripted(json=OK), path=path)


def test_endpoint_and_deployment_routing(server):
    client = AzureOpenAI(azure_endpoint=server.root_url + "/", api_version=VERSION, api_key=AZURE_KEY)
    assert client.base_url == server.root_url + "/openai/"
    assert client.api_version == VERSION
    answer(server, "/openai/deployments/gpt-4o-mini/chat/completions")
    assert client.chat.completions.create(**CHAT).id == "chatcmpl-az"
    req = server.last_request
    assert req.path == "/openai/deployments/gpt-4o-mini/chat/completions"
    assert req.query == {"api-version": [VERSION]}
    assert req.json()["model"] == "gpt-4o-mini"
    # endpoints that are not per deployment keep their path
    server.enqueue(Scripted(json={"object": "list", "data": []}), path="/openai/models")
    client.models.list()
    assert server.last_request.path == "/openai/models"
    assert server.last_request.query == {"api-version": [VERSION]}
    answer(server, "/openai/deployments/emb/embeddings")
    client.embeddings.create(model="emb", input="x")
    assert server.last_request.path == "/openai/deployments/emb/embeddings"
    client.close()


def test_azure_deployment_in_the_base_url(server):
    client = AzureOpenAI(azure_endpoint=server.root_url, azure_deployment="my-dep", api_version=VERSION,
                         api_key=AZURE_KEY)
    assert client.base_url == server.root_url + "/openai/deployments/my-dep/"
    answer(server, "/openai/deployments/my-dep/chat/completions")
    client.chat.completions.create(**CHAT)  # the model does not change the URL
    assert server.last_request.path == "/openai/deployments/my-dep/chat/completions"
    client.close()


def test_api_version_on_every_call_including_retries(server):
    client = AzureOpenAI(azure_endpoint=server.root_url, api_version=VERSION, api_key=AZURE_KEY,
                         default_query={"extra": "1"})
    server.enqueue(Scripted.error(500, "boom", headers={"retry-after-ms": "1"}))
    answer(server, "/openai/deployments/gpt-4o-mini/chat/completions", times=2)
    client.chat.completions.create(**CHAT)
    client.chat.completions.create(extra_query={"more": "2"}, **CHAT)
    queries = [r.query for r in server.requests]
    assert len(queries) == 3
    assert all(q["api-version"] == [VERSION] for q in queries)
    assert queries[0] == queries[1] == {"api-version": [VERSION], "extra": ["1"]}
    assert queries[2] == {"api-version": [VERSION], "extra": ["1"], "more": ["2"]}
    client.close()


def test_api_key_from_environment_sent_as_api_key_header(server, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", AZURE_KEY)
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.root_url)
    monkeypatch.setenv("OPENAI_API_VERSION", VERSION)
    client = AzureOpenAI()
    answer(server, "/openai/deployments/gpt-4o-mini/chat/completions")
    client.chat.completions.create(**CHAT)
    req = server.last_request
    assert req.headers.get("api-key") == AZURE_KEY
    assert req.headers.get("Authorization") is None
    assert req.query == {"api-version": [VERSION]}
    assert AZURE_KEY not in repr(client)
    client.close()


def test_ad_token_sent_as_bearer(server, monkeypatch):
    client = AzureOpenAI(azure_endpoint=server.root_url, api_version=VERSION, azure_ad_token=AD_TOKEN)
    answer(server, "/openai/deployments/gpt-4o-mini/chat/completions")
    client.chat.completions.create(**CHAT)
    req = server.last_request
    assert req.headers.get("Authorization") == "Bearer " + AD_TOKEN
    assert req.headers.get("api-key") is None
    client.close()
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "env-token")
    client = AzureOpenAI(azure_endpoint=server.root_url, api_version=VERSION)
    answer(server, "/openai/deployments/gpt-4o-mini/chat/completions")
    client.chat.completions.create(**CHAT)
    assert server.last_request.headers.get("Authorization") == "Bearer env-token"
    client.close()


def test_ad_token_provider_called_on_every_attempt(server):
    calls = []

    def provider():
        calls.append(1)
        return "token-%d" % len(calls)

    client = AzureOpenAI(azure_endpoint=server.root_url, api_version=VERSION, azure_ad_token_provider=provider)
    server.enqueue(Scripted.error(503, "busy", headers={"retry-after-ms": "1"}, repeat=2))
    answer(server, "/openai/deployments/gpt-4o-mini/chat/completions", times=2)
    client.chat.completions.create(**CHAT)
    assert len(calls) == 3
    assert [r.headers.get("Authorization") for r in server.requests] == [
        "Bearer token-1", "Bearer token-2", "Bearer token-3"]
    assert all(r.headers.get("api-key") is None for r in server.requests)
    client.chat.completions.create(**CHAT)
    assert len(calls) == 4 and server.last_request.headers.get("Authorization") == "Bearer token-4"
    client.close()


def test_ad_token_provider_on_broken_body_retries(server):
    calls = []

    def provider():
        calls.append(1)
        return "token-%d" % len(calls)

    client = AzureOpenAI(azure_endpoint=server.root_url, api_version=VERSION, azure_ad_token_provider=provider)
    server.enqueue(Scripted(json=OK, fault="reset_mid_body"), path="/openai/deployments/gpt-4o-mini/chat/completions")
    answer(server, "/openai/deployments/gpt-4o-mini/chat/completions")
    client.chat.completions.create(**CHAT)
    assert [r.headers.get("Authorization") for r in server.requests] == ["Bearer token-1", "Bearer token-2"]
    client.close()


def test_ad_token_provider_exhausted(server):
    client = AzureOpenAI(azure_endpoint=server.root_url, api_version=VERSION,
                         azure_ad_token_provider=lambda: "tok")
    server.enqueue(Scripted.error(500, "boom", headers={"retry-after-ms": "1"}, repeat=3))
    with pytest.raises(InternalServerError):
        client.chat.completions.create(**CHAT)
    assert len(server.requests) == 3
    client.close()


def test_missing_api_version():
    with pytest.raises(ValueError) as info:
        AzureOpenAI(azure_endpoint="https://example.openai.azure.com", api_key=AZURE_KEY)
    assert "api_version" in str(info.value) and "OPENAI_API_VERSION" in str(info.value)


def test_base_url_and_azure_endpoint_are_exclusive():
    with pytest.raises(ValueError):
        AzureOpenAI(azure_endpoint="https://example.openai.azure.com", base_url="https://example.com/openai",
                    api_version=VERSION, api_key=AZURE_KEY)


def test_missing_endpoint():
    with pytest.raises(ValueError) as info:
        AzureOpenAI(api_version=VERSION, api_key=AZURE_KEY)
    assert "azure_endpoint" in str(info.value)


def test_missing_credentials():
    with pytest.raises(OpenAIError) as info:
        AzureOpenAI(azure_endpoint="https://example.openai.azure.com", api_version=VERSION)
    assert "AZURE_OPENAI_API_KEY" in str(info.value)


def test_base_url_form(server):
    client = AzureOpenAI(base_url=server.root_url + "/openai/deployments/dep", api_version=VERSION,
                         api_key=AZURE_KEY)
    answer(server, "/openai/deployments/dep/chat/completions")
    client.chat.completions.create(**CHAT)
    assert server.last_request.path == "/openai/deployments/dep/chat/completions"
    client.close()


def test_copies_keep_azure_settings(server):
    client = AzureOpenAI(azure_endpoint=server.root_url, api_version=VERSION, api_key=AZURE_KEY)
    copy = client.with_options(max_retries=0)
    assert isinstance(copy, AzureOpenAI) and copy.api_version == VERSION
    server.enqueue(Scripted.error(500, "boom"))
    with pytest.raises(InternalServerError):
        copy.chat.completions.create(**CHAT)
    assert len(server.requests) == 1
    req = server.last_request
    assert req.path == "/openai/deployments/gpt-4o-mini/chat/completions"
    assert req.query == {"api-version": [VERSION]} and req.headers.get("api-key") == AZURE_KEY
    client.close()


def test_azure_client_pickles_without_exposing_secrets(server):
    client = AzureOpenAI(azure_endpoint=server.root_url, api_version=VERSION, api_key=AZURE_KEY)
    data = pickle.dumps(client)
    assert AZURE_KEY.encode() not in data
    clone = pickle.loads(data)
    answer(server, "/openai/deployments/gpt-4o-mini/chat/completions")
    clone.chat.completions.create(**CHAT)
    assert server.last_request.headers.get("api-key") == AZURE_KEY
    token_client = AzureOpenAI(azure_endpoint=server.root_url, api_version=VERSION, azure_ad_token=AD_TOKEN)
    data = pickle.dumps(token_client)
    assert AD_TOKEN.encode() not in data
    assert pickle.loads(data)._azure_ad_token == AD_TOKEN
    for c in (client, clone, token_client):
        c.close()


def test_unsendable_azure_credentials_fail_before_sending(server):
    for kwargs in ({"api_key": "azure-secret\n"}, {"azure_ad_token": "secret-token\r\n"},
                   {"azure_ad_token_provider": lambda: "secret-token\n"}):
        client = AzureOpenAI(azure_endpoint=server.root_url, api_version=VERSION, **kwargs)
        with pytest.raises(OpenAIError) as info:
            client.chat.completions.create(**CHAT)
        assert "secret" not in str(info.value)
        client.close()
    assert server.requests == []


def test_token_provider_error_on_a_retry_is_raised_as_is(server):
    calls = []

    def provider():
        calls.append(1)
        if len(calls) > 1:
            raise LookupError("identity endpoint unavailable")
        return "token"

    client = AzureOpenAI(azure_endpoint=server.root_url, api_version=VERSION, azure_ad_token_provider=provider)
    server.enqueue(Scripted.error(503, "busy", headers={"retry-after-ms": "1"}))
    with pytest.raises(LookupError):
        client.chat.completions.create(**CHAT)
    assert len(server.requests) == 1
    client.close()
