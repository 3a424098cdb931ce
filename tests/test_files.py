"""Tests for openai_lite._files: file coercion, streaming multipart encoding,
requests/urllib3 integration (real sockets, retries) and chunk windows."""

import errno
import io
import mimetypes
import os
import pathlib
import stat
import threading
import tracemalloc
import zipfile
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import multipart
import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.fields import RequestField
from urllib3.filepost import encode_multipart_formdata

from openai_lite import _files
from openai_lite._files import (
    MAX_READ_SIZE,
    ClosedFileError,
    FilePart,
    FileUpload,
    FileUploadError,
    InvalidFileError,
    InvalidHeaderError,
    MultipartBody,
    UploadFileNotFoundError,
    UploadOSError,
    UploadPermissionError,
    UploadSourceError,
    coerce_file,
    flatten_form_fields,
    split_parts,
    to_file,
)

MiB = 1024 * 1024


# --------------------------------------------------------------------------
# helpers


def parse(data, boundary):
    """Parse a multipart body with the `multipart` package -> list of dicts."""
    parser = multipart.MultipartParser(
        io.BytesIO(data), boundary, content_length=len(data),
        memory_limit=64 * MiB, part_limit=1000,
    )
    parts = []
    for part in parser:
        parts.append({
            "name": part.name,
            "filename": part.filename,
            "content_type": part.headers.get("Content-Type"),
            "headers": dict(part.headerlist),
            "data": part.raw,
        })
        part.close()  # large parts are buffered in temporary files
    return parts


def guessed(filename):
    """What the module should infer (system mime tables may differ)."""
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def read_all(body, piece):
    out = []
    while True:
        chunk = body.read(piece)
        if not chunk:
            return b"".join(out)
        assert len(chunk) <= piece
        out.append(chunk)


def make_response(data, headers=None, url="https://files.example/dl/report.csv"):
    resp = requests.Response()
    resp.status_code = 200
    resp.raw = io.BytesIO(data)
    resp.headers = CaseInsensitiveDict(headers or {})
    resp.url = url
    return resp


class NoSeekReader:
    """A binary reader with no seek/tell at all."""

    def __init__(self, data):
        self._buf = io.BytesIO(data)

    def read(self, n=-1):
        return self._buf.read(n)


class TextReader:
    """Not an io.TextIOBase, no mode, but read() returns str."""

    def read(self, n=-1):
        return "" if n == 0 else "text"


class ModeRTextReader:
    mode = "r"

    def read(self, n=-1):
        return "abc"


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "speech.mp3"
    data = bytes(range(256)) * 40 + b"tail"
    path.write_bytes(data)
    return path, data


# --------------------------------------------------------------------------
# coercion: accepted forms


@pytest.mark.parametrize("value", [b"abc\x00def", bytearray(b"abc\x00def"),
                                   memoryview(b"abc\x00def")])
def test_coerce_bytes_like(value):
    up = coerce_file(value)
    assert isinstance(up, FileUpload)
    assert up.filename == "upload"
    assert up.content_type == "application/octet-stream"
    assert up.size == 7
    body = MultipartBody(files=[("file", up)])
    assert parse(body.read(), body.boundary)[0]["data"] == b"abc\x00def"


def test_coerce_noncontiguous_memoryview():
    up = coerce_file(memoryview(b"abcdef")[::2])
    assert up.size == 3
    body = MultipartBody(files=[("file", up)])
    assert parse(body.read(), body.boundary)[0]["data"] == b"ace"


def test_coerce_bytearray_resize_after_coercion_is_detected():
    buf = bytearray(b"12345")
    up = coerce_file(buf)
    buf.extend(b"678")  # not locked by the upload (no long-lived memoryview)
    body = MultipartBody(files=[("file", up)])
    with pytest.raises(UploadSourceError, match="changed size"):
        body.read()


def test_coerce_path(sample):
    path, data = sample
    up = coerce_file(path)
    assert up.filename == "speech.mp3"
    assert up.content_type == guessed("speech.mp3") == "audio/mpeg"
    assert up.size == len(data) == os.stat(path).st_size
    assert up.content is path


def test_coerce_path_unknown_extension(tmp_path):
    path = tmp_path / "data.unknownext"
    path.write_bytes(b"x")
    up = coerce_file(path)
    assert (up.filename, up.content_type, up.size) == (
        "data.unknownext", "application/octet-stream", 1)


