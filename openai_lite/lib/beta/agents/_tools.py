"""Local tool handlers for Agents sessions: typed tools, and running the calls the model makes.

A handler is any callable taking the call's arguments as a dict and returning its output: a string, a
mapping (sent as compact JSON), a list of ``input_text`` / ``input_image`` parts, or ``None``.
``function_tool`` / ``pydantic_function_tool`` / ``FunctionTool`` make one from a typed function or a
pydantic model (pydantic is then required; it is imported only here, only then).

The dispatcher runs a handler after the ``function_call`` item's event has been given to the caller and
sends the outcome as an ``agent.session.input.tool_result`` event. A handler that fails sends a generic
failure (its exception text may hold secrets: it stays local, given to ``on_tool_error`` if set).
"""
from __future__ import annotations

import copy
import inspect
import json
import math
import time
import uuid
from typing import Any, Callable, Dict, Generic, List, Mapping, Optional, Set, Tuple, TypeVar

from ...._types import NOT_GIVEN, NotGiven, Omit

__all__ = ["AgentToolError", "FunctionTool", "function_tool", "pydantic_function_tool", "ToolDispatcher"]

_OutputT = TypeVar("_OutputT")
#: The message the model gets when a handler fails (never the exception's text).
FAILURE_TEXT = "Tool handler failed."
#: Delays between tries of a tool result the server does not yet know the call of (the call's event
#: can arrive before the server registers it); after the last, the error is raised.
PENDING_CALL_DELAYS = (0.1, 0.3, 0.6)


