"""Binary responses (speech, file contents, container file contents, videos, skills) as
``BinaryResponseContent``: read whole, in pieces, streamed to disk in flat memory, through
``with_raw_response`` and ``with_streaming_response``; broken bodies raise named errors.
"""
import hashlib
import json
import os
import time
import tracemalloc

import pytest

from openai_lite import APIConnectionError, BinaryResponseContent, NotFoundError, OpenAI
from openai_lite.testing import OfflineServer, Scripted

MiB = 1024 * 1024
BLOB = bytes(range(256)) * 1000 + "caf\u00e9".encode()


@pytest.fixture
def server():
    with OfflineServer() as srv:
        srv.add_route("GET", r"/v1/files/(?P<id>[^/]+)/content",
                      lambda s, r, m: Scripted(body=BLOB, content_type="application/octet-stream"))
        yield srv


@pytest.fixture
def client(server):
    with OpenAI(api_key="sk-test", base_url=server.url) as c:
        yield c


def test_content_text_iter_bytes_and_write_to_file(client, server, tmp_path):
    result = client.files.content("file-1")
    assert isinstance(result, BinaryResponseContent)
    assert server.last_request.path == "/v1/files/file-1/content"
    assert result.content == BLOB and result.read() == BLOB
    assert result.text == BLOB.decode("utf-8", "replace")

    pieces = list(client.files.content("file-1").iter_bytes(1000))
    assert b"".join(pieces) == BLOB
    assert all(len(p) <= 1000 for p in pieces) and len(pieces) >= len(BLOB) // 1000

    target = tmp_path / "out.bin"
    client.files.content("file-1").write_to_file(target)
    assert target.read_bytes() == BLOB
    client.files.content("file-1").stream_to_file(str(tmp_path / "out2.bin"), chunk_size=4096)
    assert (tmp_path / "out2.bin").read_bytes() == BLOB


def test_every_binary_endpoint(client, server, tmp_path):
    audio = b"ID3" + os.urandom(5000)
    server.add_route("POST", r"/v1/audio/speech", lambda s, r, m: Scripted(body=audio, content_type="audio/mpeg"))
    server.add_route("GET", r"/v1/containers/(?P<c>[^/]+)/files/(?P<f>[^/]+)/content",
                     lambda s, r, m: Scripted(body=("%s/%s" % (m["c"], m["f"])).encode()))
    server.add_route("GET", r"/v1/videos/(?P<v>[^/]+)/content",
                     lambda s, r, m: Scripted(body=("video:%s:%s" % (m["v"], r.query.get("variant"))).encode()))
    server.add_route("GET", r"/v1/skills/(?P<s>[^/]+)/content", lambda s, r, m: Scripted(body=b"PK\x03\x04zip"))

    speech = client.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input="Hello there")
    speech.write_to_file(tmp_path / "speech.mp3")
    assert (tmp_path / "speech.mp3").read_bytes() == audio
    assert server.last_request.json() == {"model": "gpt-4o-mini-tts", "voice": "alloy", "input": "Hello there"}

    assert client.containers.files.content.retrieve("cfile_1", container_id="cntr_1").content == b"cntr_1/cfile_1"
    assert client.videos.download_content("video_1", variant="thumbnail").content == b"video:video_1:['thumbnail']"
    assert client.skills.content.retrieve("skill_1").content == b"PK\x03\x04zip"


def test_nothing_is_read_until_asked(client, server):
    server.add_route("GET", r"/v1/files/slow/content",
                     lambda s, r, m: Scripted(chunks=[b"first;", b"second"], chunk_delay=1.0))
    started = time.monotonic()
    result = client.files.content("slow")
    returned = time.monotonic() - started
    assert returned < 0.8  # the call returns with the headers; the body is still on its way
    assert result.content == b"first;second"
    assert time.monotonic() - started >= 1.0


def test_a_200_mb_body_streams_to_disk_in_flat_memory(client, server, tmp_path):
    block = os.urandom(MiB)
    pieces = [block] * 200
    expected = hashlib.sha256()
    for piece in pieces:
        expected.update(piece)
    server.add_route("GET", r"/v1/files/huge/content",
                     lambda s, r, m: Scripted(chunks=pieces, content_type="application/octet-stream"))
    target = tmp_path / "huge.bin"
    tracemalloc.start()
    try:
        client.files.content("huge").write_to_file(target)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * MiB, "peak %.1f MiB" % (peak / MiB)
    assert target.stat().st_size == 200 * MiB
    got = hashlib.sha256()
    with open(target, "rb") as fh:
        for chunk in iter(lambda: fh.read(4 * MiB), b""):
            got.update(chunk)
    assert got.hexdigest() == expected.hexdigest()


def test_with_streaming_response(client, server, tmp_path):
    with client.files.with_streaming_response.content("file-1") as response:
        assert response.status_code == 200 and response.headers["content-type"] == "application/octet-stream"
        assert response.request_id.startswith("req_")
        assert b"".join(response.iter_bytes(4096)) == BLOB
    with client.files.with_streaming_response.content("file-1") as response:
        response.stream_to_file(tmp_path / "s.bin")
    assert (tmp_path / "s.bin").read_bytes() == BLOB
    with client.files.with_streaming_response.content("file-1") as response:
        parsed = response.parse()
        assert isinstance(parsed, BinaryResponseContent) and parsed.content == BLOB
    server.add_route("POST", r"/v1/audio/speech", lambda s, r, m: Scripted(body=b"mp3", content_type="audio/mpeg"))
    with client.audio.speech.with_streaming_response.create(model="tts-1", voice="alloy", input="x") as response:
        assert response.http_response.request.method == "POST" and response.read() == b"mp3"
    # whole bodies read: every request went over one kept-alive connection
    assert server.connections_opened == 1


def test_with_raw_response(client, server):
    raw = client.files.with_raw_response.content("file-1")
    assert raw.status_code == 200 and raw.content == BLOB
    assert raw.parse().content == BLOB


def test_errors_are_raised_not_returned_as_bytes(client, server):
    server.add_route("GET", r"/v1/files/missing/content",
                     lambda s, r, m: Scripted.error(404, "No such File object: missing"))
    with pytest.raises(NotFoundError) as info:
        client.files.content("missing")
    assert info.value.status_code == 404 and "missing" in str(info.value)


@pytest.mark.parametrize("fault", ["reset_mid_body", "short_content_length"])
def test_a_broken_body_raises_a_connection_error(client, server, tmp_path, fault):
    server.add_route("GET", r"/v1/files/broken/content",
                     lambda s, r, m: Scripted(body=os.urandom(2 * MiB), fault=fault))
    with pytest.raises(APIConnectionError):
        client.files.content("broken").write_to_file(tmp_path / "broken.bin")
    with pytest.raises(APIConnectionError):
        client.files.content("broken").content
    with pytest.raises(APIConnectionError):
        for _ in client.files.content("broken").iter_bytes():
            pass


def test_json_of_a_binary_response(client, server):
    server.add_route("GET", r"/v1/files/data/content", lambda s, r, m: Scripted(json={"a": [1, 2]}))
    assert client.files.content("data").json() == {"a": [1, 2]}
    assert json.loads(client.files.content("data").text) == {"a": [1, 2]}
