"""Server-sent events: ``stream=True`` calls return a ``Stream``, a generator of response objects.

    response body --(_BodyReader: each read returns what has arrived)--> byte pieces
        --(_frames: cut on blank lines, linear time)--> whole events
        --(sseclient-py: parses the fields)--> events --(Stream: [DONE], errors, JSON)--> objects

Why the pieces are framed here and not by sseclient-py: sseclient reads a ``requests.Response``
in 128-byte pieces and glues lines with ``data += line`` (quadratic for a large event, and an
8 MB streamed image is one event). Handed pieces that are already whole events, it parses each
one in time proportional to its size.

Reading: a chunked body (what the API sends) is read one HTTP chunk at a time as chunks arrive;
any other body with ``read1`` (one socket read, whatever has arrived). ``iter_content(None)``
is not used: on both urllib3 1.26 and 2.x it reads a non-chunked body to its very end before
returning anything. The read timeout bounds every single read, so a stalled server raises
``APITimeoutError`` while a long stream that keeps sending completes however long it takes.

The connection: after ``[DONE]`` (or when a consumer stops early) whatever of the body arrives
within a short grace period is read and dropped, so a finished body leaves its keep-alive
connection in the pool; a stream that is still producing is closed instead, which also tells the
server to stop generating.

Requests carry ``Accept: application/json`` as openai-python's do (an OpenAPI mock such as Prism
answers 500 when ``text/event-stream`` is the preferred type); servers stream on ``stream: true``.
"""
from __future__ import annotations

import http.client
import json
import time
from operator import itemgetter
from typing import Any, Dict, Generic, Iterator, List, Optional, TypeVar

import requests
from . import _compat
from ._deadline import watch
from ._exceptions import APIError, APIResponseValidationError, APITimeoutError
from ._limits import DEFAULT_LIMITS, LimitExceeded, read_limited
from ._models import BaseModel, _rebuild, picked, resolve_model
from ._transport import NETWORK_ERRORS, translate

__all__ = ["Stream", "ServerSentEvent", "AssistantStreamEvent"]

# Grace periods for reading the rest of a body before the connection goes back to the pool.
_DRAIN_AFTER_DONE = 1.0   # after [DONE] the body should end at once
_DRAIN_ABANDONED = 0.05   # a consumer stopped early: keep the connection only if the body is already here
_DRAIN_MAX_BYTES = 1 << 20
_READ1_SIZE = 65536
_MAX_SHOWN = 200          # characters of a bad event quoted in an error message

_json_decoder = json.JSONDecoder()
_scan_json = _json_decoder.scan_once  # the C scanner json.loads ends up in


def _decode_json(text: str) -> Any:
    """``json.loads(text)``, one Python frame and no regex shorter for the usual event (a value with
    nothing around it); anything else (whitespace around the value, no value, extra data) goes to
    the full decoder, which decodes it or raises as ``json.loads`` does."""
    try:
        value, end = _scan_json(text, 0)
    except StopIteration:
        return _json_decoder.decode(text)
    if end != len(text):
        return _json_decoder.decode(text)
    return value


class ServerSentEvent:
    """One event as sent: ``event`` (None when unnamed), ``data``, ``id``, ``retry``."""

    __slots__ = ("event", "data", "id", "retry")

    def __init__(self, *, event: Optional[str] = None, data: str = "", id: Optional[str] = None,
                 retry: Optional[int] = None) -> None:
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry

    def json(self) -> Any:
        return json.loads(self.data)

    def __repr__(self) -> str:
        return "ServerSentEvent(event=%r, data=%r, id=%r, retry=%r)" % (self.event, self.data, self.id, self.retry)


# -- reading the body ------------------------------------------------------------------------------


