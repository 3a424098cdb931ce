"""The answer of one Agents turn, collected from a session's events (``get_final_result()``).

A turn's final answer is the completed, non-commentary ``message`` items of the root turn (not of a
subagent), in output order. Collection stops at the session's boundary: idle after the turn ended, a
failed session, or a reached budget. Anything short of a completed turn is an ``AgentTurnResultError``
whose ``reason`` says why, carrying what was seen so far.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, Generic, Iterable, List, Optional, Tuple, TypeVar

from ...._exceptions import OpenAIError

__all__ = ["AgentTurnResult", "AgentTurnResultError", "AgentOutputParseError", "validate_output_type",
           "agent_text_format"]

OutputT = TypeVar("OutputT")
_ENDED = ("completed", "failed", "cancelled")


def _is_pydantic_output(output_type: Any) -> bool:
    """A pydantic model class, or a pydantic (v2) dataclass: the output types the Agents helpers take."""
    if not isinstance(output_type, type):
        return False
    if "__pydantic_fields__" in getattr(output_type, "__dict__", {}) or hasattr(output_type, "__pydantic_validator__"):
        return True
    return any(getattr(base, "__module__", "").startswith("pydantic") and base.__name__ == "BaseModel"
               for base in output_type.__mro__)


def validate_output_type(output_type: Any) -> None:
    """``TypeError`` unless ``output_type`` is a pydantic model or pydantic dataclass (as openai-python)."""
    if not _is_pydantic_output(output_type):
        raise TypeError("Agents output_type must be a pydantic model or a pydantic (v2) dataclass, not %r"
                        % (output_type,))


def agent_text_format(output_type: Any) -> Dict[str, Any]:
    """The Agents text format of ``output_type``: ``{"type": "json_schema", "schema": <strict schema>}``."""
    validate_output_type(output_type)
    from ..._schema import to_json_schema  # pydantic is the user's: imported only now

    return {"type": "json_schema", "schema": to_json_schema(output_type, strict=True)}


def _parse_output(output_type: Any, text: str) -> Any:
    """``text`` read as ``output_type`` by the same reader as structured outputs (a strict schema's
    ``null`` for a field with a default means the default)."""
    import json

    from ..._schema import parse_value

    return parse_value(output_type, json.loads(text))


class AgentTurnResult(Generic[OutputT]):
    """The final assistant messages of one completed root turn (beta).

    ``output_text`` joins their text; ``output_parsed`` is the first text part parsed into the stream's
    ``output_type`` (``None`` without one); ``turn``, ``messages``, ``session_id``, ``turn_id``.
    """

    __slots__ = ("turn", "messages", "output_parsed")

    def __init__(self, turn: Any, messages: List[Any], output_parsed: Optional[OutputT] = None) -> None:
        object.__setattr__(self, "turn", turn)
        object.__setattr__(self, "messages", messages)
        object.__setattr__(self, "output_parsed", output_parsed)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("AgentTurnResult is read-only")

    def __eq__(self, other: Any) -> bool:
        return type(other) is type(self) and (self.turn, self.messages, self.output_parsed) == (
            other.turn, other.messages, other.output_parsed)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        return (type(self), (self.turn, self.messages, self.output_parsed))

    def __repr__(self) -> str:
        return "AgentTurnResult(turn_id=%r, messages=%d, output_parsed=%r)" % (
            self.turn_id, len(self.messages), self.output_parsed)

    @property
    def session_id(self) -> str:
        return self.turn.session_id

    @property
    def turn_id(self) -> str:
        return self.turn.id

    @property
    def output_text(self) -> str:
        """The final messages' ``output_text`` parts, joined as they are (no separator, no request)."""
        return "".join(message.output_text for message in self.messages)

    def parse(self, output_type: Any) -> "AgentTurnResult[Any]":
        """This result with ``output_parsed`` read as ``output_type`` (a pydantic model or dataclass).

        Every final text part must parse; the first one is kept. Any failure is an
        ``AgentOutputParseError`` whose ``result`` is this (raw) result; the validation error itself
        is not chained, since its text may quote the model's answer."""
        try:
            validate_output_type(output_type)
            parsed: List[Any] = []
            for message in self.messages:
                for part in message.content or ():
                    if getattr(part, "type", None) == "output_text":
                        parsed.append(_parse_output(output_type, part.text))
            if not parsed:
                raise ValueError("the turn has no final output text")
        except Exception:
            raise AgentOutputParseError(self) from None
        return AgentTurnResult(self.turn, self.messages, parsed[0])


