"""Polling helpers (``openai_lite.lib.polling``) through the generated resources, on loopback.

Each test scripts an object's lifecycle on the offline server (a list of statuses served one
per GET) and checks what the helper sent, how often it polled, how long it meant to wait
(``_sleep`` is recorded, so header and interval handling are exact) and what it returned.
"""
import io
import pickle
import threading
import time

import multipart
import pytest

from openai_lite import OpenAI, OpenAIError, PollTimeoutError
from openai_lite.lib import polling
from openai_lite.lib.polling import RUN_TERMINAL_STATUSES
from openai_lite.testing import OfflineServer, Scripted

FAST = {"openai-poll-after-ms": "1"}


@pytest.fixture
def server():
    with OfflineServer() as srv:
        yield srv


@pytest.fixture
def client(server):
    with OpenAI(api_key="sk-test", base_url=server.url, max_retries=0) as c:
        yield c


@pytest.fixture
def sleeps(monkeypatch):
    """Record the helper's waits instead of sleeping them."""
    waits = []
    monkeypatch.setattr(polling, "_sleep", waits.append)
    return waits


class Lifecycle:
    """Serves ``statuses`` one per GET (the last one repeats), with ``headers``."""

    def __init__(self, statuses, headers=FAST, **fields):
        self.statuses = list(statuses)
        self.headers = headers
        self.fields = fields
        self.gets = 0
        self.lock = threading.Lock()

    def __call__(self, srv, req, match):
        with self.lock:
            status = self.statuses[min(self.gets, len(self.statuses) - 1)]
            self.gets += 1
        body = dict(self.fields, **match.groupdict())
        body["status"] = status
        return Scripted(json=body, headers=self.headers)


def created(**fields):
    return lambda srv, req, match: Scripted(json=dict(fields, **match.groupdict()))


def gets(server, path_prefix):
    return [r for r in server.requests if r.method == "GET" and r.path.startswith(path_prefix)]


# -- runs ---------------------------------------------------------------------------------------

RUN_GET = r"/v1/threads/(?P<thread_id>[^/]+)/runs/(?P<id>[^/]+)"


def test_create_and_poll_forwards_only_given_keywords_and_polls_to_completion(server, client, sleeps):
    server.add_route("POST", r"/v1/threads/(?P<thread_id>[^/]+)/runs",
                     created(id="run_1", object="thread.run", status="queued"))
    life = Lifecycle(["queued", "in_progress", "completed"], object="thread.run")
    server.add_route("GET", RUN_GET, life)

    run = client.beta.threads.runs.create_and_poll(
        thread_id="thread_1", assistant_id="asst_1", instructions="be brief", metadata=None, temperature=0.2,
        include=["step_details.tool_calls[*].file_search.results[*].content"],
        extra_headers={"X-Trace": "t1"}, extra_query={"q": "1"}, extra_body={"custom": True}, poll_interval_ms=1)

    assert (run.id, run.status, run.thread_id) == ("run_1", "completed", "thread_1")
    post = server.requests[0]
    assert post.method == "POST" and post.path == "/v1/threads/thread_1/runs"
    # exactly what was given: None is sent as null, the rest left out; extra_body merged in
    assert post.json() == {"assistant_id": "asst_1", "instructions": "be brief", "metadata": None,
                           "temperature": 0.2, "custom": True}
    assert post.query["include[]"] == ["step_details.tool_calls[*].file_search.results[*].content"]
    polls = gets(server, "/v1/threads/thread_1/runs/run_1")
    assert len(polls) == life.gets == 3
    for request in server.requests:  # headers and query on every request, the body only on the create
        assert request.headers["X-Trace"] == "t1" and request.query["q"] == ["1"]
    assert all(r.body_len == 0 for r in polls)
    assert sleeps == [0.001, 0.001]


