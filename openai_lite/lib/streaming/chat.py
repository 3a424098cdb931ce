"""``client.chat.completions.stream(...)``: chat completion chunks as typed events plus a snapshot.

    with client.chat.completions.stream(model="gpt-4o-mini", messages=[...]) as stream:
        for event in stream:
            if event.type == "content.delta":
                print(event.delta, end="")
    completion = stream.get_final_completion()

Events (``event.type``): ``chunk`` (every chunk, with the accumulated ``snapshot``),
``content.delta``/``content.done``, ``refusal.delta``/``refusal.done``,
``tool_calls.function.arguments.delta``/``.done``, ``logprobs.content.delta``/``.done`` and
``logprobs.refusal.delta``/``.done``. Besides openai-python's fields, every event but ``chunk``
carries ``choice_index`` (which choice it belongs to when ``n > 1``).

The accumulated completion has the shape of a non-streamed one: ``object`` is
``"chat.completion"``, each choice's deltas are folded into ``message`` (tool calls matched on
their ``index``, which the final calls do not keep), ``usage`` comes from the usage chunk.

Structured outputs hook in through ``parse_content`` (the finished content -> ``parsed``),
``parse_completion`` (the final completion -> a parsed completion) and ``parse_arguments`` (a strict
tool's arguments -> ``parsed_arguments``), given to the state by the mixin's ``_stream_parsing``. With
them, delta events carry the snapshot so far as partial JSON (``parsed`` / ``parsed_arguments``, as
openai-python), worked out only when read: a reader that never looks pays nothing per chunk.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Union

from ..._models import BaseModel, _rebuild, resolve_model
from ..._types import NOT_GIVEN, NotGiven, given_args
from .._partial_json import partial_json_or_none
from . import HelperStream, Lazy, StreamEvent, copy_json, merge_delta

__all__ = [
    "ChatCompletionsStreamMixin", "ChatCompletionStreamManager", "ChatCompletionStream", "ChatCompletionStreamState",
    "ChunkEvent", "ContentDeltaEvent", "ContentDoneEvent", "RefusalDeltaEvent", "RefusalDoneEvent",
    "FunctionToolCallArgumentsDeltaEvent", "FunctionToolCallArgumentsDoneEvent",
    "LogprobsContentDeltaEvent", "LogprobsContentDoneEvent", "LogprobsRefusalDeltaEvent", "LogprobsRefusalDoneEvent",
]


# -- events ----------------------------------------------------------------------------------------


class ChunkEvent(StreamEvent):
    __slots__ = ("chunk", "snapshot")
    type = "chunk"


class ContentDeltaEvent(StreamEvent):
    __slots__ = ("delta", "snapshot", "choice_index", "_parsed")
    _public = ("delta", "snapshot", "parsed", "choice_index")
    type = "content.delta"

    @property
    def parsed(self) -> Any:
        """With a structured ``response_format``: the content so far as partial JSON (worked out when read)."""
        return None if self._parsed is None else self._parsed.get()


class ContentDoneEvent(StreamEvent):
    __slots__ = ("content", "parsed", "choice_index")
    type = "content.done"


class RefusalDeltaEvent(StreamEvent):
    __slots__ = ("delta", "snapshot", "choice_index")
    type = "refusal.delta"


class RefusalDoneEvent(StreamEvent):
    __slots__ = ("refusal", "choice_index")
    type = "refusal.done"


class FunctionToolCallArgumentsDeltaEvent(StreamEvent):
    __slots__ = ("name", "index", "arguments", "arguments_delta", "choice_index", "_parsed")
    _public = ("name", "index", "arguments", "parsed_arguments", "arguments_delta", "choice_index")
    type = "tool_calls.function.arguments.delta"

    @property
    def parsed_arguments(self) -> Any:
        """For a strict function tool: the arguments so far as partial JSON (worked out when read)."""
        return None if self._parsed is None else self._parsed.get()


class FunctionToolCallArgumentsDoneEvent(StreamEvent):
    __slots__ = ("name", "index", "arguments", "parsed_arguments", "choice_index")
    type = "tool_calls.function.arguments.done"


class LogprobsContentDeltaEvent(StreamEvent):
    __slots__ = ("content", "snapshot", "choice_index")
    type = "logprobs.content.delta"


class LogprobsContentDoneEvent(StreamEvent):
    __slots__ = ("content", "choice_index")
    type = "logprobs.content.done"


class LogprobsRefusalDeltaEvent(StreamEvent):
    __slots__ = ("refusal", "snapshot", "choice_index")
    type = "logprobs.refusal.delta"


class LogprobsRefusalDoneEvent(StreamEvent):
    __slots__ = ("refusal", "choice_index")
    type = "logprobs.refusal.done"


# -- accumulation ----------------------------------------------------------------------------------

_CHUNK_KEYS_DROPPED = frozenset(("choices", "object", "obfuscation"))


def _logprob_list(items: Any) -> List[Any]:
    return [_rebuild_logprob(item) for item in items or ()]


def _rebuild_logprob(item: Any) -> Any:
    cls = resolve_model("ChatCompletionTokenLogprob")
    return _rebuild(cls if isinstance(cls, type) else BaseModel, item, None) if isinstance(item, dict) else item


class _Choice:
    """One choice being accumulated, and which of its done events have fired."""

    __slots__ = ("data", "tool_calls", "current_tool", "done_tools", "content_done", "refusal_done",
                 "logprobs_content_done", "logprobs_refusal_done", "logprob_models")

    def __init__(self, data: Dict[str, Any]) -> None:
        self.data = data
        self.tool_calls: Dict[int, Dict[str, Any]] = {}  # tool call index -> its entry in message.tool_calls
        self.current_tool: Optional[int] = None
        self.done_tools: set = set()
        self.content_done = self.refusal_done = False
        self.logprobs_content_done = self.logprobs_refusal_done = False
        # the log probabilities as objects, grown in place (events share these lists)
        self.logprob_models: Dict[str, List[Any]] = {"content": [], "refusal": []}


class ChatCompletionStreamState:
    """Folds chunks into a chat completion and says which events each chunk gives.

    Usable on its own with ``create(stream=True)``::

        state = ChatCompletionStreamState()
        for chunk in client.chat.completions.create(..., stream=True):
            state.handle_chunk(chunk)
        completion = state.get_final_completion()
    """

    def __init__(
        self,
        *,
        input_tools: Any = NOT_GIVEN,
        response_format: Any = NOT_GIVEN,
        parse_content: Optional[Callable[[str], Any]] = None,
        parse_completion: Optional[Callable[[Any], Any]] = None,
        parse_arguments: Optional[Callable[[Optional[str], str, bool], Any]] = None,
    ) -> None:
        self.input_tools = list(input_tools) if isinstance(input_tools, Iterable) else []
        self.response_format = response_format
        self.parse_content = parse_content
        self.parse_completion = parse_completion
        self.parse_arguments = parse_arguments
        self._snapshot: Optional[Dict[str, Any]] = None
        self._choices: Dict[int, _Choice] = {}
        self._request_id: Optional[str] = None

    # -- results -----------------------------------------------------------------------------------

    @property
    def current_completion_snapshot(self) -> Any:
        """The completion so far (a new view on every read; the data is shared and keeps growing)."""
        if self._snapshot is None:
            raise RuntimeError("No chunks have been received yet")
        return _rebuild(_completion_class(), self._snapshot, self._request_id)

    def get_final_completion(self) -> Any:
        """The accumulated completion; call it once the stream has ended."""
        completion = self.current_completion_snapshot
        if self.parse_completion is not None:
            return self.parse_completion(completion)
        return completion

    # -- chunks ------------------------------------------------------------------------------------

    def handle_chunk(self, chunk: Any) -> List[StreamEvent]:
        """Fold one chunk in; return the events it gives, in order."""
        data = chunk._data if isinstance(chunk, BaseModel) else chunk
        if self._snapshot is None:
            self._request_id = getattr(chunk, "_request_id", None)
            snapshot = {"id": data.get("id"), "object": "chat.completion", "created": data.get("created"),
                        "model": data.get("model"), "choices": [], "usage": None}
            for key, value in data.items():
                if key not in snapshot and key not in _CHUNK_KEYS_DROPPED:
                    snapshot[key] = copy_json(value)
            self._snapshot = snapshot
        snapshot = self._snapshot
        for key in ("usage", "system_fingerprint", "service_tier"):
            value = data.get(key)
            if value is not None:
                snapshot[key] = copy_json(value)
        events: List[StreamEvent] = [ChunkEvent(chunk=chunk, snapshot=self.current_completion_snapshot)]
        for choice_delta in data.get("choices") or ():
            self._handle_choice(choice_delta, events)
        return events

    def _choice(self, index: int) -> _Choice:
        found = self._choices.get(index)
        if found is None:
            data = {"index": index, "message": {"role": "assistant", "content": None, "refusal": None},
                    "logprobs": None, "finish_reason": None}
            found = self._choices[index] = _Choice(data)
            choices = self._snapshot["choices"]  # type: ignore[index]
            position = sum(1 for c in choices if c["index"] < index)
            choices.insert(position, data)
        return found

    def _handle_choice(self, delta_choice: Dict[str, Any], events: List[StreamEvent]) -> None:
        index = delta_choice.get("index") or 0
        choice = self._choice(index)
        message = choice.data["message"]
        delta = delta_choice.get("delta") or {}

        for key, value in delta.items():
            if key == "tool_calls":
                continue
            if key in ("content", "refusal") and isinstance(value, str):
                message[key] = (message.get(key) or "") + value
            elif key == "role":
                if value is not None:
                    message["role"] = value
            elif value is not None or key not in message:
                merge_delta(message, {key: value})

        tool_deltas = delta.get("tool_calls") or ()
        for tool_delta in tool_deltas:
            self._fold_tool_call(choice, message, tool_delta)

        logprobs = delta_choice.get("logprobs")
        if logprobs:
            own = choice.data["logprobs"]
            if own is None:
                own = choice.data["logprobs"] = {"content": None, "refusal": None}
            for key in ("content", "refusal"):
                items = logprobs.get(key)
                if items:
                    if own.get(key) is None:
                        own[key] = []
                    own[key].extend(copy_json(items))
                    choice.logprob_models[key].extend(_logprob_list(items))

        finish_reason = delta_choice.get("finish_reason")
        if finish_reason:
            choice.data["finish_reason"] = finish_reason

        # delta events
        content = delta.get("content")
        if content is not None and message.get("content") is not None:
            snapshot = message["content"]
            events.append(ContentDeltaEvent(delta=content, snapshot=snapshot, choice_index=index,
                                            _parsed=Lazy(partial_json_or_none, snapshot) if self.parse_content else None))
        refusal = delta.get("refusal")
        if refusal is not None and message.get("refusal") is not None:
            events.append(RefusalDeltaEvent(delta=refusal, snapshot=message["refusal"], choice_index=index))
        for tool_delta in tool_deltas:
            tool_index = tool_delta.get("index", 0)
            call = choice.tool_calls.get(tool_index)
            if call is not None and call.get("type", "function") == "function":
                function = call.get("function") or {}
                name, arguments = function.get("name"), function.get("arguments", "")
                events.append(FunctionToolCallArgumentsDeltaEvent(
                    name=name, index=tool_delta.get("index", 0), arguments=arguments,
                    arguments_delta=(tool_delta.get("function") or {}).get("arguments") or "",
                    choice_index=index,
                    _parsed=Lazy(self.parse_arguments, name, arguments, True) if self.parse_arguments else None))
        if logprobs:
            models = choice.logprob_models
            if logprobs.get("content"):
                events.append(LogprobsContentDeltaEvent(content=_logprob_list(logprobs["content"]),
                                                        snapshot=models["content"], choice_index=index))
            if logprobs.get("refusal"):
                events.append(LogprobsRefusalDeltaEvent(refusal=_logprob_list(logprobs["refusal"]),
                                                        snapshot=models["refusal"], choice_index=index))

        # done events follow all of this chunk's delta events (openai-python's order)
        if choice.data["finish_reason"]:  # the choice is finished: everything in it is done
            self._content_done_events(choice, events)
            for tool_index in sorted(choice.tool_calls):
                self._tool_done_event(choice, tool_index, events)
        for tool_delta in tool_deltas:
            tool_index = tool_delta.get("index", 0)
            if choice.current_tool != tool_index:  # a tool call starts: what came before it is done
                self._content_done_events(choice, events)
                if choice.current_tool is not None:
                    self._tool_done_event(choice, choice.current_tool, events)
                choice.current_tool = tool_index

    def _fold_tool_call(self, choice: _Choice, message: Dict[str, Any], tool_delta: Dict[str, Any]) -> None:
        tool_index = tool_delta.get("index", 0)
        fields = {k: v for k, v in tool_delta.items() if k != "index"}
        call = choice.tool_calls.get(tool_index)
        if call is None:
            call = choice.tool_calls[tool_index] = {}
            calls = message.setdefault("tool_calls", [])
            if calls is None:
                calls = message["tool_calls"] = []
            position = sum(1 for i in choice.tool_calls if i < tool_index)
            calls.insert(position, call)
            if "function" in fields:
                call["id"] = None
                call["type"] = "function"
                call["function"] = {"name": None, "arguments": ""}
        for key in ("id", "type"):  # identifiers: newest wins, never appended
            if fields.get(key) is not None:
                call[key] = fields.pop(key)
            else:
                fields.pop(key, None)
        merge_delta(call, fields)

    def _content_done_events(self, choice: _Choice, events: List[StreamEvent]) -> None:
        message = choice.data["message"]
        index = choice.data["index"]
        if message.get("content") and not choice.content_done:
            choice.content_done = True
            parsed = None
            if self.parse_content is not None:
                parsed = self.parse_content(message["content"])
            events.append(ContentDoneEvent(content=message["content"], parsed=parsed, choice_index=index))
        if message.get("refusal") is not None and not choice.refusal_done:
            choice.refusal_done = True
            events.append(RefusalDoneEvent(refusal=message["refusal"], choice_index=index))
        logprobs = choice.data.get("logprobs") or {}
        if logprobs.get("content") is not None and not choice.logprobs_content_done:
            choice.logprobs_content_done = True
            events.append(LogprobsContentDoneEvent(content=choice.logprob_models["content"], choice_index=index))
        if logprobs.get("refusal") is not None and not choice.logprobs_refusal_done:
            choice.logprobs_refusal_done = True
            events.append(LogprobsRefusalDoneEvent(refusal=choice.logprob_models["refusal"], choice_index=index))

    def _tool_done_event(self, choice: _Choice, tool_index: int, events: List[StreamEvent]) -> None:
        if tool_index in choice.done_tools:
            return
        choice.done_tools.add(tool_index)
        call = choice.tool_calls.get(tool_index)
        if call is None or call.get("type", "function") != "function":
            return
        function = call.get("function") or {}
        name, arguments = function.get("name"), function.get("arguments", "")
        events.append(FunctionToolCallArgumentsDoneEvent(
            name=name, index=tool_index, arguments=arguments, choice_index=choice.data["index"],
            parsed_arguments=self.parse_arguments(name, arguments, False) if self.parse_arguments else None))


def _completion_class() -> Any:
    cls = resolve_model("ChatCompletion")
    return cls if isinstance(cls, type) else BaseModel


# -- the stream and its manager --------------------------------------------------------------------


class ChatCompletionStream(HelperStream[StreamEvent]):
    """Iterate for events; ``get_final_completion()``, ``until_done()``, ``close()``.

    Leaving a ``for`` loop early closes the stream (as with ``Stream``).
    """

    _state: ChatCompletionStreamState

    def __init__(self, *, raw_stream: Any, state: ChatCompletionStreamState) -> None:
        super().__init__(raw_stream, state)

    @property
    def current_completion_snapshot(self) -> Any:
        return self._state.current_completion_snapshot

    def __stream__(self) -> Iterator[StreamEvent]:
        handle = self._state.handle_chunk
        for chunk in self._raw_stream:
            # Azure's asynchronous content filter interleaves objects that are not chunks.
            kind = chunk.get("object") if isinstance(chunk, dict) else getattr(chunk, "object", None)
            if kind is not None and kind != "chat.completion.chunk":
                continue
            for event in handle(chunk):
                yield event

    def get_final_completion(self) -> Any:
        """Read to the end and return the accumulated completion."""
        self.until_done()
        return self._state.get_final_completion()


class ChatCompletionStreamManager:
    """What ``stream()`` returns: ``with`` makes the request and closes the stream at the end."""

    def __init__(self, api_request: Callable[[], Any], *, response_format: Any = NOT_GIVEN,
                 input_tools: Any = NOT_GIVEN, parse_content: Optional[Callable[[str], Any]] = None,
                 parse_completion: Optional[Callable[[Any], Any]] = None,
                 parse_arguments: Optional[Callable[[Optional[str], str, bool], Any]] = None) -> None:
        self._api_request = api_request
        self._state_args = {"response_format": response_format, "input_tools": input_tools,
                            "parse_content": parse_content, "parse_completion": parse_completion,
                            "parse_arguments": parse_arguments}
        self._stream: Optional[ChatCompletionStream] = None

    def __enter__(self) -> ChatCompletionStream:
        raw_stream = self._api_request()
        self._stream = ChatCompletionStream(raw_stream=raw_stream, state=ChatCompletionStreamState(**self._state_args))
        return self._stream

    def __exit__(self, *exc: Any) -> None:
        if self._stream is not None:
            self._stream.close()


# -- the resource method ---------------------------------------------------------------------------


class ChatCompletionsStreamMixin:
    """``stream()`` for the chat completions resource (mixed into the generated class)."""

    def stream(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        audio: Any = NOT_GIVEN,
        frequency_penalty: Union[Optional[float], NotGiven] = NOT_GIVEN,
        function_call: Any = NOT_GIVEN,
        functions: Any = NOT_GIVEN,
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
        response_format: Any = NOT_GIVEN,
        safety_identifier: Union[str, NotGiven] = NOT_GIVEN,
        seed: Union[Optional[int], NotGiven] = NOT_GIVEN,
        service_tier: Union[Optional[str], NotGiven] = NOT_GIVEN,
        stop: Union[Optional[str], List[str], None, NotGiven] = NOT_GIVEN,
        store: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        stream_options: Any = NOT_GIVEN,
        temperature: Union[Optional[float], NotGiven] = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        tools: Any = NOT_GIVEN,
        top_logprobs: Union[Optional[int], NotGiven] = NOT_GIVEN,
        top_p: Union[Optional[float], NotGiven] = NOT_GIVEN,
        user: Union[str, NotGiven] = NOT_GIVEN,
        verbosity: Union[Optional[str], NotGiven] = NOT_GIVEN,
        web_search_options: Any = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, Any]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Any = NOT_GIVEN,
    ) -> ChatCompletionStreamManager:
        """``create(stream=True)`` as a context manager yielding typed events and a final completion.

        Takes the parameters of ``create()``. Nothing is sent until the ``with`` block starts.
        """
        given = given_args(locals(), "messages", "model")
        request_format, parse_content, parse_completion, parse_arguments = self._stream_parsing(response_format, tools)
        given.pop("response_format", None)
        if request_format is not NOT_GIVEN:
            given["response_format"] = request_format
        headers = dict({"X-Stainless-Helper-Method": "chat.completions.stream"}, **(extra_headers or {}))

        def api_request() -> Any:
            return self.create(  # type: ignore[attr-defined]
                messages=messages, model=model, stream=True, **given,
                extra_headers=headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout)

        return ChatCompletionStreamManager(api_request, response_format=response_format, input_tools=tools,
                                           parse_content=parse_content, parse_completion=parse_completion,
                                           parse_arguments=parse_arguments)

    def _stream_parsing(self, response_format: Any, tools: Any) -> Any:
        """Structured outputs' hook: (response_format to send, parse_content, parse_completion, parse_arguments).

        A class later in the resource's bases may provide it (structured outputs do); without
        one, ``response_format`` is sent as given and nothing is parsed.
        """
        provider = getattr(super(), "_stream_parsing", None)
        if provider is not None:
            return provider(response_format, tools)
        return response_format, None, None, None
