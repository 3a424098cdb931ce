"""The module-level client: ``openai_lite.api_key = ...; openai_lite.chat.completions.create(...)``."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import openai_lite
from conftest import API_KEY, CHAT
from openai_lite import InternalServerError, OpenAIError, _module_client
from openai_lite.testing import OfflineServer, Scripted

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(autouse=True)
def module_state():
    saved = {name: getattr(openai_lite, name) for name in _module_client.CONFIG_NAMES}
    _module_client.reset()
    yield
    for name, value in saved.items():
        setattr(openai_lite, name, value)
    client = _module_client._client
    if client is not None:
        client.close()
    _module_client.reset()


def test_module_level_call(server):
    openai_lite.api_key = API_KEY
    openai_lite.base_url = server.url
    completion = openai_lite.chat.completions.create(**CHAT)
    assert completion.choices[0].message.content == "You said: hello there"
    assert server.last_request.headers.get("Authorization") == "Bearer " + API_KEY
    assert openai_lite.models.list().data[0].id == "gpt-4o-mini"
    assert openai_lite.chat.completions.with_raw_response.create(**CHAT).status_code == 200


def test_built_lazily_and_reused(server):
    assert _module_client._client is None
    openai_lite.api_key = API_KEY
    openai_lite.base_url = server.url
    chat_resource = openai_lite.chat
    assert _module_client._client is None  # naming a resource builds nothing
    assert "module-level" in repr(chat_resource)
    chat_resource.completions.create(**CHAT)
    built = _module_client._client
    assert isinstance(built, openai_lite.OpenAI)
    openai_lite.chat.completions.create(**CHAT)
    assert _module_client._client is built  # unchanged settings: the same client (and pool)
    assert server.connections_opened == 1


def test_not_built_at_import():
    code = (
        "import sys, openai_lite\n"
        "from openai_lite import _module_client\n"
        "assert _module_client._client is None\n"
        "assert 'openai_lite._client' not in sys.modules, sorted(m for m in sys.modules if 'openai_lite' in m)\n"
        "print('lazy ok')\n"
    )
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "lazy ok" in result.stdout


def test_rebuilt_when_base_url_changes(server):
    openai_lite.api_key = API_KEY
    openai_lite.base_url = server.url
    openai_lite.chat.completions.create(**CHAT)
    first = _module_client._client
    with OfflineServer() as second:
        openai_lite.base_url = second.url
        openai_lite.chat.completions.create(**CHAT)
        assert len(second.requests) == 1
        assert _module_client._client is not first
        first.close()
    assert len(server.requests) == 1


def test_rebuilt_when_other_settings_change(server):
    openai_lite.api_key = API_KEY
    openai_lite.base_url = server.url
    openai_lite.max_retries = 0
    server.enqueue(Scripted.error(500, "boom", repeat=4))
    with pytest.raises(InternalServerError):
        openai_lite.chat.completions.create(**CHAT)
    assert len(server.requests) == 1
    openai_lite.max_retries = None  # back to the default of 2
    with pytest.raises(InternalServerError):
        openai_lite.chat.completions.create(**CHAT)
    assert len(server.requests) == 4
    openai_lite.api_key = "sk-second"
    openai_lite.organization = "org-mod"
    openai_lite.default_headers = {"X-Mod": "1"}
    openai_lite.models.list()
    req = server.last_request
    assert req.headers.get("Authorization") == "Bearer sk-second"
    assert req.headers.get("OpenAI-Organization") == "org-mod"
    assert req.headers.get("X-Mod") == "1"


def test_environment_key_when_module_key_unset(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-module")
    openai_lite.base_url = server.url
    openai_lite.models.list()
    assert server.last_request.headers.get("Authorization") == "Bearer sk-env-module"


def test_no_key_fails_on_first_use():
    with pytest.raises(OpenAIError):
        openai_lite.chat.completions.create(**CHAT)


def test_azure_environment_picks_azure_as_openai_python_does(server, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-env-key")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.root_url)
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
    assert openai_lite.chat.completions.create(**CHAT).choices[0].message.content == "You said: hello there"
    req = server.last_request
    assert req.path == "/openai/deployments/gpt-4o-mini/chat/completions"
    assert req.headers.get("api-key") == "azure-env-key"


def test_openai_and_azure_keys_together_are_ambiguous_until_api_type_says(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-env-key")
    openai_lite.base_url = server.url
    with pytest.raises(OpenAIError, match="Ambiguous use of module client.*api_type"):
        openai_lite.models.list()
    assert server.requests == []
    openai_lite.api_type = "openai"
    assert openai_lite.models.list().data[0].id == "gpt-4o-mini"
    assert server.last_request.headers.get("Authorization") == "Bearer " + API_KEY


def test_module_level_azure(server):
    openai_lite.api_type = "azure"
    openai_lite.api_key = "azure-module-key"
    openai_lite.azure_endpoint = server.root_url
    openai_lite.api_version = "2024-10-21"
    server.enqueue(Scripted(json={"id": "az"}), path="/openai/deployments/gpt-4o-mini/chat/completions")
    assert openai_lite.chat.completions.create(**CHAT).id == "az"
    req = server.last_request
    assert req.headers.get("api-key") == "azure-module-key"
    assert req.query == {"api-version": ["2024-10-21"]}
    assert isinstance(_module_client._client, openai_lite.AzureOpenAI)


def test_module_attributes():
    assert "chat" in dir(openai_lite) and "OpenAI" in dir(openai_lite)
    assert openai_lite.OpenAI.__name__ == "OpenAI"
    with pytest.raises(AttributeError):
        openai_lite.no_such_thing
