"""``client.beta.agents.sessions``: ``stream()`` (one turn of an idle session) and what ``create()``
does with its client-side keywords ``output_type`` and ``tool_handlers`` (never sent as such).

Both return iterables of the session's events that can run local tool handlers while they are read and
collect the turn's final answer (``get_final_result()``, see ``_results``).
"""
from __future__ import annotations

import collections
import uuid
from typing import Any, Callable, Deque, Dict, Generic, Iterator, List, Mapping, Optional, Set, Tuple, TypeVar

from ...._types import NOT_GIVEN, NotGiven, Omit
from ._results import AgentTurnResult, TurnCollector, agent_text_format
from ._tools import AgentToolError, ToolDispatcher, tool_options

__all__ = ["AgentSessionsMixin", "AgentSessionStream", "AgentSessionEventStream", "prepare_session_create"]

OutputT = TypeVar("OutputT")
#: How many recent event ids a turn stream remembers to drop a redelivered event.
RECENT_EVENT_IDS = 1024
_TURN_ENDED = ("agent.session.turn.completed", "agent.session.turn.failed", "agent.session.turn.cancelled")


def _input_event(value: Any) -> Dict[str, Any]:
    if isinstance(value, str):
        messages: List[Any] = [{"role": "user", "content": [{"type": "input_text", "text": value}]}] if value else []
    elif value is None or isinstance(value, (bytes, Mapping)):
        raise TypeError("input must be a string or a list of input messages, not %s" % type(value).__name__)
    else:
        messages = list(value)
    if not messages:
        raise ValueError("input must not be empty")
    return {"type": "agent.session.input.message", "input": messages}


def _input_key(idempotency_key: Any, headers: Optional[Mapping[str, Any]]) -> str:
    # as everywhere, extra_headers wins over the keyword (whatever its capitalisation)
    for name, value in (headers or {}).items():
        if name.lower() == "idempotency-key":
            return value
    return str(uuid.uuid4()) if isinstance(idempotency_key, (NotGiven, Omit)) else idempotency_key


class _TurnTracker:
    """Which events are new, and when the turn this stream submitted has reached its end."""

    def __init__(self) -> None:
        self.turn_id: Optional[str] = None
        self.turn_ended = False
        self._seen: Set[str] = set()
        self._recent: Deque[str] = collections.deque()

    def is_new(self, event: Any) -> bool:
        event_id = getattr(event, "event_id", None)
        if event_id is not None:
            if event_id in self._seen:
                return False
            if len(self._recent) == RECENT_EVENT_IDS:
                self._seen.discard(self._recent.popleft())
            self._recent.append(event_id)
            self._seen.add(event_id)
        kind = getattr(event, "type", None)
        if kind == "agent.session.turn.created" and self.turn_id is None and \
                getattr(event.turn, "subagent_id", None) is None:
            self.turn_id = event.turn_id
        elif kind in _TURN_ENDED and self.turn_id is not None and event.turn_id == self.turn_id:
            self.turn_ended = True
        return True

    def is_last(self, event: Any, session_id: str) -> bool:
        kind = getattr(event, "type", None)
        if kind == "agent.session.budget_reached":
            snapshot = getattr(event, "session", None)
            found = snapshot.get("id") if isinstance(snapshot, dict) else getattr(snapshot, "id", None)
            return found == session_id and (self.turn_id is None or self.turn_ended)
        return kind == "agent.session.failed" or (kind == "agent.session.idle" and self.turn_ended)


