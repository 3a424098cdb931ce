"""The examples in ``examples/``.

- Those the offline server can answer run as scripts, without OPENAI_API_KEY, and their output
  is checked.
- The others, without a key, say what they need and exit 0; and their ``main`` runs in-process
  against the offline server with routes imitating the real API's answers, so an example that
  uses the library wrongly fails here rather than in front of a user.
"""
import base64
import importlib.util
import io
import json
import os
import pathlib
import subprocess
import sys

import multipart
import pytest

from openai_lite import AzureOpenAI, OpenAI
from openai_lite.testing import OfflineServer, Scripted

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
OFFLINE = {
    "chat.py": ["running against openai_lite's offline server", "assistant: You said: Name three primary colours.",
                "assistant: You said: Now say it in French.", "finish reason: stop", "request id: req_"],
    "streaming.py": ["You said: Count from one to ten", "streamed ", "first piece: ", "stopped early"],
    "embeddings.py": ["4 vectors of ", "The cat sat on the mat.", "with dimensions=64: 64 dimensions"],
    "pagination.py": ["3 models, e.g. gpt-4o-mini", "first page: 3 items, has a next page: False"],
    "batch_job.py": ["submitted 5 requests as 3 batches", "3/3 batches finished, 4/5 requests completed, 1 failed",
                     "ticket-2: You said: How do I change my password?", "ticket-3: failed (Scripted failure",
                     "resubmitted 1 failed request(s)"],
    "webhooks.py": ["response resp_abc completed (event evt_123)", "genuine -> 200", "tampered -> 400",
                    "Webhook timestamp is too old", "replayed an hour later -> 400", "verify_signature: ok"],
}
REAL_ONLY = ["files_and_batches.py", "images.py", "audio.py", "assistants.py", "vector_stores.py", "responses.py",
             "azure.py"]
FAST = {"openai-poll-after-ms": "1"}


def run_example(name):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI_"))}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, str(EXAMPLES / name)], cwd=str(EXAMPLES), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)


