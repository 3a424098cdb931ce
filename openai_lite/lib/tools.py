"""The tool runner: ``client.chat.completions.run_tools(...)`` calls your Python functions.

The loop (openai-node's ``runTools``, written for synchronous Python)::

    request a completion -> no tool calls? done
        -> run every requested function, in the order the model gave them
        -> send each result back as a ``tool`` message -> request again ...

at most ``max_chat_completions`` times (10). A tool is a Python callable (its schema is
derived by ``function_tool``), a ``FunctionTool``, or a dict in openai-node's shape::

    {"type": "function", "function": {"function": callable, "parse": callable or absent,
                                      "parameters": {...json schema...}, "name": ..., "description": ...}}

where the callable gets ``parse(arguments)`` or, without ``parse``, the raw JSON string.
A result that is a ``str`` is sent as it is, anything else JSON-encoded. Bad arguments,
an exception raised by the function and calls of unknown functions are answered with an
error message, so the model can correct itself; they are not raised. With ``tool_choice``
forcing one function, the runner returns after that function has run once.

Runners are lazy: nothing is sent until you iterate them (events), call ``until_done()``
or read a result (``final_content()`` ...). Register handlers with ``on()`` first.
"""
from __future__ import annotations

import json
import os
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

from .._exceptions import OpenAIError
from .._logging import log
from .._models import BaseModel, construct, resolve_model
from .._types import NOT_GIVEN, NotGiven, given_args
from .structured import _given, parse_chat_completion, response_format_param

__all__ = [
    "ChatCompletionsToolsMixin", "ChatCompletionRunner", "ChatCompletionStreamingRunner", "RunnerEvent",
    "APIUserAbortError", "DEFAULT_MAX_CHAT_COMPLETIONS", "RUNNER_EVENTS",
]

DEFAULT_MAX_CHAT_COMPLETIONS = 10

# event name -> the names of its arguments (handlers get them positionally, in this order)
_EVENT_FIELDS: Dict[str, Tuple[str, ...]] = {
    "connect": (),
    "chunk": ("chunk", "snapshot"),
    "content": ("delta", "snapshot"),
    "chat_completion": ("completion",),
    "message": ("message",),
    "function_call": ("function_call",),
    "function_call_result": ("content",),
    "final_chat_completion": ("completion",),
    "final_message": ("message",),
    "final_content": ("content",),
    "final_function_call": ("function_call",),
    "final_function_call_result": ("content",),
    "total_usage": ("usage",),
    "error": ("error",),
    "abort": ("error",),
    "end": (),
}
RUNNER_EVENTS = frozenset(_EVENT_FIELDS)


class APIUserAbortError(OpenAIError):
    """The run was stopped by ``runner.abort()``."""

    def __init__(self, message: str = "Request was aborted.") -> None:
        super().__init__(message)


class RunnerEvent:
    """One event of a run: ``type`` plus named arguments (``event.delta``, ``event.completion``...);
    ``args`` are the same values as a tuple, as handlers receive them."""

    __slots__ = ("type", "args")

    def __init__(self, type: str, args: Tuple[Any, ...]) -> None:
        self.type = type
        self.args = args

    def __getattr__(self, name: str) -> Any:
        fields = _EVENT_FIELDS.get(object.__getattribute__(self, "type"), ())
        if name in fields:
            return self.args[fields.index(name)]
        raise AttributeError("%r event has no attribute %r" % (self.type, name))

    def __repr__(self) -> str:
        fields = _EVENT_FIELDS.get(self.type, ())
        inner = ", ".join("%s=%r" % pair for pair in zip(fields, self.args))
        return "RunnerEvent(type=%r%s)" % (self.type, ", " + inner if inner else "")


# --- tools ----------------------------------------------------------------------------------------


