"""A loopback HTTP/1.1 server that imitates a subset of the OpenAI REST API.

Standard library only.  Never imported by ``import openai_lite``.

Overview
--------
* :class:`OfflineServer` listens on ``127.0.0.1`` (ephemeral port by default),
  serves every TCP connection on its own daemon thread, speaks HTTP/1.1 with
  keep-alive, reads request bodies framed by ``Content-Length`` or
  ``Transfer-Encoding: chunked`` and answers ``Expect: 100-continue``.
* Every request is recorded as a :class:`RecordedRequest`.
* A FIFO queue of :class:`Scripted` responses (optionally filtered by path
  and/or method) is consulted before the default routing table.  Scripted
  entries can delay, stream in chunks, or inject transport faults.
* The default routing table (:data:`DEFAULT_ROUTES`) is a dict of
  ``(METHOD, path_regex) -> handler`` where ``handler(server, request, match)``
  returns a :class:`Scripted`.  Add endpoints with :meth:`OfflineServer.add_route`
  or by extending :data:`DEFAULT_ROUTES`.
"""

from __future__ import annotations

import base64
import dataclasses
import email.utils
import hashlib
import http
import http.client
import itertools
import json as _json
import math
import re
import socket
import socketserver
import struct
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple, Union
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = [
    "DEFAULT_ROUTES",
    "FAULTS",
    "HTTPError",
    "OfflineServer",
    "RecordedRequest",
    "Scripted",
    "error_body",
]

#: Fault names accepted by ``Scripted(fault=...)``.
FAULTS = frozenset(
    {
        "reset_before_headers",
        "close_before_headers",
        "reset_after_headers",
        "reset_mid_body",
        "truncated_chunked",
        "short_content_length",
        "stall_body",
        "stall_headers",
    }
)

# Faults that need a response body to act on.  When the scripted entry has no
# payload of its own, the body the default router would have produced is used.
_BODY_FAULTS = frozenset(
    {
        "reset_after_headers",
        "reset_mid_body",
        "truncated_chunked",
        "short_content_length",
        "stall_body",
    }
)

#: Bodies larger than this are not kept in ``RecordedRequest.body`` (only the
#: length and sha256 are recorded).
DEFAULT_MAX_RECORDED_BODY = 8 * 1024 * 1024

_MAX_LINE = 65536
_READ_SIZE = 1 << 20
_CREATED = 1700000000
_STOP_JOIN_TIMEOUT = 5.0