@pytest.mark.parametrize("status", sorted(RUN_TERMINAL_STATUSES))
def test_poll_stops_on_every_terminal_run_status(server, client, sleeps, status):
    life = Lifecycle([status, "completed"])
    server.add_route("GET", RUN_GET, life)
    run = client.beta.threads.runs.poll("run_9", "thread_9")
    assert run.status == status and life.gets == 1 and sleeps == []


def test_poll_keeps_going_through_non_terminal_statuses(server, client, sleeps):
    life = Lifecycle(["queued", "in_progress", "cancelling", "cancelled"])
    server.add_route("GET", RUN_GET, life)
    assert client.beta.threads.runs.poll("run_1", "thread_1").status == "cancelled"
    assert life.gets == 4 and len(sleeps) == 3


def test_wait_comes_from_the_header_then_the_interval_then_one_second(server, client, sleeps):
    server.add_route("GET", RUN_GET, Lifecycle(["queued", "queued", "completed"], headers={"openai-poll-after-ms": "250"}))
    client.beta.threads.runs.poll("run_1", "thread_1")
    assert sleeps == [0.25, 0.25]

    del sleeps[:]
    server.add_route("GET", RUN_GET, Lifecycle(["queued", "completed"], headers={"openai-poll-after-ms": "250"}))
    client.beta.threads.runs.poll("run_1", "thread_1", poll_interval_ms=7)
    assert sleeps == [0.007]  # an explicit interval wins over the header

    del sleeps[:]
    server.add_route("GET", RUN_GET, Lifecycle(["queued", "completed"], headers={}))
    client.beta.threads.runs.poll("run_1", "thread_1")
    assert sleeps == [1.0]

    del sleeps[:]
    server.add_route("GET", RUN_GET, Lifecycle(["queued", "completed"], headers={"openai-poll-after-ms": "soon"}))
    client.beta.threads.runs.poll("run_1", "thread_1")
    assert sleeps == [1.0]  # a malformed header is ignored

    for odd in ("-5", "nan", "inf"):
        del sleeps[:]
        server.add_route("GET", RUN_GET, Lifecycle(["queued", "completed"], headers={"openai-poll-after-ms": odd}))
        client.beta.threads.runs.poll("run_1", "thread_1")
        assert sleeps == [1.0], odd


def test_header_is_read_again_on_every_poll(server, client, sleeps):
    delays = iter(["5", "40", "2"])

    def handler(srv, req, match):
        return Scripted(json={"id": "run_1", "status": "in_progress" if len(sleeps) < 3 else "completed"},
                        headers={"openai-poll-after-ms": next(delays, "1")})

    server.add_route("GET", RUN_GET, handler)
    client.beta.threads.runs.poll("run_1", "thread_1")
    assert sleeps == [0.005, 0.04, 0.002]


def test_max_wait_seconds_raises_a_named_error_with_id_and_status(server, client):
    server.add_route("GET", RUN_GET, Lifecycle(["in_progress"]))
    started = time.monotonic()
    with pytest.raises(PollTimeoutError) as info:
        client.beta.threads.runs.poll("run_7", "thread_7", poll_interval_ms=5, max_wait_seconds=0.15)
    elapsed = time.monotonic() - started
    error = info.value
    assert 0.15 <= elapsed < 3
    assert isinstance(error, OpenAIError) and isinstance(error, RuntimeError)
    assert (error.kind, error.object_id, error.status) == ("run", "run_7", "in_progress")
    assert "run_7" in str(error) and "in_progress" in str(error) and error.waited >= 0.15
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.object_id, copy.status, str(copy)) == (PollTimeoutError, "run_7", "in_progress", str(error))


def test_the_last_poll_happens_at_the_deadline(server, client, sleeps):
    # one in-progress answer, then completed: a long advised wait is cut to what is left
    server.add_route("GET", RUN_GET, Lifecycle(["in_progress", "completed"], headers={"openai-poll-after-ms": "60000"}))
    run = client.beta.threads.runs.poll("run_1", "thread_1", max_wait_seconds=2)
    assert run.status == "completed" and len(sleeps) == 1 and 0 < sleeps[0] <= 2