class _Runnable:
    """A function the runner can call: how to send it, and how to run one call of it."""

    def __init__(self, name: str, param: Any, func: Callable[..., Any], parse: Optional[Callable[[Any], Any]],
                 tool: Any) -> None:
        self.name = name
        self.param = param
        self.func = func
        self.parse = parse
        self.tool = tool

    def parse_arguments(self, arguments: str) -> Any:
        if self.tool is not None:
            return self.tool.parse_arguments(arguments)
        if self.parse is not None:
            return self.parse(arguments)
        return arguments

    def call(self, parsed: Any) -> Any:
        if self.tool is None:
            return self.func(parsed)
        kwargs = dict(parsed)
        positional = [kwargs.pop(f.name) for f in getattr(self.tool, "_fields", ()) if f.positional_only]
        return self.func(*positional, **kwargs)


def _runnable(tool: Any) -> Tuple[Any, Optional[_Runnable]]:
    """(what to send as the tool, how to run it); (tool, None) for tools the API runs."""
    from ._schema import FunctionTool, function_tool

    if isinstance(tool, FunctionTool):
        return tool, _Runnable(tool.name or "", tool, tool.func, None, tool)  # type: ignore[arg-type]
    if callable(tool) and not isinstance(tool, Mapping):
        made = function_tool(tool)
        return made, _Runnable(made.name, made, made.func, None, made)
    if not isinstance(tool, Mapping):
        raise TypeError("run_tools() takes tools as callables, function_tool() objects or dicts, got %r" % (tool,))
    if tool.get("type") != "function":
        return tool, None  # a tool the model may use without us (web search...): sent as given
    spec = tool.get("function")
    if isinstance(spec, FunctionTool):
        return _runnable(spec)
    if not isinstance(spec, Mapping) or not callable(spec.get("function")):
        name = spec.get("name") if isinstance(spec, Mapping) else None
        raise TypeError("tool %r given to run_tools() has no function to call: put the callable under "
                        "tool['function']['function'] (or pass the callable itself)" % (name,))
    func = spec["function"]
    parse = spec.get("parse")
    if parse is not None and not callable(parse):
        raise TypeError("tool['function']['parse'] must be callable, got %r" % (parse,))
    if spec.get("parameters") is None and parse is None:
        made = function_tool(func, name=spec.get("name"), description=spec.get("description"),
                             strict=spec.get("strict", True) is not False)
        return made, _Runnable(made.name, made, made.func, None, made)
    name = spec.get("name") or getattr(func, "__name__", None)
    if not isinstance(name, str) or not name or name == "<lambda>":
        raise TypeError("tool functions without a usable __name__ need tool['function']['name']")
    definition: Dict[str, Any] = {"name": name, "parameters": spec.get("parameters") or {"type": "object",
                                                                                        "properties": {}}}
    if spec.get("description") is not None:
        definition["description"] = spec["description"]
    if spec.get("strict") is not None:
        definition["strict"] = spec["strict"]
    return {"type": "function", "function": definition}, _Runnable(name, None, func, parse, None)