class AgentSessionStream(Generic[OutputT]):
    """One turn of an idle session, as its events (``client.beta.agents.sessions.stream(...)``; beta).

    Use it in a ``with`` block: entering checks that the session is idle (``ValueError`` otherwise), opens
    the session's event stream, then sends ``input`` (so no event of the turn is missed). Iterating
    yields each event once, up to the session's end of the turn (idle after it, failed, or budget
    reached); a connection that ends before that is a ``RuntimeError``. Only one writer may send input
    to the session meanwhile. Registered ``tool_handlers`` run after their call's event is yielded.
    Closing stops reading; it does not cancel the turn.
    """

    def __init__(self, sessions: Any, session_id: str, *, input: Any, output_type: Any = None,
                 tool_handlers: Optional[Mapping[str, Callable[..., Any]]] = None,
                 on_tool_error: Optional[Callable[[AgentToolError], Any]] = None, idempotency_key: Any = NOT_GIVEN,
                 extra_headers: Optional[Mapping[str, Any]] = None, timeout: Any = NOT_GIVEN) -> None:
        if not isinstance(session_id, str) or not session_id:
            raise ValueError("Expected a non-empty value for `session_id` but received %r" % (session_id,))
        self._sessions = sessions
        self._session_id = session_id
        self._input = _input_event(input)
        self._dispatcher = ToolDispatcher(sessions, tool_handlers, on_tool_error=on_tool_error,
                                          extra_headers=extra_headers, timeout=timeout)
        self._idempotency_key = _input_key(idempotency_key, extra_headers)
        self._options = tool_options(extra_headers, timeout)
        self._tracker = _TurnTracker()
        self._collector: TurnCollector[OutputT] = TurnCollector(session_id, output_type)
        self._stream: Any = None
        self._iterator: Optional[Iterator[Any]] = None
        self._entered = False
        self._closed = False

    def __enter__(self) -> "AgentSessionStream[OutputT]":
        if self._entered or self._closed:
            raise RuntimeError("An AgentSessionStream can be entered only once")
        self._entered = True
        session = self._sessions.retrieve(self._session_id, **self._options)
        if session.status != "idle":
            raise ValueError("sessions.stream() needs an idle session (this one is %r); follow an active session "
                             "with sessions.events.stream()" % (session.status,))
        self._stream = self._sessions.events.stream(self._session_id, **self._options)
        try:
            self._sessions.events.create(self._session_id, events=[self._input],
                                         idempotency_key=self._idempotency_key, **self._options)
        except BaseException:
            self.close()
            raise
        self._iterator = self._events()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __iter__(self) -> "AgentSessionStream[OutputT]":
        return self

    def __next__(self) -> Any:
        if self._closed:
            raise StopIteration
        if self._iterator is None:
            raise RuntimeError("Use sessions.stream(...) in a `with` block")
        return next(self._iterator)

    def until_done(self) -> None:
        """Read the remaining events (running the registered tool handlers)."""
        for _ in self:
            pass

    def with_result_collection(self) -> "AgentSessionStream[OutputT]":
        """Keep the final messages while iterating, for ``get_final_result()`` after the loop."""
        self._collector.enable()
        return self

    def get_final_result(self) -> AgentTurnResult[OutputT]:
        """Read to the end of the turn (running handlers) and return its answer; ``AgentTurnResultError``
        when the turn did not complete successfully. Repeated calls return the same result."""
        return self._collector.drain(self, self._dispatcher.handlers, self.close)

    def close(self) -> None:
        """Stop reading the events (the turn itself goes on)."""
        self._closed = True
        if self._stream is not None:
            self._stream.close()

    def _events(self) -> Iterator[Any]:
        try:
            for event in self._stream:
                if not self._tracker.is_new(event):
                    continue
                self._collector.accept(event)
                last = self._tracker.is_last(event, self._session_id)
                if last:
                    self.close()
                pending = self._dispatcher.prepare(event)
                yield event
                if last or self._closed:
                    return
                if pending is not None:
                    self._dispatcher.dispatch(pending)
            raise RuntimeError("The session's event stream ended before the turn reached idle or failed")
        except Exception as error:
            self._collector.record_error(error)
            raise
        finally:
            self.close()


