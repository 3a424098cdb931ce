"""openai 0.28's module API, piece by piece: errors, OpenAIObject, settings, laziness.

tests/test_legacy_corpus.py runs whole 0.28-style scripts; these pin the details they rest on.
"""
from __future__ import annotations

import copy
import json
import os
import pickle
import subprocess
import sys
import warnings

import pytest

import openai_lite
import openai_lite as openai
from conftest import API_KEY
from openai_lite import _module_client
from openai_lite.openai_object import OpenAIObject
from openai_lite.testing import OfflineServer, Scripted

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MESSAGES = [{"role": "user", "content": "hello there"}]


@pytest.fixture(autouse=True)
def module_state():
    names = _module_client.CONFIG_NAMES + _module_client.INERT_NAMES
    saved = {name: getattr(openai_lite, name) for name in names}
    _module_client.reset()
    yield
    for name, value in saved.items():
        setattr(openai_lite, name, value)
    _module_client.reset()


@pytest.fixture
def legacy(server):
    openai.api_key = API_KEY
    openai.api_base = server.url
    return server


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status,name", [
    (400, "InvalidRequestError"), (404, "InvalidRequestError"), (415, "InvalidRequestError"),
    (401, "AuthenticationError"), (403, "PermissionError"), (409, "TryAgain"), (429, "RateLimitError"),
    (500, "APIError"), (502, "APIError"), (503, "ServiceUnavailableError"), (422, "APIError"),
])
def test_status_maps_to_the_028_class(legacy, status, name):
    openai.max_retries = 0
    legacy.enqueue(Scripted.error(status, "told you so", param="messages", code="some_code",
                                  headers={"x-request-id": "req_1", "openai-organization": "org-x"}))
    with pytest.raises(openai.error.OpenAIError) as info:
        openai.ChatCompletion.create(model="m", messages=MESSAGES)
    err = info.value
    assert type(err).__name__ == name and isinstance(err, getattr(openai.error, name))
    assert isinstance(err, openai_lite.APIStatusError)  # the 1.x class too: either generation's except catches it
    assert err.http_status == status == err.status_code
    assert err.user_message == "told you so"
    assert str(err) == "Request req_1: told you so"
    assert err.request_id == "req_1" and err.organization == "org-x"
    assert err.json_body["error"]["code"] == "some_code" and err.code == "some_code"
    assert json.loads(err.http_body) == err.json_body
    assert err.error.message == "told you so"
    if name == "InvalidRequestError":
        assert err.param == "messages"
        assert "param='messages'" in repr(err)


def test_errors_pickle_without_credentials(legacy):
    openai.max_retries = 0
    legacy.enqueue(Scripted.error(429, "slow down"))
    with pytest.raises(openai.error.RateLimitError) as info:
        openai.ChatCompletion.create(model="m", messages=MESSAGES)
    data = pickle.dumps(info.value)
    assert API_KEY.encode() not in data
    again = pickle.loads(data)
    assert isinstance(again, openai.error.RateLimitError) and isinstance(again, openai_lite.RateLimitError)
    assert (again.http_status, again.user_message, str(again)) == (429, "slow down", str(info.value))
    plain = pickle.loads(pickle.dumps(openai.error.InvalidRequestError("bad", "model", code="c")))
    assert (plain.param, plain.code, plain.user_message) == ("model", "c", "bad")


def test_key_never_in_error_text(legacy):
    openai.max_retries = 0
    legacy.enqueue(Scripted.error(401, "Incorrect API key provided"))
    with pytest.raises(openai.error.AuthenticationError) as info:
        openai.Model.list()
    assert API_KEY not in str(info.value) + repr(info.value) + str(info.value.headers)


def test_timeout_and_connection_errors(legacy, closed_port):
    openai.max_retries = 0
    legacy.enqueue(Scripted(delay=3.0, json={}))
    with pytest.raises(openai.error.Timeout) as info:
        openai.Model.list(request_timeout=0.3)
    assert isinstance(info.value, openai_lite.APITimeoutError) and info.value.http_status is None
    openai.api_base = "http://127.0.0.1:%d/v1" % closed_port
    with pytest.raises(openai.error.APIConnectionError) as conn:
        openai.Model.list()
    assert isinstance(conn.value, openai_lite.APIConnectionError)
    assert not isinstance(conn.value, openai.error.Timeout)


