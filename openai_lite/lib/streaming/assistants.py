"""Assistants run streams: ``runs.stream``, ``runs.submit_tool_outputs_stream``,
``threads.create_and_run_stream`` and an ``AssistantEventHandler`` to subclass.

    class Printer(AssistantEventHandler):
        def on_text_delta(self, delta, snapshot):
            print(delta.value, end="")

    with client.beta.threads.runs.stream(thread_id, assistant_id=..., event_handler=Printer()) as stream:
        stream.until_done()

The handler is also the stream: iterate it for the raw events (objects with ``.event`` and
``.data``), or ``stream.text_deltas`` for just the text. Messages and run steps are folded
from their deltas into snapshots (text appended by content index, annotations, tool calls by
index with code-interpreter input/outputs and function arguments); a ``*.completed`` event
replaces its snapshot with the server's final object.

Callback order for a message: ``on_message_created``; per content block ``on_text_created``
then its ``on_text_delta`` calls, then ``on_text_done`` (or ``on_image_file_done``) when the
next block starts or the message completes; ``on_message_delta`` after each delta;
``on_message_done``. Tool calls likewise: ``on_tool_call_created``, ``on_tool_call_delta`` for
every delta (the first included), ``on_tool_call_done`` once, when the next call starts, the
step ends or the run stops (e.g. ``requires_action``).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Generic, Iterable, Iterator, List, Mapping, Optional, TypeVar, Union

from ..._exceptions import APITimeoutError
from ..._types import NOT_GIVEN, NotGiven, given_args
from . import copy_json, merge_delta, wrap

__all__ = ["AssistantEventHandler", "AssistantStreamManager", "RunsStreamMixin", "ThreadsStreamMixin"]

_RUN_STOPPED = frozenset((
    "thread.run.completed", "thread.run.cancelled", "thread.run.expired", "thread.run.failed",
    "thread.run.requires_action", "thread.run.incomplete",
))
_RUN_ACTIVE = frozenset(("thread.run.created", "thread.run.queued", "thread.run.in_progress",
                         "thread.run.cancelling"))
_STEP_ENDED = frozenset(("thread.run.step.completed", "thread.run.step.cancelled", "thread.run.step.expired",
                         "thread.run.step.failed"))
_MESSAGE_ENDED = frozenset(("thread.message.completed", "thread.message.incomplete"))


def _data_of(event: Any) -> Any:
    data = event.data
    return data._data if hasattr(data, "_data") else data


class AssistantEventHandler:
    """Subclass and override the ``on_*`` methods you need; every one does nothing by default."""

    text_deltas: Iterable[str]

    def __init__(self) -> None:
        self._stream: Any = None
        self._current_event: Any = None
        self._current_run: Any = None
        self._messages: Dict[str, Dict[str, Any]] = {}   # message id -> snapshot
        self._steps: Dict[str, Dict[str, Any]] = {}      # run step id -> snapshot
        self._current_message_id: Optional[str] = None
        self._current_step_id: Optional[str] = None
        self._content_index: Optional[int] = None        # the content block being streamed
        self._tool_index: Optional[int] = None           # the tool call being streamed
        self._tool_call: Optional[Dict[str, Any]] = None
        self._request_id: Optional[str] = None
        self._iterator = self.__stream__()
        self.text_deltas = self.__text_deltas__()

    def _init(self, stream: Any) -> None:
        if self._stream is not None:
            raise RuntimeError("An event handler serves one stream; make a new handler for each stream")
        self._stream = stream
        self._request_id = stream.response.headers.get("x-request-id")

    # -- what the stream has built ------------------------------------------------------------------

    @property
    def current_event(self) -> Any:
        """The event being handled (inside a callback), else None."""
        return self._current_event

    @property
    def current_run(self) -> Any:
        return self._current_run

    @property
    def current_message_snapshot(self) -> Any:
        if self._current_message_id is None:
            return None
        return self._message(self._current_message_id)

    @property
    def current_run_step_snapshot(self) -> Any:
        if self._current_step_id is None:
            return None
        return self._step(self._current_step_id)

    def _message(self, message_id: str) -> Any:
        return wrap("Message", self._messages[message_id], self._request_id)

    def _step(self, step_id: str) -> Any:
        return wrap("RunStep", self._steps[step_id], self._request_id)

    # -- reading the stream -------------------------------------------------------------------------

    def __stream__(self) -> Iterator[Any]:
        stream = self._stream
        if stream is None:
            raise RuntimeError("The stream has not started: use the handler inside `with ...stream(...)`")
        try:
            for event in stream:
                self._emit(event)
                yield event
        except APITimeoutError as exc:
            self.on_timeout()
            self.on_exception(exc)
            raise
        except Exception as exc:
            self.on_exception(exc)
            raise
        finally:
            self.on_end()

    def __iter__(self) -> Iterator[Any]:
        yield from self._iterator

    def __next__(self) -> Any:
        return next(self._iterator)

    def __text_deltas__(self) -> Iterator[str]:
        for event in self:
            if event.event != "thread.message.delta":
                continue
            for block in (_data_of(event).get("delta") or {}).get("content") or ():
                if block.get("type") == "text":
                    value = (block.get("text") or {}).get("value")
                    if value:
                        yield value

    def until_done(self) -> None:
        """Read the stream to its end (callbacks fire along the way)."""
        for _ in self._iterator:
            pass

    def get_final_run(self) -> Any:
        self.until_done()
        if self._current_run is None:
            raise RuntimeError("No final run object found")
        return self._current_run

    def get_final_run_steps(self) -> List[Any]:
        self.until_done()
        if not self._steps:
            raise RuntimeError("No run steps found")
        return [self._step(step_id) for step_id in self._steps]

    def get_final_messages(self) -> List[Any]:
        self.until_done()
        if not self._messages:
            raise RuntimeError("No messages found")
        return [self._message(message_id) for message_id in self._messages]

    def close(self) -> None:
        """Stop reading and release the connection."""
        self._iterator.close()
        if self._stream is not None:
            self._stream.close()

    # -- the callbacks ------------------------------------------------------------------------------

    def on_event(self, event: Any) -> None:
        """Every event, before the specific callbacks."""

    def on_end(self) -> None:
        """The stream ended: read to its end, closed, or failed."""

    def on_exception(self, exception: Exception) -> None:
        """An exception ended the stream (it is raised again afterwards)."""

    def on_timeout(self) -> None:
        """The server stopped sending for longer than the read timeout."""

    def on_run_step_created(self, run_step: Any) -> None:
        """A run step was created."""

    def on_run_step_delta(self, delta: Any, snapshot: Any) -> None:
        """A run step delta (``delta`` as sent, ``snapshot`` the step so far)."""

    def on_run_step_done(self, run_step: Any) -> None:
        """A run step ended (completed, failed, cancelled or expired)."""

    def on_tool_call_created(self, tool_call: Any) -> None:
        """A tool call started."""

    def on_tool_call_delta(self, delta: Any, snapshot: Any) -> None:
        """A tool call delta (``delta`` as sent, ``snapshot`` the call so far)."""

    def on_tool_call_done(self, tool_call: Any) -> None:
        """A tool call is complete."""

    def on_message_created(self, message: Any) -> None:
        """A message was created."""

    def on_message_delta(self, delta: Any, snapshot: Any) -> None:
        """A message delta (``delta`` as sent, ``snapshot`` the message so far)."""

    def on_message_done(self, message: Any) -> None:
        """A message is complete (or incomplete, see its status)."""

    def on_text_created(self, text: Any) -> None:
        """A text content block started."""

    def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        """A text delta (``delta.value`` the new text, ``snapshot.value`` all of it so far)."""

    def on_text_done(self, text: Any) -> None:
        """A text content block is complete."""

    def on_image_file_done(self, image_file: Any) -> None:
        """An image file content block arrived (image files are not streamed in parts)."""

    # -- folding events into snapshots --------------------------------------------------------------

    def _emit(self, event: Any) -> None:
        self._current_event = event
        try:
            self.on_event(event)
            name = event.event
            if name in _RUN_STOPPED:
                self._current_run = event.data
                self._finish_tool_call()
            elif name in _RUN_ACTIVE:
                self._current_run = event.data
            elif name.startswith("thread.message."):
                self._message_event(name, event)
            elif name.startswith("thread.run.step."):
                self._step_event(name, event)
        finally:
            self._current_event = None

    def _message_event(self, name: str, event: Any) -> None:
        data = _data_of(event)
        if name == "thread.message.created":
            snapshot = copy_json(data)
            if not isinstance(snapshot.get("content"), list):
                snapshot["content"] = []
            self._messages[data["id"]] = snapshot
            self._current_message_id = data["id"]
            self._content_index = None
            self.on_message_created(event.data)
        elif name == "thread.message.in_progress":
            self._current_message_id = data.get("id", self._current_message_id)
        elif name == "thread.message.delta":
            self._message_delta(event, data)
        elif name in _MESSAGE_ENDED:
            final = copy_json(data)
            self._messages[data["id"]] = final
            self._current_message_id = data["id"]
            if self._content_index is not None:
                self._finish_block(final, self._content_index)
                self._content_index = None
            self.on_message_done(event.data)

    def _message_delta(self, event: Any, data: Dict[str, Any]) -> None:
        message_id = data.get("id") or self._current_message_id
        snapshot = self._messages.get(message_id)  # type: ignore[arg-type]
        if snapshot is None:  # a delta for a message we never saw created
            snapshot = self._messages[message_id] = {"id": message_id, "object": "thread.message", "content": []}  # type: ignore[index]
        self._current_message_id = message_id
        content = snapshot["content"]
        rid = self._request_id
        delta = data.get("delta") or {}
        for key, value in delta.items():
            if key != "content":
                merge_delta(snapshot, {key: value})
        for block_delta in delta.get("content") or ():
            index = block_delta.get("index", 0)
            if index != self._content_index:
                if self._content_index is not None:
                    self._finish_block(snapshot, self._content_index)
                self._content_index = index
            block = _block_at(content, index)
            if block is None:
                block = {k: copy_json(v) for k, v in block_delta.items() if k != "index"}
                block.setdefault("type", "text")
                if block["type"] == "text":
                    text = block.setdefault("text", {})
                    text.setdefault("value", "")
                    text.setdefault("annotations", [])
                _insert_block(content, index, block)
                if block["type"] == "text":
                    self.on_text_created(wrap("Text", block["text"], rid))
            else:
                merge_delta(block, {k: v for k, v in block_delta.items() if k != "index"})
            if block_delta.get("type", block.get("type")) == "text" and block_delta.get("text"):
                self.on_text_delta(wrap("TextDelta", block_delta["text"], rid), wrap("Text", block["text"], rid))
        self.on_message_delta(wrap("MessageDelta", delta, rid), wrap("Message", snapshot, rid))

    def _finish_block(self, message: Dict[str, Any], index: int) -> None:
        block = _block_at(message.get("content") or [], index)
        if block is None:
            return
        rid = self._request_id
        if block.get("type") == "text":
            self.on_text_done(wrap("Text", block.get("text") or {}, rid))
        elif block.get("type") == "image_file":
            self.on_image_file_done(wrap("ImageFile", block.get("image_file") or {}, rid))

    def _step_event(self, name: str, event: Any) -> None:
        data = _data_of(event)
        rid = self._request_id
        if name == "thread.run.step.created":
            self._steps[data["id"]] = copy_json(data)
            self._current_step_id = data["id"]
            self._tool_index = None
            self._tool_call = None
            self.on_run_step_created(event.data)
        elif name == "thread.run.step.in_progress":
            self._current_step_id = data["id"]
        elif name == "thread.run.step.delta":
            step_id = data["id"]
            snapshot = self._steps.get(step_id)
            if snapshot is None:
                snapshot = self._steps[step_id] = {"id": step_id, "object": "thread.run.step"}
            self._current_step_id = step_id
            delta = data.get("delta") or {}
            merge_delta(snapshot, delta)
            details = delta.get("step_details") or {}
            if details.get("type") == "tool_calls":
                calls = (snapshot.get("step_details") or {}).get("tool_calls") or []
                for call_delta in details.get("tool_calls") or ():
                    index = call_delta.get("index", 0)
                    call = _block_at(calls, index)
                    if index != self._tool_index:
                        self._finish_tool_call()
                        self._tool_index = index
                        self._tool_call = call
                        if call is not None:
                            self.on_tool_call_created(wrap("ToolCall", call, rid))
                    self._tool_call = call
                    if call is not None:
                        self.on_tool_call_delta(wrap("ToolCallDelta", call_delta, rid), wrap("ToolCall", call, rid))
            self.on_run_step_delta(wrap("RunStepDelta", delta, rid), wrap("RunStep", snapshot, rid))
        elif name in _STEP_ENDED:
            final = copy_json(data)
            if self._tool_index is not None:
                calls = (final.get("step_details") or {}).get("tool_calls") or []
                if 0 <= self._tool_index < len(calls):
                    self._tool_call = calls[self._tool_index]  # the server's finished call
            self._finish_tool_call()
            self._steps[data["id"]] = final
            self.on_run_step_done(event.data)
            self._current_step_id = None
            self._tool_index = None

    def _finish_tool_call(self) -> None:
        call = self._tool_call
        if call is not None:
            self._tool_call = None
            self.on_tool_call_done(wrap("ToolCall", call, self._request_id))


def _block_at(blocks: List[Any], index: int) -> Optional[Dict[str, Any]]:
    """The block a delta's ``index`` names: the one carrying that index, else that position."""
    for block in blocks:
        if isinstance(block, dict) and block.get("index") == index:
            return block
    if 0 <= index < len(blocks) and isinstance(blocks[index], dict) and "index" not in blocks[index]:
        return blocks[index]
    return None


