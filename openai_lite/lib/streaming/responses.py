"""``client.responses.stream(...)``: Responses API events plus an accumulated response.

    with client.responses.stream(model="gpt-4o-mini", input="Say hi") as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                print(event.delta, end="")
    response = stream.get_final_response()

Events are the server's, as objects with ``.type``; ``response.output_text.delta`` and
``response.function_call_arguments.delta`` also carry ``snapshot`` (the text or arguments so
far) and ``response.output_text.done`` carries ``parsed`` (None unless structured outputs
parse it). The final response is the payload of ``response.completed``, or of
``response.incomplete`` / ``response.failed`` (a response that ended early is still a
response: read its ``status``, ``incomplete_details`` and ``error``).

Resuming a background response: ``stream(response_id=..., starting_after=N)`` asks the server
for the events after sequence number N (``GET /responses/{id}?stream=true&starting_after=N``).
The snapshot then starts at that point: text and arguments that came before it are not in it
(the final response, sent whole, is complete).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from ..._models import BaseModel
from ..._types import NOT_GIVEN, NotGiven, Omit, given_args
from . import HelperStream, copy_json, wrap

__all__ = ["ResponsesStreamMixin", "ResponseStreamManager", "ResponseStream", "ResponseStreamState"]

_FINAL = frozenset(("response.completed", "response.incomplete", "response.failed"))
_STATUS = frozenset(("response.created", "response.in_progress", "response.queued"))


class ResponseStreamState:
    """Folds Responses API events into a response; usable on its own over ``create(stream=True)``."""

    def __init__(self, *, input_tools: Any = NOT_GIVEN, text_format: Any = NOT_GIVEN,
                 parse_text: Optional[Callable[[str], Any]] = None,
                 parse_response: Optional[Callable[[Any], Any]] = None) -> None:
        self.input_tools = input_tools
        self.text_format = text_format
        self.parse_text = parse_text
        self.parse_response = parse_response
        self._snapshot: Dict[str, Any] = {"object": "response", "output": []}
        self._items: Dict[int, Dict[str, Any]] = {}               # output_index -> item
        self._parts: Dict[Tuple[int, int], Dict[str, Any]] = {}   # (output_index, content_index) -> part
        self._final: Optional[Dict[str, Any]] = None
        self._final_event: Any = None
        self._request_id: Optional[str] = None

    @property
    def current_snapshot(self) -> Any:
        """The response so far (a new view on every read)."""
        return wrap("Response", self._snapshot, self._request_id)

    def get_final_response(self) -> Any:
        if self._final is None:
            raise RuntimeError("The stream ended without a response.completed, response.incomplete "
                               "or response.failed event")
        response = wrap("Response", self._final, self._request_id)
        if self.parse_response is not None:
            response = self.parse_response(response)
        return response

    # -- events ------------------------------------------------------------------------------------

    def handle_event(self, event: Any) -> List[Any]:
        """Fold one event in; return what to yield for it (the event, with additions)."""
        data = event._data if isinstance(event, BaseModel) else event
        if self._request_id is None:
            self._request_id = getattr(event, "_request_id", None)
        kind = data.get("type")
        handler = _HANDLERS.get(kind)  # type: ignore[arg-type]
        if handler is not None:
            handler(self, data, event)
        return [event]

    def _status(self, data: Dict[str, Any], event: Any) -> None:
        response = data.get("response") or {}
        if data.get("type") == "response.created" or not self._snapshot.get("id"):
            output = self._snapshot.get("output") or []
            self._snapshot = copy_json(response)
            if not self._snapshot.get("output"):
                self._snapshot["output"] = output
            else:
                self._items = dict(enumerate(self._snapshot["output"]))
        else:
            for key, value in response.items():
                if key != "output":
                    self._snapshot[key] = copy_json(value)

    def _final_response(self, data: Dict[str, Any], event: Any) -> None:
        response = copy_json(data.get("response") or {})
        if response.get("output") is None:  # keep what the deltas built
            response["output"] = self._snapshot.get("output") or []
        self._final = response
        self._final_event = event
        for key, value in response.items():
            self._snapshot[key] = value
        if self.parse_response is not None and isinstance(event, BaseModel):
            event._cache["response"] = self.get_final_response()

    def _item(self, output_index: int, placeholder: Dict[str, Any]) -> Dict[str, Any]:
        item = self._items.get(output_index)
        if item is None:  # resumed mid-response: the item was added before the first event we saw
            item = copy_json(placeholder)
            self._place_item(output_index, item)
        return item

    def _place_item(self, output_index: int, item: Dict[str, Any]) -> None:
        output = self._snapshot.setdefault("output", [])
        old = self._items.get(output_index)
        if old is not None:
            output[next(i for i, x in enumerate(output) if x is old)] = item
        else:
            output.insert(sum(1 for i in self._items if i < output_index), item)
        self._items[output_index] = item

    def _item_added(self, data: Dict[str, Any], event: Any) -> None:
        item = data.get("item")
        if isinstance(item, dict):
            self._place_item(data.get("output_index", len(self._items)), copy_json(item))

    def _item_done(self, data: Dict[str, Any], event: Any) -> None:
        item = data.get("item")
        if isinstance(item, dict):
            output_index = data.get("output_index", len(self._items))
            self._place_item(output_index, copy_json(item))
            for key in [k for k in self._parts if k[0] == output_index]:
                del self._parts[key]

    def _part(self, data: Dict[str, Any], placeholder: Dict[str, Any]) -> Dict[str, Any]:
        key = (data.get("output_index", 0), data.get("content_index", 0))
        part = self._parts.get(key)
        if part is None:
            item = self._item(key[0], {"id": data.get("item_id"), "type": "message", "role": "assistant",
                                       "status": "in_progress", "content": []})
            content = item.setdefault("content", [])
            position = key[1]
            if position < len(content) and isinstance(content[position], dict):
                part = content[position]  # the item arrived with its parts
            else:
                part = copy_json(placeholder)
                content.insert(min(position, len(content)), part)
            self._parts[key] = part
        return part

    def _place_part(self, data: Dict[str, Any], event: Any) -> None:
        part = data.get("part")
        if not isinstance(part, dict):
            return
        key = (data.get("output_index", 0), data.get("content_index", 0))
        old = self._parts.get(key)
        item = self._item(key[0], {"id": data.get("item_id"), "type": "message", "role": "assistant",
                                   "status": "in_progress", "content": []})
        content = item.setdefault("content", [])
        new = copy_json(part)
        if old is not None and any(x is old for x in content):
            content[next(i for i, x in enumerate(content) if x is old)] = new
        else:
            content.insert(min(key[1], len(content)), new)
        self._parts[key] = new

    def _text_delta(self, data: Dict[str, Any], event: Any) -> None:
        part = self._part(data, {"type": "output_text", "text": "", "annotations": []})
        part["text"] = (part.get("text") or "") + (data.get("delta") or "")
        _add(event, "snapshot", part["text"])

    def _text_done(self, data: Dict[str, Any], event: Any) -> None:
        part = self._part(data, {"type": "output_text", "text": "", "annotations": []})
        text = data.get("text")
        if isinstance(text, str):
            part["text"] = text
        parsed = self.parse_text(part["text"]) if self.parse_text is not None else None
        _add(event, "parsed", parsed)

    def _annotation(self, data: Dict[str, Any], event: Any) -> None:
        part = self._part(data, {"type": "output_text", "text": "", "annotations": []})
        annotations = part.get("annotations")
        if annotations is None:
            annotations = part["annotations"] = []
        index = data.get("annotation_index", len(annotations))
        annotations.insert(min(index, len(annotations)), copy_json(data.get("annotation")))

    def _refusal_delta(self, data: Dict[str, Any], event: Any) -> None:
        part = self._part(data, {"type": "refusal", "refusal": ""})
        part["refusal"] = (part.get("refusal") or "") + (data.get("delta") or "")
        _add(event, "snapshot", part["refusal"])

    def _refusal_done(self, data: Dict[str, Any], event: Any) -> None:
        part = self._part(data, {"type": "refusal", "refusal": ""})
        if isinstance(data.get("refusal"), str):
            part["refusal"] = data["refusal"]

    def _arguments_delta(self, data: Dict[str, Any], event: Any) -> None:
        item = self._item(data.get("output_index", 0), {"id": data.get("item_id"), "type": "function_call",
                                                         "arguments": "", "status": "in_progress"})
        item["arguments"] = (item.get("arguments") or "") + (data.get("delta") or "")
        _add(event, "snapshot", item["arguments"])

    def _arguments_done(self, data: Dict[str, Any], event: Any) -> None:
        item = self._item(data.get("output_index", 0), {"id": data.get("item_id"), "type": "function_call",
                                                         "arguments": "", "status": "in_progress"})
        if isinstance(data.get("arguments"), str):
            item["arguments"] = data["arguments"]


def _add(event: Any, name: str, value: Any) -> None:
    """Give an event an extra field (as openai-python's helper events have)."""
    if isinstance(event, BaseModel):
        event._data[name] = value
        event._cache.pop(name, None)
    elif isinstance(event, dict):
        event[name] = value


_HANDLERS: Dict[str, Callable[[ResponseStreamState, Dict[str, Any], Any], None]] = {
    "response.created": ResponseStreamState._status,
    "response.in_progress": ResponseStreamState._status,
    "response.queued": ResponseStreamState._status,
    "response.completed": ResponseStreamState._final_response,
    "response.incomplete": ResponseStreamState._final_response,
    "response.failed": ResponseStreamState._final_response,
    "response.output_item.added": ResponseStreamState._item_added,
    "response.output_item.done": ResponseStreamState._item_done,
    "response.content_part.added": ResponseStreamState._place_part,
    "response.content_part.done": ResponseStreamState._place_part,
    "response.output_text.delta": ResponseStreamState._text_delta,
    "response.output_text.done": ResponseStreamState._text_done,
    "response.output_text.annotation.added": ResponseStreamState._annotation,
    "response.refusal.delta": ResponseStreamState._refusal_delta,
    "response.refusal.done": ResponseStreamState._refusal_done,
    "response.function_call_arguments.delta": ResponseStreamState._arguments_delta,
    "response.function_call_arguments.done": ResponseStreamState._arguments_done,
}


class ResponseStream(HelperStream[Any]):
    """Iterate for events; ``get_final_response()``, ``until_done()``, ``close()``.

    Leaving a ``for`` loop early closes the stream (as with ``Stream``).
    """

    _state: ResponseStreamState

    def __init__(self, *, raw_stream: Any, state: ResponseStreamState, starting_after: Optional[int] = None) -> None:
        self._starting_after = starting_after
        super().__init__(raw_stream, state)

    @property
    def current_snapshot(self) -> Any:
        return self._state.current_snapshot

    def __stream__(self) -> Iterator[Any]:
        handle = self._state.handle_event
        after = self._starting_after
        for raw_event in self._raw_stream:
            for event in handle(raw_event):
                if after is not None:
                    sequence = getattr(event, "sequence_number", None)
                    if isinstance(sequence, int) and sequence <= after:
                        continue  # the server sent it although it came before the resume point
                yield event

    def get_final_response(self) -> Any:
        """Read to the end and return the final response (completed, incomplete or failed)."""
        self.until_done()
        return self._state.get_final_response()


class ResponseStreamManager:
    """What ``stream()`` returns: ``with`` makes the request and closes the stream at the end."""

    def __init__(self, api_request: Callable[[], Any], *, text_format: Any = NOT_GIVEN, input_tools: Any = NOT_GIVEN,
                 starting_after: Optional[int] = None, parse_text: Optional[Callable[[str], Any]] = None,
                 parse_response: Optional[Callable[[Any], Any]] = None) -> None:
        self._api_request = api_request
        self._state_args = {"text_format": text_format, "input_tools": input_tools, "parse_text": parse_text,
                            "parse_response": parse_response}
        self._starting_after = starting_after
        self._stream: Optional[ResponseStream] = None

    def __enter__(self) -> ResponseStream:
        raw_stream = self._api_request()
        self._stream = ResponseStream(raw_stream=raw_stream, state=ResponseStreamState(**self._state_args),
                                      starting_after=self._starting_after)
        return self._stream

    def __exit__(self, *exc: Any) -> None:
        if self._stream is not None:
            self._stream.close()


class ResponsesStreamMixin:
    """``stream()`` for the responses resource (mixed into the generated class)."""

    def stream(
        self,
        *,
        response_id: Union[str, NotGiven] = NOT_GIVEN,
        input: Any = NOT_GIVEN,
        model: Union[str, NotGiven] = NOT_GIVEN,
        access_programs: Any = NOT_GIVEN,
        background: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        background_options: Any = NOT_GIVEN,
        context_management: Any = NOT_GIVEN,
        text_format: Any = NOT_GIVEN,
        tools: Any = NOT_GIVEN,
        conversation: Any = NOT_GIVEN,
        image: Any = NOT_GIVEN,
        include: Any = NOT_GIVEN,
        instructions: Any = NOT_GIVEN,
        max_output_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        max_tool_calls: Union[Optional[int], NotGiven] = NOT_GIVEN,
        metadata: Union[Optional[Dict[str, str]], NotGiven] = NOT_GIVEN,
        moderation: Any = NOT_GIVEN,
        parallel_tool_calls: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        previous_response_id: Union[Optional[str], NotGiven] = NOT_GIVEN,
        prompt: Any = NOT_GIVEN,
        prompt_cache_key: Union[str, NotGiven] = NOT_GIVEN,
        prompt_cache_options: Any = NOT_GIVEN,
        prompt_cache_retention: Union[Optional[str], NotGiven] = NOT_GIVEN,
        reasoning: Any = NOT_GIVEN,
        safety_identifier: Union[str, NotGiven] = NOT_GIVEN,
        service_tier: Union[Optional[str], NotGiven] = NOT_GIVEN,
        store: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        stream_options: Any = NOT_GIVEN,
        temperature: Union[Optional[float], NotGiven] = NOT_GIVEN,
        text: Any = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        top_logprobs: Union[Optional[int], NotGiven] = NOT_GIVEN,
        top_p: Union[Optional[float], NotGiven] = NOT_GIVEN,
        truncation: Union[Optional[str], NotGiven] = NOT_GIVEN,
        user: Union[str, NotGiven] = NOT_GIVEN,
        starting_after: Union[int, NotGiven] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, Any]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Any = NOT_GIVEN,
    ) -> ResponseStreamManager:
        """Create a response and stream it, or resume a background response's stream by id.

        New response: the parameters of ``create()`` (``input`` and ``model`` required).
        Resume: ``response_id`` (and ``starting_after``, a sequence number), nothing else.
        """
        create_params = given_args(locals(), "response_id", "text_format", "tools", "include", "starting_after")
        # ``omit`` leaves a parameter out, as NOT_GIVEN does (``tools=tools or omit``)
        response_id, text_format, tools, include, starting_after, input, model, text = (
            NOT_GIVEN if isinstance(v, Omit) else v
            for v in (response_id, text_format, tools, include, starting_after, input, model, text))
        resuming = response_id is not NOT_GIVEN or starting_after is not NOT_GIVEN
        if resuming and create_params:
            raise ValueError("response_id/starting_after resume an existing response and cannot be combined with "
                             + ", ".join(sorted(create_params)))
        request_format, request_tools, parse_text, parse_response = self._stream_parsing(text_format, tools)
        headers = dict({"X-Stainless-Helper-Method": "responses.stream"}, **(extra_headers or {}))
        options = {"extra_headers": headers, "extra_query": extra_query, "extra_body": extra_body,
                   "timeout": timeout}

        if resuming:
            if response_id is NOT_GIVEN or not response_id:
                raise ValueError("response_id must be given to resume a response's stream")
            query = {k: v for k, v in {"include": include, "starting_after": starting_after}.items()
                     if v is not NOT_GIVEN}

            def resume() -> Any:
                return self.retrieve(response_id, stream=True, **query, **options)  # type: ignore[attr-defined]

            return ResponseStreamManager(
                resume, text_format=text_format, input_tools=tools, parse_text=parse_text,
                parse_response=parse_response,
                starting_after=starting_after if isinstance(starting_after, int) else None)

        if input is NOT_GIVEN:
            raise ValueError("input must be given when creating a new response")
        if model is NOT_GIVEN:
            raise ValueError("model must be given when creating a new response")
        if request_format is not NOT_GIVEN:
            text_param = dict(text) if isinstance(text, Mapping) else {}
            if "format" in text_param:
                raise TypeError("Give text_format or text.format, not both")
            text_param["format"] = request_format
            create_params["text"] = text_param
        if include is not NOT_GIVEN:
            create_params["include"] = include
        if tools is not NOT_GIVEN:
            create_params["tools"] = request_tools
        from .._forward import split_for_create

        direct, options["extra_body"] = split_for_create(self.create, create_params,  # type: ignore[attr-defined]
                                                         extra_body)

        def create() -> Any:
            return self.create(stream=True, **direct, **options)  # type: ignore[attr-defined]

        return ResponseStreamManager(create, text_format=text_format, input_tools=tools, parse_text=parse_text,
                                     parse_response=parse_response)

    def _stream_parsing(self, text_format: Any, tools: Any) -> Any:
        """Structured outputs' hook: (``text.format`` to send, ``tools`` to send, parse_text, parse_response).

        A class later in the resource's bases provides it (``ResponsesParseMixin``); without one,
        ``text_format`` must already be a format dict (e.g. ``{"type": "json_schema", ...}``), sent
        as ``text.format``, tools go as given and nothing is parsed.
        """
        provider = getattr(super(), "_stream_parsing", None)
        if provider is not None:
            return provider(text_format, tools)
        if text_format is NOT_GIVEN or isinstance(text_format, Mapping):
            return text_format, tools, None, None
        raise TypeError("text_format=%r needs structured outputs support (a format dict is sent as given)"
                        % (text_format,))
