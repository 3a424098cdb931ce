"""The stream helpers: chat.completions.stream, the Assistants run streams, responses.stream.

Recorded event sequences (tests/fixtures/streams/*.sse) are replayed over loopback, one HTTP
chunk per event as the API sends them; what the helpers accumulate is compared field by field
with the non-streamed object (the matching *.json)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import pytest

from openai_lite import APIError, APITimeoutError, AssistantEventHandler, OpenAI
from openai_lite._resource import SyncAPIResource
from openai_lite._types import NOT_GIVEN
from openai_lite.lib.streaming.assistants import RunsStreamMixin, ThreadsStreamMixin
from openai_lite.lib.streaming.chat import ChatCompletionsStreamMixin, ChatCompletionStreamState
from openai_lite.lib.streaming.responses import ResponsesStreamMixin
from openai_lite.testing import OfflineServer, Scripted

from conftest import API_KEY

FIXTURES = Path(__file__).parent / "fixtures" / "streams"
SSE = "text/event-stream; charset=utf-8"


def recorded(name: str) -> List[bytes]:
    """A recorded stream, one piece (HTTP chunk) per event."""
    body = (FIXTURES / name).read_bytes()
    return [piece + b"\n\n" for piece in body.split(b"\n\n") if piece]


def expected(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def replay(server: OfflineServer, pieces: List[bytes], path: str, **kwargs: Any) -> None:
    server.enqueue(Scripted(chunks=pieces, chunked=True, content_type=SSE, **kwargs), path=path)


def assert_fields_match(got: Any, want: Any, where: str = "$", extra_ok: Iterable[str] = ()) -> None:
    """Every field of the non-streamed object is in the streamed one, with the same value.

    ``annotations: []`` may be missing from a streamed chat message (no delta carries it);
    keys named in ``extra_ok`` may appear in the streamed object only.
    """
    if isinstance(want, dict):
        assert isinstance(got, dict), where
        for key, value in want.items():
            if key == "annotations" and value == [] and key not in got:
                continue
            assert key in got, "%s.%s missing" % (where, key)
            assert_fields_match(got[key], value, "%s.%s" % (where, key), extra_ok)
        extra = set(got) - set(want) - set(extra_ok)
        assert not extra, "%s has extra fields %s" % (where, sorted(extra))
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            assert_fields_match(g, w, "%s[%d]" % (where, i), extra_ok)
    else:
        assert got == want, "%s: %r != %r" % (where, got, want)


def make_client(server: OfflineServer, **kwargs: Any) -> OpenAI:
    kwargs.setdefault("max_retries", 0)
    return OpenAI(api_key=API_KEY, base_url=server.url, **kwargs)


def chat_stream(c: OpenAI, **kwargs: Any) -> Any:
    return c.chat.completions.stream(model="gpt-4o", messages=[{"role": "user", "content": "weather?"}], **kwargs)


# -- test-only resources shaped like the generated ones (the generator adds the mixins to the real ones)


class Runs(RunsStreamMixin, SyncAPIResource):
    def create(self, thread_id: str, *, assistant_id: str, stream: Any = NOT_GIVEN, extra_headers: Any = None,
               extra_query: Any = None, extra_body: Any = None, timeout: Any = NOT_GIVEN, **params: Any) -> Any:
        return self._request("POST", "/threads/{thread_id}/runs", path_params={"thread_id": thread_id},
                             body=dict(params, assistant_id=assistant_id, stream=stream), cast_to="Run",
                             stream=stream, headers={"OpenAI-Beta": "assistants=v2"}, extra_headers=extra_headers,
                             extra_query=extra_query, extra_body=extra_body, timeout=timeout)

    def submit_tool_outputs(self, run_id: str, *, thread_id: str, tool_outputs: Any, stream: Any = NOT_GIVEN,
                            extra_headers: Any = None, extra_query: Any = None, extra_body: Any = None,
                            timeout: Any = NOT_GIVEN) -> Any:
        return self._request("POST", "/threads/{thread_id}/runs/{run_id}/submit_tool_outputs",
                             path_params={"thread_id": thread_id, "run_id": run_id},
                             body={"tool_outputs": tool_outputs, "stream": stream}, cast_to="Run", stream=stream,
                             headers={"OpenAI-Beta": "assistants=v2"}, extra_headers=extra_headers,
                             extra_query=extra_query, extra_body=extra_body, timeout=timeout)


class Threads(ThreadsStreamMixin, SyncAPIResource):
    def create_and_run(self, *, assistant_id: str, stream: Any = NOT_GIVEN, extra_headers: Any = None,
                       extra_query: Any = None, extra_body: Any = None, timeout: Any = NOT_GIVEN,
                       **params: Any) -> Any:
        return self._request("POST", "/threads/runs", body=dict(params, assistant_id=assistant_id, stream=stream),
                             cast_to="Run", stream=stream, headers={"OpenAI-Beta": "assistants=v2"},
                             extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
                             timeout=timeout)


class Responses(ResponsesStreamMixin, SyncAPIResource):
    def create(self, *, stream: Any = NOT_GIVEN, extra_headers: Any = None, extra_query: Any = None,
               extra_body: Any = None, timeout: Any = NOT_GIVEN, **params: Any) -> Any:
        return self._request("POST", "/responses", body=dict(params, stream=stream), cast_to="Response",
                             stream=stream, extra_headers=extra_headers, extra_query=extra_query,
                             extra_body=extra_body, timeout=timeout)

    def retrieve(self, response_id: str, *, include: Any = NOT_GIVEN, starting_after: Any = NOT_GIVEN,
                 stream: Any = NOT_GIVEN, extra_headers: Any = None, extra_query: Any = None,
                 extra_body: Any = None, timeout: Any = NOT_GIVEN) -> Any:
        return self._request("GET", "/responses/{response_id}", path_params={"response_id": response_id},
                             query={"include": include, "starting_after": starting_after, "stream": stream},
                             cast_to="Response", stream=stream, extra_headers=extra_headers,
                             extra_query=extra_query, extra_body=extra_body, timeout=timeout)


# -- chat.completions.stream ------------------------------------------------------------------------


def test_chat_parallel_tool_calls_events_and_final_completion(server: OfflineServer) -> None:
    replay(server, recorded("chat_parallel_tools.sse"), "/v1/chat/completions")
    with make_client(server) as c:
        with chat_stream(c, tools=[{"type": "function", "function": {"name": "get_weather"}}],
                         stream_options={"include_usage": True}) as stream:
            events = list(stream)
        final = stream.get_final_completion()
    kinds = [e.type for e in events if e.type != "chunk"]
    # done events follow the chunk's delta events, as openai-python emits them: content.done comes
    # after the first tool call's first delta, a tool's .done after the next tool's first delta
    assert kinds == (["content.delta"] * 3 + ["tool_calls.function.arguments.delta", "content.done"]
                     + ["tool_calls.function.arguments.delta"] * 3
                     + ["tool_calls.function.arguments.done"] + ["tool_calls.function.arguments.delta"] * 2
                     + ["tool_calls.function.arguments.done"])
    assert sum(1 for e in events if e.type == "chunk") == 11
    content_done = next(e for e in events if e.type == "content.done")
    assert (content_done.content, content_done.parsed, content_done.choice_index) == (
        "Let me check both cities.", None, 0)
    deltas = [e for e in events if e.type == "tool_calls.function.arguments.delta"]
    assert [(e.index, e.name, e.arguments_delta) for e in deltas[:3]] == [
        (0, "get_weather", ""), (0, "get_weather", "{\"city\":"), (0, "get_weather", " \"Paris\"}")]
    assert deltas[-1].arguments == "{\"city\": \"Tokyo\"}"
    done = [(e.index, e.name, e.arguments) for e in events if e.type == "tool_calls.function.arguments.done"]
    assert done == [(0, "get_weather", "{\"city\": \"Paris\"}"), (1, "get_weather", "{\"city\": \"Tokyo\"}")]
    assert_fields_match(final.to_dict(), expected("chat_parallel_tools.json"))
    assert final.choices[0].message.tool_calls[1].function.arguments == "{\"city\": \"Tokyo\"}"
    assert final._request_id == "req_1"
    body = server.last_request.json()
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert server.last_request.headers["X-Stainless-Helper-Method"] == "chat.completions.stream"


def test_chat_refusal_events_and_final(server: OfflineServer) -> None:
    replay(server, recorded("chat_refusal.sse"), "/v1/chat/completions")
    with make_client(server) as c:
        with c.beta.chat.completions.stream(model="gpt-4o", messages=[{"role": "user", "content": "x"}]) as stream:
            events = [e for e in stream if e.type != "chunk"]
            final = stream.get_final_completion()
    assert [(e.type, getattr(e, "delta", None)) for e in events] == [
        ("refusal.delta", ""), ("refusal.delta", "I'm sorry, "), ("refusal.delta", "I can't help with that."),
        ("refusal.done", None)]
    assert events[-2].snapshot == "I'm sorry, I can't help with that."
    assert events[-1].refusal == "I'm sorry, I can't help with that."
    assert_fields_match(final.to_dict(), expected("chat_refusal.json"))
    assert final.choices[0].message.content is None


def test_chat_two_choices_logprobs_and_length_finish(server: OfflineServer) -> None:
    replay(server, recorded("chat_n2_logprobs.sse"), "/v1/chat/completions")
    with make_client(server) as c:
        with chat_stream(c, n=2, logprobs=True) as stream:
            events = [e for e in stream if e.type != "chunk"]
            final = stream.get_final_completion()
    by_choice: Dict[int, List[Tuple[str, Any]]] = {0: [], 1: []}
    for e in events:
        by_choice[e.choice_index].append((e.type, getattr(e, "delta", None)))
    assert by_choice[0] == [("content.delta", ""), ("content.delta", "Hi"), ("logprobs.content.delta", None),
                            ("content.delta", "!"), ("logprobs.content.delta", None), ("content.done", None),
                            ("logprobs.content.done", None)]
    assert [t for t, _ in by_choice[1]][-2:] == ["content.done", "logprobs.content.done"]
    lp_done = [e for e in events if e.type == "logprobs.content.done"]
    assert [[t.token for t in e.content] for e in lp_done] == [["Hi", "!"], ["Hello", " there"]]
    assert_fields_match(final.to_dict(), expected("chat_n2_logprobs.json"))
    assert [ch.finish_reason for ch in final.choices] == ["stop", "length"]
    assert final.usage.total_tokens == 17


def test_chat_get_final_completion_reads_to_the_end_and_keeps_connection(server: OfflineServer) -> None:
    replay(server, recorded("chat_parallel_tools.sse"), "/v1/chat/completions")
    with make_client(server) as c:
        with chat_stream(c) as stream:
            final = stream.get_final_completion()
            assert stream.current_completion_snapshot.to_dict() == final.to_dict()
            assert stream.until_done() is stream
        assert c.models.list().data
    assert final.choices[0].finish_reason == "tool_calls"
    assert server.connections_opened == 1


def test_chat_leaving_the_with_block_early_closes_the_stream(server: OfflineServer) -> None:
    replay(server, recorded("chat_parallel_tools.sse"), "/v1/chat/completions")
    with make_client(server) as c:
        with chat_stream(c) as stream:
            first = next(stream)
        assert first.type == "chunk" and list(stream) == []
        c.models.list()
    assert server.connections_opened == 1  # the rest of the recorded body had arrived: drained and reused


def test_chat_offline_server_text_and_nothing_sent_before_with(server: OfflineServer) -> None:
    with make_client(server) as c:
        manager = chat_stream(c)
        assert server.requests == []
        with manager as stream:
            text = "".join(e.delta for e in stream if e.type == "content.delta")
    assert text == "You said: weather?"


def test_chat_parse_hook_gives_parsed_content_and_final(server: OfflineServer) -> None:
    replay(server, [b"data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                                             "choices": [{"index": 0, "delta": {"role": "assistant", "content": "{\"a\": 1}"},
                                                          "finish_reason": "stop"}]}).encode() + b"\n\n",
                    b"data: [DONE]\n\n"], "/v1/chat/completions")
    seen: List[Any] = []

    class Hooked(ChatCompletionsStreamMixin, SyncAPIResource):
        def create(self, **kwargs: Any) -> Any:
            seen.append(kwargs["response_format"])
            return self._client.chat.completions.create(**kwargs)

        def _stream_parsing(self, response_format: Any, tools: Any) -> Any:
            def finish(completion: Any) -> Any:
                completion.choices[0].message.parsed = json.loads(completion.choices[0].message.content)
                return completion
            return {"type": "json_object"}, json.loads, finish, None

    with make_client(server) as c:
        with Hooked(c).stream(model="m", messages=[], response_format=dict) as stream:
            done = [e for e in stream if e.type == "content.done"]
            final = stream.get_final_completion()
    assert seen == [{"type": "json_object"}]
    assert done[0].parsed == {"a": 1} and final.choices[0].message.to_dict()["parsed"] == {"a": 1}


def test_chat_state_standalone_and_non_chunk_objects_skipped(server: OfflineServer) -> None:
    pieces = recorded("chat_refusal.sse")
    azure_filter = b"data: " + json.dumps({"id": "", "object": "", "created": 0, "model": "", "choices": [],
                                           "prompt_filter_results": []}).encode() + b"\n\n"
    replay(server, [azure_filter] + pieces, "/v1/chat/completions")
    replay(server, [azure_filter] + pieces, "/v1/chat/completions")
    with make_client(server) as c:
        with chat_stream(c) as stream:
            kinds = [e.type for e in stream]
        state = ChatCompletionStreamState()
        for item in c.chat.completions.create(model="m", messages=[], stream=True):
            if item.object == "chat.completion.chunk":
                state.handle_chunk(item)
    assert kinds.count("chunk") == 4  # the filter object is not a chunk
    assert_fields_match(state.get_final_completion().to_dict(), expected("chat_refusal.json"))


# -- Assistants ------------------------------------------------------------------------------------


class Recorder(AssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.calls: List[Tuple[str, Any]] = []
        self.text_snapshots: List[str] = []
        self.last_message_snapshot: Any = None
        self.step_snapshots: Dict[str, Any] = {}

    def on_event(self, event: Any) -> None:
        assert self.current_event is event

    def on_run_step_created(self, run_step: Any) -> None:
        self.calls.append(("run_step_created", run_step.id))

    def on_run_step_delta(self, delta: Any, snapshot: Any) -> None:
        self.step_snapshots[snapshot.id] = snapshot.to_dict()

    def on_run_step_done(self, run_step: Any) -> None:
        self.calls.append(("run_step_done", run_step.id))

    def on_tool_call_created(self, tool_call: Any) -> None:
        self.calls.append(("tool_call_created", tool_call.id))

    def on_tool_call_delta(self, delta: Any, snapshot: Any) -> None:
        self.calls.append(("tool_call_delta", delta.index))

    def on_tool_call_done(self, tool_call: Any) -> None:
        args = tool_call.function.arguments if tool_call.type == "function" else tool_call.code_interpreter.input
        self.calls.append(("tool_call_done", args))

    def on_message_created(self, message: Any) -> None:
        self.calls.append(("message_created", message.id))

    def on_message_delta(self, delta: Any, snapshot: Any) -> None:
        self.last_message_snapshot = snapshot.to_dict()

    def on_message_done(self, message: Any) -> None:
        self.calls.append(("message_done", message.status))

    def on_text_created(self, text: Any) -> None:
        self.calls.append(("text_created", text.value))

    def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.calls.append(("text_delta", delta.value))
        self.text_snapshots.append(snapshot.value)

    def on_text_done(self, text: Any) -> None:
        self.calls.append(("text_done", text.value))

    def on_exception(self, exception: Exception) -> None:
        self.calls.append(("exception", type(exception).__name__))

    def on_timeout(self) -> None:
        self.calls.append(("timeout", None))

    def on_end(self) -> None:
        self.calls.append(("end", None))


def _without_index(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_index(v) for k, v in value.items() if k != "index"}
    if isinstance(value, list):
        return [_without_index(v) for v in value]
    return value


def test_assistants_run_stream_callbacks_snapshots_and_finals(server: OfflineServer) -> None:
    replay(server, recorded("assistants_run.sse"), "/v1/threads/thread_1/runs")
    want = expected("assistants_run.json")
    final_text = want["messages"][0]["content"][0]["text"]["value"]
    handler = Recorder()
    with make_client(server) as c:
        with Runs(c).stream("thread_1", assistant_id="asst_1", event_handler=handler, temperature=0.2) as stream:
            assert stream is handler
            stream.until_done()
        run, messages, steps = stream.get_final_run(), stream.get_final_messages(), stream.get_final_run_steps()
    code = "import math\nprint(math.sqrt(2))"
    assert handler.calls == [
        ("run_step_created", "step_1"), ("tool_call_created", "call_ci"), ("tool_call_delta", 0),
        ("tool_call_delta", 0), ("tool_call_delta", 0), ("tool_call_delta", 0), ("tool_call_done", code),
        ("run_step_done", "step_1"),
        ("run_step_created", "step_2"), ("message_created", "msg_1"),
        ("text_created", "The square root of 2"), ("text_delta", "The square root of 2"),
        ("text_delta", " is about 1.414 "), ("text_delta", "\u30104:0\u2020notes.txt\u3011"), ("text_delta", "."),
        ("text_done", final_text), ("message_done", "completed"), ("run_step_done", "step_2"),
        ("run_step_created", "step_3"), ("tool_call_created", "call_fn"), ("tool_call_delta", 0),
        ("tool_call_delta", 0), ("tool_call_delta", 0), ("tool_call_done", "{\"value\": 1.414}"),
        ("end", None),
    ]
    assert handler.text_snapshots[-1] == final_text
    # what the deltas built, just before the completed objects replaced it
    built = handler.last_message_snapshot["content"][0]
    assert _without_index(built) == want["messages"][0]["content"][0]
    assert _without_index(handler.step_snapshots["step_1"]["step_details"]) == want["steps"][0]["step_details"]
    assert_fields_match(run.to_dict(), want["run"])
    assert run.status == "requires_action" and run.required_action.submit_tool_outputs.tool_calls[0].id == "call_fn"
    assert_fields_match([m.to_dict() for m in messages], want["messages"])
    assert_fields_match([s.to_dict() for s in steps], want["steps"], extra_ok=("index",))
    body = server.last_request.json()
    assert (body["assistant_id"], body["stream"], body["temperature"]) == ("asst_1", True, 0.2)
    assert server.last_request.headers["OpenAI-Beta"] == "assistants=v2"
    assert server.last_request.headers["X-Stainless-Custom-Event-Handler"] == "true"


def test_assistants_iterate_events_and_text_deltas(server: OfflineServer) -> None:
    pieces = recorded("assistants_run.sse")
    replay(server, pieces, "/v1/threads/runs")
    replay(server, pieces, "/v1/threads/runs")
    names = [p.split(b"\n")[0][len(b"event: "):].decode() for p in pieces][:-1]  # all but `done`
    with make_client(server) as c:
        with Threads(c).create_and_run_stream(assistant_id="asst_1", thread={"messages": []}) as stream:
            events = list(stream)
            assert stream.current_run.status == "requires_action"
            assert stream.current_message_snapshot.id == "msg_1"
        with Threads(c).create_and_run_stream(assistant_id="asst_1") as stream:
            texts = list(stream.text_deltas)
    assert [e.event for e in events] == names
    assert events[0].data.id == "run_1" and events[0].data._request_id == "req_1"
    assert "".join(texts) == expected("assistants_run.json")["messages"][0]["content"][0]["text"]["value"]
    assert server.requests[0].json()["thread"] == {"messages": []}
    assert server.requests[0].headers["X-Stainless-Custom-Event-Handler"] == "false"


def test_assistants_submit_tool_outputs_stream_finishes_the_run(server: OfflineServer) -> None:
    run = expected("assistants_run.json")["run"]
    done_run = dict(run, status="completed", required_action=None, completed_at=run["created_at"] + 20)
    replay(server, [
        b"event: thread.run.queued\ndata: " + json.dumps(dict(run, status="queued", required_action=None)).encode()
        + b"\n\n",
        b"event: thread.run.completed\ndata: " + json.dumps(done_run).encode() + b"\n\n",
        b"event: done\ndata: [DONE]\n\n",
    ], "/v1/threads/thread_1/runs/run_1/submit_tool_outputs")
    with make_client(server) as c:
        with Runs(c).submit_tool_outputs_stream("run_1", thread_id="thread_1",
                                                tool_outputs=[{"tool_call_id": "call_fn", "output": "ok"}]) as s:
            final = s.get_final_run()
    assert_fields_match(final.to_dict(), done_run)
    assert server.last_request.json() == {"tool_outputs": [{"tool_call_id": "call_fn", "output": "ok"}],
                                          "stream": True}
    with pytest.raises(RuntimeError):
        s.get_final_messages()  # none in this stream


def test_assistants_error_event_reaches_on_exception_and_on_end(server: OfflineServer) -> None:
    replay(server, recorded("assistants_run.sse")[:2] + [
        b"event: error\ndata: {\"code\": \"server_error\", \"message\": \"The run failed.\", \"param\": null}\n\n"],
        "/v1/threads/thread_1/runs")
    handler = Recorder()
    with make_client(server) as c:
        with pytest.raises(APIError, match="The run failed."):
            with Runs(c).create_and_stream("thread_1", assistant_id="asst_1", event_handler=handler) as stream:
                stream.until_done()
    assert handler.calls == [("exception", "APIError"), ("end", None)]
    assert handler.current_run.status == "queued"


def test_assistants_stall_reaches_on_timeout(server: OfflineServer) -> None:
    replay(server, recorded("assistants_run.sse")[:6], "/v1/threads/thread_1/runs", fault="stall_body", stall=3.0)
    handler = Recorder()
    with make_client(server, timeout=(5.0, 0.3)) as c:
        with pytest.raises(APITimeoutError):
            with Runs(c).stream("thread_1", assistant_id="asst_1", event_handler=handler) as stream:
                stream.until_done()
    assert handler.calls[-3:] == [("timeout", None), ("exception", "APITimeoutError"), ("end", None)]


def test_assistants_handler_serves_one_stream(server: OfflineServer) -> None:
    replay(server, recorded("assistants_run.sse"), "/v1/threads/thread_1/runs")
    replay(server, recorded("assistants_run.sse"), "/v1/threads/thread_1/runs")
    handler = AssistantEventHandler()
    with make_client(server) as c:
        with Runs(c).stream("thread_1", assistant_id="asst_1", event_handler=handler) as stream:
            stream.until_done()
        with pytest.raises(RuntimeError, match="one stream"):
            with Runs(c).stream("thread_1", assistant_id="asst_1", event_handler=handler):
                pass


# -- responses.stream -------------------------------------------------------------------------------


def test_responses_stream_events_snapshots_and_final(server: OfflineServer) -> None:
    replay(server, recorded("responses_function_call.sse"), "/v1/responses")
    want = expected("responses_function_call.json")
    before_final: Optional[Dict[str, Any]] = None
    with make_client(server) as c:
        with Responses(c).stream(model="gpt-4.1", input="Weather in Paris?",
                                 tools=[{"type": "function", "name": "get_weather"}]) as stream:
            events = []
            for event in stream:
                if event.type != "response.completed":
                    before_final = stream.current_snapshot.to_dict()
                events.append(event)
        final = stream.get_final_response()
    assert [e.sequence_number for e in events] == list(range(15))
    text = [e.snapshot for e in events if e.type == "response.output_text.delta"]
    assert text == ["Checking ", "Checking the weather."]
    args = [e.snapshot for e in events if e.type == "response.function_call_arguments.delta"]
    assert args == ["{\"city\":", "{\"city\": \"Paris\"}"]
    text_done = next(e for e in events if e.type == "response.output_text.done")
    assert text_done.text == "Checking the weather." and text_done.parsed is None
    assert_fields_match(final.to_dict(), want)
    assert before_final is not None
    assert_fields_match(before_final["output"], want["output"])  # the deltas built the same output
    assert final.output[1].arguments == "{\"city\": \"Paris\"}" and final._request_id == "req_1"
    body = server.last_request.json()
    assert (body["model"], body["input"], body["stream"]) == ("gpt-4.1", "Weather in Paris?", True)
    assert body["tools"] == [{"type": "function", "name": "get_weather"}]


def _response_events(final_type: str, **final_fields: Any) -> List[bytes]:
    pieces = recorded("responses_function_call.sse")[:6]  # created ... first text delta
    response = dict(expected("responses_function_call.json"), **final_fields)
    event = {"type": final_type, "response": response, "sequence_number": 6}
    return pieces + [("event: %s\ndata: %s\n\n" % (final_type, json.dumps(event))).encode()]


@pytest.mark.parametrize("final_type, fields", [
    ("response.incomplete", {"status": "incomplete", "incomplete_details": {"reason": "max_output_tokens"}}),
    ("response.failed", {"status": "failed", "error": {"code": "server_error", "message": "The model failed."}}),
])
def test_responses_stream_ending_incomplete_or_failed_gives_a_final_response(
        server: OfflineServer, final_type: str, fields: Dict[str, Any]) -> None:
    replay(server, _response_events(final_type, **fields), "/v1/responses")
    with make_client(server) as c:
        with Responses(c).stream(model="gpt-4.1", input="x") as stream:
            final = stream.get_final_response()
    assert final.status == fields["status"]
    assert final.to_dict()["incomplete_details"] == fields.get("incomplete_details")
    assert final.to_dict()["error"] == fields.get("error")


def test_responses_stream_without_a_final_event_raises(server: OfflineServer) -> None:
    replay(server, recorded("responses_function_call.sse")[:5], "/v1/responses")
    with make_client(server) as c:
        with Responses(c).stream(model="gpt-4.1", input="x") as stream:
            with pytest.raises(RuntimeError, match="response.completed"):
                stream.get_final_response()


def test_responses_resume_by_id_after_a_sequence_number(server: OfflineServer) -> None:
    pieces = recorded("responses_function_call.sse")
    replay(server, pieces[5:], "/v1/responses/resp_1")  # sequence 5 (sent again by the server) onward
    with make_client(server) as c:
        with Responses(c).stream(response_id="resp_1", starting_after=5) as stream:
            events = list(stream)
            final = stream.get_final_response()
    request = server.last_request
    assert (request.method, request.path) == ("GET", "/v1/responses/resp_1")
    assert request.query == {"stream": ["true"], "starting_after": ["5"]}
    assert [e.sequence_number for e in events] == list(range(6, 15))  # 5 itself is not repeated
    assert events[0].type == "response.output_text.done"
    assert_fields_match(final.to_dict(), expected("responses_function_call.json"))
    args = [e.snapshot for e in events if e.type == "response.function_call_arguments.delta"]
    assert args == ["{\"city\":", "{\"city\": \"Paris\"}"]


def test_responses_stream_argument_checks(server: OfflineServer) -> None:
    with make_client(server) as c:
        responses = Responses(c)
        with pytest.raises(ValueError, match="input"):
            responses.stream(response_id="resp_1", input="x")
        with pytest.raises(ValueError, match="model"):
            responses.stream(input="x")
        with pytest.raises(ValueError, match="response_id"):
            responses.stream(starting_after=3)
        with pytest.raises(TypeError, match="text_format"):
            responses.stream(model="m", input="x", text_format=dict)
    assert server.requests == []


def test_responses_text_format_dict_is_sent_as_text_format(server: OfflineServer) -> None:
    replay(server, recorded("responses_function_call.sse"), "/v1/responses")
    fmt = {"type": "json_schema", "name": "w", "schema": {"type": "object"}, "strict": True}
    with make_client(server) as c:
        with Responses(c).stream(model="m", input="x", text_format=fmt, text={"verbosity": "low"}) as stream:
            stream.until_done()
    assert server.last_request.json()["text"] == {"verbosity": "low", "format": fmt}


def test_assistants_image_file_block_done_when_the_next_block_starts(server: OfflineServer) -> None:
    message = {"id": "msg_2", "object": "thread.message", "created_at": 1, "thread_id": "thread_1",
               "status": "in_progress", "role": "assistant", "content": [], "attachments": [], "metadata": {}}
    delta = {"id": "msg_2", "object": "thread.message.delta", "delta": {"content": [
        {"index": 0, "type": "image_file", "image_file": {"file_id": "file-plot", "detail": "auto"}}]}}
    text = {"id": "msg_2", "object": "thread.message.delta", "delta": {"content": [
        {"index": 1, "type": "text", "text": {"value": "Here is the plot.", "annotations": []}}]}}
    final = dict(message, status="completed", content=[
        {"type": "image_file", "image_file": {"file_id": "file-plot", "detail": "auto"}},
        {"type": "text", "text": {"value": "Here is the plot.", "annotations": []}}])
    replay(server, [("event: %s\ndata: %s\n\n" % (name, json.dumps(obj))).encode() for name, obj in [
        ("thread.message.created", message), ("thread.message.delta", delta), ("thread.message.delta", text),
        ("thread.message.completed", final)]] + [b"event: done\ndata: [DONE]\n\n"], "/v1/threads/thread_1/runs")
    calls: List[Tuple[str, Any]] = []

    class Images(AssistantEventHandler):
        def on_image_file_done(self, image_file: Any) -> None:
            calls.append(("image", image_file.file_id))

        def on_text_created(self, text: Any) -> None:
            calls.append(("text_created", text.value))

        def on_text_done(self, text: Any) -> None:
            calls.append(("text_done", text.value))

    with make_client(server) as c:
        with Runs(c).stream("thread_1", assistant_id="asst_1", event_handler=Images()) as stream:
            snapshots = []
            for event in stream:
                if event.event == "thread.message.delta":
                    snapshots.append(stream.current_message_snapshot.to_dict()["content"])
            messages = stream.get_final_messages()
    assert calls == [("image", "file-plot"), ("text_created", "Here is the plot."), ("text_done", "Here is the plot.")]
    assert snapshots[-1] == final["content"]
    assert_fields_match(messages[0].to_dict(), final)


def test_helpers_on_the_client_resources(server: OfflineServer) -> None:
    for path in ("/v1/threads/thread_1/runs", "/v1/threads/runs"):
        replay(server, recorded("assistants_run.sse"), path)
    replay(server, recorded("responses_function_call.sse"), "/v1/responses")
    replay(server, recorded("responses_function_call.sse")[5:], "/v1/responses/resp_1")
    with make_client(server) as c:
        with c.beta.threads.runs.stream("thread_1", assistant_id="asst_1") as stream:
            assert stream.get_final_run().status == "requires_action"
        with c.beta.threads.create_and_run_stream(assistant_id="asst_1") as stream:
            assert [m.id for m in stream.get_final_messages()] == ["msg_1"]
        with c.responses.stream(model="gpt-4.1", input="x") as stream:
            assert stream.get_final_response().status == "completed"
        with c.responses.stream(response_id="resp_1", starting_after=5) as stream:
            assert stream.get_final_response().id == "resp_1"
    assert [r.method + " " + r.target for r in server.requests] == [
        "POST /v1/threads/thread_1/runs", "POST /v1/threads/runs", "POST /v1/responses",
        "GET /v1/responses/resp_1?stream=true&starting_after=5"]
