"""openai 0.28-era scripts (tests/legacy_corpus/) run unchanged with ``import openai_lite as openai``.

Each script runs in its own interpreter against the offline server, with the environment 0.28
code had (``OPENAI_API_KEY``, ``OPENAI_API_BASE``); the test checks what it printed and what the
server received.
"""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Callable, Dict, List, Optional, Tuple

import pytest

from openai_lite.testing import OfflineServer, RecordedRequest, Scripted

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(REPO, "tests", "legacy_corpus")
KEY = "sk-legacy-0123456789"

Setup = Callable[[OfflineServer], None]
Check = Callable[[List[RecordedRequest]], None]


def _paths(requests: List[RecordedRequest]) -> List[str]:
    return ["%s %s" % (r.method, r.target) for r in requests]


def _bearer(requests: List[RecordedRequest], key: str = KEY) -> None:
    assert all(r.headers.get("Authorization") == "Bearer " + key for r in requests), _paths(requests)


def _check_chat_basic(reqs: List[RecordedRequest]) -> None:
    assert _paths(reqs) == ["POST /v1/chat/completions"]
    assert reqs[0].json()["temperature"] == 0.2
    _bearer(reqs)


def _check_stream(reqs: List[RecordedRequest]) -> None:
    assert _paths(reqs) == ["POST /v1/chat/completions"]
    assert reqs[0].json()["stream"] is True


def _check_functions(reqs: List[RecordedRequest]) -> None:
    body = reqs[0].json()
    assert body["functions"][0]["name"] == "get_weather"
    assert body["function_call"] == "auto" and body["user"] == "user-1234" and body["max_tokens"] == 50


def _check_engine(reqs: List[RecordedRequest]) -> None:
    assert _paths(reqs) == ["POST /v1/completions"]
    assert reqs[0].json() == {"model": "davinci-002", "prompt": "old style", "max_tokens": 5}


def _check_embedding(reqs: List[RecordedRequest]) -> None:
    assert reqs[0].json()["encoding_format"] == "base64"  # as 0.28 asked, decoded on our side


def _check_image_edit(reqs: List[RecordedRequest]) -> None:
    from openai_lite.testing._routes import parse_multipart

    assert _paths(reqs) == ["POST /v1/images/edits"]
    fields = parse_multipart(reqs[0])
    assert fields["image"][0] == "sunlit_lounge.png" and fields["mask"][0] == "mask.png"
    assert fields["prompt"][1].startswith(b"A sunlit") and fields["n"][1] == b"1"


def _check_audio(reqs: List[RecordedRequest]) -> None:
    from openai_lite.testing._routes import parse_multipart

    assert _paths(reqs) == ["POST /v1/audio/transcriptions", "POST /v1/audio/translations"]
    first, second = (parse_multipart(r) for r in reqs)
    assert first["model"][1] == b"whisper-1" and first["file"][0] == "meeting.mp3"
    assert second["response_format"][1] == b"text"


def _check_files(reqs: List[RecordedRequest]) -> None:
    assert _paths(reqs) == ["POST /v1/files", "GET /v1/files", "GET /v1/files/file-1", "GET /v1/files/file-1/content",
                            "DELETE /v1/files/file-1", "GET /v1/files"]


def _check_jobs(reqs: List[RecordedRequest]) -> None:
    assert _paths(reqs) == [
        "POST /v1/files", "POST /v1/fine_tuning/jobs", "GET /v1/fine_tuning/jobs?limit=10",
        "GET /v1/fine_tuning/jobs/ftjob-2", "GET /v1/fine_tuning/jobs/ftjob-2/events?limit=2",
        "POST /v1/fine_tuning/jobs/ftjob-2/cancel",
    ]
    assert reqs[1].json() == {"training_file": "file-1", "model": "gpt-3.5-turbo"}


def _check_models(reqs: List[RecordedRequest]) -> None:
    assert _paths(reqs) == ["GET /v1/models", "GET /v1/models/gpt-4o-mini",
                            "DELETE /v1/models/ft%3Agpt-3.5-turbo%3Aacme%3A%3Aabc123"]


def _check_azure(path: str, version: str, auth: Tuple[str, str]) -> Check:
    def check(reqs: List[RecordedRequest]) -> None:
        assert _paths(reqs) == ["POST %s?api-version=%s" % (path, version)]
        assert reqs[0].headers.get(auth[0]) == auth[1]
        other = "Authorization" if auth[0] == "api-key" else "api-key"
        assert reqs[0].headers.get(other) is None
    return check


def _check_api_base(reqs: List[RecordedRequest]) -> None:
    _bearer(reqs, "sk-from-code")
    assert reqs[0].headers.get("OpenAI-Organization") == "org-legacy"