class AgentOutputParseError(OpenAIError):
    """The turn completed but its answer does not parse as the output type (beta); ``result``: the raw one."""

    def __init__(self, result: AgentTurnResult) -> None:
        super().__init__("The completed agent turn's output does not parse as the requested output type")
        self.result = result

    def __reduce__(self) -> Any:  # pickles (multiprocessing): rebuilt from its result
        return (type(self), (self.result,))


class AgentTurnResultError(OpenAIError):
    """No complete, successful turn result could be collected (beta).

    ``reason``: ``failed``, ``cancelled``, ``requires_action`` (a call no handler answers),
    ``incomplete`` (the events ended first) or ``observation_failed`` (reading the events failed: the
    turn itself may still succeed; the cause is chained). ``turn``, ``turn_id``, ``session_id``,
    ``messages`` and ``required_actions`` keep what was seen.
    """

    def __init__(self, reason: str, *, turn: Any, session_id: Optional[str], messages: List[Any],
                 required_actions: List[Any]) -> None:
        super().__init__("Could not collect the agent turn's result: %s" % reason)
        self.reason = reason
        self.turn = turn
        self.session_id = session_id
        self.turn_id = turn.id if turn is not None else None
        self.messages = messages
        self.required_actions = required_actions

    def __reduce__(self) -> Any:
        return (_rebuild_result_error, (self.reason, self.turn, self.session_id, self.messages, self.required_actions))


def _rebuild_result_error(reason: str, turn: Any, session_id: Optional[str], messages: List[Any],
                          required_actions: List[Any]) -> AgentTurnResultError:
    return AgentTurnResultError(reason, turn=turn, session_id=session_id, messages=messages,
                                required_actions=required_actions)


def _snapshot_id(event: Any) -> Optional[str]:
    snapshot = getattr(event, "session", None)
    found = snapshot.get("id") if isinstance(snapshot, dict) else getattr(snapshot, "id", None)
    return found if isinstance(found, str) and found else None


def _as_message(item: Any) -> Any:
    """A completed message item as an ``AgentSessionMessage`` (its own copy; ``output_text`` joins its text)."""
    from ...._models import construct, resolve_model

    return construct(resolve_model("AgentSessionMessage"), copy.deepcopy(item.to_dict()))


