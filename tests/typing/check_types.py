"""What type checkers see of common calls: ``pyright`` and ``mypy`` must report no error here.

Not run by pytest (``tests/test_types.py`` runs the checkers on it). ``assert_type`` fails the
check when a type is not exactly the one written; ``reveal_type`` only shows it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Union

import openai_lite
from openai_lite import APIResponse, APIStatusError, BinaryResponseContent, LegacyAPIResponse, NotFoundError, OpenAI, RateLimitError
from openai_lite._pagination import SyncCursorPage, SyncPage
from openai_lite._streaming import Stream
from openai_lite.types.admin import UsageCompletionsResponse, UsageTimeBucket
from openai_lite.types import CreateEmbeddingResponse, Embedding, FileDeleted, FileObject, Model, ModelDeleted
from openai_lite.types.beta.threads import Message, Run
from openai_lite.types.chat import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionMessage,
    ChatCompletionMessageFunctionToolCall,
    ChatCompletionMessageParam,
    ChatCompletionMessageToolCall,
    ChatCompletionToolParam,
)
from openai_lite.types.responses import (
    Response,
    ResponseFunctionToolCall,
    ResponseOutputItem,
    ResponseOutputMessage,
    ResponseStreamEvent,
)

if TYPE_CHECKING:
    from typing_extensions import assert_type, reveal_type


def chat(client: OpenAI) -> None:
    messages: List[ChatCompletionMessageParam] = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hello"},
    ]
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0.2)
    assert_type(completion, ChatCompletion)
    message = completion.choices[0].message
    assert_type(message, ChatCompletionMessage)
    assert_type(message.content, Optional[str])
    reveal_type(completion.choices[0].finish_reason)
    if completion.usage is not None:
        assert_type(completion.usage.total_tokens, int)
    for call in message.tool_calls or []:
        if call.type == "function":
            assert_type(call, ChatCompletionMessageFunctionToolCall)
            assert_type(call.function.arguments, str)
    tool: ChatCompletionToolParam = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], tools=[tool],
                                   tool_choice="auto", response_format={"type": "json_object"})
    legacy: ChatCompletionMessageToolCall = ChatCompletionMessageFunctionToolCall()
    reveal_type(legacy)


def streaming(client: OpenAI) -> None:
    stream = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], stream=True)
    assert_type(stream, Stream[ChatCompletionChunk])
    for chunk in stream:
        assert_type(chunk, ChatCompletionChunk)
        if chunk.choices:
            assert_type(chunk.choices[0].delta.content, Optional[str])
    flag: bool = bool(len("x"))
    either = client.chat.completions.create(model="m", messages=[], stream=flag)
    assert_type(either, Union[ChatCompletion, Stream[ChatCompletionChunk]])
    with client.chat.completions.stream(model="m", messages=[{"role": "user", "content": "hi"}]) as helper:
        reveal_type(helper)
    events = client.responses.create(model="m", input="hi", stream=True)
    for event in events:
        assert_type(event, ResponseStreamEvent)
        if event.type == "response.output_text.delta":
            assert_type(event.delta, str)


def embeddings_files_models(client: OpenAI) -> None:
    result = client.embeddings.create(model="text-embedding-3-small", input=["a", "b"], encoding_format="float")
    assert_type(result, CreateEmbeddingResponse)
    assert_type(result.data[0], Embedding)
    assert_type(result.data[0].embedding, List[float])
    uploaded = client.files.create(file=("notes.jsonl", b"{}"), purpose="batch")
    assert_type(uploaded, FileObject)
    assert_type(uploaded.filename, str)
    assert_type(client.files.delete("file_1"), FileDeleted)
    assert_type(client.models.retrieve("gpt-4o"), Model)
    assert_type(client.models.delete("ft:x"), ModelDeleted)


def pages(client: OpenAI) -> None:
    files = client.files.list(limit=10, purpose="batch")
    assert_type(files, SyncCursorPage[FileObject])
    assert_type(files.data, List[FileObject])
    for item in files:
        assert_type(item, FileObject)
    if files.has_next_page():
        reveal_type(files.get_next_page())
    assert_type(client.models.list(), SyncPage[Model])
    runs = client.beta.threads.runs.list("thread_1")
    assert_type(runs, SyncCursorPage[Run])
    assert_type(client.beta.threads.messages.list("thread_1").data[0], Message)
    report = client.admin.organization.usage.completions(start_time=0)  # one object, not a page
    assert_type(report, UsageCompletionsResponse)
    assert_type(report.data, List[UsageTimeBucket])
    assert_type(report.next_page, Optional[str])


def responses(client: OpenAI) -> None:
    response = client.responses.create(model="gpt-4o-mini", input="Say hi", instructions="Be brief.")
    assert_type(response, Response)
    item = response.output[0]
    assert_type(item, ResponseOutputItem)
    if item.type == "message":
        assert_type(item, ResponseOutputMessage)
        for part in item.content:
            if part.type == "output_text":
                assert_type(part.text, str)
    elif item.type == "function_call":
        assert_type(item, ResponseFunctionToolCall)
        assert_type(item.arguments, str)
    reveal_type(response.status)


def helpers(client: OpenAI) -> None:
    run = client.beta.threads.runs.create_and_poll(thread_id="thread_1", assistant_id="asst_1")
    assert_type(run, Run)
    reveal_type(run.status)
    waited = client.files.wait_for_processing("file_1")
    assert_type(waited, FileObject)
    parsed = client.chat.completions.parse(model="m", messages=[{"role": "user", "content": "2+2?"}],
                                           response_format=dict)
    reveal_type(parsed.choices[0].message.parsed)


def raw_and_streaming_responses(client: OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(model="m", messages=[])
    assert_type(raw, LegacyAPIResponse[ChatCompletion])
    assert_type(raw.parse(), ChatCompletion)
    assert_type(raw.parse(to=Model), Model)
    assert_type(raw.headers.get("x-request-id"), Optional[str])
    streamed = client.chat.completions.with_raw_response.create(model="m", messages=[], stream=True)
    assert_type(streamed.parse(), Stream[ChatCompletionChunk])
    assert_type(client.with_raw_response.files.list().parse(), SyncCursorPage[FileObject])
    assert_type(client.beta.with_raw_response.threads.runs.retrieve("run_1", thread_id="thread_1").parse(), Run)
    with client.files.with_streaming_response.content("file_1") as response:
        assert_type(response, APIResponse[BinaryResponseContent])
        for chunk in response.iter_bytes():
            assert_type(chunk, bytes)
    with client.with_streaming_response.embeddings.create(model="m", input="x") as embedded:
        assert_type(embedded.parse(), CreateEmbeddingResponse)
    parsed = client.chat.completions.with_raw_response.parse(model="m", messages=[], response_format=dict)
    reveal_type(parsed.parse().choices[0].message.parsed)


def call_options(client: OpenAI) -> None:
    model = client.models.retrieve("gpt-4o", timeout=3.0, extra_headers={"x-trace": "1"}, extra_query={"a": 1})
    assert_type(model, Model)
    created = client.embeddings.create(model="m", input="x", extra_body={"new_field": True}, timeout=None)
    assert_type(created, CreateEmbeddingResponse)
    reveal_type(client.embeddings.create)


def module_level_client() -> None:
    openai_lite.api_key = "sk-..."
    assert_type(openai_lite.chat.completions.create(model="m", messages=[]), ChatCompletion)
    assert_type(openai_lite.files.list(), SyncCursorPage[FileObject])
    assert_type(openai_lite.models.with_raw_response.retrieve("m").parse(), Model)


def openai_python_names(client: OpenAI) -> None:
    """Names code written for openai-python imports, from the same modules."""
    from openai_lite import AssistantEventHandler
    from openai_lite.types import ChatModel, ResponseFormatJSONSchema
    from openai_lite.types.beta.threads import Text, TextDelta
    from openai_lite.types.beta.threads.runs import ToolCall
    from openai_lite.types.chat import ChatCompletionContentPartParam, ChatCompletionMessageToolCallParam
    from openai_lite.types.responses import ResponseInputParam, ToolParam

    class Handler(AssistantEventHandler):
        def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
            print(delta.value, snapshot.value)

        def on_tool_call_created(self, tool_call: ToolCall) -> None:
            print(tool_call.type)

    parts: List[ChatCompletionContentPartParam] = [
        {"type": "text", "text": "What is in this picture?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
    ]
    call: ChatCompletionMessageToolCallParam = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    model: ChatModel = "gpt-4o-mini"
    client.chat.completions.create(model=model, messages=[
        {"role": "user", "content": parts}, {"role": "assistant", "tool_calls": [call]}])
    items: ResponseInputParam = [{"role": "user", "content": "Hello"}]
    tools: List[ToolParam] = [{"type": "function", "name": "f", "parameters": {}, "strict": True}]
    client.responses.create(model=model, input=items, tools=tools)
    reveal_type(ResponseFormatJSONSchema)
    reveal_type(Handler)


def errors(client: OpenAI) -> None:
    try:
        client.models.retrieve("missing")
    except NotFoundError as error:
        assert_type(error.status_code, int)
        assert_type(error.request_id, Optional[str])
    except RateLimitError as error:
        reveal_type(error.response)
    except APIStatusError as error:
        reveal_type(error.body)
        reveal_type(error.code)


def untyped_extra_fields(completion: ChatCompletion) -> Any:
    data: Dict[str, Any] = completion.to_dict()
    it: Iterator[Any] = iter([completion.model_dump_json()])
    return data, it


def agents_helpers(client: OpenAI, folder: Any) -> None:
    """The Agents helpers (beta): typed streams, results, staged files and artifacts."""
    from openai_lite.lib.beta.agents import AgentResultArtifacts, AgentTurnResult, PreparedAgentFiles

    with client.beta.agents.sessions.create(agent={"model": "m"}, environment={"type": "none"}, input="x",
                                            stream=True, tool_handlers={"f": lambda arguments: "ok"}) as stream:
        result = stream.get_final_result()
    assert_type(result, AgentTurnResult[Any])
    assert_type(result.output_text, str)
    with client.beta.agents.sessions.stream("sess_1", input="y").with_result_collection() as follow_up:
        for event in follow_up:
            reveal_type(event)
        assert_type(follow_up.get_final_result().turn_id, str)
    prepared = client.beta.agents.environments.files.prepare({"/workspace/a.md": folder})
    assert_type(prepared, PreparedAgentFiles)
    assert_type(prepared.uploaded_file_ids, List[str])
    assert_type(client.beta.agents.sessions.artifacts.for_result(result), AgentResultArtifacts)
    assert_type(client.qs.stringify({"a": [1]}), str)