def error_body(
    message: str,
    type: str = "invalid_request_error",
    param: Optional[str] = None,
    code: Optional[str] = None,
) -> Dict[str, Any]:
    """An OpenAI-shaped error body: ``{"error": {message, type, param, code}}``."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def _to_bytes(value: Union[bytes, bytearray, memoryview, str]) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError("expected bytes or str, got %r" % (type(value).__name__,))


# ---------------------------------------------------------------------------
# Public data types
# ---------------------------------------------------------------------------


@dataclass
class Scripted:
    """One scripted response (or fault) for :meth:`OfflineServer.enqueue`.

    ``json``
        encoded as the body, content type ``application/json``.
    ``body`` / ``chunks``
        raw payload (``bytes`` or ``str``; str is UTF-8 encoded).  ``chunks``
        are written as separate socket writes (separate HTTP chunks when
        ``chunked``) with ``chunk_delay`` seconds between them.  Default content
        type for raw payloads is ``text/plain; charset=utf-8``.
    ``headers``
        extra response headers; they replace the defaults case-insensitively
        and a value of ``None`` removes a default header (e.g.
        ``{"content-length": None}`` gives a close-delimited body).
        ``{"connection": "close"}`` makes the server close after responding.
    ``delay``
        seconds to wait before the status line.
    ``fault``
        one of :data:`FAULTS`.  Faults that act on a body use this entry's
        payload, or, when it has none, the body the default route would produce.
    ``stall``
        seconds ``stall_body`` / ``stall_headers`` wait before closing.
    ``repeat``
        how many requests this entry answers.
    """

    status: int = 200
    json: Any = None
    body: Optional[Union[bytes, str]] = None
    headers: Optional[Dict[str, Optional[str]]] = None
    delay: float = 0.0
    fault: Optional[str] = None
    chunked: bool = False
    chunks: Optional[List[Union[bytes, str]]] = None
    chunk_delay: float = 0.0
    content_type: Optional[str] = None
    repeat: int = 1
    stall: float = 5.0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError``/``TypeError`` if the entry is inconsistent."""
        if self.fault is not None and self.fault not in FAULTS:
            hint = ""
            if self.fault == "refuse":
                hint = " (a refused connection cannot be scripted per request: use a closed port)"
            raise ValueError(
                "unknown fault %r%s; expected one of %s" % (self.fault, hint, ", ".join(sorted(FAULTS)))
            )
        if not isinstance(self.status, int) or not 100 <= self.status <= 999:
            raise ValueError("status must be an int in 100..999, got %r" % (self.status,))
        given = [n for n in ("json", "body", "chunks") if getattr(self, n) is not None]
        if len(given) > 1:
            raise ValueError("give at most one of json=, body=, chunks= (got %s)" % ", ".join(given))
        if not isinstance(self.repeat, int) or self.repeat < 1:
            raise ValueError("repeat must be a positive int, got %r" % (self.repeat,))
        for name in ("delay", "chunk_delay", "stall"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError("%s must be a non-negative number, got %r" % (name, value))
        if self.body is not None:
            _to_bytes(self.body)
        if self.chunks is not None:
            for piece in self.chunks:
                _to_bytes(piece)

    @classmethod
    def error(
        cls,
        status: int,
        message: str = "Scripted error",
        type: str = "invalid_request_error",
        param: Optional[str] = None,
        code: Optional[str] = None,
        **kwargs: Any
    ) -> "Scripted":
        """A response with an OpenAI-shaped error body."""
        return cls(status=status, json=error_body(message, type, param, code), **kwargs)

    def has_payload(self) -> bool:
        return self.json is not None or self.body is not None or self.chunks is not None

    def payload_pieces(self) -> List[bytes]:
        if self.json is not None:
            return [_json.dumps(self.json).encode("utf-8")]
        if self.body is not None:
            return [_to_bytes(self.body)]
        if self.chunks is not None:
            return [_to_bytes(p) for p in self.chunks]
        return []

    def resolved_content_type(self) -> Optional[str]:
        if self.content_type is not None:
            return self.content_type
        if self.json is not None:
            return "application/json"
        if self.body is not None or self.chunks is not None:
            return "text/plain; charset=utf-8"
        return None


@dataclass
class RecordedRequest:
    """A request as the server received it.

    ``body`` holds the full body when it is at most ``max_recorded_body``
    bytes (8 MiB by default) and is ``None`` otherwise; ``body_len`` and
    ``body_sha256`` are always set.  ``headers`` is an
    :class:`http.client.HTTPMessage` (case-insensitive ``get``/``[]``/``get_all``).
    """

    method: str
    path: str
    query: Dict[str, List[str]]
    headers: http.client.HTTPMessage
    body: Optional[bytes]
    connection_id: int
    body_len: int = 0
    body_sha256: str = ""
    target: str = ""
    http_version: str = "HTTP/1.1"
    chunked: bool = False
    index: int = 0
    timestamp: float = 0.0

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` if not recorded / invalid)."""
        if self.body is None:
            raise ValueError("request body of %d bytes was too large to record" % self.body_len)
        return _json.loads(self.body.decode("utf-8"))

    @property
    def text(self) -> Optional[str]:
        return None if self.body is None else self.body.decode("utf-8", "replace")


# ---------------------------------------------------------------------------
# Routing
# ---------------------------------------------------------------------------


class HTTPError(Exception):
    """Raise from a route handler to answer with an OpenAI-shaped error."""

    def __init__(
        self,
        status: int,
        message: str,
        type: str = "invalid_request_error",
        param: Optional[str] = None,
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code

    def to_scripted(self) -> Scripted:
        return Scripted.error(self.status, self.message, self.type, self.param, self.code)


Handler = Callable[["OfflineServer", RecordedRequest, "re.Match[str]"], Scripted]


def _json_object(req: RecordedRequest) -> Dict[str, Any]:
    if req.body is None:
        raise HTTPError(413, "Request body of %d bytes is too large for OfflineServer routing." % req.body_len)
    try:
        data = _json.loads(req.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise HTTPError(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
            "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was "
            "not valid JSON.)",
        )
    if not isinstance(data, dict):
        raise HTTPError(400, "The request body must be a JSON object.")
    return data


def _content_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return " ".join(parts)
    return str(content)


def _words(text: str) -> int:
    return len(text.split())


def _chat_completions(server: "OfflineServer", req: RecordedRequest, match: Any) -> Scripted:
    data = _json_object(req)
    model = data.get("model")
    if not isinstance(model, str) or not model:
        raise HTTPError(400, "you must provide a model parameter")
    messages = data.get("messages")
    if not isinstance(messages, list):
        raise HTTPError(
            400, "Missing required parameter: 'messages'.", param="messages", code="missing_required_parameter"
        )
    last_user = ""
    prompt_tokens = 0
    for message in messages:
        if not isinstance(message, dict):
            raise HTTPError(400, "Invalid type for 'messages': expected an object.", param="messages")
        text = _content_text(message.get("content"))
        prompt_tokens += _words(text)
        if message.get("role") == "user":
            last_user = text
    reply = "You said: " + last_user
    completion_tokens = _words(reply)
    usage = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }
    cid = "chatcmpl-%d" % req.index
    if data.get("stream") is True:
        stream_options = data.get("stream_options") or {}
        include_usage = isinstance(stream_options, dict) and stream_options.get("include_usage") is True
        base = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": _CREATED,
            "model": model,
            "system_fingerprint": "fp_offline",
        }

        def chunk(delta: Dict[str, Any], finish: Optional[str]) -> Dict[str, Any]:
            event = dict(base)
            event["choices"] = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
            if include_usage:
                event["usage"] = None
            return event

        words = reply.split(" ")
        pieces = [w + " " for w in words[:-1]] + [words[-1]]
        events = [chunk({"role": "assistant", "content": "", "refusal": None}, None)]
        events.extend(chunk({"content": p}, None) for p in pieces if p)
        events.append(chunk({}, "stop"))
        if include_usage:
            final = dict(base)
            final["choices"] = []
            final["usage"] = usage
            events.append(final)
        sse = [("data: %s\n\n" % _json.dumps(e)).encode("utf-8") for e in events]
        sse.append(b"data: [DONE]\n\n")
        return Scripted(
            chunks=sse,
            chunked=True,
            content_type="text/event-stream; charset=utf-8",
            headers={"Cache-Control": "no-cache"},
        )
    n = data.get("n", 1)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1 or n > 128:
        raise HTTPError(400, "Invalid 'n': expected an integer between 1 and 128.", param="n")
    choices = [
        {
            "index": i,
            "message": {"role": "assistant", "content": reply, "refusal": None, "annotations": []},
            "logprobs": None,
            "finish_reason": "stop",
        }
        for i in range(n)
    ]
    if n > 1:
        usage["completion_tokens"] *= n
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    return Scripted(
        json={
            "id": cid,
            "object": "chat.completion",
            "created": _CREATED,
            "model": model,
            "choices": choices,
            "usage": usage,
            "service_tier": "default",
            "system_fingerprint": "fp_offline",
        }
    )


def _embedding_vector(text: str, dims: int) -> Tuple[List[float], bytes]:
    raw = []
    for i in range(dims):
        digest = hashlib.sha256(("%d\x00%s" % (i, text)).encode("utf-8")).digest()
        raw.append(int.from_bytes(digest[:8], "little") / 2.0 ** 64 * 2.0 - 1.0)
    norm = math.sqrt(sum(v * v for v in raw)) or 1.0
    packed = struct.pack("<%df" % dims, *(v / norm for v in raw))
    return list(struct.unpack("<%df" % dims, packed)), packed


def _embeddings(server: "OfflineServer", req: RecordedRequest, match: Any) -> Scripted:
    data = _json_object(req)
    model = data.get("model")
    if not isinstance(model, str) or not model:
        raise HTTPError(400, "you must provide a model parameter")
    raw_input = data.get("input")
    texts = []  # type: List[Tuple[str, int]]
    if isinstance(raw_input, str):
        texts = [(raw_input, _words(raw_input))]
    elif isinstance(raw_input, list) and raw_input:
        if all(isinstance(x, str) for x in raw_input):
            texts = [(x, _words(x)) for x in raw_input]
        elif all(isinstance(x, int) and not isinstance(x, bool) for x in raw_input):
            texts = [(_json.dumps(raw_input), len(raw_input))]
        elif all(isinstance(x, list) and all(isinstance(t, int) for t in x) for x in raw_input):
            texts = [(_json.dumps(x), len(x)) for x in raw_input]
    if not texts:
        raise HTTPError(400, "'$.input' is invalid. Please check the API reference.", param="input")
    dims = data.get("dimensions", 8)
    if dims is None:
        dims = 8
    if not isinstance(dims, int) or isinstance(dims, bool) or not 1 <= dims <= 4096:
        raise HTTPError(400, "Invalid 'dimensions': expected an integer between 1 and 4096.", param="dimensions")
    encoding = data.get("encoding_format") or "float"
    if encoding not in ("float", "base64"):
        raise HTTPError(
            400, "Invalid value for 'encoding_format': expected 'float' or 'base64'.", param="encoding_format"
        )
    items = []
    tokens = 0
    for index, (text, count) in enumerate(texts):
        floats, packed = _embedding_vector(text, dims)
        value = floats if encoding == "float" else base64.b64encode(packed).decode("ascii")  # type: Any
        items.append({"object": "embedding", "index": index, "embedding": value})
        tokens += count
    return Scripted(
        json={
            "object": "list",
            "data": items,
            "model": model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
    )


_MODELS = [
    {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"},
    {"id": "text-embedding-3-small", "object": "model", "created": 1705948997, "owned_by": "system"},
    {"id": "omni-moderation-latest", "object": "model", "created": 1731689265, "owned_by": "system"},
]


def _list_models(server: "OfflineServer", req: RecordedRequest, match: Any) -> Scripted:
    return Scripted(json={"object": "list", "data": [dict(m) for m in _MODELS]})


def _retrieve_model(server: "OfflineServer", req: RecordedRequest, match: Any) -> Scripted:
    model_id = unquote(match.group("model"))
    for model in _MODELS:
        if model["id"] == model_id:
            return Scripted(json=dict(model))
    raise HTTPError(404, "The model '%s' does not exist" % model_id, code="model_not_found")


def _delete_model(server: "OfflineServer", req: RecordedRequest, match: Any) -> Scripted:
    return Scripted(json={"id": unquote(match.group("model")), "object": "model", "deleted": True})


_MODERATION_CATEGORIES = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/instructions",
    "self-harm/intent",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)
_KILL = re.compile(r"\bkill", re.IGNORECASE)


def _moderations(server: "OfflineServer", req: RecordedRequest, match: Any) -> Scripted:
    data = _json_object(req)
    raw_input = data.get("input")
    model = data.get("model") or "omni-moderation-latest"
    inputs = []  # type: List[str]
    if isinstance(raw_input, str):
        inputs = [raw_input]
    elif isinstance(raw_input, list) and raw_input:
        if all(isinstance(x, str) for x in raw_input):
            inputs = list(raw_input)
        elif all(isinstance(x, dict) for x in raw_input):
            inputs = [_content_text(raw_input)]  # one multi-modal input
    if not inputs:
        raise HTTPError(400, "'$.input' is invalid. Please check the API reference.", param="input")
    results = []
    for text in inputs:
        flagged = bool(_KILL.search(text))
        categories = {c: False for c in _MODERATION_CATEGORIES}
        scores = {c: 0.0001 for c in _MODERATION_CATEGORIES}
        if flagged:
            categories["violence"] = True
            scores["violence"] = 0.97
        results.append(
            {
                "flagged": flagged,
                "categories": categories,
                "category_scores": scores,
                "category_applied_input_types": {c: ["text"] for c in _MODERATION_CATEGORIES},
            }
        )
    return Scripted(json={"id": "modr-%d" % req.index, "model": model, "results": results})


#: The default routing table: ``(METHOD, full-match path regex) -> handler``.
#: A handler is ``handler(server, request, match) -> Scripted`` and may raise
#: :class:`HTTPError`.  Later entries win when patterns overlap.
DEFAULT_ROUTES = {
    ("POST", r"/v1/chat/completions"): _chat_completions,
    ("POST", r"/v1/embeddings"): _embeddings,
    ("GET", r"/v1/models"): _list_models,
    ("GET", r"/v1/models/(?P<model>[^/]+)"): _retrieve_model,
    ("DELETE", r"/v1/models/(?P<model>[^/]+)"): _delete_model,
    ("POST", r"/v1/moderations"): _moderations,
}  # type: Dict[Tuple[str, str], Handler]

from ._routes import ROUTES as _MORE_ROUTES, azure_routes  # noqa: E402  (they build on the helpers above)

DEFAULT_ROUTES.update(_MORE_ROUTES)
# The Responses API, structured outputs and tools, Assistants runs: openai_lite/testing/_api_routes.py
# (before the Azure paths are derived, so a deployment's chat answers schemas and tools too).
from ._api_routes import ROUTES as _API_ROUTES  # noqa: E402

DEFAULT_ROUTES.update(_API_ROUTES)
DEFAULT_ROUTES.update(azure_routes(DEFAULT_ROUTES))
from ._batches import ROUTES as _BATCH_ROUTES  # noqa: E402  (uploads and batches, on the file store above)
DEFAULT_ROUTES.update(_BATCH_ROUTES)
from ._agents import ROUTES as _AGENT_ROUTES  # noqa: E402  (Agents API sessions, beta)
DEFAULT_ROUTES.update(_AGENT_ROUTES)


# ---------------------------------------------------------------------------
# HTTP connection handling
# ---------------------------------------------------------------------------


class _Abort(Exception):
    """Stop serving the connection without writing anything more."""


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _BodySink:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.buf = bytearray()  # type: Optional[bytearray]
        self.length = 0
        self.sha = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.length += len(data)
        self.sha.update(data)
        if self.buf is not None:
            if self.length > self.limit:
                self.buf = None
            else:
                self.buf += data


class _Headers:
    """Ordered, case-insensitive response header list."""

    def __init__(self) -> None:
        self.items = []  # type: List[List[str]]

    def get(self, name: str) -> Optional[str]:
        lname = name.lower()
        for item in self.items:
            if item[0].lower() == lname:
                return item[1]
        return None

    def set(self, name: str, value: Optional[str]) -> None:
        """Replace (in place) or append ``name``; ``value=None`` removes it."""
        lname = name.lower()
        position = None
        kept = []  # type: List[List[str]]
        for item in self.items:
            if item[0].lower() == lname:
                if position is None:
                    position = len(kept)
            else:
                kept.append(item)
        if value is not None:
            kept.insert(len(kept) if position is None else position, [name, str(value)])
        self.items = kept

    def encode(self) -> bytes:
        out = []
        for name, value in self.items:
            if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
                raise ValueError("invalid header %r: %r" % (name, value))
            out.append("%s: %s\r\n" % (name, value))
        return "".join(out).encode("latin-1")


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class _Connection:
    def __init__(self, owner: "OfflineServer", sock: socket.socket, conn_id: int, stopping: threading.Event) -> None:
        self.owner = owner
        self.sock = sock
        self.conn_id = conn_id
        self.stopping = stopping
        self.idle = True
        self.rfile = sock.makefile("rb", buffering=65536)

    # -- lifecycle ---------------------------------------------------------

    def run(self) -> None:
        try:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        try:
            while not self.stopping.is_set():
                if not self._serve_one():
                    break
        except (_Abort, OSError, http.client.HTTPException):
            pass
        finally:
            self.rfile.close()

    def shutdown(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def reset(self) -> None:
        """Close abruptly, sending a TCP RST."""
        self.rfile.close()
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.sock.close()
        raise _Abort()

    def _wait(self, seconds: float) -> None:
        if seconds > 0 and self.stopping.wait(seconds):
            raise _Abort()

    # -- requests ----------------------------------------------------------

    def _serve_one(self) -> bool:
        self.idle = True
        line = b""
        for _ in range(8):  # tolerate a few stray CRLFs between requests
            line = self.rfile.readline(_MAX_LINE + 1)
            if line not in (b"\r\n", b"\n"):
                break
        self.idle = False
        if not line:
            return False
        try:
            return self._handle_request(line)
        except _BadRequest as exc:
            index = self.owner._next_index()
            self._respond(Scripted.error(exc.status, exc.message), index, None, keep_alive=False)
            return False

    def _handle_request(self, line: bytes) -> bool:
        if len(line) > _MAX_LINE:
            raise _BadRequest(414, "Request line too long.")
        parts = line.decode("latin-1").rstrip("\r\n").split()
        if len(parts) != 3:
            raise _BadRequest(400, "Malformed request line.")
        method, target, version = parts
        if not version.startswith("HTTP/1."):
            raise _BadRequest(505, "HTTP version not supported.")
        try:
            headers = http.client.parse_headers(self.rfile)
        except http.client.LineTooLong:
            raise _BadRequest(431, "Request header line too long.")
        except http.client.HTTPException:
            raise _BadRequest(431, "Too many request headers.")

        conn_tokens = set()
        for value in headers.get_all("Connection") or []:
            conn_tokens.update(t.strip().lower() for t in value.split(","))
        if version == "HTTP/1.0":
            keep_alive = "keep-alive" in conn_tokens
        else:
            keep_alive = "close" not in conn_tokens

        te_values = headers.get_all("Transfer-Encoding") or []
        te = [t.strip().lower() for v in te_values for t in v.split(",") if t.strip()]
        chunked = False
        length = 0
        if te:
            if te[-1] != "chunked":
                raise _BadRequest(400, "Unsupported Transfer-Encoding.")
            chunked = True
        else:
            cl_values = set(v.strip() for v in headers.get_all("Content-Length") or [])
            if len(cl_values) > 1:
                raise _BadRequest(400, "Conflicting Content-Length headers.")
            if cl_values:
                raw = cl_values.pop()
                if not raw.isdigit():
                    raise _BadRequest(400, "Invalid Content-Length.")
                length = int(raw)

        if (
            version != "HTTP/1.0"
            and (headers.get("Expect") or "").strip().lower() == "100-continue"
            and (chunked or length > 0)
        ):
            self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")

        sink = _BodySink(self.owner.max_recorded_body)
        if chunked:
            self._read_chunked(sink)
        else:
            self._read_exact(length, sink)

        if target.startswith("http://") or target.startswith("https://"):
            split = urlsplit(target)
        else:
            split = urlsplit("http://offline" + (target if target.startswith("/") else "/" + target))
        request = RecordedRequest(
            method=method.upper(),
            path=split.path or "/",
            query=parse_qs(split.query, keep_blank_values=True),
            headers=headers,
            body=None if sink.buf is None else bytes(sink.buf),
            connection_id=self.conn_id,
            body_len=sink.length,
            body_sha256=sink.sha.hexdigest(),
            target=target,
            http_version=version,
            chunked=chunked,
        )
        self.owner._record(request)

        limit = self.owner.rate_limit
        limit_headers = None  # type: Optional[Dict[str, str]]
        if limit is not None and limit.applies_to(request.path):
            allowed, limit_headers = limit.take()
            if not allowed:
                reply = Scripted.error(429, "Rate limit reached for requests", type="requests",
                                       code="rate_limit_exceeded", headers=dict(limit_headers))
                return self._respond(reply, request.index, request, keep_alive)

        script = self.owner._take_script(request.method, request.path)
        routed = None  # type: Optional[Scripted]
        if script is None:
            routed = self.owner._route(request)
            reply = routed
        else:
            reply = script
            if reply.fault in _BODY_FAULTS and not reply.has_payload():
                routed = self.owner._route(request)
        if limit_headers:
            merged = dict(limit_headers)
            merged.update(reply.headers or {})
            reply = dataclasses.replace(reply, headers=merged)  # a queued script may serve other requests
        return self._respond(reply, request.index, request, keep_alive, fallback=routed)

    def _read_exact(self, length: int, sink: _BodySink) -> None:
        remaining = length
        while remaining > 0:
            data = self.rfile.read(min(remaining, _READ_SIZE))
            if not data:
                raise _Abort()  # client went away mid-body
            sink.write(data)
            remaining -= len(data)

    def _read_chunked(self, sink: _BodySink) -> None:
        while True:
            line = self.rfile.readline(_MAX_LINE + 1)
            if not line:
                raise _Abort()
            if len(line) > _MAX_LINE:
                raise _BadRequest(400, "Chunk size line too long.")
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise _BadRequest(400, "Invalid chunk size.")
            if size < 0:
                raise _BadRequest(400, "Invalid chunk size.")
            if size == 0:
                break
            self._read_exact(size, sink)
            crlf = self.rfile.readline(_MAX_LINE + 1)
            if crlf not in (b"\r\n", b"\n"):
                if not crlf:
                    raise _Abort()
                raise _BadRequest(400, "Missing CRLF after chunk data.")
        # trailers, up to the blank line
        for _ in range(100):
            line = self.rfile.readline(_MAX_LINE + 1)
            if not line:
                raise _Abort()
            if line in (b"\r\n", b"\n"):
                return
        raise _BadRequest(400, "Too many trailer lines.")

    # -- responses ---------------------------------------------------------

    def _respond(
        self,
        reply: Scripted,
        index: int,
        request: Optional[RecordedRequest],
        keep_alive: bool,
        fallback: Optional[Scripted] = None,
    ) -> bool:
        """Write ``reply``; return True if the connection stays open."""
        self._wait(reply.delay)
        fault = reply.fault
        if fault == "reset_before_headers":
            self.reset()
        if fault == "close_before_headers":
            return False
        if fault == "stall_headers":
            self._wait(reply.stall)
            return False

        source = reply
        if fault in _BODY_FAULTS and not reply.has_payload() and fallback is not None:
            source = fallback
        pieces = source.payload_pieces()
        content_type = source.resolved_content_type()
        chunked = reply.chunked or (source is not reply and source.chunked) or fault == "truncated_chunked"
        total = sum(len(p) for p in pieces)
        status = reply.status
        head_only = request is not None and request.method == "HEAD"
        no_body = status < 200 or status in (204, 304)

        headers = _Headers()
        headers.set("Date", email.utils.formatdate(usegmt=True))
        if content_type is not None and not no_body:
            headers.set("Content-Type", content_type)
        if not no_body:
            if chunked:
                headers.set("Transfer-Encoding", "chunked")
            else:
                declared = total
                if fault == "short_content_length" or (fault == "reset_after_headers" and total == 0):
                    declared = total + 64
                headers.set("Content-Length", str(declared))
        headers.set("x-request-id", "req_%d" % index)
        if source is not reply and source.headers:
            for name, value in source.headers.items():
                headers.set(name, value)
        if reply.headers:
            for name, value in reply.headers.items():
                headers.set(name, value)

        framed = no_body or chunked or headers.get("Content-Length") is not None
        conn_header = headers.get("Connection")
        keep = keep_alive and framed and fault is None
        if conn_header is not None and "close" in conn_header.lower():
            keep = False
        if conn_header is None:
            headers.set("Connection", "keep-alive" if keep else "close")

        head = ("HTTP/1.1 %d %s\r\n" % (status, _reason(status))).encode("latin-1") + headers.encode() + b"\r\n"
        if no_body or head_only:
            self.sock.sendall(head)
            return keep

        if fault == "reset_after_headers":
            self.sock.sendall(head)
            self._wait(0.02)  # let the client read the headers before the RST arrives
            self.reset()

        budget = None  # type: Optional[int]
        if fault in ("reset_mid_body", "stall_body"):
            budget = total // 2
            if len(pieces) > 1 and budget > 0:
                # keep whole pieces (e.g. whole SSE events) where possible
                acc = 0
                for p in pieces:
                    if acc + len(p) > budget:
                        break
                    acc += len(p)
                budget = acc or budget
        terminate = chunked and fault is None
        self._write_body(head, pieces, chunked, reply.chunk_delay, budget, terminate)

        if fault in ("reset_mid_body",):
            self._wait(0.02)
            self.reset()
        if fault == "stall_body":
            self._wait(reply.stall)
            return False
        if fault in ("truncated_chunked", "short_content_length"):
            return False
        return keep

    def _write_body(
        self,
        head: bytes,
        pieces: List[bytes],
        chunked: bool,
        chunk_delay: float,
        budget: Optional[int],
        terminate: bool,
    ) -> None:
        """Send ``head`` then the pieces (one write each when there are several),
        at most ``budget`` payload bytes, and the last-chunk marker if ``terminate``."""
        pieces = [p for p in pieces if p]  # an empty HTTP chunk would end the body
        separate = len(pieces) > 1
        pending = head
        remaining = budget
        for i, piece in enumerate(pieces):
            if remaining is not None:
                if remaining <= 0:
                    break
                piece = piece[:remaining]
                remaining -= len(piece)
            if i > 0:
                self._wait(chunk_delay)
            if chunked:
                pending += b"%X\r\n" % len(piece) + piece + b"\r\n"
            else:
                pending += piece
            if separate:
                self.sock.sendall(pending)
                pending = b""
        if terminate:
            pending += b"0\r\n\r\n"
        if pending:
            self.sock.sendall(pending)


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address: Tuple[str, int], owner: "OfflineServer", stopping: threading.Event) -> None:
        self.owner = owner
        self.stopping = stopping
        socketserver.ThreadingTCPServer.__init__(self, address, socketserver.BaseRequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        conn = self.owner._open_connection(request, self.stopping)
        if conn is None:
            self.shutdown_request(request)
            return
        thread = threading.Thread(
            target=self._serve, args=(conn,), name="OfflineServer-conn-%d" % conn.conn_id, daemon=True
        )
        self.owner._threads_add(thread)
        thread.start()

    def _serve(self, conn: _Connection) -> None:
        try:
            conn.run()
        except Exception:
            self.owner._errors_add(sys.exc_info()[1])
        finally:
            self.shutdown_request(conn.sock)
            self.owner._close_connection(conn)

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.owner._errors_add(sys.exc_info()[1])


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------


class OfflineServer:
    """Loopback HTTP/1.1 server imitating part of the OpenAI API.

    Use as a context manager or call :meth:`start` / :meth:`stop`.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        max_recorded_body: int = DEFAULT_MAX_RECORDED_BODY,
        routes: Optional[Dict[Tuple[str, str], Handler]] = None,
    ) -> None:
        self.host = host
        self._requested_port = port
        self.max_recorded_body = max_recorded_body
        self.routes = dict(DEFAULT_ROUTES if routes is None else routes)  # type: Dict[Tuple[str, str], Handler]
        #: What the Responses and Assistants routes keep between requests (responses, runs), by family.
        self.state = {}  # type: Dict[str, Dict[str, Any]]
        #: Unexpected exceptions raised while serving (handler bugs etc.).
        self.errors = []  # type: List[BaseException]
        #: What the file and fine-tuning routes keep: id -> object (a file's bytes under "_content").
        self.files = {}  # type: Dict[str, Dict[str, Any]]
        self.fine_tuning_jobs = {}  # type: Dict[str, Dict[str, Any]]
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._queue = []  # type: List[List[Any]]  # [script, path, method, remaining]
        self._requests = []  # type: List[RecordedRequest]
        self._index = 0
        self._connections_opened = 0
        self._conn_ids = itertools.count(1)
        self._connections = {}  # type: Dict[int, _Connection]
        self._threads = set()  # type: set
        self._srv = None  # type: Optional[_TCPServer]
        self._serve_thread = None  # type: Optional[threading.Thread]
        self._stopping = threading.Event()
        self._port = None  # type: Optional[int]
        self._batch_api = None  # type: Any
        #: A :class:`~openai_lite.testing._rate_limit.RateLimit` the server enforces, or None.
        self.rate_limit = None  # type: Any

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> "OfflineServer":
        with self._lock:
            if self._srv is not None:
                raise RuntimeError("OfflineServer is already running")
            self._stopping = threading.Event()
            srv = _TCPServer((self.host, self._requested_port), self, self._stopping)
            self._srv = srv
            self._port = srv.server_address[1]
        thread = threading.Thread(
            target=srv.serve_forever, kwargs={"poll_interval": 0.05}, name="OfflineServer-accept", daemon=True
        )
        self._serve_thread = thread
        thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close every open connection and join all threads."""
        with self._lock:
            srv = self._srv
            self._srv = None
            if srv is None:
                return
            self._stopping.set()
        srv.shutdown()
        srv.server_close()
        if self._serve_thread is not None:
            self._serve_thread.join(_STOP_JOIN_TIMEOUT)
            self._serve_thread = None
        with self._lock:
            conns = list(self._connections.values())
            threads = list(self._threads)
        for conn in conns:
            conn.shutdown()
        deadline = time.monotonic() + _STOP_JOIN_TIMEOUT
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> "OfflineServer":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._srv is not None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("OfflineServer has not been started")
        return self._port

    @property
    def root_url(self) -> str:
        return "http://%s:%d" % (self.host, self.port)

    @property
    def url(self) -> str:
        return self.root_url + "/v1"

    # -- scripting ---------------------------------------------------------

    def enqueue(self, script: Scripted, path: Optional[str] = None, method: Optional[str] = None) -> Scripted:
        """Queue ``script`` (FIFO).  With ``path`` (and/or ``method``) it is only
        consumed by a request whose path without query (and method) equals it."""
        if not isinstance(script, Scripted):
            raise TypeError("enqueue() expects a Scripted, got %r" % (type(script).__name__,))
        if path is not None and ("?" in path or not path.startswith("/")):
            raise ValueError("path must be a request path without query, e.g. '/v1/models', got %r" % (path,))
        script.validate()
        with self._lock:
            self._queue.append([script, path, None if method is None else method.upper(), script.repeat])
        return script

    @property
    def pending(self) -> int:
        """Number of queued entries not yet used up."""
        with self._lock:
            return len(self._queue)

    @property
    def batch_api(self) -> Any:
        """The uploads and batches this server holds (their files are in ``files``), and what tests can
        arrange about them (failures, expiry, limits): a :class:`~openai_lite.testing._batches.BatchAPI`."""
        with self._lock:
            if self._batch_api is None:
                from ._batches import BatchAPI

                self._batch_api = BatchAPI(self)
            return self._batch_api

    def set_rate_limit(self, requests_per_minute: Optional[int], burst: Optional[int] = None,
                       retry_after: bool = False, paths: Optional[Tuple[str, ...]] = None) -> Any:
        """Enforce a requests-per-minute limit (on ``paths``, or every path) with 429s and
        ``x-ratelimit-*`` headers, as the API does; ``None`` removes it. Returns the limit (its
        ``allowed`` and ``limited`` counters)."""
        from ._rate_limit import RateLimit

        self.rate_limit = None if requests_per_minute is None else RateLimit(
            requests_per_minute, burst=burst, retry_after=retry_after, paths=paths)
        return self.rate_limit

    def add_route(self, method: str, pattern: str, handler: Handler) -> None:
        """Add or replace a default route (``pattern`` must fully match the path)."""
        key = (method.upper(), pattern)
        with self._lock:
            self.routes.pop(key, None)
            self.routes[key] = handler

    def reset(self) -> None:
        """Clear the queue, the recorded requests, the errors and the counters."""
        with self._lock:
            del self._queue[:]
            del self._requests[:]
            del self.errors[:]
            self.files.clear()
            self.fine_tuning_jobs.clear()
            self.state.clear()
            self._index = 0
            self._connections_opened = 0
            self._batch_api = None

    def close_idle_connections(self) -> int:
        """Close keep-alive connections that are waiting for a request; return how many."""
        with self._lock:
            idle = [c for c in self._connections.values() if c.idle]
        for conn in idle:
            conn.shutdown()
        return len(idle)

    # -- inspection --------------------------------------------------------

    @property
    def requests(self) -> List[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def last_request(self) -> Optional[RecordedRequest]:
        with self._lock:
            return self._requests[-1] if self._requests else None

    @property
    def connections_opened(self) -> int:
        with self._lock:
            return self._connections_opened

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._connections)

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> List[RecordedRequest]:
        """Block until at least ``n`` requests were recorded; raise ``TimeoutError`` otherwise."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._requests) >= n, timeout):
                raise TimeoutError("expected %d requests within %ss, got %d" % (n, timeout, len(self._requests)))
            return list(self._requests)

    # -- internals (called from connection threads) ------------------------

    def _next_index(self) -> int:
        with self._lock:
            self._index += 1
            return self._index

    def _record(self, request: RecordedRequest) -> None:
        with self._cond:
            self._index += 1
            request.index = self._index
            request.timestamp = time.monotonic()
            self._requests.append(request)
            self._cond.notify_all()

    def _take_script(self, method: str, path: str) -> Optional[Scripted]:
        with self._lock:
            for i, entry in enumerate(self._queue):
                script, want_path, want_method, remaining = entry
                if want_path is not None and want_path != path:
                    continue
                if want_method is not None and want_method != method:
                    continue
                if remaining <= 1:
                    del self._queue[i]
                else:
                    entry[3] = remaining - 1
                return script
        return None

    def _route(self, request: RecordedRequest) -> Scripted:
        with self._lock:
            routes = list(self.routes.items())
        method = "GET" if request.method == "HEAD" else request.method
        for (route_method, pattern), handler in reversed(routes):
            if route_method != method:
                continue
            match = re.fullmatch(pattern, request.path)
            if match is None:
                continue
            try:
                return handler(self, request, match)
            except HTTPError as exc:
                return exc.to_scripted()
            except Exception as exc:  # a bug in a handler: answer 500, keep it visible
                self._errors_add(exc)
                return Scripted.error(500, "OfflineServer handler error: %r" % (exc,), type="server_error")
        return Scripted.error(404, "Invalid URL (%s %s)" % (request.method, request.path))

    def _errors_add(self, exc: Optional[BaseException]) -> None:
        if exc is not None:
            with self._lock:
                self.errors.append(exc)

    def _open_connection(self, sock: socket.socket, stopping: threading.Event) -> Optional[_Connection]:
        with self._lock:
            if stopping.is_set():
                return None
            conn = _Connection(self, sock, next(self._conn_ids), stopping)
            self._connections_opened += 1
            self._connections[conn.conn_id] = conn
            return conn

    def _close_connection(self, conn: _Connection) -> None:
        with self._lock:
            self._connections.pop(conn.conn_id, None)
            self._threads.discard(threading.current_thread())

    def _threads_add(self, thread: threading.Thread) -> None:
        with self._lock:
            self._threads.add(thread)
