"""File uploads through the client: every accepted input form, sent as a streamed multipart body
and parsed back on the server with the ``multipart`` package; refusals before anything is sent;
retries that re-send the identical body; progress; memory; chunked uploads (Uploads API).
"""
import hashlib
import io
import os
import threading
import time
import tracemalloc

import multipart
import pytest
import requests

from openai_lite import NOT_GIVEN, OpenAI, to_file
from openai_lite.testing import OfflineServer, Scripted

MiB = 1024 * 1024


def parse_form(req):
    """The multipart body of a recorded request as a list of parts (in order)."""
    ctype, options = multipart.parse_options_header(req.headers["Content-Type"])
    assert ctype == "multipart/form-data"
    parser = multipart.MultipartParser(io.BytesIO(req.body), options["boundary"], mem_limit=64 * MiB,
                                       memfile_limit=64 * MiB, disk_limit=64 * MiB)
    parts = []
    for part in parser:
        parts.append({
            "name": part.name,
            "filename": part.filename,
            "content_type": part.content_type if part.filename is not None else None,
            "data": part.raw,
            "headers": {k.lower(): v for k, v in part.headerlist},
        })
    return parts


def describe_upload(srv, req, match):
    """POST /files: a file object that says what the server received."""
    parts = parse_form(req)
    files = [{"name": p["name"], "filename": p["filename"], "content_type": p["content_type"],
              "size": len(p["data"]), "sha256": hashlib.sha256(p["data"]).hexdigest(),
              "x_part": p["headers"].get("x-part")} for p in parts if p["filename"] is not None]
    fields = [[p["name"], p["data"].decode()] for p in parts if p["filename"] is None]
    return Scripted(json={"id": "file-%d" % req.index, "object": "file", "files": files, "fields": fields})