def test_error_event_inside_a_stream(legacy):
    legacy.enqueue(Scripted(chunks=[b'data: {"error": {"message": "overloaded mid-stream"}}\n\n'],
                            content_type="text/event-stream"))
    stream = openai.ChatCompletion.create(model="m", messages=MESSAGES, stream=True)
    with pytest.raises(openai.error.APIError) as info:
        list(stream)
    assert "overloaded mid-stream" in info.value.user_message
    assert "(Error occurred while streaming.)" in info.value.user_message


def test_try_again_is_retried_until_the_timeout(legacy):
    openai.max_retries = 0
    legacy.enqueue(Scripted.error(409, "warming up", repeat=2))
    resp = openai.ChatCompletion.create(model="m", messages=MESSAGES, timeout=30)
    assert resp.choices[0].message.content == "You said: hello there"
    assert len(legacy.requests) == 3
    assert "timeout" not in legacy.requests[-1].json()  # the retry window is ours, not a body field
    legacy.enqueue(Scripted.error(409, "warming up"))
    with pytest.raises(openai.error.TryAgain):
        openai.ChatCompletion.create(model="m", messages=MESSAGES)


def test_missing_engine_or_model(legacy):
    with pytest.raises(openai.error.InvalidRequestError) as info:
        openai.ChatCompletion.create(messages=MESSAGES)
    assert info.value.param == "engine" and "'engine' or 'model'" in str(info.value)
    openai.api_type = "azure"
    with pytest.raises(openai.error.InvalidRequestError) as azure:
        openai.ChatCompletion.create(model="gpt-4o-mini", messages=MESSAGES)
    assert "'engine' or 'deployment_id'" in str(azure.value)
    assert legacy.requests == []


def test_bad_ids_fail_before_sending(legacy):
    for call in (lambda: openai.File.retrieve(""), lambda: openai.Model.delete(None),
                 lambda: openai.FineTuningJob.cancel("")):
        with pytest.raises(openai.error.InvalidRequestError):
            call()
    assert legacy.requests == []


def test_non_api_errors_pass_through(legacy):
    with pytest.raises(TypeError):
        openai.File.create(file="not-a-path-object", purpose="fine-tune")  # a plain str, refused as in 1.x


# --- OpenAIObject --------------------------------------------------------------------------------


def test_openai_object_behaves_as_028():
    obj = OpenAIObject.construct_from({"id": "x1", "choices": [{"message": {"content": "hi"}}], "items": 3})
    assert isinstance(obj, dict) and obj.choices[0].message.content == "hi"
    assert obj["items"] == 3 and callable(obj.items)  # a dict: dict's methods win, keys still read by []
    assert obj.get("missing") is None and "choices" in obj
    with pytest.raises(AttributeError):
        obj.missing
    obj.note = "set"
    assert obj["note"] == "set"
    with pytest.raises(ValueError):
        obj.note = ""
    del obj.note
    assert "note" not in obj
    assert json.loads(json.dumps(obj)) == obj.to_dict_recursive() == openai.util.convert_to_dict(obj)
    assert type(obj.to_dict_recursive()["choices"][0]) is dict
    assert repr(obj).startswith("<OpenAIObject id=x1 at 0x") and '"content": "hi"' in repr(obj)
    for clone in (pickle.loads(pickle.dumps(obj)), copy.deepcopy(obj), copy.copy(obj)):
        assert clone == obj and isinstance(clone, OpenAIObject)
    assert openai.util.convert_to_openai_object({"a": {"b": 1}}).a.b == 1


# --- settings ------------------------------------------------------------------------------------


