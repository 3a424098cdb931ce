"""Google Vertex AI (openai_lite.providers.vertex): endpoint derivation, a token per attempt, refusals."""
from __future__ import annotations

import itertools
import sys
import pytest

import openai_lite
from openai_lite import OpenAI
from openai_lite.providers import vertex
from openai_lite.testing import OfflineServer, Scripted

from conftest import chat


@pytest.fixture(autouse=True)
def _no_google_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION", "GOOGLE_APPLICATION_CREDENTIALS"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("location,host", [
    ("us-central1", "us-central1-aiplatform.googleapis.com"),
    ("europe-west4", "europe-west4-aiplatform.googleapis.com"),
    ("global", "aiplatform.googleapis.com"),
])
def test_endpoint_from_project_and_location(location: str, host: str) -> None:
    c = OpenAI(provider=vertex(project="my-proj", location=location, token_provider=lambda: "t"))
    assert c.base_url == "https://%s/v1/projects/my-proj/locations/%s/publishers/openai/v1/" % (host, location)


def test_endpoint_matches_the_official_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("openai.providers.vertex")
    import openai

    for location in ("us-central1", "global"):
        ours = OpenAI(provider=vertex(project="p-1", location=location, token_provider=lambda: "t")).base_url
        theirs = openai.OpenAI(provider=sys.modules["openai.providers.vertex"].vertex(
            project="p-1", location=location, token_provider=lambda: "t")).base_url
        assert ours == str(theirs)


def test_environment_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(openai_lite.OpenAIError, match="project ID"):
        vertex(token_provider=lambda: "t")
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "env-proj")
    with pytest.raises(openai_lite.OpenAIError, match="location"):
        vertex(token_provider=lambda: "t")
    monkeypatch.setenv("GOOGLE_CLOUD_LOCATION", "asia-east1")
    assert "/projects/env-proj/locations/asia-east1/" in OpenAI(provider=vertex(token_provider=lambda: "t")).base_url
    with pytest.raises(openai_lite.OpenAIError, match="only one of credentials and token_provider"):
        vertex(token_provider=lambda: "t", credentials=object())
    with pytest.raises(openai_lite.OpenAIError, match="require HTTPS"):
        vertex(base_url="http://us-central1-aiplatform.googleapis.com/v1", token_provider=lambda: "t")
    with pytest.raises(openai_lite.OpenAIError, match="without credentials, query or fragment"):
        vertex(base_url="https://user:pw@example.com/v1", token_provider=lambda: "t")


def test_token_per_attempt_including_retries(server: OfflineServer) -> None:
    tokens = ("ya29.token-%d" % n for n in itertools.count(1))
    server.enqueue(Scripted(status=500, json={"error": {"message": "boom"}}), path="/v1/chat/completions")
    with OpenAI(provider=vertex(base_url=server.url, token_provider=lambda: next(tokens))) as c:
        chat(c)
    assert [r.headers["Authorization"] for r in server.requests] == ["Bearer ya29.token-1", "Bearer ya29.token-2"]


def test_refusals(server: OfflineServer, closed_port: int) -> None:
    def failing() -> str:
        raise RuntimeError("secret-in-message")

    with OpenAI(provider=vertex(base_url=server.url, token_provider=failing)) as c:
        with pytest.raises(openai_lite.OpenAIError, match="Vertex token provider failed") as info:
            chat(c)
        assert "secret-in-message" not in str(info.value)
    with OpenAI(provider=vertex(base_url=server.url, token_provider=lambda: "bad token")) as c:
        with pytest.raises(openai_lite.OpenAIError, match="suitable for an HTTP header"):
            chat(c)
    with OpenAI(provider=vertex(base_url=server.url, token_provider=lambda: "t"), organization="org-1") as c:
        with pytest.raises(openai_lite.OpenAIError, match="Vertex owns authentication"):
            chat(c)
    with OpenAI(provider=vertex(base_url=server.url, token_provider=lambda: "t")) as c:
        with pytest.raises(openai_lite.OpenAIError, match="custom `Authorization` header"):
            chat(c, extra_headers={"Authorization": "Bearer mine"})
        with pytest.raises(openai_lite.OpenAIError, match="outside the configured origin"):
            c.get("http://127.0.0.1:%d/v1/models" % closed_port, cast_to=object)
    assert server.requests == []


def test_google_credentials_need_google_auth(server: OfflineServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "google.auth", None)  # as if google-auth were not installed
    monkeypatch.setitem(sys.modules, "google", None)
    with OpenAI(provider=vertex(base_url=server.url)) as c:
        with pytest.raises(openai_lite.OpenAIError, match="google-auth"):
            chat(c)
    assert server.requests == []


def test_public_names_match_openai() -> None:
    pytest.importorskip("openai.providers.vertex")
    import openai.providers

    assert set(sys.modules["openai_lite.providers.vertex"].__all__) == set(sys.modules["openai.providers.vertex"].__all__)
    assert set(sys.modules["openai_lite.providers"].__all__) == set(openai.providers.__all__)