@pytest.fixture
def server():
    with OfflineServer() as srv:
        srv.add_route("POST", r"/v1/files", describe_upload)
        srv.add_route("GET", r"/v1/download/(?P<name>[^/]+)", lambda s, r, m: Scripted(
            body=b"downloaded:" + m.group("name").encode() * 1000, content_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="%s"' % m.group("name")}))
        yield srv


@pytest.fixture
def client(server):
    with OpenAI(api_key="sk-test", base_url=server.url) as c:
        yield c


def upload(client, value, name="file", **body):
    body.setdefault("purpose", "assistants")
    return client._request("POST", "/files", body=body, files=[(name, value)], cast_to="FileObject")


def sha(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def sample(tmp_path):
    data = bytes(range(256)) * 1200 + b"tail"
    path = tmp_path / "data.json"
    path.write_bytes(data)
    return path, data


def pipe_reader(data):
    """A non-seekable binary file object (a pipe) that yields ``data``."""
    read_fd, write_fd = os.pipe()

    def feed():
        with os.fdopen(write_fd, "wb") as out:
            out.write(data)

    threading.Thread(target=feed, daemon=True).start()
    return os.fdopen(read_fd, "rb")


# -- every input form ---------------------------------------------------------------------------

def input_forms(sample, server):
    path, data = sample
    small = b"hello, upload"
    positioned = io.BytesIO(b"XXX" + small)
    positioned.seek(3)
    response = requests.get(server.url + "/download/report.csv", stream=True)
    read_response = requests.get(server.url + "/download/read.csv")
    csv = b"downloaded:" + b"report.csv" * 1000
    return [
        # value, filename, content type, content, extra part header
        (small, "upload", "application/octet-stream", small, None),
        (bytearray(small), "upload", "application/octet-stream", small, None),
        (memoryview(small), "upload", "application/octet-stream", small, None),
        (path, "data.json", "application/json", data, None),
        (open(path, "rb"), "data.json", "application/json", data, None),
        (io.BytesIO(small), "upload", "application/octet-stream", small, None),
        (positioned, "upload", "application/octet-stream", small, None),  # from the current position
        (pipe_reader(data), "upload", "application/octet-stream", data, None),
        (("notes.txt", small), "notes.txt", "text/plain", small, None),
        (("blob.bin", small, "application/x-custom"), "blob.bin", "application/x-custom", small, None),
        (("blob.bin", small, "application/x-custom", {"X-Part": "7"}), "blob.bin", "application/x-custom", small,
         "7"),
        (("renamed.csv", path), "renamed.csv", "text/csv", data, None),
        (("from-handle.txt", open(path, "rb")), "from-handle.txt", "text/plain", data, None),
        (response, "report.csv", "text/csv", csv, None),
        (read_response, "read.csv", "text/csv", b"downloaded:" + b"read.csv" * 1000, None),
        (to_file(small, "image.png"), "image.png", "image/png", small, None),
        (to_file(path, filename="x.bin", content_type="application/pdf"), "x.bin", "application/pdf", data, None),
        (to_file(("a.txt", small), content_type="text/markdown"), "a.txt", "text/markdown", small, None),
    ]


def test_every_input_form_arrives_intact(client, server, sample):
    forms = input_forms(sample, server)
    for value, filename, content_type, content, x_part in forms:
        server.reset()
        got = upload(client, value)
        assert [f.to_dict() for f in got.files] == [{
            "name": "file", "filename": filename, "content_type": content_type, "size": len(content),
            "sha256": sha(content), "x_part": x_part}], (value, got.files)
        assert got.fields == [["purpose", "assistants"]]
        req = server.last_request
        assert req.headers["Content-Length"] == str(req.body_len) and not req.chunked
        assert req.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    for value, *_ in forms:
        close = getattr(value, "close", None)
        if close is not None:
            close()


def test_through_the_generated_files_create(client, server, sample):
    path, data = sample
    got = client.files.create(file=path, purpose="fine-tune", extra_body={"note": "n"})
    assert [(f.filename, f.sha256) for f in got.files] == [("data.json", sha(data))]
    assert got.fields == [["purpose", "fine-tune"], ["note", "n"]]
    got = client.files.create(file=("train.jsonl", b'{"a": 1}\n'), purpose="batch",
                              expires_after={"anchor": "created_at", "seconds": 3600})
    assert got.fields == [["purpose", "batch"], ["expires_after[anchor]", "created_at"],
                          ["expires_after[seconds]", "3600"]]
    assert [(f.filename, f.content_type) for f in got.files] == [("train.jsonl", "application/octet-stream")]


def test_form_fields_are_flattened_like_openai_python(client, server):
    got = client._request("POST", "/files", files=[("file", b"x")], cast_to="FileObject", body={
        "purpose": "assistants", "expires_after": {"anchor": "created_at", "seconds": 60},
        "include": ["logprobs", "x"], "stream": True, "echo": False, "temperature": 0.5, "skip": None,
        "unset": NOT_GIVEN, "nested": {"a": {"b": [1, 2]}, "gone": NOT_GIVEN}})
    assert got.fields == [
        ["purpose", "assistants"], ["expires_after[anchor]", "created_at"], ["expires_after[seconds]", "60"],
        ["include[]", "logprobs"], ["include[]", "x"], ["stream", "true"], ["echo", "false"],
        ["temperature", "0.5"], ["nested[a][b][]", "1"], ["nested[a][b][]", "2"]]


def test_several_files_under_one_name(client, server):
    got = client._request("POST", "/files", files=[("image[]", ("a.png", b"A")), ("image[]", ("b.png", b"BB"))],
                          cast_to="FileObject")
    assert [(f.name, f.filename, f.size) for f in got.files] == [("image[]", "a.png", 1), ("image[]", "b.png", 2)]


# -- refusals: nothing is sent ------------------------------------------------------------------

def test_refused_values_raise_before_anything_is_sent(client, server, sample, tmp_path):
    path, _ = sample
    text_file = open(path, "r")
    closed = open(path, "rb")
    closed.close()
    cases = [
        (str(path), TypeError),                      # a str could be a path or content: refused
        ("some content", TypeError),
        (("a.txt", "text content"), TypeError),      # str content inside a tuple too
        (text_file, TypeError),                      # text mode
        (io.StringIO("abc"), TypeError),
        (closed, ValueError),
        (tmp_path / "missing.txt", FileNotFoundError),
        (("a", b"b", "c", "d", "e"), TypeError),    # tuple shape
        (12345, TypeError),
    ]
    try:
        for value, error in cases:
            with pytest.raises(error):
                upload(client, value)
        with pytest.raises(TypeError):
            client.files.create(file=str(path), purpose="assistants")
    finally:
        text_file.close()
    assert server.requests == []


def test_a_bad_file_among_good_ones_sends_nothing(client, server, sample):
    path, _ = sample
    with pytest.raises(TypeError):
        client._request("POST", "/files", files=[("a", path), ("b", "oops")], cast_to="FileObject")
    assert server.requests == []


# -- retries re-send the whole body ---------------------------------------------------------------

def retry_forms(sample, server):
    path, data = sample
    positioned = io.BytesIO(b"skip" + data)
    positioned.seek(4)
    return {  # built on demand: an unused pipe or response would be left dangling
        "path": lambda: path,
        "bytes": lambda: data,
        "seekable-at-offset": lambda: positioned,
        "pipe": lambda: pipe_reader(data),
        "response": lambda: requests.get(server.url + "/download/r.csv", stream=True),
        "tuple-with-handle": lambda: ("h.bin", open(path, "rb")),
    }


@pytest.mark.parametrize("form", ["path", "bytes", "seekable-at-offset", "pipe", "response", "tuple-with-handle"])
def test_a_retried_upload_resends_the_identical_body(client, server, sample, form):
    value = retry_forms(sample, server)[form]()
    server.reset()
    server.enqueue(Scripted(fault="reset_before_headers"), path="/v1/files")
    got = upload(client, value)
    first, second = server.requests
    assert first.body_len == second.body_len > 0
    assert first.body_sha256 == second.body_sha256
    assert first.body == second.body  # same boundary, same bytes, from the start
    assert second.headers["Content-Length"] == str(second.body_len) and not second.chunked
    assert len(got.files) == 1 and got.files[0].size > 0


def test_progress_reports_bytes_sent_and_restarts_on_retry(client, server, sample):
    path, data = sample
    calls = []
    server.enqueue(Scripted(fault="reset_before_headers"), path="/v1/files")
    got = upload(client, to_file(path, progress=lambda sent, total: calls.append((sent, total))))
    assert got.files[0].sha256 == sha(data)
    assert {total for _, total in calls} == {len(data)}
    sent = [s for s, _ in calls]
    restart = next(i for i in range(1, len(sent)) if sent[i] < sent[i - 1])
    assert sent[restart - 1] == len(data)  # first attempt: all of it
    assert sent[:restart] == sorted(sent[:restart]) and sent[restart:] == sorted(sent[restart:])
    assert sent[-1] == len(data) and sent[restart] < len(data)


def test_progress_must_be_callable():
    with pytest.raises(TypeError):
        to_file(b"x", progress="yes")


# -- memory ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["path", "file object"])
def test_a_large_upload_is_streamed_not_read_whole(tmp_path, form):
    size = 48 * MiB
    path = tmp_path / "big.bin"
    with open(path, "wb") as out:
        block = os.urandom(MiB)
        for _ in range(size // MiB):
            out.write(block)
    with OfflineServer(max_recorded_body=64 * 1024) as server:
        server.add_route("POST", r"/v1/files", lambda s, r, m: Scripted(json={"id": "f", "bytes": r.body_len}))
        with OpenAI(api_key="sk-test", base_url=server.url) as client:
            handle = open(path, "rb") if form == "file object" else None
            tracemalloc.start()
            try:
                got = client.files.create(file=handle or path, purpose="batch")
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
                if handle:
                    handle.close()
            assert got.bytes > size
            assert peak < 8 * MiB, "peak %.1f MiB" % (peak / MiB)


# -- chunked uploads (Uploads API) ----------------------------------------------------------------

class UploadsAPI:
    """/uploads, /uploads/{id}/parts, /uploads/{id}/complete, keeping the parts it received."""

    def __init__(self, server, record=True, delay=0.0):
        self.lock = threading.Lock()
        self.parts = {}
        self.created = None
        self.completed = None
        self.in_flight = self.max_in_flight = 0
        self.delay = delay
        self.record = record
        server.add_route("POST", r"/v1/uploads", self.create)
        server.add_route("POST", r"/v1/uploads/(?P<id>[^/]+)/parts", self.add_part)
        server.add_route("POST", r"/v1/uploads/(?P<id>[^/]+)/complete", self.complete)

    def create(self, srv, req, match):
        self.created = req.json()
        return Scripted(json=dict(self.created, id="upload_1", object="upload", status="pending"))

    def add_part(self, srv, req, match):
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        time.sleep(self.delay)
        part_id = "part_%d" % req.index
        data = None
        if self.record:
            (part,) = parse_form(req)
            assert part["name"] == "data"
            data = part["data"]
        with self.lock:
            self.in_flight -= 1
            self.parts[part_id] = data
        return Scripted(json={"id": part_id, "object": "upload.part", "upload_id": match.group("id")})

    def complete(self, srv, req, match):
        self.completed = req.json()
        return Scripted(json={"id": match.group("id"), "status": "completed", "object": "upload",
                              "file": {"id": "file-9", "object": "file"}})

    def assembled(self):
        return b"".join(self.parts[p] for p in self.completed["part_ids"])


@pytest.mark.parametrize("form", ["path", "shared file object", "bytes"])
def test_upload_file_chunked_sends_parts_and_completes_in_order(client, server, tmp_path, form):
    data = os.urandom(MiB + 1234)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    api = UploadsAPI(server, delay=0.03)
    calls = []
    handle = open(path, "rb") if form == "shared file object" else None
    value = {"path": path, "shared file object": handle, "bytes": data}[form]
    try:
        result = client.uploads.upload_file_chunked(
            file=value, filename=None if form != "bytes" else "mem.bin", mime_type="application/octet-stream",
            purpose="assistants", part_size=256 * 1024, max_concurrency=3,
            progress=lambda sent, total: calls.append((sent, total)))
    finally:
        if handle:
            handle.close()
    assert result.status == "completed" and result.file.id == "file-9"
    assert api.created == {"bytes": len(data), "filename": "mem.bin" if form == "bytes" else "big.bin",
                           "mime_type": "application/octet-stream", "purpose": "assistants"}
    assert len(api.completed["part_ids"]) == 5 and "md5" not in api.completed
    assert [len(api.parts[p]) for p in api.completed["part_ids"]] == [256 * 1024] * 4 + [1234]
    assert api.assembled() == data
    assert 2 <= api.max_in_flight <= 3
    sent = [s for s, _ in calls]
    assert sent == sorted(sent) and calls[-1] == (len(data), len(data))


def test_upload_file_chunked_forwards_md5_and_handles_one_part(client, server):
    api = UploadsAPI(server)
    client.uploads.upload_file_chunked(file=("x.jsonl", b'{"a": 1}\n'), mime_type="text/jsonl", purpose="batch",
                                       md5="abc123")
    assert api.completed == {"part_ids": ["part_2"], "md5": "abc123"}
    assert api.created["filename"] == "x.jsonl" and api.assembled() == b'{"a": 1}\n'


def test_upload_file_chunked_checks_before_sending(client, server, tmp_path):
    UploadsAPI(server)
    with pytest.raises(TypeError):  # in-memory content needs a filename (as openai-python)
        client.uploads.upload_file_chunked(file=b"abc", mime_type="text/plain", purpose="assistants")
    with pytest.raises(ValueError):
        client.uploads.upload_file_chunked(file=b"abc", filename="a", bytes=4, mime_type="text/plain",
                                           purpose="assistants")
    with pytest.raises(ValueError):
        client.uploads.upload_file_chunked(file=b"abc", filename="a", max_concurrency=0, mime_type="text/plain",
                                           purpose="assistants")
    with pytest.raises(ValueError):
        client.uploads.upload_file_chunked(file=b"abc", filename="a", part_size=0, mime_type="text/plain",
                                           purpose="assistants")
    with pytest.raises(TypeError):
        client.uploads.upload_file_chunked(file=str(tmp_path), mime_type="text/plain", purpose="assistants")
    assert server.requests == []


def test_upload_file_chunked_stops_at_a_failed_part(client, server):
    api = UploadsAPI(server)
    server.enqueue(Scripted.error(400, "bad part"), path="/v1/uploads/upload_1/parts")
    from openai_lite import BadRequestError

    with pytest.raises(BadRequestError):
        client.uploads.upload_file_chunked(file=("a.bin", b"x" * 10), mime_type="text/plain", purpose="batch",
                                           part_size=3, max_concurrency=1)
    assert api.completed is None
    assert len([r for r in server.requests if r.path.endswith("/parts")]) == 1  # the rest never started


def test_upload_file_chunked_memory_stays_flat(tmp_path):
    size = 32 * MiB
    path = tmp_path / "big.bin"
    with open(path, "wb") as out:
        block = os.urandom(MiB)
        for _ in range(size // MiB):
            out.write(block)
    with OfflineServer(max_recorded_body=64 * 1024) as server:
        api = UploadsAPI(server, record=False)
        with OpenAI(api_key="sk-test", base_url=server.url) as client:
            tracemalloc.start()
            try:
                client.uploads.upload_file_chunked(file=path, mime_type="application/octet-stream",
                                                   purpose="batch", part_size=8 * MiB, max_concurrency=4)
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
    assert len(api.completed["part_ids"]) == 4
    assert peak < 12 * MiB, "peak %.1f MiB" % (peak / MiB)