def test_coerce_binary_file_object_with_name(sample):
    path, data = sample
    with open(path, "rb") as fh:
        up = coerce_file(fh)
        assert up.filename == "speech.mp3"
        assert up.content_type == guessed("speech.mp3")
        assert up.size == len(data)
        assert up.content is fh


def test_coerce_file_object_without_usable_name(tmp_path):
    assert coerce_file(io.BytesIO(b"abcd")).filename == "upload"
    assert coerce_file(io.BytesIO(b"abcd")).size == 4
    fd = os.open(str(tmp_path / "x.bin"), os.O_RDWR | os.O_CREAT)
    with open(fd, "rb") as fh:  # name is the int fd
        assert fh.name == fd
        assert coerce_file(fh).filename == "upload"
    fake_stdin = io.BytesIO(b"z")
    fake_stdin.name = "<stdin>"
    assert coerce_file(fake_stdin).filename == "upload"
    named = io.BytesIO(b"z")
    named.name = b"/some/dir/bytes-name.json"
    up = coerce_file(named)
    assert (up.filename, up.content_type) == ("bytes-name.json", guessed("x.json"))


def test_coerce_seekable_file_mid_position(sample):
    path, data = sample
    with open(path, "rb") as fh:
        fh.seek(100)
        up = coerce_file(fh)
        assert up.size == len(data) - 100
        assert fh.tell() == 100  # position restored after measuring


def test_coerce_zipfile_member_mode_r_but_binary(tmp_path):
    zpath = tmp_path / "a.zip"
    with zipfile.ZipFile(str(zpath), "w") as zf:
        zf.writestr("inner.txt", b"zipped bytes")
    with zipfile.ZipFile(str(zpath)) as zf, zf.open("inner.txt") as member:
        assert member.mode == "r"
        up = coerce_file(member)
        assert up.filename == "inner.txt"
        assert up.content_type == guessed("inner.txt")
        body = MultipartBody(files=[("file", up)])
        assert parse(body.read(), body.boundary)[0]["data"] == b"zipped bytes"


def test_coerce_non_seekable_file_object():
    up = coerce_file(NoSeekReader(b"stream data"))
    assert up.size is None  # unknown until spooled
    assert up.filename == "upload"
    body = MultipartBody(files=[("file", up)])
    assert up.size == 11
    assert parse(body.read(), body.boundary)[0]["data"] == b"stream data"


def test_coerce_pipe_is_spooled_to_disk_when_large():
    payload = os.urandom(9 * MiB)  # > 8 MiB spool memory limit
    rfd, wfd = os.pipe()

    def writer():
        with os.fdopen(wfd, "wb") as w:
            w.write(payload)

    t = threading.Thread(target=writer)
    t.start()
    with os.fdopen(rfd, "rb") as reader:
        up = coerce_file(reader)
        assert up.size is None
        body = MultipartBody(files=[("file", up)])  # spools here
        t.join()
        assert up.size == len(payload)
        assert getattr(up._source._spool, "_rolled", True) is True
        first = read_all(body, 65536)
        body.seek(0)
        assert read_all(body, 100003) == first
        assert parse(first, body.boundary)[0]["data"] == payload
        up.close()


def test_coerce_fifo_path(tmp_path):
    fifo = tmp_path / "pipe.bin"
    os.mkfifo(str(fifo))

    def writer():
        with open(str(fifo), "wb") as w:
            w.write(b"fifo content")

    t = threading.Thread(target=writer)
    t.start()
    up = coerce_file(fifo)
    t.join()
    assert up.filename == "pipe.bin"
    body = MultipartBody(files=[("file", up)])
    assert up.size == 12
    assert parse(body.read(), body.boundary)[0]["data"] == b"fifo content"


def test_tuple_forms(sample):
    path, data = sample
    up2 = coerce_file(("renamed.wav", path))
    assert (up2.filename, up2.content_type, up2.size) == (
        "renamed.wav", guessed("renamed.wav"), len(data))
    assert up2.content_type != "application/octet-stream"
    up3 = coerce_file(("a.bin", b"xyz", "image/png"))
    assert (up3.filename, up3.content_type, up3.size) == ("a.bin", "image/png", 3)
    up4 = coerce_file(("a.bin", b"xyz", None, {"X-Trace": "1"}))
    assert up4.content_type == "application/octet-stream"
    assert up4.headers == {"X-Trace": "1"}
    # filename None falls back to what the content provides
    assert coerce_file((None, path)).filename == "speech.mp3"
    assert coerce_file((None, b"x")).filename == "upload"
    # a Content-Type header beats the content_type item (as httpx does)
    up5 = coerce_file(("a.txt", b"x", "text/plain", {"content-type": "text/csv"}))
    assert up5.content_type == "text/csv"
    assert up5.headers == {}