def _stringify(value: Any) -> str:
    if isinstance(value, str):
        return value
    from .._encoding import json_default

    try:
        return json.dumps(value, default=json_default, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return str(value)


def _request_message(message: Any) -> Any:
    """An assistant message as a request accepts it (response-only fields such as ``parsed``,
    ``annotations`` or a null ``refusal`` dropped); other messages as they are."""
    data = message._data if isinstance(message, BaseModel) else message
    if not isinstance(data, Mapping) or data.get("role") != "assistant":
        return message
    out: Dict[str, Any] = {"role": "assistant", "content": data.get("content")}
    if data.get("name") is not None:
        out["name"] = data["name"]
    if data.get("refusal") is not None:
        out["refusal"] = data["refusal"]
    audio = data.get("audio")
    if isinstance(audio, Mapping) and audio.get("id"):
        out["audio"] = {"id": audio["id"]}
    if data.get("function_call") is not None:
        out["function_call"] = data["function_call"]
    calls = data.get("tool_calls")
    if calls:
        out["tool_calls"] = [_request_tool_call(call) for call in calls]
    return out


def _request_tool_call(call: Any) -> Any:
    data = call._data if isinstance(call, BaseModel) else call
    if not isinstance(data, Mapping):
        return call
    kind = data.get("type", "function")
    if kind == "function" and isinstance(data.get("function"), Mapping):
        fn = data["function"]
        return {"id": data.get("id"), "type": "function",
                "function": {"name": fn.get("name"), "arguments": fn.get("arguments")}}
    if kind == "custom" and isinstance(data.get("custom"), Mapping):
        custom = data["custom"]
        return {"id": data.get("id"), "type": "custom", "custom": {"name": custom.get("name"),
                                                                   "input": custom.get("input")}}
    return {k: v for k, v in data.items()}


def _sum_usage(completions: Iterable[Any]) -> Optional[Dict[str, Any]]:
    total: Optional[Dict[str, Any]] = None
    for completion in completions:
        usage = completion._data.get("usage") if isinstance(completion, BaseModel) else None
        if not isinstance(usage, Mapping):
            continue
        if total is None:
            total = {"completion_tokens": 0, "prompt_tokens": 0, "total_tokens": 0}
        for key in ("completion_tokens", "prompt_tokens", "total_tokens"):
            if isinstance(usage.get(key), int):
                total[key] += usage[key]
        for key in ("completion_tokens_details", "prompt_tokens_details"):
            details = usage.get(key)
            if isinstance(details, Mapping):
                into = total.setdefault(key, {})
                for name, count in details.items():
                    if isinstance(count, (int, float)) and not isinstance(count, bool):
                        into[name] = into.get(name, 0) + count
    return total


# --- the runners --------------------------------------------------------------------------------------


class _AbstractRunner:
    """What both runners share: the loop, events, handlers, results and ``abort()``."""

    def __init__(self, resource: Any, params: Dict[str, Any], tools: Any, *, max_chat_completions: int,
                 response_format: Any) -> None:
        sent: List[Any] = []
        runnables: Dict[str, _Runnable] = {}
        for tool in list(tools):
            param, runnable = _runnable(tool)
            sent.append(param)
            if runnable is not None:
                if runnable.name in runnables:
                    raise ValueError("two tools are named %r; tool names must be unique" % (runnable.name,))
                runnables[runnable.name] = runnable
        if isinstance(max_chat_completions, bool) or not isinstance(max_chat_completions, int) or \
                max_chat_completions < 1:
            raise ValueError("max_chat_completions must be a positive int, got %r" % (max_chat_completions,))
        n = params.get("n")
        if isinstance(n, int) and n > 1:
            raise ValueError("run_tools() supports n=1 only; use chat.completions.create() for n > 1")
        self._resource = resource
        self._params = params
        self._tools = sent
        self._functions = runnables
        self._max = max_chat_completions
        self._response_format = response_format
        #: The conversation: your messages, then assistant replies and tool results as sent.
        self.messages: List[Any] = list(params.pop("messages"))
        self._completions: List[Any] = []
        self._assistant: Dict[int, Any] = {}  # index in messages -> the message object it came from
        self._listeners: Dict[str, List[Tuple[Callable[..., Any], bool]]] = {}
        self._gen: Optional[Iterator[RunnerEvent]] = None
        self._error: Optional[BaseException] = None
        self._aborted = False
        self._connected = False
        self._ended = False
        self._stream: Any = None

    # -- handlers ----------------------------------------------------------------------------

    def on(self, event: str, handler: Callable[..., Any]) -> "_AbstractRunner":
        """Call ``handler(*args)`` on every ``event`` (see ``RUNNER_EVENTS``); returns the runner."""
        self._listeners.setdefault(self._check_event(event), []).append((handler, False))
        return self

    def once(self, event: str, handler: Callable[..., Any]) -> "_AbstractRunner":
        """Like ``on()``, for the next ``event`` only."""
        self._listeners.setdefault(self._check_event(event), []).append((handler, True))
        return self

    def off(self, event: str, handler: Callable[..., Any]) -> "_AbstractRunner":
        """Remove a handler added with ``on()``/``once()`` (no error when it is not there)."""
        entries = self._listeners.get(self._check_event(event), [])
        for i, (fn, _) in enumerate(entries):
            if fn is handler or fn == handler:
                del entries[i]
                break
        return self

    @staticmethod
    def _check_event(event: str) -> str:
        if event not in _EVENT_FIELDS:
            raise ValueError("unknown runner event %r; expected one of %s" % (event, ", ".join(sorted(_EVENT_FIELDS))))
        return event

    def _emit(self, event: str, *args: Any) -> RunnerEvent:
        entries = self._listeners.get(event)
        if entries:
            self._listeners[event] = [entry for entry in entries if not entry[1]]
            for handler, _ in list(entries):
                handler(*args)
        return RunnerEvent(event, args)

    # -- driving -----------------------------------------------------------------------------

    def __iter__(self) -> "_AbstractRunner":
        return self

    def __next__(self) -> RunnerEvent:
        if self._gen is None:
            self._gen = self._events()
        if getattr(self._gen, "gi_running", False):
            raise RuntimeError("the runner is already running: a handler cannot drive it (use abort() to stop it)")
        return next(self._gen)

    def until_done(self) -> "_AbstractRunner":
        """Run to the end (handlers are called on the way); raise the error the run ended with."""
        for _ in self:
            pass
        if self._error is not None:
            raise self._error
        return self

    def done(self) -> "_AbstractRunner":
        """Same as ``until_done()`` (openai-node's name)."""
        return self.until_done()

    def abort(self) -> None:
        """Stop the run: no further request or tool call; the run ends with an ``abort`` event
        and ``APIUserAbortError``. Callable from a handler, a tool or another thread."""
        if self._ended:
            return
        self._aborted = True
        self._close_stream()
        gen = self._gen
        if gen is not None and not getattr(gen, "gi_running", True):
            try:  # paused between events (e.g. the caller stopped iterating): finish it now
                for _ in self:
                    pass
            except APIUserAbortError:
                pass

    def _check_abort(self) -> None:
        if self._aborted:
            raise APIUserAbortError()

    def _close_stream(self) -> None:
        stream = self._stream
        if stream is None:
            return
        self._stream = None
        try:
            stream.close()
        except Exception:  # noqa: BLE001 - e.g. closed from a handler while it is being read
            try:
                stream.response.close()  # the context manager closes the rest on the way out
            except Exception:  # noqa: BLE001 - closing is best effort
                pass

    def _events(self) -> Iterator[RunnerEvent]:
        try:
            if self._aborted:
                raise APIUserAbortError()
            for event in self._run():
                yield event
                self._check_abort()  # aborted while paused here (or by a handler of this event)
            for event in self._final_events():
                yield event
        except Exception as exc:  # noqa: BLE001 - reported as an event, then raised
            if self._aborted and not isinstance(exc, APIUserAbortError):
                exc = APIUserAbortError()
            self._error = exc
            self._close_stream()
            log.debug("tool runner ended with %s: %s", type(exc).__name__, exc)
            yield self._emit("abort" if isinstance(exc, APIUserAbortError) else "error", exc)
            self._ended = True
            yield self._emit("end")
            raise exc
        self._ended = True
        yield self._emit("end")

    # -- the loop ------------------------------------------------------------------------------

    def _run(self) -> Iterator[RunnerEvent]:
        choice = self._params.get("tool_choice")
        single: Optional[str] = None
        if isinstance(choice, Mapping) and choice.get("type") == "function":
            single = (choice.get("function") or {}).get("name") or choice.get("name")
        params = dict(self._params)
        if self._tools:
            params["tools"] = self._tools
        if _given(self._response_format):
            params["response_format"] = response_format_param(self._response_format)
        for _ in range(self._max):
            self._check_abort()
            params["messages"] = [_request_message(m) for m in self.messages]
            completion = None
            for item in self._create(params):
                if not self._connected:  # the first response (streamed: its first chunk) is in
                    self._connected = True
                    yield self._emit("connect")
                if isinstance(item, RunnerEvent):
                    yield item
                else:
                    completion = item
            self._check_abort()
            completion = self._parse(completion)
            self._completions.append(completion)
            yield self._emit("chat_completion", completion)
            choices = completion.choices or []
            if not choices or choices[0].message is None:
                raise OpenAIError("missing message in ChatCompletion response")
            message = choices[0].message
            for event in self._add_message(_request_message(message), message):
                yield event
            if not message.tool_calls or choices[0].finish_reason in ("length", "content_filter"):
                return
            for call in message.tool_calls:
                self._check_abort()
                content, called = self._run_call(call, single)
                for event in self._add_message({"role": "tool", "tool_call_id": call.id, "content": content}):
                    yield event
                self._check_abort()
                if single and called:
                    return
        log.debug("tool runner stopped after max_chat_completions=%d completions", self._max)

    def _create(self, params: Dict[str, Any]) -> Iterator[Any]:
        """Yield the events of one request, then the completion (as a ``ChatCompletion``)."""
        raise NotImplementedError

    def _parse(self, completion: Any) -> Any:
        data = completion._data if isinstance(completion, BaseModel) else completion
        for choice in (data.get("choices") or []) if isinstance(data, dict) else []:
            calls = (choice.get("message") or {}).get("tool_calls") if isinstance(choice, dict) else None
            for call in calls or ():
                if isinstance(call, dict) and not call.get("id"):
                    # some OpenAI-compatible servers leave ids out: the tool message needs one
                    call["id"] = "call_" + os.urandom(12).hex()
        return parse_chat_completion(completion, response_format=self._response_format, tools=self._tools,
                                     check_finish_reason=False, raise_tool_errors=False)

    def _add_message(self, message: Any, source: Any = None) -> Iterator[RunnerEvent]:
        self.messages.append(message)
        if source is not None:
            self._assistant[len(self.messages) - 1] = source
        yield self._emit("message", message)
        if message.get("role") == "tool":
            if message.get("content"):
                yield self._emit("function_call_result", message["content"])
        elif source is not None:
            for call in source.tool_calls or ():
                if getattr(call, "type", "function") in (None, "function") and call.function is not None:
                    yield self._emit("function_call", call.function)

    def _run_call(self, call: Any, single: Optional[str]) -> Tuple[str, bool]:
        """(the tool message's content, whether the function ran)."""
        if getattr(call, "type", "function") not in (None, "function") or call.function is None:
            return "Tool calls of type %r are not supported by run_tools(); only functions can be called." % (
                getattr(call, "type", None),), False
        name = call.function.name
        arguments = call.function.arguments or ""
        runnable = self._functions.get(name)
        if runnable is None:
            known = ", ".join(json.dumps(n) for n in self._functions) or "none"
            return ("Invalid tool_call: %s. Available options are: %s. Please try again"
                    % (json.dumps(name), known)), False
        if single and single != name:
            return ("Invalid tool_call: %s. %s requested. Please try again"
                    % (json.dumps(name), json.dumps(single))), False
        try:
            parsed = runnable.parse_arguments(arguments)
        except Exception as exc:  # noqa: BLE001 - the model gets the message and a second chance
            log.debug("tool %r: arguments rejected: %s", name, exc)
            return str(exc) or type(exc).__name__, False
        self._check_abort()
        try:
            result = runnable.call(parsed)
        except Exception as exc:  # noqa: BLE001 - sent back to the model, which may recover
            log.debug("tool %r raised %s: %s", name, type(exc).__name__, exc, exc_info=True)
            return "Error: %s: %s" % (type(exc).__name__, exc), True
        return _stringify(result), True

    def _final_events(self) -> Iterator[RunnerEvent]:
        if self._completions:
            yield self._emit("final_chat_completion", self._completions[-1])
        message = self._final_message()
        if message is not None:
            yield self._emit("final_message", message)
            content = getattr(message, "content", None)
            if content:
                yield self._emit("final_content", content)
        call = self._final_function_call()
        if call is not None:
            yield self._emit("final_function_call", call)
        result = self._final_function_call_result()
        if result is not None:
            yield self._emit("final_function_call_result", result)
        usage = self._total_usage()
        if usage is not None:
            yield self._emit("total_usage", usage)

    # -- results -----------------------------------------------------------------------------

    def _final_message(self) -> Any:
        for i in range(len(self.messages) - 1, -1, -1):
            message = self.messages[i]
            data = message._data if isinstance(message, BaseModel) else message
            if isinstance(data, Mapping) and data.get("role") == "assistant":
                found = self._assistant.get(i)
                if found is not None:
                    return found
                return message if isinstance(message, BaseModel) else construct(
                    resolve_model("ChatCompletionMessage"), dict(data))
        return None

    def _final_function_call(self) -> Any:
        for i in range(len(self.messages) - 1, -1, -1):
            source = self._assistant.get(i)
            if source is None:
                continue
            for call in reversed(source.tool_calls or []):
                if getattr(call, "type", "function") in (None, "function") and call.function is not None:
                    return call.function
        return None

    def _final_function_call_result(self) -> Optional[str]:
        ids = set()
        for source in self._assistant.values():
            for call in source.tool_calls or ():
                ids.add(call.id)
        for message in reversed(self.messages):
            if isinstance(message, Mapping) and message.get("role") == "tool" and \
                    isinstance(message.get("content"), str) and message.get("tool_call_id") in ids:
                return message["content"]
        return None

    def _total_usage(self) -> Any:
        total = _sum_usage(self._completions)
        return None if total is None else construct(resolve_model("CompletionUsage"), total)

    def final_chat_completion(self) -> Any:
        """The last chat completion (runs to the end first)."""
        self.until_done()
        if not self._completions:
            raise OpenAIError("the run ended without producing a ChatCompletion")
        return self._completions[-1]

    def final_message(self) -> Any:
        """The last assistant message (runs to the end first)."""
        self.until_done()
        message = self._final_message()
        if message is None:
            raise OpenAIError("the run ended without producing an assistant message")
        return message

    def final_content(self) -> Optional[str]:
        """The text of the last assistant message, or None (runs to the end first)."""
        return getattr(self.final_message(), "content", None)

    def final_function_call(self) -> Any:
        """The last function call the model made (``name``, ``arguments``), or None."""
        self.until_done()
        return self._final_function_call()

    def final_function_call_result(self) -> Optional[str]:
        """What the last function call's tool message said, or None."""
        self.until_done()
        return self._final_function_call_result()

    def total_usage(self) -> Any:
        """Token usage summed over every completion of the run (runs to the end first)."""
        self.until_done()
        usage = self._total_usage()
        return usage if usage is not None else construct(
            resolve_model("CompletionUsage"), {"completion_tokens": 0, "prompt_tokens": 0, "total_tokens": 0})

    def all_chat_completions(self) -> List[Any]:
        """The chat completions received so far, in order (does not drive the run)."""
        return list(self._completions)

    @property
    def finish_reason(self) -> Optional[str]:
        """``finish_reason`` of the last completion so far (``"stop"``, ``"length"`` ...)."""
        if not self._completions:
            return None
        choices = self._completions[-1].choices or []
        return choices[0].finish_reason if choices else None

    @property
    def errored(self) -> bool:
        return self._error is not None and not isinstance(self._error, APIUserAbortError)

    @property
    def aborted(self) -> bool:
        return self._aborted

    @property
    def ended(self) -> bool:
        return self._ended

    def __repr__(self) -> str:
        state = "ended" if self._ended else ("running" if self._gen is not None else "not started")
        return "<%s %s, %d completions>" % (type(self).__name__, state, len(self._completions))


class ChatCompletionRunner(_AbstractRunner):
    """``run_tools()`` without streaming: one plain ``create()`` per turn."""

    def _create(self, params: Dict[str, Any]) -> Iterator[Any]:
        yield self._resource.create(**params)


class ChatCompletionStreamingRunner(_AbstractRunner):
    """``run_tools(stream=True)``: each turn is streamed with the chat streaming helper, adding
    ``chunk`` (chunk, snapshot) and ``content`` (delta, snapshot) events."""

    def _create(self, params: Dict[str, Any]) -> Iterator[Any]:
        from .streaming.chat import ChatCompletionStreamManager

        # The helper's manager without parsing hooks: the runner parses each completion itself,
        # keeping a "length" finish and answering bad tool arguments instead of raising.
        resource = self._resource
        manager = ChatCompletionStreamManager(lambda: resource.create(stream=True, **params))
        with manager as stream:
            self._stream = stream
            try:
                for event in stream:
                    kind = getattr(event, "type", None)
                    if kind == "chunk":
                        yield self._emit("chunk", event.chunk, event.snapshot)
                    elif kind == "content.delta" and event.delta:
                        yield self._emit("content", event.delta, event.snapshot)
                    self._check_abort()
                self._check_abort()
                yield stream.get_final_completion()
            finally:
                self._stream = None


# --- the resource mixin --------------------------------------------------------------------------------


class ChatCompletionsToolsMixin:
    """``run_tools()`` for the chat completions resource (mixed into the generated class)."""

    def run_tools(
        self,
        *,
        messages: Iterable[Any],
        model: str,
        tools: Iterable[Any],
        stream: bool = False,
        max_chat_completions: int = DEFAULT_MAX_CHAT_COMPLETIONS,
        response_format: Any = NOT_GIVEN,
        audio: Any = NOT_GIVEN,
        frequency_penalty: Union[Optional[float], NotGiven] = NOT_GIVEN,
        logit_bias: Union[Optional[Dict[str, int]], NotGiven] = NOT_GIVEN,
        logprobs: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        max_completion_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        max_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        metadata: Union[Optional[Dict[str, str]], NotGiven] = NOT_GIVEN,
        modalities: Union[Optional[List[str]], NotGiven] = NOT_GIVEN,
        moderation: Any = NOT_GIVEN,
        n: Union[Optional[int], NotGiven] = NOT_GIVEN,
        parallel_tool_calls: Union[bool, NotGiven] = NOT_GIVEN,
        prediction: Any = NOT_GIVEN,
        presence_penalty: Union[Optional[float], NotGiven] = NOT_GIVEN,
        prompt_cache_key: Union[str, NotGiven] = NOT_GIVEN,
        prompt_cache_options: Any = NOT_GIVEN,
        prompt_cache_retention: Union[Optional[str], NotGiven] = NOT_GIVEN,
        reasoning_effort: Union[Optional[str], NotGiven] = NOT_GIVEN,
        safety_identifier: Union[str, NotGiven] = NOT_GIVEN,
        seed: Union[Optional[int], NotGiven] = NOT_GIVEN,
        service_tier: Union[Optional[str], NotGiven] = NOT_GIVEN,
        stop: Union[Optional[str], List[str], None, NotGiven] = NOT_GIVEN,
        store: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        stream_options: Any = NOT_GIVEN,
        temperature: Union[Optional[float], NotGiven] = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        top_logprobs: Union[Optional[int], NotGiven] = NOT_GIVEN,
        top_p: Union[Optional[float], NotGiven] = NOT_GIVEN,
        user: Union[str, NotGiven] = NOT_GIVEN,
        verbosity: Union[Optional[str], NotGiven] = NOT_GIVEN,
        web_search_options: Any = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, Any]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Call the model, run the Python functions it asks for, send their results back,
        and repeat until it answers without tool calls (at most ``max_chat_completions``
        requests). Returns a ``ChatCompletionRunner`` (``ChatCompletionStreamingRunner``
        with ``stream=True``); nothing is sent before you iterate it, call
        ``until_done()`` or ask for a result such as ``final_content()``.

        ``tools``: callables (schema from their signature, see ``function_tool``),
        ``function_tool()`` objects, or ``{"type": "function", "function": {"function":
        callable, "parse": callable, "parameters": schema, "name": ..., "description": ...}}``.
        Other keyword arguments are sent with every request as ``create()`` sends them.
        """
        params = given_args(locals(), "tools", "stream", "max_chat_completions", "response_format")
        if extra_headers is not None:
            params["extra_headers"] = extra_headers
        if extra_query is not None:
            params["extra_query"] = extra_query
        if extra_body is not None:
            params["extra_body"] = extra_body
        if timeout is not NOT_GIVEN:
            params["timeout"] = timeout
        if stream is not True and "stream_options" in params:
            raise ValueError("stream_options needs stream=True")
        resource: Any = self
        if getattr(self, "_mode", "parsed") != "parsed":  # results must be objects, not raw responses
            resource = type(self)(self._client, "parsed")  # type: ignore[attr-defined,call-arg]
        cls = ChatCompletionStreamingRunner if stream else ChatCompletionRunner
        return cls(resource, params, tools, max_chat_completions=max_chat_completions,
                   response_format=response_format)
