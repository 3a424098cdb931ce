"""Bad input: every mistake is a clear error raised before anything is sent.

Each case names the exception class and a piece of its message (a message that says what is
wrong, not an ``AttributeError`` from deep inside), and the server must have recorded no
request at all. Built-in classes are asserted where the library promises them (``TypeError``,
``ValueError``, ``FileNotFoundError``...), so ``except TypeError`` in user code keeps working.
"""
from __future__ import annotations

import io
import math
import os
from pathlib import Path

import pytest
import requests

from conftest import API_KEY, chat
from openai_lite import NOT_GIVEN, AzureOpenAI, OpenAI, OpenAIError, Timeout

MESSAGES = [{"role": "user", "content": "hi"}]


def _circular() -> dict:
    value: dict = {"role": "user"}
    value["content"] = value
    return value


def _closed_binary(tmp_path: Path) -> io.BufferedReader:
    path = tmp_path / "closed.bin"
    path.write_bytes(b"data")
    handle = open(path, "rb")
    handle.close()
    return handle


_OPENED: list = []


@pytest.fixture(autouse=True)
def _close_opened():
    yield
    while _OPENED:
        _OPENED.pop().close()


def _text_file(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "notes.txt"
    path.write_text("some text")
    _OPENED.append(open(path, "r"))
    return _OPENED[-1]


def _write_only(tmp_path: Path):  # type: ignore[no-untyped-def]
    _OPENED.append(open(tmp_path / "out.bin", "wb"))
    return _OPENED[-1]


def _dangling(tmp_path: Path) -> Path:
    link = tmp_path / "dangling.jsonl"
    link.symlink_to(tmp_path / "nowhere.jsonl")
    return link


def _through_a_file(tmp_path: Path) -> Path:
    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"x")
    return plain / "child.jsonl"