def test_bad_intervals_fail_before_anything_is_sent(server, client):
    with pytest.raises(ValueError):
        client.beta.threads.runs.create_and_poll(thread_id="t", assistant_id="a", poll_interval_ms=-1)
    with pytest.raises(TypeError):
        client.beta.threads.runs.poll("r", "t", poll_interval_ms="1")
    with pytest.raises(ValueError):
        client.beta.threads.runs.poll("r", "t", max_wait_seconds=-1)
    assert server.requests == []


def test_submit_tool_outputs_and_poll(server, client, sleeps):
    server.add_route("POST", r"/v1/threads/(?P<thread_id>[^/]+)/runs/(?P<id>[^/]+)/submit_tool_outputs",
                     created(status="queued"))
    life = Lifecycle(["in_progress", "requires_action"])
    server.add_route("GET", RUN_GET, life)
    outputs = [{"tool_call_id": "call_1", "output": "42"}]
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        tool_outputs=outputs, run_id="run_3", thread_id="thread_3", poll_interval_ms=1, extra_body={"x": 1})
    assert run.status == "requires_action" and life.gets == 2
    post = server.requests[0]
    assert post.path == "/v1/threads/thread_3/runs/run_3/submit_tool_outputs"
    assert post.json() == {"tool_outputs": outputs, "x": 1}
    assert [r.path for r in gets(server, "/")] == ["/v1/threads/thread_3/runs/run_3"] * 2


def test_helpers_return_objects_from_a_raw_response_resource_too(server, client, sleeps):
    server.add_route("GET", RUN_GET, Lifecycle(["completed"]))
    run = client.beta.threads.runs.with_raw_response.poll("run_1", "thread_1")
    assert run.status == "completed" and run.id == "run_1"


def test_create_and_run_poll_polls_the_new_threads_run(server, client, sleeps):
    server.add_route("POST", r"/v1/threads/runs", created(id="run_5", thread_id="thread_new", status="queued"))
    life = Lifecycle(["queued", "expired"])
    server.add_route("GET", RUN_GET, life)
    run = client.beta.threads.create_and_run_poll(
        assistant_id="asst_1", thread={"messages": [{"role": "user", "content": "hi"}]}, poll_interval_ms=1)
    assert run.status == "expired" and life.gets == 2
    assert server.requests[0].json() == {"assistant_id": "asst_1",
                                         "thread": {"messages": [{"role": "user", "content": "hi"}]}}
    assert {r.path for r in gets(server, "/")} == {"/v1/threads/thread_new/runs/run_5"}


# -- vector stores ----------------------------------------------------------------------------

VS_FILE_GET = r"/v1/vector_stores/(?P<vector_store_id>[^/]+)/files/(?P<id>[^/]+)"
BATCH_GET = r"/v1/vector_stores/(?P<vector_store_id>[^/]+)/file_batches/(?P<id>[^/]+)"


def form_parts(req):
    boundary = multipart.parse_options_header(req.headers["Content-Type"])[1]["boundary"]
    return {p.name: p for p in multipart.MultipartParser(io.BytesIO(req.body), boundary)}


def form_fields(req):
    return {name: part.value for name, part in form_parts(req).items() if part.filename is None}


def file_route(server, state):
    """POST /files: a file object per upload, recording the filename and content."""

    def handler(srv, req, match):
        parts = form_parts(req)
        with state["lock"]:
            state["n"] += 1
            file_id = "file-%d" % state["n"]
            state["uploaded"][file_id] = (parts["file"].filename, parts["file"].raw, parts["purpose"].value)
        return Scripted(json={"id": file_id, "object": "file", "status": "processed"})

    server.add_route("POST", r"/v1/files", handler)


@pytest.fixture
def files_state(server):
    state = {"lock": threading.Lock(), "n": 0, "uploaded": {}}
    file_route(server, state)
    return state