def _body_pieces(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives, decoded (gzip...), one read at a time."""
    raw = response.raw
    if getattr(raw, "chunked", False) and hasattr(raw, "read_chunked") and raw.supports_chunked_reads():
        # one HTTP chunk per read, at most 64 KiB of it: a chunk header announcing terabytes is read
        # (and fails) piece by piece instead of asking for all of it at once
        return raw.read_chunked(_READ1_SIZE, decode_content=True)
    read1 = getattr(raw, "read1", None)  # urllib3 >= 2.3
    if read1 is not None:
        return _read1_loop(read1)
    fp = _compat.http_client_read1(raw)
    if hasattr(raw, "release_conn") and fp is not None and not response.headers.get("content-encoding"):
        return _fp_read1_loop(raw, fp)  # urllib3 1.26 and 2.0-2.2: http.client's read1
    return response.iter_content(8192)  # not a urllib3 response (a custom adapter)


def _read1_loop(read1: Any) -> Iterator[bytes]:
    while True:
        # decode_content: requests reads with decoding off, and a gzip body that is not chunked
        # would reach the parser still compressed
        data = read1(_READ1_SIZE, decode_content=True)
        if not data:
            return
        yield data


def _fp_read1_loop(raw: Any, fp: Any) -> Iterator[bytes]:
    while True:
        data = fp.read1(_READ1_SIZE)
        if not data:
            break
        yield data
    if getattr(fp, "length", None):  # Content-Length promised more than arrived
        raw.close()
        raise http.client.IncompleteRead(b"", fp.length)
    raw.release_conn()


def _frames(pieces: Iterator[bytes], limit: Optional[int] = None) -> Iterator[bytes]:
    """Cut the byte stream into events: each yield is one event, up to and with its blank line.

    Line ends are normalised to ``\\n`` first (a CR at the end of a piece waits for the next
    one, which may start with its LF), so looking for ``\\n\\n`` finds every event end. Each
    byte is scanned once and copied at most once; an incomplete event at the end of the body
    is dropped, as the SSE specification says. An event growing past ``limit`` bytes raises
    ``LimitExceeded``.
    """
    pending: List[bytes] = []  # pieces of the event not finished yet
    held = 0  # bytes in pending, checked against limit (an event within one piece is at most a piece)
    for piece in _normalised(pieces):
        start = 0
        if pending and piece[:1] == b"\n" and pending[-1][-1:] == b"\n":
            pending.append(b"\n")  # the blank line straddles two pieces
            yield _joined(pending)
            held = 0
            start = 1
        end = piece.find(b"\n", start)  # memchr, then the two-byte search from the first line end
        if end >= 0:
            end = piece.find(b"\n\n", end)
        if end < 0:
            if start < len(piece):
                pending.append(piece[start:] if start else piece)
                held += len(piece) - start
                if limit is not None and held > limit:
                    raise LimitExceeded("A server-sent event", "max_event_bytes", limit)
            continue
        end += 2
        if pending:
            pending.append(piece[start:end])
            yield _joined(pending)  # an event that came in several pieces, joined once
            held = 0
        elif start == 0 and end == len(piece):
            yield piece  # the usual case: one piece, one event
            continue
        else:
            yield piece[start:end]
        while True:
            start = end
            end = piece.find(b"\n", start)
            if end >= 0:
                end = piece.find(b"\n\n", end)
            if end < 0:
                break
            end += 2
            yield piece[start:end]
        if start < len(piece):
            pending.append(piece[start:])
            held = len(piece) - start


def _joined(pieces: List[bytes]) -> bytes:
    """The pieces joined and the list emptied: a large event's pieces are freed before it is parsed,
    not after it was handed on (with fewer large blocks alive at once, less of the heap is given
    back to the system and faulted in again for the next event)."""
    event = b"".join(pieces)
    pieces.clear()
    return event


_BOM = b"\xef\xbb\xbf"


def _normalised(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """The pieces with line ends as ``\\n``, a leading byte order mark removed, no empty pieces."""
    head = b""  # the first bytes, until it is clear whether they start with a byte order mark
    held_cr = False
    started = False
    for piece in pieces:
        if not started:
            head += piece
            if len(head) < 3 and _BOM.startswith(head):
                continue  # maybe a byte order mark split across pieces
            started = True
            piece = head[3:] if head[:3] == _BOM else head
        if held_cr:
            piece = b"\r" + piece
            held_cr = False
        if b"\r" in piece:
            if piece[-1:] == b"\r":  # may be the first half of a CRLF
                piece = piece[:-1]
                held_cr = True
            piece = piece.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if piece:
            yield piece
    if held_cr:
        yield b"\n"


# -- item types ------------------------------------------------------------------------------------

# A stream's items are not its call's result type; the funnel passes the event type when the
# resource names one (stream_cast_to), and these cover calls that name only the result type.
_ITEM_TYPES = {
    "ChatCompletion": "ChatCompletionChunk",
    "ParsedChatCompletion": "ChatCompletionChunk",
    "Response": "ResponseStreamEvent",
}


class AssistantStreamEvent(BaseModel):
    """An Assistants stream event: ``event`` (e.g. ``"thread.run.created"``) and ``data``.

    ``data`` is the object the event carries: a Run, RunStep, Message, Thread, or the
    ``thread.message.delta`` / ``thread.run.step.delta`` object.
    """

    __slots__ = ()


def _assistant_data_type_name(event: str) -> str:
    if event.startswith("thread.run.step."):
        return "RunStepDeltaEvent" if event == "thread.run.step.delta" else "RunStep"
    if event.startswith("thread.run."):
        return "Run"
    if event.startswith("thread.message."):
        return "MessageDeltaEvent" if event == "thread.message.delta" else "Message"
    if event == "thread.created":
        return "Thread"
    return "BaseModel"


_assistant_types: Dict[str, Any] = {}
_assistant_events: Dict[str, Any] = {}


def _assistant_event_class(event: str) -> Any:
    """openai-python's class of an event (``thread.run.created``: ``ThreadRunCreated``), the member of the
    generated ``AssistantStreamEvent`` union its name picks; ``AssistantStreamEvent`` for a newer event."""
    cls = _assistant_events.get(event)
    if cls is None:
        picker = resolve_model("AssistantStreamEvent")
        cls = picker({"event": event}) if not isinstance(picker, type) else BaseModel
        cls = _assistant_events[event] = AssistantStreamEvent if cls is BaseModel else cls
    return cls


def assistant_event(event: str, data: Any, request_id: Optional[str]) -> Any:
    """Wrap one ``thread.*`` event (used by the stream and by tests building events by hand): ``.event`` and
    ``.data``, of openai-python's class for the event (``ThreadRunCreated``...)."""
    obj = picked(_assistant_event_class(event), {"event": event, "data": data}, request_id)  # a union's member
    if isinstance(data, dict):
        cls = _assistant_types.get(event)
        if cls is None:
            cls = _assistant_types[event] = _concrete(resolve_model(_assistant_data_type_name(event)))
        obj._cache["data"] = _rebuild(cls if isinstance(cls, type) else cls(data), data, request_id)
    return obj


class _Event(tuple):
    """An event as sseclient-py's ``Event`` reads, for the two shapes ``_events`` parses itself.

    A ``(event, data)`` tuple whose fields read through ``itemgetter``: built and read without
    running any Python code.
    """

    __slots__ = ()
    event = property(itemgetter(0))
    data = property(itemgetter(1))
    id = None
    retry = None


_new_event = tuple.__new__
_IN_PLACE = 1 << 16  # events from this size on are decoded through a memoryview


def _events(frames: Iterator[bytes], parser_class: Any) -> Iterator[Any]:
    """The events of ``frames`` (each one whole event, line ends normalised to ``\\n``, see _frames).

    Nearly every event the API sends is one of two shapes: ``data: X`` (chat completions), or
    ``event: NAME`` then ``data: X`` (Responses, Assistants), X being one line of JSON. Those are
    parsed here, with one search for the line end and one decode: exactly what sseclient-py makes
    of them (data X, name NAME or "message", no id or retry). Every other frame (comments, several
    data lines, ``id:``, ``retry:``, no space after the colon, bytes that are not UTF-8 so that
    the error is sseclient-py's own) is handed to sseclient-py, one frame at a time.
    """
    parser = parser_class(())
    for frame in frames:
        head = frame[:6]
        if head == b"data: ":
            if frame.find(b"\n", 6) == len(frame) - 2 and frame[-1:] == b"\n":  # one line, a blank line
                try:
                    if len(frame) < _IN_PLACE:
                        text = frame[6:-2].decode("utf-8")
                    else:  # decoded where it lies: a slice would be one more copy of a large event
                        text = str(memoryview(frame)[6:-2], "utf-8")
                except UnicodeDecodeError:
                    pass
                else:
                    # Freed now, not when the next frame comes: the memory of a large event's bytes is
                    # then reused for its parsed value (fewer fresh pages: 8 MB events 15-30 % faster).
                    del frame
                    yield _new_event(_Event, ("message", text))
                    continue
        elif head == b"event:" and frame[6:7] == b" ":
            end = frame.find(b"\n", 7)
            if (end > 7 and frame[end + 1:end + 7] == b"data: " and frame.find(b"\n", end + 7) == len(frame) - 2
                    and frame[-1:] == b"\n"):
                try:
                    name = frame[7:end].decode("utf-8")
                    text = frame[end + 7:-2].decode("utf-8")
                except UnicodeDecodeError:
                    pass
                else:
                    del frame
                    yield _new_event(_Event, (name, text))
                    continue
        yield from parser.events_of(frame)


def _concrete(cls: Any) -> Any:
    return BaseModel if cls is None else cls


# -- the stream ------------------------------------------------------------------------------------


_T = TypeVar("_T")


class Stream(Generic[_T]):
    """Iterate to get the stream's objects; ``break``, ``close()`` or ``with`` end it early.

    Leaving a ``for`` loop over the stream early closes it and gives the connection back (to
    read a few items and continue later, use ``next(stream)``). ``stream.response`` is the
    ``requests.Response`` (headers, ``x-request-id``); each item's ``_request_id`` is set.
    ``Stream[SomeType]`` (a class or a type name) is a stream whose items are ``SomeType``.
    """

    _item_type: Any = None  # set on Stream[X] subclasses
    _generic_cache: Dict[Any, type] = {}

    def __init__(self, *, response: requests.Response, client: Any, cast_to: Any) -> None:
        self.response = response
        self._client = client
        self._cast_to = cast_to
        self._reader: Optional[Iterator[bytes]] = None
        self._eof = False
        self._broken = False
        self._closed = False
        self._prefetched: Optional[bytes] = None  # a body read whole before parsing (see _check_content_type)
        self._closing = False  # close() was called while another thread was inside the stream
        self._timed_out = False  # the call's deadline passed
        self._watch: Any = None  # the deadline's watchdog entry
        self._held: Any = None  # the connection's pool, kept from urllib3 while the watchdog may act
        self._iterator = self.__stream__()

    def _arm(self, deadline: Any) -> None:
        """Bound the stream by the call's deadline (``deadline=``): the watchdog wakes a blocked read."""
        self._held = _compat.hold_connection(self.response.raw)
        self._watch = watch(deadline, self._deadline_passed)

    def _deadline_passed(self) -> None:
        self._timed_out = True
        _compat.interrupt(self.response.raw)

    def __class_getitem__(cls, item: Any) -> type:
        key = (cls, item)
        found = Stream._generic_cache.get(key)
        if found is None:
            name = item if isinstance(item, str) else getattr(item, "__name__", repr(item))
            found = Stream._generic_cache[key] = type("%s[%s]" % (cls.__name__, name), (cls,), {"_item_type": item})
        return found

    # -- iteration ---------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[_T]:
        # A fresh generator per loop: when a loop is left early it is dropped, and closing it
        # closes the stream (``yield from`` passes the close on).
        try:
            yield from self._iterator
        except Exception as exc:
            self._scrub(exc)
            raise

    def __next__(self) -> _T:
        try:
            return next(self._iterator)
        except StopIteration:
            raise
        except Exception as exc:
            self._scrub(exc)
            raise

    def _scrub(self, exc: BaseException) -> None:
        """No credential the client knows leaves in an error's text (a server may echo the key)."""
        scrub = getattr(self._client, "_scrub", None)
        if scrub is not None:
            scrub(exc, self.response.request)

    def __enter__(self) -> "Stream[_T]":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Stop reading and give the connection back (or close it if the body is still coming).

        Safe from any thread: while another thread is inside the stream (blocked on a read, even
        of a stream that only sends keep-alive comments), its read is woken and its loop ends."""
        try:
            self._iterator.close()
        except ValueError:  # "generator already executing": another thread is inside it right now
            self._closing = True
            _compat.interrupt(self.response.raw)
            return
        self._release(_DRAIN_ABANDONED)

    def _item_class(self) -> Any:
        item = self._item_type
        if item is None:
            cast_to = self._cast_to
            item = _ITEM_TYPES.get(getattr(cast_to, "__name__", ""), cast_to)
        if isinstance(item, str):
            item = resolve_model(item)
        return _concrete(item)

    def _read_body(self) -> Iterator[bytes]:
        try:
            if self._prefetched is not None:
                yield self._prefetched
            else:
                for piece in _body_pieces(self.response):
                    if self._closing or self._timed_out:
                        break
                    yield piece
        except GeneratorExit:
            self._broken = True
            raise
        except BaseException as exc:
            self._broken = True
            if self._timed_out:
                raise APITimeoutError(self.response.request, message="Request timed out (deadline reached).") from exc
            if self._closing:
                return  # the read failed because close() shut the socket down: the stream just ends
            raise
        if self._timed_out:
            self._broken = True
            raise APITimeoutError(self.response.request, message="Request timed out (deadline reached).")
        if self._closing:
            self._broken = True
            return
        self._eof = True

    def _sse_events(self) -> Iterator[Any]:
        """sseclient's events (``.event`` is ``"message"`` when the server named none)."""
        reader = self._reader = self._read_body()
        limits = getattr(self._client, "_limits", None)
        return _events(_frames(reader, limits.max_event_bytes if limits else None), _compat.EventParser)

    def _iter_events(self) -> Iterator[ServerSentEvent]:
        """The raw events, for code that wants them instead of objects (use one or the other)."""
        try:
            for sse in self._sse_events():
                yield ServerSentEvent(event=None if sse.event == "message" else sse.event, data=sse.data, id=sse.id,
                                      retry=int(sse.retry) if sse.retry and sse.retry.isdigit() else None)
        except NETWORK_ERRORS as exc:
            raise translate(exc, self.response.request) from exc
        finally:
            self._release(_DRAIN_ABANDONED)

    def __stream__(self) -> Iterator[Any]:
        response = self.response
        request_id = response.headers.get("x-request-id")
        item_class = self._item_class()
        resolver = None if isinstance(item_class, type) else item_class
        rebuild = _rebuild
        decode = _decode_json
        drain = _DRAIN_ABANDONED
        try:
            self._check_content_type()
            for sse in self._sse_events():
                text = sse.data
                if text[:6] == "[DONE]":
                    drain = _DRAIN_AFTER_DONE
                    break
                try:
                    data = decode(text)
                except RecursionError:
                    raise APIResponseValidationError(
                        response, None, message="The server sent an event nested too deeply to parse") from None
                except ValueError:
                    if sse.event == "error":
                        raise APIError(text[:_MAX_SHOWN] or "An error occurred during streaming",
                                       response.request, body=text) from None
                    raise APIResponseValidationError(
                        response, text,
                        message="The server sent an event that is not valid JSON: %r" % (text[:_MAX_SHOWN],),
                    ) from None
                name = sse.event
                if name != "message":
                    if name == "error":
                        raise _stream_error(data, response)
                    if name[:7] == "thread.":
                        yield assistant_event(name, data, request_id)
                        continue
                if type(data) is dict:
                    if "error" in data and data["error"]:
                        raise _stream_error(data, response)
                    if data.get("type") == "error":
                        raise _stream_error(data, response)
                    if resolver is None:
                        yield rebuild(item_class, data, request_id)
                    else:  # a union of events: the member its picker chooses (see _models.picked)
                        cls = resolver(data)
                        yield rebuild(cls, data, request_id) if not cls._renames else picked(cls, data, request_id)
                else:
                    yield data
        except LimitExceeded as exc:
            self._broken = True
            raise APIResponseValidationError(response, None, message=str(exc)) from None
        except UnicodeDecodeError as exc:
            raise APIResponseValidationError(
                response, None, message="The server sent an event that is not valid UTF-8: %r" % (
                    exc.object[max(exc.start - 40, 0):exc.end + 40],)) from None
        except NETWORK_ERRORS as exc:
            raise translate(exc, response.request) from exc
        finally:
            self._release(drain)

    def _check_content_type(self) -> None:
        """A JSON body where a stream was asked for: raise its error (or say what came).

        A body labelled JSON that is not JSON is parsed as the event stream it probably is.
        """
        response = self.response
        content_type = response.headers.get("content-type", "")
        if not content_type.startswith("application/json"):
            return
        limits = getattr(self._client, "_limits", None) or DEFAULT_LIMITS
        try:
            content = read_limited(response.raw, limits.max_body_bytes, limits.max_decompression_ratio)
        except LimitExceeded as exc:
            self._broken = True
            raise APIResponseValidationError(response, None, message=str(exc)) from None
        _compat.set_body(response, content)
        try:
            data = json.loads(content)
        except (ValueError, RecursionError):
            self._prefetched = content
            return
        if isinstance(data, dict) and data.get("error"):
            raise _stream_error(data, response)
        raise APIResponseValidationError(
            response, data, message="Expected an event stream (text/event-stream), got %s: %r" % (
                content_type, content[:_MAX_SHOWN]))

    # -- giving the connection back ----------------------------------------------------------------

    def _release(self, grace: float) -> None:
        if self._closed:
            return
        self._closed = True
        response = self.response
        transport = getattr(self._client, "_transport", None)
        if transport is not None:
            transport.forget_stream(self)
        if self._watch is not None and not self._watch.cancel():
            self._broken = True  # the deadline shut the socket down
        if self._held is not None:
            if self._broken:
                _compat.give_back(response.raw, self._held, reusable=False)
            else:
                _compat.restore_pool(response.raw, self._held)
            self._held = None
        if not self._eof and not self._broken and self._reader is not None:
            self._drain(grace)
        if self._eof and not self._broken:
            release = getattr(response.raw, "release_conn", None)
            if release is not None:
                release()
        response.close()

    def _drain(self, grace: float) -> None:
        """Read what arrives of the body within ``grace`` seconds; sets ``_eof`` if it ended."""
        raw = self.response.raw
        sock = _compat.response_socket(raw)
        reader = self._reader
        if sock is None or reader is None:
            return
        try:
            old_timeout = sock.gettimeout()
        except Exception:  # noqa: BLE001 - a socket-like object without timeouts: just close
            return
        # While the socket has the short timeout, urllib3 must not hand the connection to another
        # thread: with no pool it keeps it, and _release gives it back once the timeout is restored.
        pool = _compat.hold_connection(raw)
        if pool is None:
            return  # no pool to give the connection back to: it is closed instead
        deadline = time.monotonic() + grace
        read = 0
        try:
            while read <= _DRAIN_MAX_BYTES:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                sock.settimeout(left)
                piece = next(reader, None)
                if piece is None:
                    break
                read += len(piece)
        except Exception:  # noqa: BLE001 - any failure: the connection is closed, not reused
            self._broken = True
        finally:
            try:
                sock.settimeout(old_timeout)
            except Exception:  # noqa: BLE001
                self._broken = True
            _compat.restore_pool(raw, pool)


def _stream_error(data: Any, response: requests.Response) -> APIError:
    """APIError with the server's message, from ``{"error": {...}}`` or a top-level error object."""
    error = data.get("error") if isinstance(data, dict) and data.get("error") else data
    message = None
    if isinstance(error, dict):
        message = error.get("message")
    elif isinstance(error, str):
        message = error
    if not isinstance(message, str) or not message:
        message = "An error occurred during streaming"
    return APIError(message, response.request, body=error)