def test_tuple_wrong_lengths():
    for bad in [(), ("only",), ("a", b"b", "c", {}, "extra")]:
        with pytest.raises(TypeError, match="tuple of %d item" % len(bad)) as info:
            coerce_file(bad, param="image")
        assert "`image`" in str(info.value)


def test_tuple_bad_members():
    with pytest.raises(TypeError, match="filename must be a str"):
        coerce_file((123, b"x"))
    with pytest.raises(TypeError, match="content_type must be a str"):
        coerce_file(("a", b"x", 5))
    with pytest.raises(TypeError, match="headers must be a mapping"):
        coerce_file(("a", b"x", None, ["X-A", "b"]))
    with pytest.raises(TypeError, match="cannot contain another tuple"):
        coerce_file(("a", ("b", b"x")))
    with pytest.raises(InvalidHeaderError, match="CR/LF"):
        coerce_file(("a", b"x", None, {"X-Evil": "a\r\nInjected: 1"}))
    with pytest.raises(ValueError, match="Content-Disposition"):
        coerce_file(("a", b"x", None, {"Content-Disposition": "form-data"}))
    with pytest.raises(TypeError, match="received a str"):
        coerce_file(("a.txt", "some text"))


def test_to_file_and_precedence(sample):
    path, data = sample
    up = to_file(path, filename="explicit.ogg")
    assert (up.filename, up.content_type, up.size) == ("explicit.ogg", guessed("x.ogg"), len(data))
    up = to_file(b"x", content_type="text/markdown", headers={"X-A": "1"})
    assert (up.filename, up.content_type, up.headers) == ("upload", "text/markdown", {"X-A": "1"})
    # explicit beats tuple
    up = to_file(("tuple.txt", b"x", "text/plain"), filename="explicit.json")
    assert up.filename == "explicit.json"
    assert up.content_type == "text/plain"  # tuple type is explicit; kept
    # a to_file() result is accepted wherever a file is
    inner = to_file(path)
    assert coerce_file(inner) is inner
    renamed = coerce_file(("voice.wav", inner))
    assert renamed.filename == "voice.wav"
    assert renamed.content_type == guessed("voice.wav") != inner.content_type  # re-guessed
    typed = to_file(b"x", content_type="application/pdf")
    assert coerce_file(("doc.txt", typed)).content_type == "application/pdf"


def test_fileupload_direct_construction(sample):
    path, data = sample
    up = FileUpload("notes.md", b"# hi")
    assert (up.filename, up.content_type, up.size) == ("notes.md", guessed("notes.md"), 4)
    up = FileUpload(content=path)
    assert (up.filename, up.size) == ("speech.mp3", len(data))
    with pytest.raises(TypeError):
        FileUpload("x", ("a", b"b"))


# --------------------------------------------------------------------------
# coercion: errors


def test_plain_str_rejected():
    with pytest.raises(TypeError) as info:
        coerce_file("/tmp/some/file.txt", param="file")
    msg = str(info.value)
    assert "`file` received a str" in msg
    assert "pathlib.Path" in msg and "open(..., 'rb')" in msg
    assert isinstance(info.value, FileUploadError)


def test_text_mode_files_rejected(sample):
    path, _ = sample
    with open(path, "r", encoding="latin-1") as fh:
        with pytest.raises(TypeError, match=r"binary mode \('rb'\)") as info:
            coerce_file(fh, param="file")
        assert "speech.mp3" in str(info.value)
    with pytest.raises(TypeError, match=r"binary mode \('rb'\)"):
        coerce_file(io.StringIO("abc"))
    with pytest.raises(TypeError, match=r"binary mode \('rb'\)"):
        coerce_file(TextReader())
    with pytest.raises(TypeError, match=r"binary mode \('rb'\)"):
        coerce_file(ModeRTextReader())


def test_closed_file_rejected(sample):
    path, _ = sample
    fh = open(path, "rb")
    fh.close()
    with pytest.raises(ValueError, match="is closed") as info:
        coerce_file(fh, param="file")
    assert str(path) in str(info.value)
    assert isinstance(info.value, ClosedFileError)
    closed_buf = io.BytesIO(b"x")
    closed_buf.close()
    with pytest.raises(ClosedFileError):
        coerce_file(closed_buf)


def test_write_only_file_rejected(tmp_path):
    with open(str(tmp_path / "out.bin"), "wb") as fh:
        with pytest.raises(TypeError, match="not open for reading"):
            coerce_file(fh)