def _check_per_call(reqs: List[RecordedRequest]) -> None:
    first, second = reqs
    assert first.headers.get("Authorization") == "Bearer sk-per-call"
    assert first.headers.get("OpenAI-Organization") == "org-per-call"
    assert first.headers.get("X-Request-Id") == "req-legacy-1" and first.headers.get("X-Custom") == "yes"
    assert second.headers.get("Authorization") == "Bearer sk-list-key"


def _check_settings(reqs: List[RecordedRequest]) -> None:
    assert len(reqs) == 2
    assert all(r.headers.get("X-From-Factory") == "1" and r.headers.get("OpenAI-Debug") == "true" for r in reqs)


def _count(n: int, path: str = "/v1/chat/completions") -> Check:
    def check(reqs: List[RecordedRequest]) -> None:
        assert [r.path for r in reqs] == [path] * n
    return check


def _rate_limited(server: OfflineServer) -> None:
    server.enqueue(Scripted.error(429, "Rate limit reached for requests", type="requests", code="rate_limit_exceeded",
                                  headers={"retry-after-ms": "1", "x-ratelimit-remaining-requests": "0"}, repeat=3))


def _statuses(server: OfflineServer) -> None:
    for status, message in ((401, "Incorrect API key provided"), (403, "Country not supported"),
                            (503, "The engine is currently overloaded"), (500, "The server had an error"),
                            (409, "The model is still loading")):
        # 409, 500 and 503 are retried twice by today's transport before the error surfaces
        repeat = 3 if status in (409, 500, 503) else 1
        server.enqueue(Scripted.error(status, message, type="server_error" if status >= 500 else "invalid_request",
                                      headers={"retry-after-ms": "1"}, repeat=repeat))


def _bad_gateway(server: OfflineServer) -> None:
    server.enqueue(Scripted.error(502, "Bad gateway", type="server_error", headers={"retry-after-ms": "1",
                                                                                     "x-request-id": "req_502"},
                                  repeat=3))


def _one_failure(server: OfflineServer) -> None:
    server.enqueue(Scripted.error(500, "transient", type="server_error", headers={"retry-after-ms": "1"}))


def _slow(server: OfflineServer) -> None:
    server.enqueue(Scripted(delay=3.0, json={"id": "too-late"}, repeat=3))


def _check_log(reqs: List[RecordedRequest]) -> None:
    _bearer(reqs, "sk-SECRET-do-not-log")