# (id, call(client, server, tmp_path), exception class, a fragment of its message)
CASES = [
    # the client itself
    ("base-url-without-scheme", lambda c, s, t: OpenAI(api_key=API_KEY, base_url="api.openai.com/v1"),
     ValueError, "absolute http:// or https:// URL"),
    ("base-url-host-port-only", lambda c, s, t: OpenAI(api_key=API_KEY, base_url="localhost:8080/v1"),
     ValueError, "absolute http"),
    ("base-url-other-scheme", lambda c, s, t: OpenAI(api_key=API_KEY, base_url="ftp://example.com/v1"),
     ValueError, "absolute http"),
    ("base-url-not-a-string", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=8080),  # type: ignore[arg-type]
     ValueError, "absolute http"),
    ("with-options-base-url-without-scheme", lambda c, s, t: c.with_options(base_url="example.com"),
     ValueError, "absolute http"),
    ("api-key-not-a-string", lambda c, s, t: OpenAI(api_key=12345, base_url=s.url),  # type: ignore[arg-type]
     TypeError, "api_key must be a string or a callable"),
    ("admin-key-not-a-string", lambda c, s, t: OpenAI(admin_api_key=b"sk-bytes", base_url=s.url),  # type: ignore
     TypeError, "admin_api_key must be a string"),
    ("api-key-with-a-line-break", lambda c, s, t: chat(OpenAI(api_key=API_KEY + "\n", base_url=s.url)),
     OpenAIError, "line break"),
    ("no-api-key-at-all", lambda c, s, t: OpenAI(base_url=s.url), OpenAIError, "api_key client option must be set"),
    ("negative-max-retries", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=s.url, max_retries=-1),
     ValueError, "max_retries must be >= 0"),
    ("max-retries-as-a-string", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=s.url, max_retries="2"),  # type: ignore
     TypeError, "max_retries must be an int"),
    ("max-retries-as-a-float", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=s.url, max_retries=1.5),  # type: ignore
     TypeError, "max_retries must be an int"),
    ("max-retries-as-a-bool", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=s.url, max_retries=True),
     TypeError, "max_retries must be an int"),
    ("with-options-negative-max-retries", lambda c, s, t: c.with_options(max_retries=-3),
     ValueError, "max_retries must be >= 0"),
    ("negative-timeout", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=s.url, timeout=-1),
     ValueError, "must be >= 0"),
    ("nan-timeout", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=s.url, timeout=math.nan),
     ValueError, "must be >= 0"),
    ("timeout-as-a-string", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=s.url, timeout="30"),
     TypeError, "number of seconds"),
    ("negative-connect-timeout", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=s.url, timeout=(-1, 30)),
     ValueError, "timeout connect must be >= 0"),
    ("timeout-object-negative-read", lambda c, s, t: Timeout(10, read=-0.5), ValueError, "timeout read must be >= 0"),
    ("with-options-negative-timeout", lambda c, s, t: c.with_options(timeout=-5), ValueError, "must be >= 0"),
    ("pool-size-zero", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=s.url, pool_maxsize=0),
     ValueError, "pool_maxsize must be >= 1"),
    ("http-session-not-a-session", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=s.url, http_session=object()),
     TypeError, "must be a requests.Session"),
    ("default-headers-not-a-mapping", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=s.url,
                                                             default_headers=["X-A: 1"]),  # type: ignore[arg-type]
     TypeError, "default_headers must be a mapping"),
    ("default-query-not-a-mapping", lambda c, s, t: OpenAI(api_key=API_KEY, base_url=s.url,
                                                           default_query="a=1"),  # type: ignore[arg-type]
     TypeError, "default_query must be a mapping"),
    ("azure-without-api-version", lambda c, s, t: AzureOpenAI(api_key="k", azure_endpoint=s.root_url),
     ValueError, "api_version"),
    ("azure-key-not-a-string", lambda c, s, t: AzureOpenAI(api_key=42, azure_endpoint=s.root_url,  # type: ignore
                                                           api_version="2024-10-21"),
     TypeError, "api_key must be a string"),
    ("azure-token-provider-not-callable", lambda c, s, t: AzureOpenAI(azure_ad_token_provider="token",  # type: ignore
                                                                      azure_endpoint=s.root_url,
                                                                      api_version="2024-10-21"),
     TypeError, "azure_ad_token_provider must be a callable"),
    # arguments of a call
    ("missing-required-argument", lambda c, s, t: c.chat.completions.create(model="gpt-4o-mini"),  # type: ignore
     TypeError, "messages"),
    ("unknown-keyword-argument", lambda c, s, t: c.chat.completions.create(model="m", messages=MESSAGES,
                                                                           temprature=0.5),  # type: ignore
     TypeError, "temprature"),
    ("positional-arguments", lambda c, s, t: c.chat.completions.create("gpt-4o-mini", MESSAGES),  # type: ignore
     TypeError, "positional"),
    ("per-call-negative-timeout", lambda c, s, t: chat(c, timeout=-1), ValueError, "must be >= 0"),
    ("per-call-timeout-pair-negative-read", lambda c, s, t: chat(c, timeout=(5, -2)), ValueError, "must be >= 0"),
    ("per-call-timeout-as-a-string", lambda c, s, t: chat(c, timeout="10"), TypeError, "number of seconds"),
    ("extra-headers-not-a-mapping", lambda c, s, t: chat(c, extra_headers=[("X-A", "1")]),
     TypeError, "extra_headers must be a mapping"),
    ("extra-query-not-a-mapping", lambda c, s, t: chat(c, extra_query=["a=1"]),
     TypeError, "extra_query must be a mapping"),
    ("extra-body-not-a-mapping", lambda c, s, t: chat(c, extra_body=[1, 2]),
     TypeError, "extra_body must be a mapping"),
    ("header-value-with-a-line-break", lambda c, s, t: chat(c, extra_headers={"X-Trace": "a\r\nInjected: 1"}),
     ValueError, "header"),
    # path parameters
    ("empty-path-parameter", lambda c, s, t: c.files.retrieve(""), ValueError, "non-empty value for `file_id`"),
    ("none-path-parameter", lambda c, s, t: c.files.retrieve(None), ValueError, "non-empty value for `file_id`"),
    ("not-given-path-parameter", lambda c, s, t: c.files.retrieve(NOT_GIVEN), ValueError, "file_id"),
    ("dot-dot-path-parameter", lambda c, s, t: c.files.delete(".."), ValueError, "change which endpoint"),
    ("dict-path-parameter", lambda c, s, t: c.files.retrieve({"id": "file-1"}), TypeError, "must be a string"),
    ("bool-path-parameter", lambda c, s, t: c.models.retrieve(True), TypeError, "must be a string"),
    ("empty-second-path-parameter", lambda c, s, t: c.beta.threads.messages.retrieve("", thread_id="thread_1"),
     ValueError, "message_id"),
    # bodies
    ("object-in-the-body", lambda c, s, t: c.chat.completions.create(
        model="m", messages=[{"role": "user", "content": object()}]), TypeError, "not JSON serializable"),
    ("bytes-in-the-body", lambda c, s, t: c.chat.completions.create(model="m", messages=[{"content": b"raw"}]),
     TypeError, "bytes is not JSON serializable"),
    ("nan-in-the-body", lambda c, s, t: c.chat.completions.create(model="m", messages=MESSAGES,
                                                                  temperature=float("nan")),
     ValueError, "not valid JSON"),
    ("infinity-in-the-body", lambda c, s, t: c.embeddings.create(model="m", input="x",
                                                                 extra_body={"scale": float("inf")}),
     ValueError, "not valid JSON"),
    ("circular-body", lambda c, s, t: c.chat.completions.create(model="m", messages=[_circular()]),
     ValueError, "Circular reference"),
    ("not-given-nested-in-the-body", lambda c, s, t: c.chat.completions.create(
        model="m", messages=[{"role": "user", "content": NOT_GIVEN}]), TypeError, "NOT_GIVEN"),
    # files
    ("file-as-a-plain-string", lambda c, s, t: c.files.create(file="train.jsonl", purpose="batch"),
     TypeError, "pathlib.Path"),
    ("text-mode-file", lambda c, s, t: c.files.create(file=_text_file(t), purpose="batch"),
     TypeError, "text mode"),
    ("closed-file", lambda c, s, t: c.files.create(file=_closed_binary(t), purpose="batch"),
     ValueError, "is closed"),
    ("write-only-file", lambda c, s, t: c.files.create(file=_write_only(t), purpose="batch"),
     TypeError, "not open for reading"),
    ("missing-path", lambda c, s, t: c.files.create(file=t / "missing.jsonl", purpose="batch"),
     FileNotFoundError, "no such file"),
    ("dangling-symlink", lambda c, s, t: c.files.create(file=_dangling(t), purpose="batch"),
     FileNotFoundError, "no such file"),
    ("directory-path", lambda c, s, t: c.files.create(file=t, purpose="batch"), OSError, "Is a directory"),
    ("path-through-a-file", lambda c, s, t: c.files.create(file=_through_a_file(t), purpose="batch"),
     OSError, "Not a directory"),
    ("file-as-an-int", lambda c, s, t: c.files.create(file=3, purpose="batch"), TypeError, "received int"),
    ("bad-file-tuple", lambda c, s, t: c.files.create(file=("a", b"x", "text/plain", {}, "extra"), purpose="batch"),
     TypeError, "tuple"),
    ("one-bad-file-among-several", lambda c, s, t: c.vector_stores.file_batches.upload_and_poll(
        "vs_1", files=[("ok.txt", b"fine"), "not-a-path"]), TypeError, "pathlib.Path"),
    ("bad-file-in-an-audio-call", lambda c, s, t: c.audio.transcriptions.create(
        model="whisper-1", file=io.StringIO("text")), TypeError, "text mode"),
]