def test_misspelt_setting_warns_with_the_close_match():
    with pytest.warns(UserWarning, match=r"openai_lite\.api_bse .*did you mean openai_lite\.api_base\?"):
        openai_lite.api_bse = "http://x"
    assert openai_lite.api_bse == "http://x"  # kept: users may keep their own attributes here
    del openai_lite.api_bse
    with pytest.warns(UserWarning, match="not a setting"):
        openai_lite.my_own_flag = True
    del openai_lite.my_own_flag
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        openai_lite.api_base = None  # real settings, 0.28's included, and private names are silent
        openai_lite.aiosession = None
        openai_lite._private = 1
    del openai_lite._private


@pytest.mark.parametrize("name,value", [
    ("base_url", "localhost:8000/v1"), ("base_url", "https://"), ("api_base", "api.example.com/v1"),
])
def test_url_setting_without_scheme_or_host_names_itself(name, value):
    openai_lite.api_key = API_KEY
    setattr(openai_lite, name, value)
    with pytest.raises(ValueError, match=r"openai_lite\.%s .*%r" % (name, value)):
        openai_lite.models.list()
    with pytest.raises(ValueError, match=r"openai_lite\.%s" % name):
        openai.Model.list()


def test_api_base_serves_the_1x_module_client_too(server):
    openai_lite.api_key = API_KEY
    openai_lite.api_base = server.url
    assert openai_lite.models.list().data[0].id == "gpt-4o-mini"
    with OfflineServer() as other:
        openai_lite.base_url = other.url  # the 1.x name wins
        openai_lite.models.list()
        assert len(other.requests) == 1