def load(name):
    spec = importlib.util.spec_from_file_location("example_" + name[:-3], str(EXAMPLES / name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_family_has_an_example():
    present = {p.name for p in EXAMPLES.glob("*.py")}
    assert set(OFFLINE) | set(REAL_ONLY) <= present


@pytest.mark.parametrize("name", sorted(OFFLINE))
def test_offline_example_runs(name):
    done = run_example(name)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    for expected in OFFLINE[name]:
        assert expected in done.stdout, (expected, done.stdout)


@pytest.mark.parametrize("name", REAL_ONLY)
def test_real_api_example_says_what_it_needs(name):
    done = run_example(name)
    assert done.returncode == 0, done.stderr
    assert "set " in done.stdout and ("OPENAI_API_KEY" in done.stdout or "AZURE_OPENAI" in done.stdout)


# -- the real-API examples against imitated answers ---------------------------------------------

@pytest.fixture
def server():
    with OfflineServer() as srv:
        yield srv


@pytest.fixture
def client(server):
    with OpenAI(api_key="sk-test", base_url=server.url, max_retries=0) as c:
        yield c


def form(req):
    boundary = multipart.parse_options_header(req.headers["Content-Type"])[1]["boundary"]
    return {p.name: p for p in multipart.MultipartParser(io.BytesIO(req.body), boundary)}


def reply(body, **kwargs):
    return lambda srv, req, match: Scripted(json=body(req, match) if callable(body) else body, **kwargs)


def add_files_api(server):
    names = {}

    def create(req, match):
        part = form(req)["file"]
        file_id = "file-%d" % req.index
        names[file_id] = part.filename
        return {"id": file_id, "object": "file", "bytes": len(part.raw), "filename": part.filename,
                "purpose": form(req)["purpose"].value, "status": "uploaded"}

    server.add_route("POST", r"/v1/files", reply(create))
    server.add_route("GET", r"/v1/files/(?P<id>[^/]+)", reply(lambda r, m: {"id": m["id"], "status": "processed"},
                                                               headers=FAST))
    server.add_route("GET", r"/v1/files", reply(lambda r, m: {"object": "list", "has_more": False, "data": [
        {"id": i, "object": "file", "filename": n} for i, n in names.items()]}))
    server.add_route("DELETE", r"/v1/files/(?P<id>[^/]+)", reply(lambda r, m: {"id": m["id"], "deleted": True}))
    return names


def test_files_and_batches_example(server, client, capsys):
    names = add_files_api(server)
    results = "".join(json.dumps({"custom_id": "q%d" % i, "response": {"body": {"choices": [
        {"message": {"content": "answer %d" % i}}]}}}) + "\n" for i in range(3))
    server.add_route("POST", r"/v1/batches", reply(lambda r, m: dict(r.json(), id="batch_1", status="validating")))
    server.add_route("GET", r"/v1/batches/batch_1", reply({"id": "batch_1", "status": "completed",
                                                          "output_file_id": "file-out",
                                                          "request_counts": {"total": 3, "completed": 3}}))
    server.add_route("GET", r"/v1/files/file-out/content", lambda s, r, m: Scripted(body=results))
    load("files_and_batches.py").main(client)
    out = capsys.readouterr().out
    assert "uploading: " in out and "batch batch_1 is validating" in out and "q2 -> answer 2" in out
    assert "is processed" in out and "cleaned up" in out
    assert sorted(names.values()) == ["batch_input.jsonl", "notes.txt"]
    deleted = [r.path for r in server.requests if r.method == "DELETE"]
    assert len(deleted) == 2


def test_images_example(server, client, tmp_path, capsys):
    png = base64.b64encode(b"\x89PNG fake").decode()
    server.add_route("POST", r"/v1/images/generations", reply({"data": [{"b64_json": png}], "usage": {"total_tokens": 5}}))
    server.add_route("POST", r"/v1/images/edits", reply(lambda r, m: {"data": [{"b64_json": png}],
                                                                      "got": form(r)["image"].filename}))
    load("images.py").main(client, tmp_path)
    assert (tmp_path / "lighthouse.png").read_bytes() == b"\x89PNG fake"
    assert (tmp_path / "lighthouse-moon.png").exists()
    edit = [r for r in server.requests if r.path == "/v1/images/edits"][0]
    assert form(edit)["image"].filename == "lighthouse.png" and form(edit)["image"].raw == b"\x89PNG fake"


def test_audio_example(server, client, tmp_path, capsys):
    server.add_route("POST", r"/v1/audio/speech", lambda s, r, m: Scripted(body=b"ID3 mp3 bytes",
                                                                           content_type="audio/mpeg"))
    server.add_route("POST", r"/v1/audio/transcriptions",
                     reply(lambda r, m: {"text": "heard %d bytes" % len(form(r)["file"].raw)}))
    load("audio.py").main(client, tmp_path)
    assert (tmp_path / "speech.mp3").read_bytes() == b"ID3 mp3 bytes" == (tmp_path / "streamed.mp3").read_bytes()
    out = capsys.readouterr().out
    assert "transcript: heard 13 bytes" in out and "content type: audio/mpeg" in out


def test_assistants_example(server, client, capsys):
    state = {"submitted": False}
    run = {"id": "run_1", "object": "thread.run", "thread_id": "thread_1"}
    call = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}

    def get_run(req, match):
        if state["submitted"]:
            return dict(run, status="completed")
        return dict(run, status="requires_action",
                    required_action={"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [call]}})

    def submit(req, match):
        state["submitted"] = req.json()["tool_outputs"]
        return dict(run, status="queued")

    server.add_route("POST", r"/v1/assistants", reply({"id": "asst_1", "object": "assistant"}))
    server.add_route("POST", r"/v1/threads", reply({"id": "thread_1", "object": "thread"}))
    server.add_route("POST", r"/v1/threads/thread_1/runs", reply(dict(run, status="queued")))
    server.add_route("GET", r"/v1/threads/thread_1/runs/run_1", reply(get_run, headers=FAST))
    server.add_route("POST", r"/v1/threads/thread_1/runs/run_1/submit_tool_outputs", reply(submit))
    server.add_route("GET", r"/v1/threads/thread_1/messages", reply({"object": "list", "has_more": False, "data": [
        {"id": "msg_1", "role": "user", "content": [{"type": "text", "text": {"value": "weather?"}}]},
        {"id": "msg_2", "role": "assistant", "content": [{"type": "text", "text": {"value": "Sunny, 21 C."}}]}]}))
    server.add_route("DELETE", r"/v1/(threads|assistants)/(?P<id>[^/]+)", reply({"deleted": True}))
    load("assistants.py").main(client)
    out = capsys.readouterr().out
    assert "tool call: get_weather({'city': 'Paris'})" in out and "run status: completed" in out
    assert "assistant: Sunny, 21 C." in out
    assert json.loads(state["submitted"][0]["output"])["city"] == "Paris"
    assert sorted(r.path for r in server.requests if r.method == "DELETE") == ["/v1/assistants/asst_1",
                                                                                "/v1/threads/thread_1"]


def test_vector_stores_example(server, client, capsys):
    names = add_files_api(server)
    attached = []
    server.add_route("POST", r"/v1/vector_stores", reply({"id": "vs_1", "object": "vector_store"}))
    server.add_route("POST", r"/v1/vector_stores/vs_1/file_batches",
                     reply(lambda r, m: attached.extend(r.json()["file_ids"]) or {"id": "vsfb_1",
                                                                                  "status": "in_progress"}))
    server.add_route("GET", r"/v1/vector_stores/vs_1/file_batches/vsfb_1",
                     reply({"id": "vsfb_1", "status": "completed", "file_counts": {"completed": 3}}, headers=FAST))
    server.add_route("POST", r"/v1/vector_stores/vs_1/files",
                     reply(lambda r, m: attached.append(r.json()["file_id"]) or {"id": r.json()["file_id"],
                                                                                 "status": "in_progress"}))
    server.add_route("GET", r"/v1/vector_stores/vs_1/files/(?P<id>[^/]+)",
                     reply(lambda r, m: {"id": m["id"], "status": "completed"}, headers=FAST))
    server.add_route("GET", r"/v1/vector_stores/vs_1/files", reply(lambda r, m: {
        "object": "list", "has_more": False, "data": [{"id": i, "status": "completed"} for i in attached]}))
    server.add_route("POST", r"/v1/vector_stores/vs_1/search", reply({"object": "vector_store.search_results.page",
                                                                      "has_more": False, "data": [
        {"file_id": "file-2", "filename": "cats.md", "score": 0.91, "content": [{"type": "text",
                                                                                  "text": "Cats sleep a lot."}]}]}))
    server.add_route("DELETE", r"/v1/vector_stores/vs_1", reply({"deleted": True}))
    load("vector_stores.py").main(client)
    out = capsys.readouterr().out
    assert "batch vsfb_1: completed, 3 files indexed" in out and "0.910  cats.md: Cats sleep a lot." in out
    assert sorted(names.values()) == ["cats.md", "lighthouses.md", "markets.md", "owls.md"]
    assert len(attached) == 4 and "cleaned up" in out
    assert len([r for r in server.requests if r.method == "DELETE" and r.path.startswith("/v1/files/")]) == 4


def test_responses_example(server, client, capsys):
    message = {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "a haiku"}]}

    def respond(srv, req, match):
        body = req.json()
        if not body.get("stream"):
            return Scripted(json={"id": "resp_%d" % req.index, "object": "response", "status": "completed",
                                  "output": [message], "usage": {"total_tokens": 12}})
        events = [{"type": "response.output_text.delta", "delta": d} for d in ("one ", "two ", "three")]
        events.append({"type": "response.completed", "response": {"usage": {"output_tokens": 3}}})
        return Scripted(chunks=["event: %s\ndata: %s\n\n" % (e["type"], json.dumps(e)) for e in events],
                        chunked=True, content_type="text/event-stream")

    server.add_route("POST", r"/v1/responses", respond)
    load("responses.py").main(client)
    out = capsys.readouterr().out
    assert out.count("a haiku") == 2 and "one two three" in out and "completed: 3 output tokens" in out
    follow_up = server.requests[1].json()
    assert follow_up["previous_response_id"] == "resp_1"


def test_azure_example(server, capsys):
    server.add_route("POST", r"/openai/deployments/(?P<d>[^/]+)/chat/completions",
                     lambda s, r, m: Scripted(json={"id": "c", "choices": [{"index": 0, "message": {
                         "role": "assistant", "content": "hello from " + m["d"]}}]}) if not r.json().get("stream")
                     else Scripted(chunks=['data: {"choices": [{"index": 0, "delta": {"content": "1 2 3"}}]}\n\n',
                                           "data: [DONE]\n\n"], chunked=True, content_type="text/event-stream"))
    with AzureOpenAI(azure_endpoint=server.root_url, api_key="azure-key", api_version="2024-10-21") as azure:
        load("azure.py").main(azure, "my-deployment")
    out = capsys.readouterr().out
    assert "chat: hello from my-deployment" in out and "1 2 3" in out
    assert all(r.headers["api-key"] == "azure-key" and r.query["api-version"] == ["2024-10-21"]
               for r in server.requests)