@pytest.mark.parametrize("final", ["completed", "failed", "cancelled", "something_new"])
def test_vector_store_file_create_and_poll_returns_on_any_settled_status(server, client, sleeps, final):
    server.add_route("POST", r"/v1/vector_stores/(?P<vector_store_id>[^/]+)/files",
                     created(id="file-1", status="in_progress"))
    life = Lifecycle(["in_progress", "in_progress", final], last_error=None)
    server.add_route("GET", VS_FILE_GET, life)
    vs_file = client.vector_stores.files.create_and_poll(
        "file-1", vector_store_id="vs_1", attributes={"lang": "en"}, chunking_strategy={"type": "auto"},
        poll_interval_ms=1)
    assert vs_file.status == final and life.gets == 3
    assert server.requests[0].json() == {"file_id": "file-1", "attributes": {"lang": "en"},
                                         "chunking_strategy": {"type": "auto"}}
    assert {r.path for r in gets(server, "/")} == {"/v1/vector_stores/vs_1/files/file-1"}


def test_vector_store_file_upload_and_upload_and_poll(server, client, sleeps, files_state, tmp_path):
    attached = []
    server.add_route("POST", r"/v1/vector_stores/(?P<vector_store_id>[^/]+)/files",
                     lambda srv, req, m: attached.append(req.json()) or Scripted(json={"id": req.json()["file_id"],
                                                                                      "status": "in_progress"}))
    server.add_route("GET", VS_FILE_GET, Lifecycle(["in_progress", "completed"]))
    doc = tmp_path / "notes.md"
    doc.write_bytes(b"# notes\n")

    first = client.vector_stores.files.upload(vector_store_id="vs_1", file=doc)
    assert first.status == "in_progress" and len(gets(server, "/")) == 0  # upload() does not wait
    second = client.vector_stores.files.upload_and_poll(vector_store_id="vs_1", file=("b.txt", b"bee"),
                                                        poll_interval_ms=1)
    assert second.status == "completed"
    assert files_state["uploaded"] == {"file-1": ("notes.md", b"# notes\n", "assistants"),
                                       "file-2": ("b.txt", b"bee", "assistants")}
    assert attached == [{"file_id": "file-1"}, {"file_id": "file-2"}]


def test_file_batch_create_and_poll(server, client, sleeps):
    server.add_route("POST", r"/v1/vector_stores/(?P<vector_store_id>[^/]+)/file_batches",
                     created(id="vsfb_1", status="in_progress"))
    life = Lifecycle(["in_progress", "completed"], file_counts={"completed": 2})
    server.add_route("GET", BATCH_GET, life)
    batch = client.vector_stores.file_batches.create_and_poll("vs_1", file_ids=["a", "b"], poll_interval_ms=1)
    assert batch.status == "completed" and batch.file_counts.completed == 2 and life.gets == 2
    assert server.requests[0].json() == {"file_ids": ["a", "b"]}


def test_file_batch_upload_and_poll_bounds_concurrency_and_keeps_order(server, client, sleeps):
    lock = threading.Lock()
    flight = {"now": 0, "max": 0, "n": 0}

    def slow_upload(srv, req, match):
        with lock:
            flight["now"] += 1
            flight["max"] = max(flight["max"], flight["now"])
            flight["n"] += 1
        time.sleep(0.05)
        with lock:
            flight["now"] -= 1
        name = req.body.split(b'filename="', 1)[1].split(b'"', 1)[0].decode()
        return Scripted(json={"id": "file-" + name, "object": "file"})

    server.add_route("POST", r"/v1/files", slow_upload)
    server.add_route("POST", r"/v1/vector_stores/(?P<vector_store_id>[^/]+)/file_batches",
                     created(id="vsfb_2", status="in_progress"))
    server.add_route("GET", BATCH_GET, Lifecycle(["completed"]))
    files = [("f%02d.txt" % i, b"x" * i) for i in range(10)]
    batch = client.vector_stores.file_batches.upload_and_poll(
        "vs_1", files=files, max_concurrency=3, file_ids=["file-old"], poll_interval_ms=1)
    assert batch.status == "completed"
    assert flight["n"] == 10 and 2 <= flight["max"] <= 3
    create = [r for r in server.requests if r.path.endswith("/file_batches")][0]
    assert create.json() == {"file_ids": ["file-old"] + ["file-f%02d.txt" % i for i in range(10)]}