class AgentSessionEventStream(Generic[OutputT]):
    """The events of ``sessions.create(..., stream=True)`` (beta): iterate them as a ``Stream``, and
    collect the first turn's answer with ``get_final_result()`` (``with_result_collection()`` first to
    iterate before). ``tool_handlers`` given to ``create`` run after their call's event is yielded.
    ``response`` is the HTTP response; ``close()`` or ``with`` end it early."""

    def __init__(self, stream: Any, output_type: Any = None, dispatcher: Optional[ToolDispatcher] = None) -> None:
        self._stream = stream
        self.response = stream.response
        self._dispatcher = dispatcher
        self._collector: TurnCollector[OutputT] = TurnCollector(None, output_type)
        self._closed = False
        self._iterator = self._events()

    def __iter__(self) -> Iterator[Any]:
        # a fresh generator per loop (as ``Stream``): a loop left early drops it, which closes the stream
        yield from self._iterator

    def __next__(self) -> Any:
        return next(self._iterator)

    def __enter__(self) -> "AgentSessionEventStream[OutputT]":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Stop reading and give the connection back."""
        self._closed = True
        self._stream.close()

    def with_result_collection(self) -> "AgentSessionEventStream[OutputT]":
        """Keep the final messages while iterating, for ``get_final_result()`` after the loop."""
        self._collector.enable()
        return self

    def get_final_result(self) -> AgentTurnResult[OutputT]:
        """Read to the end of the first turn and return its answer; ``AgentTurnResultError`` when it did not
        complete successfully (create the session with ``input`` to have a turn)."""
        handlers = self._dispatcher.handlers if self._dispatcher is not None else {}
        return self._collector.drain(self, handlers, self.close)

    def _events(self) -> Iterator[Any]:
        try:
            for event in self._stream:
                self._collector.accept(event)
                pending = self._dispatcher.prepare(event) if self._dispatcher is not None else None
                yield event
                if pending is not None and not self._closed:
                    self._dispatcher.dispatch(pending)  # type: ignore[union-attr]
        except Exception as error:
            self._collector.record_error(error)
            raise
        finally:
            self.close()


def prepare_session_create(resource: Any, args: Mapping[str, Any]) -> Tuple[Dict[str, Any], Callable[[Any], Any]]:
    """``sessions.create``'s client-side keywords: the arguments to send and what to do with the answer.

    ``output_type`` (a pydantic model or dataclass) becomes ``agent.text.format`` (a JSON schema;
    ``ValueError`` if the agent already has one) and parses the final answer; ``tool_handlers`` need
    ``stream=True`` (``ValueError``) and run while the stream is read."""
    args = dict(args)
    output_type = args.pop("output_type")
    tool_handlers = args.pop("tool_handlers")
    stream = args.get("stream")
    if output_type is not None:
        agent = args.get("agent")
        config = {} if isinstance(agent, (NotGiven, Omit)) or agent is None else dict(agent)
        text = dict(config.get("text") or {})
        if text.get("format") is not None:
            raise ValueError("Pass output_type or agent.text.format, not both")
        text["format"] = agent_text_format(output_type)
        config["text"] = text
        args["agent"] = config
    if tool_handlers is not None and stream is not True:
        raise ValueError("tool_handlers requires stream=True")
    dispatcher = None
    if tool_handlers:
        dispatcher = ToolDispatcher(resource, tool_handlers, extra_headers=args.get("extra_headers"),
                                    timeout=args.get("timeout", NOT_GIVEN))

    def finish(answer: Any) -> Any:
        from ...._streaming import Stream

        if isinstance(answer, Stream):
            return AgentSessionEventStream(answer, output_type, dispatcher)
        return answer

    return args, finish


class AgentSessionsMixin:
    """Adds ``stream()`` to ``client.beta.agents.sessions``."""

    def stream(self, session_id: str, *, input: Any, output_type: Any = None,
               tool_handlers: Optional[Mapping[str, Callable[..., Any]]] = None,
               on_tool_error: Optional[Callable[[AgentToolError], Any]] = None, idempotency_key: Any = NOT_GIVEN,
               extra_headers: Optional[Mapping[str, Any]] = None, timeout: Any = NOT_GIVEN) -> Any:
        """Stream one turn of an idle session: subscribe to its events, then send ``input`` (use in ``with``).

        ``tool_handlers`` ({name: callable taking the arguments dict}) answer the model's function calls
        as they come; ``on_tool_error`` is told (locally) when one fails. ``output_type`` parses the
        final answer (the session must already ask for that schema). ``idempotency_key`` applies to the
        input only. See ``AgentSessionStream``."""
        return AgentSessionStream(self, session_id, input=input, output_type=output_type,
                                  tool_handlers=tool_handlers, on_tool_error=on_tool_error,
                                  idempotency_key=idempotency_key, extra_headers=extra_headers, timeout=timeout)