def _insert_block(blocks: List[Any], index: int, block: Dict[str, Any]) -> None:
    if index >= len(blocks):
        blocks.append(block)
    else:
        blocks.insert(index, block)


# -- the manager and the resource methods ----------------------------------------------------------

H = TypeVar("H", bound=AssistantEventHandler)


class AssistantStreamManager(Generic[H]):
    """What the stream helpers return: ``with`` makes the request and gives the event handler."""

    def __init__(self, api_request: Callable[[], Any], *, event_handler: H) -> None:
        self._api_request = api_request
        self._handler = event_handler
        self._stream: Any = None

    def __enter__(self) -> H:
        self._stream = self._api_request()
        self._handler._init(self._stream)
        return self._handler

    def __exit__(self, *exc: Any) -> None:
        if self._stream is not None:
            self._handler.close()


def _headers(helper: str, handler: Optional[AssistantEventHandler],
             extra_headers: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    headers = {"X-Stainless-Stream-Helper": helper,
               "X-Stainless-Custom-Event-Handler": "true" if handler is not None else "false"}
    headers.update(extra_headers or {})
    return headers


class RunsStreamMixin:
    """``stream``, ``create_and_stream`` and ``submit_tool_outputs_stream`` for ``beta.threads.runs``."""

    def stream(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        include: Any = NOT_GIVEN,
        additional_instructions: Union[Optional[str], NotGiven] = NOT_GIVEN,
        additional_messages: Any = NOT_GIVEN,
        instructions: Union[Optional[str], NotGiven] = NOT_GIVEN,
        max_completion_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        max_prompt_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        metadata: Union[Optional[Dict[str, str]], NotGiven] = NOT_GIVEN,
        model: Union[Optional[str], NotGiven] = NOT_GIVEN,
        parallel_tool_calls: Union[bool, NotGiven] = NOT_GIVEN,
        reasoning_effort: Union[Optional[str], NotGiven] = NOT_GIVEN,
        response_format: Any = NOT_GIVEN,
        temperature: Union[Optional[float], NotGiven] = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        tools: Any = NOT_GIVEN,
        top_p: Union[Optional[float], NotGiven] = NOT_GIVEN,
        truncation_strategy: Any = NOT_GIVEN,
        event_handler: Optional[AssistantEventHandler] = None,
        extra_headers: Optional[Mapping[str, Any]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Any = NOT_GIVEN,
    ) -> AssistantStreamManager[Any]:
        """Create a run on a thread and stream it; the ``with`` block gets ``event_handler``."""
        params = given_args(locals(), "thread_id", "assistant_id", "event_handler")
        headers = _headers("threads.runs.create_and_stream", event_handler, extra_headers)

        def api_request() -> Any:
            return self.create(  # type: ignore[attr-defined]
                thread_id, assistant_id=assistant_id, stream=True, **params, extra_headers=headers,
                extra_query=extra_query, extra_body=extra_body, timeout=timeout)

        return AssistantStreamManager(api_request, event_handler=event_handler or AssistantEventHandler())

    # the older name of the same helper
    create_and_stream = stream

    def submit_tool_outputs_stream(
        self,
        run_id: str,
        *,
        thread_id: str,
        tool_outputs: Iterable[Mapping[str, Any]],
        event_handler: Optional[AssistantEventHandler] = None,
        extra_headers: Optional[Mapping[str, Any]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Any = NOT_GIVEN,
    ) -> AssistantStreamManager[Any]:
        """Submit tool outputs to a run that requires action, and stream the rest of the run."""
        headers = _headers("threads.runs.submit_tool_outputs_stream", event_handler, extra_headers)

        def api_request() -> Any:
            return self.submit_tool_outputs(  # type: ignore[attr-defined]
                run_id, thread_id=thread_id, tool_outputs=tool_outputs, stream=True, extra_headers=headers,
                extra_query=extra_query, extra_body=extra_body, timeout=timeout)

        return AssistantStreamManager(api_request, event_handler=event_handler or AssistantEventHandler())


class ThreadsStreamMixin:
    """``create_and_run_stream`` for ``beta.threads``."""

    def create_and_run_stream(
        self,
        *,
        assistant_id: str,
        instructions: Union[Optional[str], NotGiven] = NOT_GIVEN,
        max_completion_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        max_prompt_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        metadata: Union[Optional[Dict[str, str]], NotGiven] = NOT_GIVEN,
        model: Union[Optional[str], NotGiven] = NOT_GIVEN,
        parallel_tool_calls: Union[bool, NotGiven] = NOT_GIVEN,
        response_format: Any = NOT_GIVEN,
        temperature: Union[Optional[float], NotGiven] = NOT_GIVEN,
        thread: Any = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        tool_resources: Any = NOT_GIVEN,
        tools: Any = NOT_GIVEN,
        top_p: Union[Optional[float], NotGiven] = NOT_GIVEN,
        truncation_strategy: Any = NOT_GIVEN,
        event_handler: Optional[AssistantEventHandler] = None,
        extra_headers: Optional[Mapping[str, Any]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Any = NOT_GIVEN,
    ) -> AssistantStreamManager[Any]:
        """Create a thread, run it, and stream the run; the ``with`` block gets ``event_handler``."""
        params = given_args(locals(), "assistant_id", "event_handler")
        headers = _headers("threads.create_and_run_stream", event_handler, extra_headers)

        def api_request() -> Any:
            return self.create_and_run(  # type: ignore[attr-defined]
                assistant_id=assistant_id, stream=True, **params, extra_headers=headers,
                extra_query=extra_query, extra_body=extra_body, timeout=timeout)

        return AssistantStreamManager(api_request, event_handler=event_handler or AssistantEventHandler())