@pytest.mark.parametrize("call, kind, fragment", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_refused_before_sending(client, server, tmp_path, call, kind, fragment):
    with pytest.raises(kind) as info:
        result = call(client, server, tmp_path)
        if isinstance(result, OpenAI):
            result.close()
    assert fragment in str(info.value), str(info.value)
    assert not isinstance(info.value, (AttributeError, KeyError, IndexError))
    assert API_KEY not in str(info.value)
    assert server.requests == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_path_refused_before_sending(client, server, tmp_path):
    path = tmp_path / "secret.jsonl"
    path.write_bytes(b"{}")
    path.chmod(0)
    try:
        with pytest.raises(PermissionError) as info:
            client.files.create(file=path, purpose="batch")
    finally:
        path.chmod(0o600)
    assert "permission denied" in str(info.value)
    assert server.requests == []


def test_the_client_still_works_after_bad_input(client, server, tmp_path):
    for _, call, kind, _ in CASES:
        try:
            call(client, server, tmp_path)
        except kind:
            pass
    assert server.requests == []
    assert chat(client, content="hi").choices[0].message.content == "You said: hi"
    assert len(server.requests) == 1


def test_errors_are_the_promised_builtin_classes(client):
    from openai_lite._files import FileUploadError

    for exc_type, call in ((TypeError, lambda: client.files.create(file="x.jsonl", purpose="batch")),
                           (ValueError, lambda: client.files.retrieve("")),
                           (ValueError, lambda: chat(client, extra_headers={"X": "a\nb"}))):
        with pytest.raises(exc_type) as info:
            call()
        assert isinstance(info.value, (TypeError, ValueError))
    with pytest.raises(FileUploadError):
        client.files.create(file=io.StringIO("t"), purpose="batch")
