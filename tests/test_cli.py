"""The ``openai-lite`` command line, run as a user runs it: ``python -m openai_lite`` in a
subprocess, against the offline server (in this process), configured through the environment."""
import json
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time

import multipart
import pytest

from openai_lite.testing import Scripted

from conftest import API_KEY

ROOT = str(pathlib.Path(__file__).resolve().parent.parent)


def cli(*args, server=None, env=None, stdin=b"", timeout=60):
    """Run the command; (exit code, stdout as text, stderr as text) and ``.raw_stdout`` bytes."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI_"))}
    environ["PYTHONPATH"] = ROOT + os.pathsep + environ.get("PYTHONPATH", "")
    if server is not None:
        environ.update(OPENAI_BASE_URL=server.url, OPENAI_API_KEY=API_KEY)
    environ.update(env or {})
    done = subprocess.run([sys.executable, "-m", "openai_lite"] + list(args), input=stdin, env=environ,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return Done(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"))


class Done:
    def __init__(self, code, raw_stdout, stderr):
        self.code, self.raw_stdout, self.stderr = code, raw_stdout, stderr
        self.stdout = raw_stdout.decode("utf-8", "replace")

    def lines(self):
        return [json.loads(line) for line in self.stdout.splitlines()]

    def __repr__(self):
        return "exit %d\nstdout: %s\nstderr: %s" % (self.code, self.stdout[-2000:], self.stderr[-2000:])


def form_of(request):
    """The multipart fields and files of a recorded request: ({name: text}, {name: (filename, bytes)})."""
    fields, files = {}, {}
    boundary = request.headers["Content-Type"].split("boundary=")[1]
    for part in multipart.MultipartParser(__import__("io").BytesIO(request.body), boundary):
        if part.filename:
            files[part.name] = (part.filename, part.raw)
        else:
            fields[part.name] = part.value
    return fields, files


FILE_OBJECT = {"id": "file-abc", "object": "file", "bytes": 11, "created_at": 1700000000,
               "filename": "notes.jsonl", "purpose": "batch", "status": "processed"}


# -- start-up ----------------------------------------------------------------------------------


def test_help_reads_options_without_importing_the_library():
    """``--help`` and option parsing load argparse only: no requests, no client (start-up time;
    the figure itself is measured by benchmarks/run.py)."""
    code = ("import sys; from openai_lite.cli._main import build_parser; p = build_parser(); "
            "p.parse_args(['api', 'chat.completions.create', '-m', 'x']); p.format_help(); "
            "print(sorted(m for m in sys.modules if m.startswith(('requests', 'urllib3', 'openai_lite._', "
            "'openai_lite.resources', 'json', 'http'))))")
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, universal_newlines=True,
                         check=True).stdout
    assert out.strip() == "['openai_lite._version']"


def test_help_lists_the_commands_and_exit_codes():
    done = cli("--help")
    assert done.code == 0
    for command in ("api", "chat", "files", "models", "batch", "exit codes"):
        assert command in done.stdout


# -- everyday commands -------------------------------------------------------------------------


def test_chat_streams_the_answer_from_the_argument(server):
    done = cli("chat", "--model", "gpt-4o", "Name", "three colours", server=server)
    assert done.code == 0, done
    assert done.stdout == "You said: Name three colours\n"
    body = server.last_request.json()
    assert body["stream"] is True and body["model"] == "gpt-4o"
    assert body["messages"] == [{"role": "user", "content": "Name three colours"}]


def test_chat_reads_the_prompt_from_stdin_with_a_system_message(server):
    done = cli("chat", "--system", "Be brief.", "--max-tokens", "20", server=server, stdin=b"from a pipe\n")
    assert done.code == 0, done
    assert "You said: from a pipe" in done.stdout
    body = server.last_request.json()
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}
    assert body["max_tokens"] == 20


def test_chat_json_prints_the_completion_compact_when_not_a_terminal(server):
    done = cli("chat", "--json", "hi", server=server)
    assert done.code == 0, done
    assert len(done.stdout.splitlines()) == 1
    assert json.loads(done.stdout)["choices"][0]["message"]["content"] == "You said: hi"
    assert "stream" not in server.last_request.json()


def test_models_list_uses_the_libraries_configuration(server):
    done = cli("models", "list", server=server, env={"OPENAI_ORG_ID": "org-cli", "OPENAI_PROJECT_ID": "proj-cli"})
    assert done.code == 0, done
    assert done.stdout.splitlines()[0] == "gpt-4o-mini"
    headers = server.last_request.headers
    assert headers["OpenAI-Organization"] == "org-cli" and headers["OpenAI-Project"] == "proj-cli"
    assert headers["Authorization"] == "Bearer " + API_KEY


def test_files_upload_sends_the_file_and_prints_its_id(server, tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_bytes(b'{"a": 1}\n' * 100)
    server.enqueue(Scripted(json=FILE_OBJECT), path="/v1/files")
    done = cli("files", "upload", str(path), "--purpose", "batch", server=server)
    assert done.code == 0, done
    assert done.stdout == "file-abc\n"
    assert done.stderr == ""  # no progress: stderr is not a terminal
    fields, files = form_of(server.last_request)
    assert fields == {"purpose": "batch"}
    assert files["file"] == ("notes.jsonl", path.read_bytes())


def test_files_upload_from_stdin(server):
    server.enqueue(Scripted(json=FILE_OBJECT), path="/v1/files")
    done = cli("files", "upload", "-", "--purpose", "user_data", "--filename", "piped.txt", "--json",
               server=server, stdin=b"piped content")
    assert done.code == 0, done
    assert json.loads(done.stdout)["id"] == "file-abc"
    assert form_of(server.last_request)[1]["file"] == ("piped.txt", b"piped content")


def test_files_download_writes_the_content(server, tmp_path):
    content = bytes(range(256)) * 100
    server.enqueue(Scripted(body=content, content_type="application/octet-stream"),
                   path="/v1/files/file-abc/content")
    out = tmp_path / "out.bin"
    done = cli("files", "download", "file-abc", "-o", str(out), server=server)
    assert done.code == 0, done
    assert out.read_bytes() == content
    assert os.listdir(str(tmp_path)) == ["out.bin"]  # no partial file left behind


def test_files_download_to_stdout(server):
    server.enqueue(Scripted(body=b"\x00binary\xff"), path="/v1/files/file-abc/content")
    done = cli("files", "download", "file-abc", server=server)
    assert done.code == 0, done
    assert done.raw_stdout == b"\x00binary\xff"


def test_files_download_failure_leaves_no_file(server, tmp_path):
    server.enqueue(Scripted.error(404, "No such File object: file-zzz"), path="/v1/files/file-zzz/content")
    out = tmp_path / "out.bin"
    done = cli("files", "download", "file-zzz", "-o", str(out), server=server)
    assert done.code == 1
    assert "404" in done.stderr and "No such File object" in done.stderr
    assert os.listdir(str(tmp_path)) == []


def test_files_list_walks_every_page(server):
    second = dict(FILE_OBJECT, id="file-def", filename="b.txt", purpose="assistants")
    server.enqueue(Scripted(json={"object": "list", "data": [FILE_OBJECT], "has_more": True}), path="/v1/files")
    server.enqueue(Scripted(json={"object": "list", "data": [second], "has_more": False}), path="/v1/files")
    done = cli("files", "list", server=server)
    assert done.code == 0, done
    assert done.stdout.splitlines() == ["file-abc\t11\tbatch\tnotes.jsonl", "file-def\t11\tassistants\tb.txt"]
    assert server.last_request.query.get("after") == ["file-abc"]


# -- api RESOURCE.METHOD -----------------------------------------------------------------------


def test_api_lists_every_method():
    done = cli("api")
    assert done.code == 0
    names = done.stdout.split()
    for name in ("chat.completions.create", "files.create", "vector_stores.files.upload_and_poll",
                 "fine_tuning.jobs.list", "responses.create", "batches.create"):
        assert name in names
    assert len(names) > 250


def test_api_method_help_derives_options_from_the_parameters():
    done = cli("api", "chat.completions.create", "--help")
    assert done.code == 0
    assert "--max-tokens N" in done.stdout and "--messages JSON" in done.stdout
    assert "required." in done.stdout and "-g ROLE CONTENT" in done.stdout


def test_api_options_are_typed_from_the_signature(server, tmp_path):
    messages = tmp_path / "messages.json"
    messages.write_text(json.dumps([{"role": "user", "content": "from a file"}]))
    done = cli("api", "chat.completions.create", "--model", "gpt-4o-mini", "--messages", "@" + str(messages),
               "--max-tokens", "7", "--temperature", "0.5", "--store", "false", "--metadata", '{"k": "v"}',
               "--stop", "END", server=server)
    assert done.code == 0, done
    assert json.loads(done.stdout)["choices"][0]["message"]["content"] == "You said: from a file"
    body = server.last_request.json()
    assert (body["max_tokens"], body["temperature"], body["store"]) == (7, 0.5, False)
    assert body["metadata"] == {"k": "v"} and body["stop"] == "END"


def test_api_reads_a_json_value_from_stdin(server):
    done = cli("api", "embeddings.create", "--model", "text-embedding-3-small", "--input", "@-",
               server=server, stdin=b'["one", "two"]')
    assert done.code == 0, done
    assert [item["index"] for item in json.loads(done.stdout)["data"]] == [0, 1]


def test_api_path_parameter_positional_and_list_of_strings(server):
    server.enqueue(Scripted(json={"object": "list", "data": [], "has_more": False}))
    done = cli("api", "vector_stores.files.list", "vs_123", "--filter", "completed", "--limit", "5", server=server)
    assert done.code == 0, done
    request = server.last_request
    assert request.path == "/v1/vector_stores/vs_123/files"
    assert request.query == {"filter": ["completed"], "limit": ["5"]}
    server.enqueue(Scripted(json={"id": "resp_1", "object": "response", "output": []}))
    done = cli("api", "responses.retrieve", "resp_1", "--include", "message.output_text.logprobs",
               "reasoning.encrypted_content", server=server)
    assert done.code == 0, done
    assert server.last_request.query["include[]"] == ["message.output_text.logprobs", "reasoning.encrypted_content"]


def test_api_moderations(server):
    done = cli("api", "moderations.create", "--input", "some text", server=server)
    assert done.code == 0, done
    assert json.loads(done.stdout)["results"][0]["flagged"] is False


def test_api_usage_report_prints_one_object_and_fetches_once(server):
    report = {"object": "page", "has_more": True, "next_page": "page_2", "data": [
        {"object": "bucket", "start_time": 0, "end_time": 60, "results": []}]}
    server.enqueue(Scripted(json=report), path="/v1/organization/costs")
    done = cli("api", "admin.organization.usage.costs", "--start-time", "0", server=server,
               env={"OPENAI_ADMIN_KEY": "sk-admin-test"})
    assert done.code == 0, done
    assert json.loads(done.stdout) == report  # the report as openai-python reads it, not its buckets walked
    sent = [r for r in server.requests if r.path == "/v1/organization/costs"]
    assert len(sent) == 1 and sent[0].query == {"start_time": ["0"]}


def test_api_binary_answer_goes_to_the_output_file(server, tmp_path):
    server.enqueue(Scripted(body=b"ID3-audio", content_type="audio/mpeg"), path="/v1/audio/speech")
    out = tmp_path / "speech.mp3"
    done = cli("api", "audio.speech.create", "--model", "tts-1", "--input", "Hello", "--voice", "alloy",
               "-o", str(out), server=server)
    assert done.code == 0, done
    assert out.read_bytes() == b"ID3-audio"
    assert server.last_request.json()["voice"] == "alloy"


def test_api_stream_prints_one_event_a_line(server):
    done = cli("api", "chat.completions.create", "--model", "m", "--messages",
               '[{"role": "user", "content": "two words"}]', "--stream", server=server)
    assert done.code == 0, done
    events = done.lines()
    assert all(e["object"] == "chat.completion.chunk" for e in events)
    assert "".join(e["choices"][0]["delta"].get("content") or "" for e in events) == "You said: two words"


# -- the former `openai api` lines -------------------------------------------------------------


def test_old_chat_line_prints_the_text(server):
    done = cli("api", "chat.completions.create", "-m", "gpt-4o-mini", "-g", "system", "Be terse.",
               "-g", "user", "Hello", "-M", "12", "-t", "0.2", server=server)
    assert done.code == 0, done
    assert done.stdout == "You said: Hello\n"
    body = server.last_request.json()
    assert body["messages"] == [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "Hello"}]
    assert (body["max_tokens"], body["temperature"]) == (12, 0.2)


def test_old_chat_line_streams(server):
    done = cli("api", "chat.completions.create", "-m", "gpt-4o-mini", "-g", "user", "Hello", "--stream",
               server=server)
    assert done.code == 0, done
    assert done.stdout == "You said: Hello\n"
    assert server.last_request.json()["stream"] is True


def test_old_models_and_files_lines(server, tmp_path):
    done = cli("api", "models.list", server=server)
    assert done.code == 0, done
    assert [m["id"] for m in done.lines()][:1] == ["gpt-4o-mini"]
    path = tmp_path / "train.jsonl"
    path.write_bytes(b'{"prompt": "x"}\n')
    server.enqueue(Scripted(json=FILE_OBJECT), path="/v1/files")
    done = cli("api", "files.create", "-f", str(path), "-p", "fine-tune", server=server)
    assert done.code == 0, done
    assert json.loads(done.stdout)["id"] == "file-abc"
    fields, files = form_of(server.last_request)
    assert fields["purpose"] == "fine-tune" and files["file"] == ("train.jsonl", b'{"prompt": "x"}\n')
    server.enqueue(Scripted(json=FILE_OBJECT), path="/v1/files/file-abc")
    done = cli("api", "files.retrieve", "-i", "file-abc", server=server)
    assert done.code == 0, done
    assert json.loads(done.stdout)["filename"] == "notes.jsonl"


def test_old_transcription_line(server, tmp_path):
    audio = tmp_path / "speech.wav"
    audio.write_bytes(b"RIFF....WAVE")
    server.enqueue(Scripted(json={"text": "hello world"}), path="/v1/audio/transcriptions")
    done = cli("api", "audio.transcriptions.create", "-f", str(audio), "-m", "whisper-1", "--language", "en",
               server=server)
    assert done.code == 0, done
    assert json.loads(done.stdout) == {"text": "hello world"}
    fields, files = form_of(server.last_request)
    assert fields["model"] == "whisper-1" and fields["language"] == "en"
    assert files["file"] == ("speech.wav", b"RIFF....WAVE")


def test_old_image_line(server):
    image = {"created": 1700000000, "data": [{"url": "https://example.test/a.png"}]}
    server.enqueue(Scripted(json=image), path="/v1/images/generations")
    done = cli("api", "images.generate", "-p", "a red fox", "-n", "2", "-s", "512x512", "--response-format", "url",
               server=server)
    assert done.code == 0, done
    assert json.loads(done.stdout)["data"][0]["url"] == "https://example.test/a.png"
    body = server.last_request.json()
    assert body == {"prompt": "a red fox", "n": 2, "size": "512x512", "response_format": "url"}


def test_old_completions_line_prints_the_text(server):
    answer = {"id": "cmpl-1", "object": "text_completion", "created": 1, "model": "gpt-3.5-turbo-instruct",
              "choices": [{"index": 0, "text": " blue.", "finish_reason": "stop", "logprobs": None}]}
    server.enqueue(Scripted(json=answer), path="/v1/completions")
    done = cli("api", "completions.create", "-m", "gpt-3.5-turbo-instruct", "-p", "The sky is", "-M", "5",
               server=server)
    assert done.code == 0, done
    assert done.stdout == " blue.\n"
    assert server.last_request.json() == {"model": "gpt-3.5-turbo-instruct", "prompt": "The sky is",
                                          "max_tokens": 5}


# -- errors and exit codes ---------------------------------------------------------------------


def test_api_error_is_one_line_with_status_message_and_request_id(server):
    done = cli("api", "models.retrieve", "no-such-model", server=server)
    assert done.code == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done
    assert lines[0].startswith("openai-lite: error: 404 NotFoundError: ")
    assert "The model 'no-such-model' does not exist" in lines[0]
    assert "request id: req_" in lines[0]
    assert done.stdout == ""


def test_the_key_never_appears_in_errors_or_verbose_logs(server):
    server.enqueue(Scripted.error(401, "Incorrect API key provided: %s" % API_KEY, code="invalid_api_key"))
    done = cli("-v", "-v", "models", "list", server=server)
    assert done.code == 1
    assert "401 AuthenticationError" in done.stderr
    assert "Request: GET" in done.stderr  # the verbose log is there...
    assert API_KEY not in done.stderr + done.stdout  # ...without the key
    done = cli("--api-key", API_KEY, "-v", "models", "list", env={"OPENAI_BASE_URL": server.url})
    assert done.code == 0 and "<redacted>" in done.stderr and API_KEY not in done.stderr


def test_missing_key_is_a_usage_error():
    done = cli("models", "list")
    assert done.code == 2
    assert "OPENAI_API_KEY" in done.stderr and "Traceback" not in done.stderr


def test_connection_refused_and_timeout_exit_3(server, closed_port):
    done = cli("--max-retries", "0", "models", "list",
               env={"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": "http://127.0.0.1:%d/v1" % closed_port})
    assert done.code == 3
    assert "APIConnectionError" in done.stderr
    server.enqueue(Scripted(json={"object": "list", "data": []}, delay=5.0))
    done = cli("models", "list", "--timeout", "0.5", "--max-retries", "0", server=server)
    assert done.code == 3
    assert "APITimeoutError" in done.stderr


@pytest.mark.parametrize("args, expected", [
    (["api", "chat.completion.create"], "chat has no 'completion'"),
    (["api", "chat.completions.create", "--model", "m"], "required: --messages"),
    (["api", "chat.completions.create", "--messages", "[oops", "--model", "m"], "--messages: the value is not JSON"),
    (["api", "files.create", "-f", "/no/such/file", "-p", "batch"], "no such file: /no/such/file"),
])
def test_usage_errors_exit_2(args, expected):
    done = cli(*args, env={"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert done.code == 2, done
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def _interruptible() -> None:
    """In the child: Ctrl-C does its default. A test run started in the background (``cmd &`` without job
    control) inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_interrupted_stream_exits_130_without_a_traceback(server):
    first = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
             "choices": [{"index": 0, "delta": {"content": "first piece"}, "finish_reason": None}]}
    rest = dict(first, choices=[{"index": 0, "delta": {"content": " never"}, "finish_reason": None}])
    server.enqueue(Scripted(chunks=["data: %s\n\n" % json.dumps(first), "data: %s\n\n" % json.dumps(rest)],
                            chunk_delay=30.0, content_type="text/event-stream"), path="/v1/chat/completions")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI_"))}
    environ.update(PYTHONPATH=ROOT, OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=server.url)
    proc = subprocess.Popen([sys.executable, "-m", "openai_lite", "chat", "hello"], env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_interruptible)
    seen = []
    reader = threading.Thread(target=lambda: seen.append(proc.stdout.read(len(b"first piece"))))
    reader.start()
    reader.join(30)
    assert seen == [b"first piece"]  # the stream is under way, the rest is 30 s away
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert time.monotonic() - start < 20
    assert b"Traceback" not in err and b"interrupted" in err
    assert b"never" not in out