# script -> (setup, expected stdout, request check, extra environment)
CASES: Dict[str, Tuple[Optional[Setup], str, Optional[Check], Dict[str, str]]] = {
    "chat_basic": (None, "You said: hello there\nYou said: hello there\n9 True True\ndefault\n", _check_chat_basic, {}),
    "chat_stream": (None, "You said: stream me\n4 OpenAIObject stop\n", _check_stream, {}),
    "chat_json_dumps": (None, "assistant\ndict dict\nTrue True\nset as attribute chat.completion\n", None, {}),
    "chat_functions": (None, "True You said: weather in Paris\n", _check_functions, {}),
    "completion_basic": (None, "' echo: Say this is a test'\ntext_completion 5\n", _count(1, "/v1/completions"), {}),
    "completion_stream": (None, "' echo: count one two'\n", _count(1, "/v1/completions"), {}),
    "completion_engine": (None, "davinci-002 echo: old style\n", _check_engine, {}),
    "embedding_basic": (None, "list 8 True\n1.0\n", _check_embedding, {}),
    "embedding_list": (None, "[0, 1, 2]\n3 text-embedding-ada-002\n", _count(1, "/v1/embeddings"), {}),
    "image_create": (None, "2 https://images.invalid/offline.png\niVBORw0KGgoA\n", _count(2, "/v1/images/generations"),
                     {}),
    "image_edit": (None, "https://images.invalid/offline.png\n", _check_image_edit, {}),
    "image_variation": (None, "3\n", _count(1, "/v1/images/variations"), {}),
    "audio_transcribe": (None, "offline transcript of meeting.mp3 (100 bytes)\n"
                               "str offline transcript of meeting.mp3 (100 bytes)\n", _check_audio, {}),
    "audio_raw": (None, "offline transcript of clip.wav (48 bytes)\noffline transcript of clip.wav (48 bytes)\n",
                  None, {}),
    "files_lifecycle": (None, "file-1 mydata.jsonl fine-tune 50\n['file-1']\nprocessed\nbytes hi\nTrue 0\n",
                        _check_files, {}),
    "fine_tuning_jobs": (None, "fine_tuning.job queued True\nTrue\ngpt-3.5-turbo\n"
                               "['Created fine-tuning job', 'Job status: queued']\ncancelled\n", _check_jobs, {}),
    "moderation": (None, "True True\nFalse text-moderation-latest\n", _count(2, "/v1/moderations"), {}),
    "models": (None, "list ['gpt-4o-mini', 'text-embedding-3-small']\nsystem\nTrue\n", _check_models, {}),
    "azure_chat": (None, "You said: hi azure\n", _check_azure("/openai/deployments/my-gpt35/chat/completions",
                                                               "2023-05-15", ("api-key", "azure-key-0123")), {}),
    "azure_embedding": (None, "8\n", _check_azure("/openai/deployments/my-ada/embeddings", "2023-05-15",
                                                  ("api-key", "azure-key-0123")), {}),
    "azure_ad": (None, "echo: ad auth\n", _check_azure("/openai/deployments/instruct/completions",
                                                       "2023-07-01-preview", ("Authorization", "Bearer ad-token-abc")),
                 {}),
    "api_base_setting": (None, "You said: api base\n", _check_api_base, {"OPENAI_API_BASE": "http://127.0.0.1:9/v1"}),
    "errors_invalid_request": (None, "InvalidRequestError 404 model_not_found None\n"
                                     "The model 'no-such-model' does not exist\nTrue True\n"
                                     "model_not_found model_not_found\n400 messages True\n", None, {}),
    "errors_rate_limit": (_rate_limited, "rate limited: 429 Rate limit reached for requests 0\nNone\n", _count(3), {}),
    "errors_status": (_statuses, "auth AuthenticationError 401 Incorrect API key provided\n"
                                 "perm PermissionError 403 Country not supported\n"
                                 "unavailable ServiceUnavailableError 503 The engine is currently overloaded\n"
                                 "server APIError 500 The server had an error\n"
                                 "conflict TryAgain 409 The model is still loading\n", _count(11), {}),
    "errors_generic": (_bad_gateway, "handled APIError 502 Request req_502: Bad gateway\nTrue\n", _count(3), {}),
    "retries": (_one_failure, "You said: after retry\n", _count(2), {}),
    "request_timeout": (_slow, "timed out: Timeout True\nYou said: fast\n", _count(4), {}),
    "connection_error": (None, "connection error: APIConnectionError None\n", None, {}),
    "per_call_settings": (None, "You said: per call\ngpt-4o-mini\n", _check_per_call,
                          {"OPENAI_API_BASE": "http://127.0.0.1:9/v1"}),
    "api_key_path": (None, "gpt-4o-mini\n", lambda reqs: _bearer(reqs, "sk-from-file"), {"OPENAI_API_KEY": ""}),
    "no_key": (None, "no key: True\n", _count(0), {"OPENAI_API_KEY": ""}),
    "async_refused": (None, "refused: True True\nalist True\naretrieve True\nadelete True\nadownload True\n"
                            "True True\n", _count(0), {}),
    "retired": (None, "openai.Edit.create | True\nopenai.FineTune.create | True\nopenai.Engine.list | True\n"
                      "openai.Customer.create | True\nopenai.Deployment.list | True\n", _count(0), {}),
    "module_settings": (None, "False 1\n1\n", _check_settings, {}),
    "logging_debug": (None, "gpt-4o-mini\n", _check_log, {}),
    "stream_break": (None, "assistant\nYou said: next\n", _count(2), {}),
}


def _environment(server: OfflineServer, extra: Dict[str, str]) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.upper().startswith(("OPENAI_", "AZURE_")) and "PROXY" not in k.upper()}
    env.update(PYTHONPATH=REPO, OPENAI_API_KEY=KEY, OPENAI_API_BASE=server.url, AZURE_ENDPOINT=server.root_url,
               OFFLINE_URL=server.url, DEAD_URL="http://127.0.0.1:9/v1", PYTHONWARNINGS="error::UserWarning")
    for name, value in extra.items():
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    return env


def test_corpus_is_complete() -> None:
    scripts = sorted(name[:-3] for name in os.listdir(CORPUS) if name.endswith(".py"))
    assert scripts == sorted(CASES)
    assert len(scripts) >= 25


@pytest.mark.parametrize("name", sorted(CASES))
def test_script_runs_unchanged(name: str, server: OfflineServer) -> None:
    setup, expected, check, extra = CASES[name]
    path = os.path.join(CORPUS, name + ".py")
    with open(path) as handle:
        assert "import openai_lite as openai\n" in handle.read()
    if setup is not None:
        setup(server)
    result = subprocess.run([sys.executable, path], env=_environment(server, extra), capture_output=True, text=True,
                            timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected
    if check is not None:
        check(server.requests)
    if name == "logging_debug":
        assert "Request: GET" in result.stderr and "sk-SECRET" not in result.stderr
    else:
        assert result.stderr == "", result.stderr