def test_legacy_environment(server, monkeypatch, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("sk-file-key\n")
    monkeypatch.setenv("OPENAI_API_BASE", server.url)
    monkeypatch.setenv("OPENAI_API_KEY_PATH", str(key_file))
    monkeypatch.setenv("OPENAI_ORGANIZATION", "org-env")
    openai.Model.list()
    req = server.last_request
    assert req.headers["Authorization"] == "Bearer sk-file-key"
    assert req.headers["OpenAI-Organization"] == "org-env"
    monkeypatch.setenv("OPENAI_ORG_ID", "org-1x")  # the 1.x variable wins
    _module_client.reset()
    openai.Model.list()
    assert server.last_request.headers["OpenAI-Organization"] == "org-1x"


def test_api_type_values(server):
    openai_lite.api_key = API_KEY
    openai_lite.api_base = server.url
    openai_lite.api_type = "open_ai"
    openai.Model.list()
    openai_lite.api_type = "Azure-ish"
    with pytest.raises(openai.error.InvalidAPIType, match="Azure-ish"):
        openai.Model.list()


def test_proxy_setting_reaches_the_transport():
    openai_lite.api_key = API_KEY
    openai_lite.proxy = "http://proxy.invalid:3128"
    client = _module_client.legacy_client()
    assert client._transport.proxies == {"http": "http://proxy.invalid:3128", "https": "http://proxy.invalid:3128"}
    openai_lite.proxy = {"https": "http://p2.invalid:1"}
    assert _module_client.load_client()._transport.proxies == {"https": "http://p2.invalid:1"}
    openai_lite.proxy = 3128
    with pytest.raises(TypeError, match="openai_lite.proxy"):
        _module_client.load_client()


def test_requestssession_as_a_session(server):
    import requests

    session = requests.Session()
    session.headers["X-Mine"] = "1"
    openai_lite.api_key = API_KEY
    openai_lite.api_base = server.url
    openai_lite.requestssession = session
    openai.Model.list()
    assert server.last_request.headers["X-Mine"] == "1"
    assert _module_client.legacy_client().http_session is session


def test_verify_ssl_certs_false_warns():
    openai_lite.api_key = API_KEY
    openai_lite.verify_ssl_certs = False
    with pytest.warns(UserWarning, match="always verified"):
        _module_client.legacy_client()


def test_per_call_clients_share_the_pool(server):
    openai_lite.api_key = API_KEY
    openai_lite.api_base = server.url
    for n in range(5):
        openai.Model.list(api_key="sk-tenant-%d" % n)
    assert [r.headers["Authorization"] for r in server.requests] == ["Bearer sk-tenant-%d" % n for n in range(5)]
    assert server.connections_opened == 1
    assert len(_module_client._legacy_clients) == 1
    openai_lite.api_key = None  # no key of the module's own: still one client for every tenant
    _module_client.reset()
    for n in range(3):
        openai.Model.list(api_key="sk-other-%d" % n)
    assert server.requests[-1].headers["Authorization"] == "Bearer sk-other-2"
    assert len(_module_client._legacy_clients) == 1


# --- laziness and names --------------------------------------------------------------------------


def test_nothing_legacy_loads_at_import():
    code = ("import sys, openai_lite\n"
            "loaded = sorted(m for m in sys.modules if m.startswith('openai_lite'))\n"
            "assert loaded == ['openai_lite', 'openai_lite._version'], loaded\n"
            "openai_lite.ChatCompletion\n"
            "assert 'openai_lite._legacy' in sys.modules and 'openai_lite._client' not in sys.modules\n"
            "print('ok')\n")
    env = dict(os.environ, PYTHONPATH=REPO)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"


def test_every_028_name_exists():
    for name in ("ChatCompletion", "Completion", "Embedding", "Image", "Audio", "File", "FineTuningJob",
                 "Moderation", "Model", "Edit", "FineTune", "Engine", "Customer", "Deployment", "ErrorObject",
                 "InvalidRequestError", "error", "util", "openai_object"):
        assert getattr(openai_lite, name) is not None and name in dir(openai_lite)
    for name in ("OpenAIError", "APIError", "TryAgain", "Timeout", "APIConnectionError", "InvalidRequestError",
                 "AuthenticationError", "PermissionError", "RateLimitError", "ServiceUnavailableError",
                 "InvalidAPIType", "SignatureVerificationError"):
        assert issubclass(getattr(openai.error, name), openai.error.OpenAIError)
    methods = {"Image": ("create", "create_edit", "create_variation"),
               "Audio": ("transcribe", "translate", "transcribe_raw", "translate_raw"),
               "File": ("create", "list", "retrieve", "delete", "download"),
               "FineTuningJob": ("create", "list", "retrieve", "cancel", "list_events"),
               "Model": ("list", "retrieve", "delete"), "Moderation": ("create",), "ChatCompletion": ("create",),
               "Completion": ("create",), "Embedding": ("create",)}
    for cls, names in methods.items():
        for name in names:
            assert callable(getattr(getattr(openai, cls), name))
            with pytest.raises(NotImplementedError, match="synchronous"):
                getattr(getattr(openai, cls), "a" + name)()
    # 1.x names win where the two meet
    assert openai_lite.APIError is openai_lite._exceptions.APIError
    assert openai_lite.OpenAIError is openai_lite._exceptions.OpenAIError
    assert issubclass(openai.error.OpenAIError, openai_lite.OpenAIError)


def test_retired_classes_name_endpoint_and_replacement():
    with pytest.raises(openai.error.InvalidRequestError, match=r"/v1/edits.*ChatCompletion"):
        openai.Edit.create(model="text-davinci-edit-001", instruction="fix")
    with pytest.raises(openai.error.InvalidRequestError, match=r"/v1/fine-tunes.*FineTuningJob"):
        openai.FineTune.list()
    with pytest.raises(openai.error.InvalidRequestError, match=r"/v1/engines.*Model"):
        openai.Engine.retrieve("davinci")
    assert "Retired" in openai.Deployment.__doc__


def test_azure_paths_for_audio_images_and_files(server):
    openai_lite.api_type = "azure"
    openai_lite.api_base = server.root_url + "/"
    openai_lite.api_key = "azure-key"
    openai_lite.api_version = "2024-02-01"
    text = openai.Audio.transcribe_raw("whisper-1", b"RIFF", "a.wav", deployment_id="my-whisper")
    assert text.text.startswith("offline transcript of a.wav")
    openai.Image.create(prompt="cat", engine="my-dalle")
    openai.File.list()
    assert [r.target for r in server.requests] == [
        "/openai/deployments/my-whisper/audio/transcriptions?api-version=2024-02-01",
        "/openai/deployments/my-dalle/images/generations?api-version=2024-02-01",
        "/openai/files?api-version=2024-02-01",
    ]
    assert all(r.headers["api-key"] == "azure-key" for r in server.requests)