def test_interrupted_upload_exits_130_and_sends_nothing(server):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI_"))}
    environ.update(PYTHONPATH=ROOT, OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=server.url)
    proc = subprocess.Popen([sys.executable, "-m", "openai_lite", "files", "upload", "-", "--purpose", "batch"],
                            env=environ, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_interruptible)
    # More than a pipe holds: once written, the command is reading its input (the upload spools a
    # pipe before sending) and waits for the rest, which never comes.
    proc.stdin.write(b"x" * 200000)
    proc.stdin.flush()
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=20)
    out, err = proc.communicate()
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and out == b""
    assert [r for r in server.requests if r.path == "/v1/files"] == []


def test_azure_settings_from_the_environment(server):
    server.enqueue(Scripted(json={"id": "c", "object": "chat.completion", "created": 1, "model": "dep",
                                  "choices": [{"index": 0, "message": {"role": "assistant", "content": "azure says hi"},
                                               "finish_reason": "stop"}]}))
    done = cli("api", "chat.completions.create", "-m", "my-deployment", "-g", "user", "hi",
               env={"AZURE_OPENAI_ENDPOINT": server.root_url, "AZURE_OPENAI_API_KEY": "azure-SECRET-key",
                    "OPENAI_API_VERSION": "2024-06-01"})
    assert done.code == 0, done
    assert done.stdout == "azure says hi\n"
    request = server.last_request
    assert request.path == "/openai/deployments/my-deployment/chat/completions"
    assert request.query["api-version"] == ["2024-06-01"]
    assert request.headers["api-key"] == "azure-SECRET-key"