def test_file_batch_upload_and_poll_checks_arguments_before_sending(server, client):
    with pytest.raises(ValueError):
        client.vector_stores.file_batches.upload_and_poll("vs_1", files=[b"a"], max_concurrency=0)
    with pytest.raises(TypeError):  # a plain str is refused (path or content?), nothing uploaded
        client.vector_stores.file_batches.upload_and_poll("vs_1", files=[("a.txt", b"a"), "b.txt"])
    with pytest.raises(ValueError):
        client.vector_stores.file_batches.upload_and_poll("vs_1", files=[])
    assert server.requests == []


def test_file_batch_upload_failure_creates_no_batch(server, client):
    def upload(srv, req, match):
        if b'filename="bad.txt"' in req.body:
            return Scripted.error(400, "unsupported file")
        return Scripted(json={"id": "file-ok"})

    server.add_route("POST", r"/v1/files", upload)
    from openai_lite import BadRequestError

    with pytest.raises(BadRequestError):
        client.vector_stores.file_batches.upload_and_poll(
            "vs_1", files=[("a.txt", b"a"), ("bad.txt", b"b"), ("c.txt", b"c")], max_concurrency=2)
    assert not [r for r in server.requests if "file_batches" in r.path]


# -- files and videos -----------------------------------------------------------------------

def test_wait_for_processing(server, client, sleeps):
    life = Lifecycle(["uploaded", "uploaded", "processed"], headers={})
    server.add_route("GET", r"/v1/files/(?P<id>[^/]+)", life)
    assert client.files.wait_for_processing("file-1").status == "processed"
    assert sleeps == [5.0, 5.0]  # openai-python's default interval

    del sleeps[:]
    server.add_route("GET", r"/v1/files/(?P<id>[^/]+)", Lifecycle(["uploaded", "error"], headers={}))
    assert client.files.wait_for_processing("file-1", poll_interval=0.01).status == "error"
    assert sleeps == [0.01]

    del sleeps[:]
    server.add_route("GET", r"/v1/files/(?P<id>[^/]+)", Lifecycle(["uploaded", "deleted"]))
    assert client.files.wait_for_processing("file-1").status == "deleted"
    assert sleeps == [0.001]  # the server's advice beats the default


def test_wait_for_processing_gives_up(server, client):
    server.add_route("GET", r"/v1/files/(?P<id>[^/]+)", Lifecycle(["uploaded"]))
    with pytest.raises(RuntimeError) as info:  # what openai-python raises, too
        client.files.wait_for_processing("file-2", poll_interval=0.01, max_wait_seconds=0.1)
    assert isinstance(info.value, PollTimeoutError)
    assert (info.value.kind, info.value.object_id, info.value.status) == ("file", "file-2", "uploaded")


def test_videos_create_and_poll(server, client, sleeps):
    server.add_route("POST", r"/v1/videos", created(id="video_1", status="queued"))
    life = Lifecycle(["queued", "in_progress", "completed"], progress=100)
    server.add_route("GET", r"/v1/videos/(?P<id>[^/]+)", life)
    video = client.videos.create_and_poll(prompt="a cat", seconds="4", poll_interval_ms=1)
    assert video.status == "completed" and life.gets == 3
    post = server.requests[0]
    sent = post.json() if post.headers["Content-Type"] == "application/json" else form_fields(post)
    assert post.path == "/v1/videos" and sent == {"prompt": "a cat", "seconds": "4"}

    server.add_route("GET", r"/v1/videos/(?P<id>[^/]+)", Lifecycle(["failed"]))
    assert client.videos.poll("video_2").status == "failed"