def test_missing_path(tmp_path):
    missing = tmp_path / "nope" / "missing.wav"
    with pytest.raises(FileNotFoundError) as info:
        coerce_file(missing, param="file")
    err = info.value
    assert isinstance(err, UploadFileNotFoundError)
    assert err.errno == errno.ENOENT
    assert err.filename == str(missing)
    assert str(missing) in str(err) and "`file`" in str(err)


def test_unreadable_path_chmod(tmp_path):
    path = tmp_path / "secret.bin"
    path.write_bytes(b"x")
    os.chmod(str(path), 0)
    try:
        if os.access(str(path), os.R_OK):
            pytest.skip("running with privileges that can read a mode-000 file (root)")
        with pytest.raises(PermissionError) as info:
            coerce_file(path)
        assert isinstance(info.value, UploadPermissionError)
        assert str(path) in str(info.value)
    finally:
        os.chmod(str(path), stat.S_IRUSR | stat.S_IWUSR)


def test_unreadable_path_simulated(tmp_path, monkeypatch):
    path = tmp_path / "secret.bin"
    path.write_bytes(b"x")

    def deny(p, mode="r", *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", p)

    monkeypatch.setattr(_files, "open", deny, raising=False)
    with pytest.raises(PermissionError) as info:
        coerce_file(path, param="file")
    assert isinstance(info.value, UploadPermissionError)
    assert info.value.errno == errno.EACCES
    assert str(path) in str(info.value) and "permission denied" in str(info.value)


def test_directory_path(tmp_path):
    with pytest.raises(OSError) as info:
        coerce_file(tmp_path)
    assert isinstance(info.value, UploadOSError)
    assert info.value.errno == errno.EISDIR
    assert str(tmp_path) in str(info.value)


@pytest.mark.parametrize("value", [123, 4.5, None, {"a": b"b"}, [b"a"], object()])
def test_wrong_types(value):
    with pytest.raises(TypeError) as info:
        coerce_file(value, param="training_file")
    msg = str(info.value)
    assert "`training_file`" in msg
    assert "bytes" in msg and "PathLike" in msg and "tuple" in msg
    assert type(value).__name__ in msg


# --------------------------------------------------------------------------
# requests.Response sources


def test_response_content_disposition_and_type():
    resp = make_response(b"a,b\n1,2\n", {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Length": "8",
        "Content-Disposition": 'attachment; filename="../../etc/data.csv"',
    })
    up = coerce_file(resp)
    assert up.filename == "data.csv"  # path components stripped
    assert up.content_type == "text/csv; charset=utf-8"
    assert up.size == 8
    body = MultipartBody(files=[("file", up)])
    assert resp.raw.tell() == 0  # known length: nothing read at construction
    first = read_all(body, 3)
    body.seek(0)
    assert read_all(body, 4096) == first  # replayed from the tee spool
    assert parse(first, body.boundary)[0]["data"] == b"a,b\n1,2\n"


def test_response_rfc5987_filename_and_url_fallback():
    resp = make_response(b"x", {"Content-Disposition":
                                "attachment; filename*=UTF-8''na%C3%AFve%20file.txt"})
    assert coerce_file(resp).filename == "naïve file.txt"
    resp = make_response(b"x", {}, url="https://h.example/a/b/photo%20one.png?sig=1")
    up = coerce_file(resp)
    assert up.filename == "photo one.png"
    assert up.content_type == guessed("photo one.png") != "application/octet-stream"
    resp = make_response(b"x", {}, url="https://h.example/")
    assert coerce_file(resp).filename == "upload"


def test_response_without_length_is_spooled():
    data = os.urandom(200000)
    resp = make_response(data, {"Content-Type": "application/pdf"})
    up = coerce_file(resp)
    assert up.size is None
    body = MultipartBody(files=[("doc", up)])
    assert up.size == len(data)
    parsed = parse(read_all(body, 8191), body.boundary)[0]
    assert (parsed["filename"], parsed["content_type"], parsed["data"]) == (
        "report.csv", "application/pdf", data)


def test_response_gzip_length_not_trusted():
    resp = make_response(b"decoded", {"Content-Length": "3", "Content-Encoding": "gzip"})
    resp.raw = io.BytesIO(b"decoded")  # plain BytesIO: no decoding happens
    assert coerce_file(resp).size is None


def test_response_shorter_than_content_length():
    resp = make_response(b"short", {"Content-Length": "10"})
    body = MultipartBody(files=[("file", resp)])
    with pytest.raises(UploadSourceError, match="ended after 5 bytes, but 10"):
        body.read()


def test_response_already_loaded_and_consumed():
    resp = make_response(b"in memory", {})
    assert resp.content == b"in memory"  # loads _content
    up = coerce_file(resp)
    assert up.size == 9
    consumed = make_response(b"abc", {})
    for _ in consumed.iter_content(2):  # streamed away without storing
        pass
    consumed._content = False
    with pytest.raises(ClosedFileError, match="already consumed"):
        coerce_file(consumed)


# --------------------------------------------------------------------------
# multipart encoding


def test_flatten_form_fields_like_openai_python():
    flat = flatten_form_fields({
        "model": "whisper-1",
        "temperature": 0.5,
        "n": 2,
        "stream": False,
        "skip": None,
        "empty": "",
        "timestamp_granularities": ["word", "segment"],
        "meta": {"a": {"b": True}, "list": [1, {"k": "v"}]},
        "raw": b"\x00\xff",
    })
    assert flat == [
        ("model", "whisper-1"),
        ("temperature", "0.5"),
        ("n", "2"),
        ("stream", "false"),
        ("empty", ""),
        ("timestamp_granularities[]", "word"),
        ("timestamp_granularities[]", "segment"),
        ("meta[a][b]", "true"),
        ("meta[list][]", "1"),
        ("meta[list][][k]", "v"),
        ("raw", b"\x00\xff"),
    ]
    assert flatten_form_fields([("a", 1), ("a", 2)]) == [("a", "1"), ("a", "2")]
    with pytest.raises(TypeError, match="`bad`"):
        flatten_form_fields({"bad": object()})
    with pytest.raises(TypeError, match="field names must be str"):
        flatten_form_fields([(1, "x")])


def test_round_trip_fields_and_files(sample, tmp_path):
    path, data = sample
    other = tmp_path / "notes.json"
    other.write_bytes(b'{"a": 1}')
    with open(other, "rb") as fh:
        body = MultipartBody(
            fields={"model": "whisper-1", "stream": True,
                    "meta": {"tags": ["x", "y"], "deep": {"k": 1.5}}, "none": None},
            files=[
                ("file", path),
                ("extra", fh),
                ("img", ("pic.png", b"\x89PNG\r\n", None, {"X-Part": "7"})),
                ("many", [b"one", b"two"]),
            ],
        )
        produced = body.read()
    assert len(produced) == len(body) == body.content_length
    assert body.headers == {"Content-Type": body.content_type,
                            "Content-Length": str(len(produced))}
    assert body.content_type == "multipart/form-data; boundary=" + body.boundary
    parts = parse(produced, body.boundary)
    summary = [(p["name"], p["filename"], p["content_type"], p["data"]) for p in parts]
    assert summary == [
        ("model", None, None, b"whisper-1"),
        ("stream", None, None, b"true"),
        ("meta[tags][]", None, None, b"x"),
        ("meta[tags][]", None, None, b"y"),
        ("meta[deep][k]", None, None, b"1.5"),
        ("file", "speech.mp3", guessed("speech.mp3"), data),
        ("extra", "notes.json", guessed("notes.json"), b'{"a": 1}'),
        ("img", "pic.png", guessed("pic.png"), b"\x89PNG\r\n"),
        ("many", "upload", "application/octet-stream", b"one"),
        ("many", "upload", "application/octet-stream", b"two"),
    ]
    assert parts[7]["headers"]["X-Part"] == "7"
    assert produced.endswith(("--%s--\r\n" % body.boundary).encode())


def test_byte_identical_to_urllib3_encoder(sample):
    path, data = sample
    boundary = "0123456789abcdef0123456789abcdef"
    name = 'we"ird\r\nnäme.mp3'
    body = MultipartBody(fields=[("model", "whisper-1"), ("temperature", 0.2)],
                         files=[("file", (name, path))], boundary=boundary)
    rf = RequestField(name="file", data=data, filename=name)
    rf.make_multipart(content_type=guessed(name))
    expected, ctype = encode_multipart_formdata(
        [("model", "whisper-1"), ("temperature", "0.2"), rf], boundary=boundary)
    assert body.read() == expected
    assert body.content_type == ctype
    assert b'filename="we%22ird%0D%0An\xc3\xa4me.mp3"' in expected


def test_header_escaping_and_boundary_validation():
    body = MultipartBody(fields={'a"b': "v"}, files=[("f", ('x"\ny.txt', b"1"))],
                         boundary="my-boundary")
    raw = body.read()
    assert b'name="a%22b"' in raw
    assert b'filename="x%22%0Ay.txt"' in raw
    assert raw.startswith(b"--my-boundary\r\n")
    assert body.content_type == "multipart/form-data; boundary=my-boundary"
    quoted = MultipartBody(boundary="a:b")
    assert quoted.content_type == 'multipart/form-data; boundary="a:b"'
    for bad in ["", "x" * 71, "bad\r\n", "ends with space ", "semi;colon"]:
        with pytest.raises(ValueError, match="invalid multipart boundary"):
            MultipartBody(boundary=bad)


def test_odd_piece_sizes_and_readinto(sample):
    path, data = sample
    body = MultipartBody(fields={"purpose": "assistants"},
                         files=[("file", path), ("b", b"x" * 5000)])
    reference = body.read()
    for piece in (1, 7, 8191, 65536, len(body) + 10):
        body.seek(0)
        assert read_all(body, piece) == reference, piece
    body.seek(0)
    buf = bytearray(777)
    out = bytearray()
    while True:
        n = body.readinto(buf)
        if not n:
            break
        out += buf[:n]
    assert bytes(out) == reference


def test_seek_tell_semantics(sample):
    path, _ = sample
    body = MultipartBody(files=[("file", path)])
    total = len(body)
    assert body.tell() == 0
    assert body.seek(0, 2) == total and body.tell() == total
    assert body.read(10) == b""
    assert body.seek(-5, 2) == total - 5
    tail = body.read()
    assert len(tail) == 5 and tail.endswith(b"--\r\n")
    body.seek(10)
    assert body.seek(3, 1) == 13
    with pytest.raises(ValueError):
        body.seek(-1)
    with pytest.raises(ValueError):
        body.seek(0, 3)
    assert body.readable() and body.seekable() and not body.writable()
    assert not hasattr(body, "__iter__")
    assert not hasattr(body, "fileno")


def test_rewind_reproduces_identical_bytes(sample):
    path, _ = sample
    body = MultipartBody(fields={"a": "b"}, files=[("file", path), ("s", NoSeekReader(b"zz"))])
    first = read_all(body, 1000)
    body.seek(0)
    assert read_all(body, 333) == first
    body.seek(len(first) // 2)
    assert body.read() == first[len(first) // 2:]


def test_rewind_seekable_source_started_mid_file(sample):
    path, data = sample
    with open(path, "rb") as fh:
        fh.seek(1000)
        body = MultipartBody(files=[("file", fh)])
        first = read_all(body, 4096)
        assert fh.tell() != 1000  # the source was consumed ...
        body.seek(0)
        second = read_all(body, 999)  # ... and rewound to 1000, not 0
    assert first == second
    assert parse(first, body.boundary)[0]["data"] == data[1000:]


def test_max_read_size_and_bounded_pieces(tmp_path):
    path = tmp_path / "big.bin"
    with open(str(path), "wb") as fh:
        fh.truncate(3 * MiB)
    body = MultipartBody(files=[("file", path)])
    chunk = body.read(10 * MiB)
    assert len(chunk) == MAX_READ_SIZE
    assert len(body.read()) == len(body) - MAX_READ_SIZE


def test_empty_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    body = MultipartBody(files=[("file", empty), ("b", b"")])
    parts = parse(body.read(), body.boundary)
    assert [(p["filename"], p["data"]) for p in parts] == [("empty.txt", b""), ("upload", b"")]
    nothing = MultipartBody()
    assert nothing.read() == ("--%s--\r\n" % nothing.boundary).encode()
    assert len(nothing) > 0  # truthy: requests checks `if data:`


def test_progress_callback(sample):
    path, _ = sample
    calls = []
    body = MultipartBody(fields={"a": "1"}, files=[("file", path)],
                         progress=lambda sent, total: calls.append((sent, total)))
    pieces = 0
    while body.read(1000):
        pieces += 1
    assert len(calls) == pieces  # once per non-empty piece
    assert calls[-1] == (len(body), len(body))
    assert all(total == len(body) for _, total in calls)
    sent = [s for s, _ in calls]
    assert sent == sorted(sent) and sent[0] == 1000
    body.seek(0)
    body.read(10)
    assert calls[-1] == (10, len(body))  # reset on rewind


def test_close_releases_and_blocks_reads(sample):
    path, _ = sample
    body = MultipartBody(files=[("file", path)])
    body.read(300)  # inside the file part: a handle is open
    reader = body._active
    assert reader is not None and reader.fh is not None
    with body:
        pass
    assert body.closed and reader.fh is None
    with pytest.raises(ValueError, match="closed"):
        body.read(1)


def test_source_changed_after_coercion(sample, tmp_path):
    path, data = sample
    up = coerce_file(path)
    path.write_bytes(data[:10])
    body = MultipartBody(files=[("file", up)])
    with pytest.raises(UploadSourceError, match="changed size") as info:
        body.read()
    assert not isinstance(info.value, OSError)  # urllib3 would retry an OSError
    up2 = coerce_file(path)
    path.unlink()
    body2 = MultipartBody(files=[("file", up2)])
    with pytest.raises(ValueError, match="cannot re-open"):
        body2.read()


def test_requests_prepares_content_length(sample):
    path, _ = sample
    body = MultipartBody(fields={"purpose": "fine-tune"}, files=[("file", path)])
    prep = requests.Request("POST", "http://127.0.0.1:9/v1/files", data=body,
                            headers={"Content-Type": body.content_type}).prepare()
    assert prep.body is body
    assert prep.headers["Content-Length"] == str(len(body))
    assert "Transfer-Encoding" not in prep.headers
    assert prep.headers["Content-Type"] == body.content_type
    # requests sizes the body as len(body) - body.tell(): rewind before re-sending
    body.read(100)
    again = requests.Request("POST", "http://127.0.0.1:9/", data=body).prepare()
    assert again.headers["Content-Length"] == str(len(body) - 100)


# --------------------------------------------------------------------------
# real sockets


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        payload = self.server.download
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Content-Disposition", 'attachment; filename="remote.wav"')
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(payload)

    def do_POST(self):
        length = self.headers.get("Content-Length")
        data = self.rfile.read(int(length)) if length is not None else b""
        self.server.records.append({"headers": dict(self.headers.items()), "body": data})
        if self.server.drop_first and len(self.server.records) == 1:
            self.close_connection = True  # read everything, answer nothing
            return
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(b"ok")


@contextmanager
def local_server(drop_first=False, download=b""):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.records = []
    server.drop_first = drop_first
    server.download = download
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server, "http://127.0.0.1:%d" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_real_socket_post_uses_content_length(tmp_path):
    path = tmp_path / "training.jsonl"
    data = os.urandom(3 * MiB + 17)
    path.write_bytes(data)
    body = MultipartBody(fields={"purpose": "fine-tune"}, files=[("file", path)])
    with local_server() as (server, url):
        resp = requests.post(url + "/v1/files", data=body,
                             headers={"Content-Type": body.content_type}, timeout=10)
    assert resp.status_code == 200 and resp.content == b"ok"
    (record,) = server.records
    headers = {k.lower(): v for k, v in record["headers"].items()}
    assert headers["content-length"] == str(len(body))
    assert "transfer-encoding" not in headers
    assert headers["content-type"] == body.content_type
    parts = parse(record["body"], body.boundary)
    assert [(p["name"], p["filename"], p["data"]) for p in parts] == [
        ("purpose", None, b"fine-tune"), ("file", "training.jsonl", data)]


def test_real_socket_retry_resends_identical_body(sample):
    path, data = sample
    body = MultipartBody(fields={"model": "whisper-1"}, files=[("file", path)])
    expected = body.read()
    body.seek(0)
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=urllib3.util.Retry(
        total=2, allowed_methods=None, backoff_factor=0)))
    with local_server(drop_first=True) as (server, url):
        resp = session.post(url + "/v1/audio/transcriptions", data=body,
                            headers={"Content-Type": body.content_type}, timeout=10)
    session.close()
    assert resp.status_code == 200
    assert len(server.records) == 2
    first, second = server.records[0]["body"], server.records[1]["body"]
    assert first == expected
    assert second == first  # complete and byte-identical after the rewind
    assert server.records[1]["headers"]["Content-Length"] == str(len(expected))


def test_real_response_as_upload_source():
    payload = os.urandom(300000)
    with local_server(download=payload) as (server, url):
        src = requests.get(url + "/audio", stream=True, timeout=10)
        up = coerce_file(src)
        assert (up.filename, up.content_type, up.size) == ("remote.wav", "audio/wav", len(payload))
        body = MultipartBody(files=[("file", up)])
        resp = requests.post(url + "/upload", data=body,
                             headers={"Content-Type": body.content_type}, timeout=10)
        src.close()
    assert resp.status_code == 200
    (part,) = parse(server.records[0]["body"], body.boundary)
    assert (part["filename"], part["content_type"], part["data"]) == (
        "remote.wav", "audio/wav", payload)


# --------------------------------------------------------------------------
# memory


def test_streaming_200mb_sparse_file_stays_bounded(tmp_path):
    path = tmp_path / "huge.bin"
    size = 200 * MiB
    with open(str(path), "wb") as fh:
        fh.truncate(size)
    body = MultipartBody(fields={"purpose": "batch"}, files=[("file", path)])
    assert len(body) > size
    total = 0
    tracemalloc.start()
    try:
        while True:
            chunk = body.read(65536)
            if not chunk:
                break
            total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == len(body)
    assert peak < 8 * MiB, peak


# --------------------------------------------------------------------------
# split_parts


def test_split_parts_path(sample):
    path, data = sample
    parts = list(split_parts(coerce_file(path), 4000))
    assert [len(p) for p in parts] == [4000, 4000, 2244]
    assert [p.offset for p in parts] == [0, 4000, 8000]
    assert [p.index for p in parts] == [0, 1, 2]
    assert all(isinstance(p, FilePart) for p in parts)
    # interleaved reads with separate handles
    a, b = parts[0].read(10), parts[1].read(10)
    assert (a, b) == (data[:10], data[4000:4010])
    for p in parts:
        p.seek(0)
    assert b"".join(read_all(p, 777) for p in parts) == data
    parts[1].seek(0)
    assert parts[1].read() == data[4000:8000]
    assert parts[1].seek(0, 2) == 4000 and parts[1].read(5) == b""
    for p in parts:
        p.close()
        assert p.closed


def test_split_parts_accepts_forms_and_parts_are_files(sample):
    path, data = sample
    for source, expected in [
        (data, data),
        (NoSeekReader(data), data),
        (("n.bin", io.BytesIO(data)), data),
    ]:
        chunks = [p.read() for p in split_parts(source, 3000)]
        assert b"".join(chunks) == expected
        assert [len(c) for c in chunks] == [3000, 3000, 3000, 1244]
    with open(path, "rb") as fh:
        fh.seek(244)
        parts = list(split_parts(fh, 5000))
        assert [len(p) for p in parts] == [5000, 5000]
        assert parts[1].read() == data[5244:]
    part = next(split_parts(path, 1024))
    up = coerce_file(part, param="data")
    assert (up.filename, up.size) == ("speech.mp3", 1024)
    body = MultipartBody(files=[("data", part)])
    assert parse(body.read(), body.boundary)[0]["data"] == data[:1024]


def test_split_parts_validation(tmp_path):
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="part_size"):
            split_parts(b"abc", bad)
    with pytest.raises(FileNotFoundError):
        split_parts(tmp_path / "missing.bin", 10)  # eager, not on first next()
    assert list(split_parts(b"", 10)) == []