class TurnCollector(Generic[OutputT]):
    """Follows a session's events for one root turn; turned on by ``enable()`` before the first event.

    Off, it only notes that events were consumed (iterating a stream keeps nothing); on, it keeps the
    turn, its final messages and the pending required actions."""

    def __init__(self, session_id: Optional[str] = None, output_type: Any = None) -> None:
        if output_type is not None:
            validate_output_type(output_type)
        self.output_type = output_type
        self.session_id = session_id
        self.enabled = False
        self.started = False
        self.turn: Any = None
        self.boundary = False
        self.session_failed = False
        self.cause: Optional[BaseException] = None
        self.required_actions: List[Any] = []
        self._messages: Dict[str, Tuple[int, Any]] = {}
        self._error: Optional[AgentTurnResultError] = None
        self._result: Optional[AgentTurnResult] = None
        self._parsed: Optional[AgentTurnResult] = None

    def enable(self) -> "TurnCollector[OutputT]":
        if not self.enabled:
            if self.started:
                raise RuntimeError("Call with_result_collection() before reading events, or get_final_result() "
                                   "on a stream no event was read from")
            self.enabled = True
        return self

    def record_error(self, error: BaseException) -> None:
        if self.enabled and not self.boundary:
            self.cause = error

    def accept(self, event: Any) -> None:  # noqa: C901 - one branch per event type
        self.started = True
        if not self.enabled or self.boundary:
            return
        kind = getattr(event, "type", None)
        if kind == "agent.session.created":
            self.session_id = event.session.id
        elif kind == "agent.session.turn.created":
            if self.turn is None and getattr(event.turn, "subagent_id", None) is None:
                self.turn = copy.deepcopy(event.turn)
                self.session_id = event.session_id
        elif kind in ("agent.session.turn.completed", "agent.session.turn.failed", "agent.session.turn.cancelled"):
            if self.turn is not None and event.turn_id == self.turn.id:
                self.turn = copy.deepcopy(event.turn)
                self.required_actions = []
        elif kind == "agent.session.turn.item.done":
            item = event.item
            if (self.turn is not None and getattr(item, "turn_id", None) == self.turn.id
                    and getattr(item, "type", None) == "message" and getattr(item, "phase", None) != "commentary"
                    and getattr(item, "status", None) == "completed"):
                self._messages[item.id] = (event.output_index, _as_message(item))
        elif kind == "agent.session.in_progress":
            self.required_actions = []
        elif kind == "agent.session.requires_action":
            self.session_id = event.session.id
            self.required_actions = list(copy.deepcopy(event.session.required_actions or []))
        elif kind == "agent.session.failed":
            self.session_id = event.session.id
            self.session_failed = True
            self.boundary = True
        elif kind == "agent.session.budget_reached":
            snapshot_id = _snapshot_id(event)
            if snapshot_id is not None:
                if self.turn is None and self.session_id in (None, snapshot_id):
                    self.session_id = snapshot_id
                    self.boundary = True
                elif self.turn is not None and snapshot_id == self.session_id and self.turn.status in _ENDED:
                    self.required_actions = []
                    self.boundary = True
        elif kind == "agent.session.idle":
            if self.turn is not None and self.turn.status in _ENDED:
                self.required_actions = []
                self.boundary = True

    def is_done(self) -> bool:
        return self.boundary

    def messages(self) -> List[Any]:
        return [message for _, message in sorted(self._messages.values(), key=lambda pair: pair[0])]

    def error(self, reason: str) -> AgentTurnResultError:
        if self._error is None:
            self._error = AgentTurnResultError(reason, turn=self.turn, session_id=self.session_id,
                                               messages=self.messages(), required_actions=self.required_actions)
            self.turn, self.required_actions, self.boundary = None, [], True
            self._messages.clear()
        return self._error

    def check_outcome(self, handled_tools: Iterable[str] = ()) -> None:
        """Raise the ``AgentTurnResultError`` the events seen so far already decide."""
        if self._error is not None:
            raise self._error
        if self.session_failed or (self.turn is not None and self.turn.status == "failed"):
            raise self.error("failed")
        if self.turn is not None and self.turn.status == "cancelled":
            raise self.error("cancelled")
        handled = set(handled_tools)
        if any(getattr(action, "type", None) != "function_call" or getattr(action, "name", None) not in handled
               for action in self.required_actions):
            raise self.error("requires_action")
        if self.cause is not None:
            raise self.error("observation_failed") from self.cause

    def result(self) -> AgentTurnResult:
        if self._result is None:
            self.check_outcome()
            if not self.boundary or self.turn is None or self.turn.status != "completed":
                raise self.error("incomplete")
            self._result = AgentTurnResult(copy.deepcopy(self.turn), self.messages())
            self._messages.clear()
        if self.output_type is None:
            return self._result
        if self._parsed is None:
            self._parsed = self._result.parse(self.output_type)
        return self._parsed

    def drain(self, events: Iterable[Any], handled_tools: Iterable[str], close: Any) -> AgentTurnResult:
        """``get_final_result()``: read ``events`` to the boundary, then the result (``close`` at the end)."""
        self.enable()
        try:
            self.check_outcome(handled_tools)
            if not self.is_done():
                for _ in events:
                    self.check_outcome(handled_tools)
                    if self.is_done():
                        break
            return self.result()
        except (AgentTurnResultError, AgentOutputParseError):
            raise
        except Exception as error:
            self.cause = error
            raise self.error("observation_failed") from error
        finally:
            close()