class AgentToolError:
    """What ``on_tool_error`` receives when a local tool handler fails (beta).

    ``error`` (the original exception, never sent), ``tool_name``, ``session_id``, ``turn_id``,
    ``call_id``, and ``stage``: ``arguments`` (they were not a JSON object, or did not validate),
    ``execution`` (the handler raised) or ``output`` (its result could not be sent)."""

    __slots__ = ("error", "tool_name", "session_id", "turn_id", "call_id", "stage")

    def __init__(self, error: Exception, tool_name: str, session_id: str, turn_id: str, call_id: str,
                 stage: str) -> None:
        for name, value in zip(self.__slots__, (error, tool_name, session_id, turn_id, call_id, stage)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("AgentToolError is read-only")

    def __eq__(self, other: Any) -> bool:
        return type(other) is type(self) and all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "AgentToolError(tool_name=%r, stage=%r, call_id=%r, error=%r)" % (
            self.tool_name, self.stage, self.call_id, self.error)


# -- typed tools -----------------------------------------------------------------------------------


def _pydantic() -> Any:
    try:
        import pydantic
    except ImportError:  # pragma: no cover - only where pydantic is missing
        raise ImportError("Typed Agents tools validate their arguments with pydantic: pip install pydantic") from None
    return pydantic


def _resolve_root(schema: Dict[str, Any]) -> Any:
    """The schema a root ``$ref`` points at (``#/$defs/Name``), followed until it is not a reference."""
    node: Any = schema
    seen: Set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        ref = node["$ref"]
        seen.add(ref)
        target: Any = schema
        for part in ref.lstrip("#/").split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            break
        node = target
    return node


def _json_output(output: Any) -> Any:
    """A typed tool's return value as tool output: text, content parts, or compact JSON."""
    pydantic = _pydantic()
    if isinstance(output, pydantic.BaseModel):
        output = output.model_dump(mode="json")
    if output is None or isinstance(output, str):
        return output
    if isinstance(output, Mapping):
        output = dict(output)
    elif not isinstance(output, (bytes, bytearray)) and hasattr(output, "__iter__"):
        output = list(output)
        if output and all(_is_content_part(part) for part in output):
            return output
    return json.dumps(output, separators=(",", ":"), allow_nan=False)


def _is_content_part(part: Any) -> bool:
    return isinstance(part, dict) and len(part) == 2 and (
        (part.get("type") == "input_text" and isinstance(part.get("text"), str))
        or (part.get("type") == "input_image" and isinstance(part.get("image_url"), str)))


class FunctionTool(Generic[_OutputT]):
    """An Agents function tool: its definition for the agent and its local, validated handler (beta).

    Put ``tool.definition`` in the agent's ``tools`` and register ``tool_handlers={tool.name: tool}``.
    The arguments are validated with ``model`` (a pydantic model) before ``handler`` gets the instance.
    ``defer_loading=True`` is for hosted tool search."""

    def __init__(self, model: Any, handler: Callable[[Any], _OutputT], *, name: str, description: str,
                 defer_loading: Any = NOT_GIVEN) -> None:
        if not name:
            raise ValueError("Tool name must not be empty")
        pydantic = _pydantic()
        if not (isinstance(model, type) and issubclass(model, pydantic.BaseModel)):
            raise TypeError("FunctionTool needs a pydantic model class for its arguments, not %r" % (model,))
        parameters = copy.deepcopy(model.model_json_schema())
        if _resolve_root(parameters).get("type") != "object":
            raise TypeError("A tool's argument model must have an object JSON schema (a union at the root is not "
                            "supported: wrap it in a field)")
        self._definition: Dict[str, Any] = {"type": "function", "name": name, "description": description,
                                            "parameters": parameters}
        if not isinstance(defer_loading, (NotGiven, Omit)):
            self._definition["defer_loading"] = defer_loading
        self._model = model
        self._handler = handler
        self._convert_output = False

    @property
    def name(self) -> str:
        return self._definition["name"]

    @property
    def definition(self) -> Dict[str, Any]:
        """The tool definition for the agent's ``tools`` (a copy; the handler stays local)."""
        return copy.deepcopy(self._definition)

    def __call__(self, arguments: Dict[str, Any]) -> _OutputT:
        return self._call(arguments)

    def _call(self, arguments: Dict[str, Any], set_stage: Optional[Callable[[str], None]] = None) -> Any:
        stage = set_stage or (lambda _stage: None)
        stage("arguments")
        parsed = self._model.model_validate(arguments)
        stage("execution")
        output = self._handler(parsed)
        if not self._convert_output:
            return output
        if inspect.isawaitable(output):
            return output  # an async handler: only AsyncOpenAI (not this library) can await it
        stage("output")
        return _json_output(output)


def pydantic_function_tool(model: Any, *, handler: Callable[[Any], Any], name: Optional[str] = None,
                           description: Optional[str] = None, defer_loading: Any = NOT_GIVEN) -> FunctionTool[Any]:
    """A ``FunctionTool`` whose ``handler`` gets a validated ``model`` instance (beta).

    The name defaults to the model's class name, the description to its docstring; the handler's
    return value is sent as text, content parts or compact JSON (a pydantic model is dumped first)."""
    tool: FunctionTool[Any] = FunctionTool(model, handler, name=model.__name__ if name is None else name,
                                           description=(model.__doc__ or "") if description is None else description,
                                           defer_loading=defer_loading)
    tool._convert_output = True
    return tool


def _parameter_hints(function: Callable[..., Any], signature: inspect.Signature) -> Dict[str, Any]:
    """The parameters' annotations, resolved (only theirs: a return annotation may name a type that
    exists only for type checkers)."""
    import types
    import typing

    source = inspect.unwrap(function)
    globalns = getattr(getattr(source, "__func__", source), "__globals__", None)
    localns: Dict[str, Any] = {}
    owner = getattr(function, "__self__", None)
    if owner is not None:
        for cls in reversed((owner if inspect.isclass(owner) else type(owner)).__mro__):
            localns.update(vars(cls))
    holder = types.SimpleNamespace(__annotations__={
        name: prm.annotation for name, prm in signature.parameters.items() if prm.annotation is not prm.empty})
    kwargs = {"include_extras": True} if hasattr(typing, "Annotated") else {}
    return typing.get_type_hints(holder, globalns=globalns, localns=localns, **kwargs)


def function_tool(function: Optional[Callable[..., Any]] = None, *, name: Optional[str] = None,
                  description: Optional[str] = None, defer_loading: Any = NOT_GIVEN) -> Any:
    """A typed function (or bound method) as an Agents tool: ``@function_tool`` or ``@function_tool(name=...)``.

    Every parameter needs a pydantic-compatible annotation and a public name; positional-only and
    ``*args`` / ``**kwargs`` parameters are refused (``TypeError``: use ``pydantic_function_tool`` with a
    model for those). Defaults are kept; unknown arguments are refused. The name defaults to the
    function's, the description to its docstring (beta)."""
    if function is None:
        return lambda func: function_tool(func, name=name, description=description, defer_loading=defer_loading)
    pydantic = _pydantic()
    signature = inspect.signature(function)
    hints = _parameter_hints(function, signature)
    fields: Dict[str, Any] = {}
    aliases: Dict[str, str] = {}
    for prm in signature.parameters.values():
        if prm.kind not in (prm.POSITIONAL_OR_KEYWORD, prm.KEYWORD_ONLY):
            raise TypeError("Tool parameter %r cannot be a tool argument (positional-only or variadic)" % prm.name)
        if prm.name.startswith("_") or prm.name not in hints:
            raise TypeError("Tool parameter %r needs a public name and a type annotation" % prm.name)
        # fields get neutral names (a parameter may be called like a BaseModel attribute), aliased back
        field = "argument_%d" % len(fields)
        aliases[field] = prm.name
        fields[field] = (hints[prm.name], ... if prm.default is prm.empty else prm.default)
    config = pydantic.ConfigDict(extra="forbid", alias_generator=aliases.__getitem__)
    model = pydantic.create_model("ToolArguments", __config__=config, **fields)

    def invoke(arguments: Any) -> Any:
        return function(**{param: getattr(arguments, field) for field, param in aliases.items()})

    return pydantic_function_tool(model, handler=invoke, name=getattr(function, "__name__", None) if name is None
                                  else name, description=(inspect.getdoc(function) or "") if description is None
                                  else description, defer_loading=defer_loading)


# -- running the model's calls ---------------------------------------------------------------------


def _check_finite(value: Any) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("Numbers in function arguments must be finite")
    if isinstance(value, dict):
        for item in value.values():
            _check_finite(item)
    elif isinstance(value, list):
        for item in value:
            _check_finite(item)


def call_arguments(call: Any) -> Dict[str, Any]:
    """A ``function_call`` item's arguments as a dict (``ValueError`` when they are not a JSON object)."""
    raw = call.arguments
    if isinstance(raw, str):
        value = json.loads(raw)
    elif hasattr(raw, "to_dict"):
        value = raw.to_dict()
    else:
        value = copy.deepcopy(raw)
    if not isinstance(value, dict):
        raise ValueError("Function arguments must be a JSON object")
    _check_finite(value)
    return value


def result_event(call: Any, output: Any) -> Dict[str, Any]:
    """The ``tool_result`` event of a handler's output (``ValueError``/``TypeError`` if it cannot be sent)."""
    if isinstance(output, Mapping):
        output = json.dumps(dict(output), separators=(",", ":"), allow_nan=False)
    elif output is not None and not isinstance(output, str):
        output = [dict(part) if isinstance(part, Mapping) else part for part in output]
    json.dumps(output, allow_nan=False)  # what cannot be sent fails here, as a failed tool result
    return {"type": "agent.session.input.tool_result", "turn_id": call.turn_id, "call_id": call.call_id,
            "success": True, "output": output}


def failed_event(call: Any) -> Dict[str, Any]:
    return {"type": "agent.session.input.tool_result", "turn_id": call.turn_id, "call_id": call.call_id,
            "success": False, "error": FAILURE_TEXT}


def tool_options(extra_headers: Optional[Mapping[str, Any]], timeout: Any) -> Dict[str, Any]:
    """The request options tool results and event reads share: the caller's headers without an
    ``Idempotency-Key`` (each submission has its own) or a raw-response marker."""
    headers = None
    if extra_headers is not None:
        headers = {k: v for k, v in extra_headers.items()
                   if k.lower() not in ("idempotency-key", "x-stainless-raw-response")}
    return {"extra_headers": headers, "timeout": timeout}


class ToolDispatcher:
    """Runs the registered handler of each new ``function_call`` item once and sends its result."""

    def __init__(self, sessions: Any, handlers: Optional[Mapping[str, Callable[..., Any]]], *,
                 on_tool_error: Optional[Callable[[AgentToolError], Any]] = None,
                 extra_headers: Optional[Mapping[str, Any]] = None, timeout: Any = NOT_GIVEN) -> None:
        self.handlers: Dict[str, Callable[..., Any]] = dict(handlers or {})
        for tool_name, handler in self.handlers.items():
            if not callable(handler):
                raise TypeError("tool_handlers[%r] is not callable" % (tool_name,))
        self._sessions = sessions
        self._on_tool_error = on_tool_error
        self._options = tool_options(extra_headers, timeout)
        self._handled: Set[Tuple[str, str]] = set()

    def prepare(self, event: Any) -> Optional[Tuple[str, Any, Callable[..., Any]]]:
        """The call to run after ``event`` is given to the caller (``None``: nothing to run)."""
        if getattr(event, "type", None) != "agent.session.turn.item.added":
            return None
        call = event.item
        if getattr(call, "type", None) != "function_call":
            return None
        handler = self.handlers.get(call.name)
        key = (call.turn_id, call.call_id)
        if handler is None or key in self._handled:
            return None
        self._handled.add(key)
        return event.session_id, copy.deepcopy(call), handler  # the caller may change the event it gets

    def dispatch(self, pending: Tuple[str, Any, Callable[..., Any]]) -> None:
        session_id, call, handler = pending
        stage = ["arguments"]
        try:
            arguments = call_arguments(call)
            stage[0] = "execution"
            if isinstance(handler, FunctionTool) and type(handler).__call__ is FunctionTool.__call__:
                output = handler._call(arguments, lambda name: stage.__setitem__(0, name))
            else:
                output = handler(arguments)
            if inspect.isawaitable(output):
                close = getattr(output, "close", None)
                if callable(close):
                    close()
                raise TypeError("Async tool handlers need an async client; this library's handlers are sync")
            stage[0] = "output"
            result = result_event(call, output)
        except Exception as error:  # noqa: BLE001 - any handler failure becomes a failed tool result
            result = failed_event(call)
            self._notify(AgentToolError(error, call.name, session_id, call.turn_id, call.call_id, stage[0]))
        self._submit(session_id, result)

    def _notify(self, failure: AgentToolError) -> None:
        if self._on_tool_error is None:
            return
        try:
            outcome = self._on_tool_error(failure)
            if inspect.iscoroutine(outcome):
                outcome.close()  # a sync stream cannot await an async observer
        except Exception:  # noqa: BLE001 - an observer's failure must not change what is sent
            pass

    def _submit(self, session_id: str, result: Dict[str, Any]) -> None:
        from ...._exceptions import BadRequestError

        key = str(uuid.uuid4())  # one key for every try: the server applies the result once
        for delay in PENDING_CALL_DELAYS + (None,):
            try:
                self._sessions.events.create(session_id, events=[result], idempotency_key=key, **self._options)
                return
            except BadRequestError as error:
                if delay is None or not _is_pending_call_race(error, result["call_id"]):
                    raise
                time.sleep(delay)


def _is_pending_call_race(error: Any, call_id: str) -> bool:
    body = error.body if isinstance(error.body, dict) else {}
    return body.get("code") == "invalid_request_error" and body.get("message") == (
        "Unknown pending tool call: %s" % call_id)


def handler_names(dispatcher: Optional[ToolDispatcher]) -> List[str]:
    return list(dispatcher.handlers) if dispatcher is not None else []