# -- batch (on the library's batch-job helper) ----------------------------------------------------

def _has_batch_helper():
    try:
        import openai_lite.lib.batch_jobs  # noqa: F401
    except ImportError:
        return False
    return True


needs_batch_helper = pytest.mark.skipif(not _has_batch_helper(), reason="the batch-job helper is not here yet")


@needs_batch_helper
def test_batch_submit_status_wait_results(server, tmp_path):
    server.batch_api.poll_after_ms = 1
    server.batch_api.fail("q1", status=400)
    requests = tmp_path / "requests.jsonl"
    lines = [{"custom_id": "q%d" % i, "method": "POST", "url": "/v1/chat/completions",
              "body": {"model": "m", "messages": [{"role": "user", "content": "n%d" % i}]}} for i in range(3)]
    requests.write_text("".join(json.dumps(line) + "\n" for line in lines) + "\n")  # a blank line is skipped
    done = cli("batch", "submit", str(requests), "--endpoint", "/v1/chat/completions", server=server)
    assert done.code == 0, done
    job = tmp_path / "requests.job.json"
    assert done.stdout == "%s\n" % job and job.exists()
    done = cli("batch", "status", str(job), "--json", server=server)
    assert done.code == 0, done
    assert json.loads(done.stdout)["requests"] == 3
    done = cli("batch", "wait", str(job), server=server)
    assert done.code == 0, done
    assert "completed" in done.stdout and done.stderr == ""
    out = tmp_path / "out.jsonl"
    done = cli("batch", "results", str(job), "-o", str(out), server=server)
    assert done.code == 0, done
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["custom_id"] for line in lines] == ["q0", "q1", "q2"]
    assert lines[0]["response"]["choices"][0]["message"]["content"] == "You said: n0"
    assert lines[1]["response"] is None and lines[1]["error"]["status_code"] == 400


@needs_batch_helper
def test_batch_submit_refuses_a_bad_line_before_sending(server, tmp_path):
    requests = tmp_path / "requests.jsonl"
    requests.write_text('{"custom_id": "a", "body": {}}\nnot json\n')
    done = cli("batch", "submit", str(requests), server=server)
    assert done.code == 2, done
    assert "line 2: not JSON" in done.stderr
    assert server.requests == [] and not (tmp_path / "requests.job.json").exists()