# --------------------------------------------------------------------------
# helpers used by the client's request funnel


def test_to_file_progress_per_file():
    calls = []
    up = to_file(b"x" * 40000, filename="a.txt",
                 progress=lambda sent, total: calls.append((sent, total)))
    assert (up.filename, up.size) == ("a.txt", 40000)
    body = MultipartBody(files=[("file", up), ("other", b"y" * 100)])
    read_all(body, 16384)
    assert calls[-1] == (40000, 40000)
    assert [s for s, _ in calls] == sorted(s for s, _ in calls)
    assert all(t == 40000 for _, t in calls)
    body.seek(0)
    body.read(1000)  # still in the headers
    body.read(1000)
    assert calls[-1][0] < 2000  # restarted from the file's start after rewind
    with pytest.raises(TypeError, match="progress must be a callable"):
        to_file(b"x", progress="nope")


def test_coerce_files_and_build_multipart(sample):
    from openai_lite._files import build_multipart, coerce_files
    from openai_lite._types import NOT_GIVEN

    path, data = sample
    pairs = coerce_files({"file": path, "extra": [b"1", ("b.txt", b"2")]})
    assert [(n, u.filename) for n, u in pairs] == [
        ("file", "speech.mp3"), ("extra", "upload"), ("extra", "b.txt")]
    with pytest.raises(TypeError, match="`image`"):
        coerce_files([("image", 42)])
    body = build_multipart({"model": "whisper-1", "prompt": NOT_GIVEN, "file": "dup",
                            "meta": {"a": NOT_GIVEN, "b": True}}, [("file", path)])
    parts = parse(body.read(), body.boundary)
    assert [(p["name"], p["filename"], p["data"]) for p in parts] == [
        ("model", None, b"whisper-1"), ("meta[b]", None, b"true"),
        ("file", "speech.mp3", data)]
