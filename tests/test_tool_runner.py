"""client.chat.completions.run_tools(): scripted conversations over loopback sockets.

Every model turn is a scripted chat completion served by OfflineServer; what the runner
sent back is read from the server's recorded requests.
"""
from __future__ import annotations

import dataclasses
import json
from typing import Any, Dict, List, Optional

import pytest

from openai_lite import BadRequestError, OpenAI, function_tool
from openai_lite.lib.tools import (
    RUNNER_EVENTS,
    APIUserAbortError,
    ChatCompletionRunner,
    ChatCompletionStreamingRunner,
)
from openai_lite.testing import OfflineServer, Scripted

MODEL = "gpt-4o-mini"
USER = [{"role": "user", "content": "How is the weather this week?"}]


# --- scripted model turns --------------------------------------------------------------------------


def completion(content: Optional[str] = None, tool_calls: Optional[List[Dict[str, Any]]] = None,
               finish_reason: Optional[str] = None, usage: Any = (3, 2), cid: str = "chatcmpl-1") -> Dict[str, Any]:
    message: Dict[str, Any] = {"role": "assistant", "content": content, "refusal": None, "annotations": []}
    if tool_calls:
        message["tool_calls"] = tool_calls
    body: Dict[str, Any] = {
        "id": cid, "object": "chat.completion", "created": 1700000000, "model": MODEL,
        "choices": [{"index": 0, "message": message, "logprobs": None,
                     "finish_reason": finish_reason or ("tool_calls" if tool_calls else "stop")}],
    }
    if usage:
        prompt, done = usage
        body["usage"] = {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done,
                         "completion_tokens_details": {"reasoning_tokens": 1}}
    return body


def call(call_id: str, name: str, arguments: Any = None) -> Dict[str, Any]:
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments if arguments is not None else {})
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def turns(server: OfflineServer, *bodies: Dict[str, Any]) -> None:
    for body in bodies:
        server.enqueue(Scripted(json=body), path="/v1/chat/completions")


def sent(server: OfflineServer) -> List[Dict[str, Any]]:
    """The JSON bodies the runner sent, in order."""
    return [r.json() for r in server.requests if r.path == "/v1/chat/completions"]


# --- the functions the model calls -----------------------------------------------------------------


class Calls:
    def __init__(self) -> None:
        self.log: List[Any] = []


@pytest.fixture
def calls() -> Calls:
    return Calls()


@pytest.fixture
def weather_tools(calls: Calls) -> List[Any]:
    def get_current_location() -> str:
        """Get the user's current location."""
        calls.log.append(("get_current_location",))
        return "Boston"

    def get_weather(location: str) -> Dict[str, Any]:
        """Get the weather for a location.

        Args:
            location: a city name
        """
        calls.log.append(("get_weather", location))
        return {"temperature": "50degF", "precipitation": "high"}

    return [get_current_location, function_tool(get_weather)]


# --- the loop ----------------------------------------------------------------------------------------


def test_two_step_chain_location_then_weather(client: OpenAI, server: OfflineServer, weather_tools: List[Any],
                                              calls: Calls) -> None:
    turns(server,
          completion(tool_calls=[call("call_loc", "get_current_location")]),
          completion(tool_calls=[call("call_wx", "get_weather", {"location": "Boston"})]),
          completion("Rainy in Boston, about 50F."))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=weather_tools)
    assert isinstance(runner, ChatCompletionRunner)
    assert server.requests == []  # lazy: nothing sent before it is driven

    assert runner.final_content() == "Rainy in Boston, about 50F."
    assert calls.log == [("get_current_location",), ("get_weather", "Boston")]

    bodies = sent(server)
    assert len(bodies) == 3
    # the tools went out as strict function definitions derived from the signatures
    tools = bodies[0]["tools"]
    assert [t["function"]["name"] for t in tools] == ["get_current_location", "get_weather"]
    weather = tools[1]["function"]
    assert weather["strict"] is True
    assert weather["description"] == "Get the weather for a location."
    assert weather["parameters"]["properties"]["location"] == {"type": "string", "description": "a city name"}
    assert weather["parameters"]["required"] == ["location"]
    # each request carries the whole conversation so far, assistant turns in request form
    assert bodies[1]["messages"] == USER + [
        {"role": "assistant", "content": None,
         "tool_calls": [{"id": "call_loc", "type": "function",
                         "function": {"name": "get_current_location", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "call_loc", "content": "Boston"},
    ]
    assert bodies[2]["messages"][-1] == {"role": "tool", "tool_call_id": "call_wx",
                                         "content": '{"temperature": "50degF", "precipitation": "high"}'}
    assert runner.messages[-1] == {"role": "assistant", "content": "Rainy in Boston, about 50F."}
    assert len(runner.messages) == 6
    assert [c.id for c in runner.all_chat_completions()] == ["chatcmpl-1"] * 3
    usage = runner.total_usage()
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (9, 6, 15)
    assert usage.completion_tokens_details.reasoning_tokens == 3
    assert runner.final_function_call().name == "get_weather"
    assert runner.final_function_call_result() == '{"temperature": "50degF", "precipitation": "high"}'
    assert runner.finish_reason == "stop"
    assert runner.final_message().content == "Rainy in Boston, about 50F."


def test_parallel_tool_calls_run_in_order_and_answer_in_order(client: OpenAI, server: OfflineServer,
                                                              calls: Calls) -> None:
    def lookup(key: str) -> str:
        calls.log.append(key)
        return "value-" + key

    turns(server,
          completion(tool_calls=[call("c1", "lookup", {"key": "b"}), call("c2", "lookup", {"key": "a"}),
                                 call("c3", "lookup", {"key": "c"})]),
          completion("done"))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[lookup])
    assert runner.final_content() == "done"
    assert calls.log == ["b", "a", "c"]
    second = sent(server)[1]["messages"]
    assert [m["tool_call_id"] for m in second if m["role"] == "tool"] == ["c1", "c2", "c3"]
    assert [m["content"] for m in second if m["role"] == "tool"] == ["value-b", "value-a", "value-c"]
    assert [c["id"] for c in second[1]["tool_calls"]] == ["c1", "c2", "c3"]


def test_parse_error_goes_back_to_the_model_which_recovers(client: OpenAI, server: OfflineServer,
                                                           calls: Calls) -> None:
    def parse(arguments: str) -> Dict[str, Any]:
        data = json.loads(arguments)
        if not isinstance(data.get("n"), int):
            raise ValueError("n must be an integer")
        return data

    def square(args: Dict[str, Any]) -> int:
        calls.log.append(args)
        return args["n"] ** 2

    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    tool = {"type": "function",
            "function": {"function": square, "parse": parse, "name": "square", "parameters": schema}}
    turns(server,
          completion(tool_calls=[call("c1", "square", {"n": "seven"})]),
          completion(tool_calls=[call("c2", "square", {"n": 7})]),
          completion("49"))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[tool])
    assert runner.final_content() == "49"
    assert calls.log == [{"n": 7}]  # the function never saw the bad arguments
    bodies = sent(server)
    assert bodies[1]["messages"][-1] == {"role": "tool", "tool_call_id": "c1", "content": "n must be an integer"}
    assert bodies[2]["messages"][-1] == {"role": "tool", "tool_call_id": "c2", "content": "49"}
    # the definition went out without the Python-only keys
    assert bodies[0]["tools"] == [{"type": "function", "function": {
        "name": "square", "parameters": {"type": "object", "properties": {"n": {"type": "integer"}}}}}]


def test_invalid_arguments_for_a_function_tool_are_explained_to_the_model(client: OpenAI, server: OfflineServer,
                                                                          calls: Calls) -> None:
    @function_tool
    def add(a: int, b: int) -> int:
        calls.log.append((a, b))
        return a + b

    turns(server,
          completion(tool_calls=[call("c1", "add", '{"a": 1, "b": "two"')]),  # cut-off JSON
          completion(tool_calls=[call("c2", "add", {"a": 1, "b": "two"})]),  # wrong type
          completion(tool_calls=[call("c3", "add", {"a": 1, "b": 2})]),
          completion("3"))
    assert client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[add]).final_content() == "3"
    assert calls.log == [(1, 2)]
    bodies = sent(server)
    first, second = bodies[1]["messages"][-1]["content"], bodies[2]["messages"][-1]["content"]
    assert "not valid JSON" in first and "'add'" in first
    assert "$.b" in second and "integer" in second
    assert bodies[3]["messages"][-1]["content"] == "3"


def test_an_exception_in_a_function_is_sent_back_not_raised(client: OpenAI, server: OfflineServer) -> None:
    def flaky(city: str) -> str:
        if city == "Atlantis":
            raise LookupError("no such city: Atlantis")
        return "sunny in " + city

    turns(server,
          completion(tool_calls=[call("c1", "flaky", {"city": "Atlantis"})]),
          completion(tool_calls=[call("c2", "flaky", {"city": "Paris"})]),
          completion("Paris is sunny."))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[flaky])
    results: List[str] = []
    runner.on("function_call_result", results.append)
    assert runner.final_content() == "Paris is sunny."
    assert results == ["Error: LookupError: no such city: Atlantis", "sunny in Paris"]
    assert sent(server)[1]["messages"][-1]["content"] == "Error: LookupError: no such city: Atlantis"


def test_unknown_function_is_answered_with_the_available_names(client: OpenAI, server: OfflineServer,
                                                               weather_tools: List[Any], calls: Calls) -> None:
    turns(server,
          completion(tool_calls=[call("c1", "get_forecast", {"days": 3})]),
          completion(tool_calls=[call("c2", "get_current_location")]),
          completion("You are in Boston."))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=weather_tools)
    assert runner.final_content() == "You are in Boston."
    reply = sent(server)[1]["messages"][-1]
    assert reply["tool_call_id"] == "c1"
    assert '"get_forecast"' in reply["content"]
    assert '"get_current_location"' in reply["content"] and '"get_weather"' in reply["content"]
    assert calls.log == [("get_current_location",)]


def test_forced_tool_choice_returns_after_one_run(client: OpenAI, server: OfflineServer,
                                                  weather_tools: List[Any], calls: Calls) -> None:
    choice = {"type": "function", "function": {"name": "get_weather"}}
    turns(server, completion(tool_calls=[call("c1", "get_weather", {"location": "Oslo"})]))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=weather_tools, tool_choice=choice)
    runner.until_done()
    assert len(sent(server)) == 1
    assert sent(server)[0]["tool_choice"] == choice
    assert calls.log == [("get_weather", "Oslo")]
    assert runner.messages[-1]["role"] == "tool"
    assert runner.final_function_call_result() == '{"temperature": "50degF", "precipitation": "high"}'
    assert runner.final_content() is None  # the last assistant message only called the tool
    assert runner.finish_reason == "tool_calls"


def test_forced_tool_choice_loops_only_to_recover_from_bad_arguments(client: OpenAI, server: OfflineServer,
                                                                     weather_tools: List[Any], calls: Calls) -> None:
    choice = {"type": "function", "function": {"name": "get_weather"}}
    turns(server,
          completion(tool_calls=[call("c1", "get_current_location")]),  # not the forced function
          completion(tool_calls=[call("c2", "get_weather", {"place": "Oslo"})]),  # bad arguments
          completion(tool_calls=[call("c3", "get_weather", {"location": "Oslo"})]),
          completion("never requested"))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=weather_tools, tool_choice=choice)
    runner.until_done()
    bodies = sent(server)
    assert len(bodies) == 3
    assert server.pending == 1
    assert calls.log == [("get_weather", "Oslo")]
    assert '"get_weather" requested' in bodies[1]["messages"][-1]["content"]
    assert "unexpected argument 'place'" in bodies[2]["messages"][-1]["content"]


def test_max_chat_completions_bounds_the_loop(client: OpenAI, server: OfflineServer, calls: Calls) -> None:
    def ping() -> str:
        calls.log.append("ping")
        return "pong"

    server.enqueue(Scripted(json=completion(tool_calls=[call("c", "ping")]), repeat=5), path="/v1/chat/completions")
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[ping], max_chat_completions=3)
    assert runner.final_content() is None
    assert len(sent(server)) == 3
    assert len(runner.all_chat_completions()) == 3
    assert calls.log == ["ping"] * 3
    assert runner.messages[-1] == {"role": "tool", "tool_call_id": "c", "content": "pong"}


def test_default_bound_is_ten_completions(client: OpenAI, server: OfflineServer) -> None:
    server.enqueue(Scripted(json=completion(tool_calls=[call("c", "ping")]), repeat=12), path="/v1/chat/completions")
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping])
    runner.until_done()
    assert len(sent(server)) == 10


def lambda_free_ping() -> str:
    return "pong"


def test_results_str_as_is_other_values_json(client: OpenAI, server: OfflineServer) -> None:
    @dataclasses.dataclass
    class Point:
        x: int
        y: int

    raw_seen: List[str] = []

    def raw(arguments: str) -> Any:  # a dict tool without parse gets the JSON text
        raw_seen.append(arguments)
        return {"ok": True, "point": Point(1, 2), "none": None, "text": "héllo"}

    def text() -> str:
        return '{"already": "json"}'

    def nothing() -> None:
        return None

    tools = [{"type": "function", "function": {"function": raw, "name": "raw",
                                               "parameters": {"type": "object", "properties": {}}}},
             text, nothing]
    turns(server,
          completion(tool_calls=[call("c1", "raw", '{"a": 1}'), call("c2", "text"), call("c3", "nothing")]),
          completion("ok"))
    client.chat.completions.run_tools(model=MODEL, messages=USER, tools=tools).until_done()
    assert raw_seen == ['{"a": 1}']
    replies = [m["content"] for m in sent(server)[1]["messages"] if m["role"] == "tool"]
    assert json.loads(replies[0]) == {"ok": True, "point": {"x": 1, "y": 2}, "none": None, "text": "héllo"}
    assert "héllo" in replies[0]  # not \u-escaped
    assert replies[1] == '{"already": "json"}'
    assert replies[2] == "null"


# --- events --------------------------------------------------------------------------------------------


def test_events_fire_in_order_for_handlers_and_iteration(client: OpenAI, server: OfflineServer,
                                                         weather_tools: List[Any]) -> None:
    turns(server,
          completion(tool_calls=[call("c1", "get_current_location")]),
          completion("Boston it is."))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=weather_tools)
    seen: List[Any] = []
    for name in sorted(RUNNER_EVENTS):
        runner.on(name, lambda *args, _name=name: seen.append((_name,) + args))
    iterated = [event.type for event in runner]
    expected = [
        "connect",
        "chat_completion", "message", "function_call",
        "message", "function_call_result",
        "chat_completion", "message",
        "final_chat_completion", "final_message", "final_content", "final_function_call",
        "final_function_call_result", "total_usage", "end",
    ]
    assert [s[0] for s in seen] == expected
    assert iterated == expected
    by_name = {s[0]: s[1:] for s in seen}
    assert by_name["function_call"][0].name == "get_current_location"
    assert by_name["function_call_result"] == ("Boston",)
    assert by_name["final_content"] == ("Boston it is.",)
    assert by_name["total_usage"][0].total_tokens == 10
    assert by_name["end"] == ()
    assert by_name["message"][0] == {"role": "assistant", "content": "Boston it is."}
    assert runner.ended


def test_iteration_gives_named_event_fields(client: OpenAI, server: OfflineServer) -> None:
    turns(server, completion("hi"))
    events = list(client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping]))
    cc = [e for e in events if e.type == "chat_completion"][0]
    assert cc.completion.choices[0].message.content == "hi"
    assert cc.args == (cc.completion,)
    with pytest.raises(AttributeError):
        cc.delta


def test_once_off_and_unknown_event_names(client: OpenAI, server: OfflineServer) -> None:
    turns(server, completion(tool_calls=[call("c1", "lambda_free_ping")]), completion("done"))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping])
    once: List[Any] = []
    every: List[Any] = []
    removed: List[Any] = []
    runner.once("message", once.append).on("message", every.append).on("message", removed.append)
    runner.off("message", removed.append)
    with pytest.raises(ValueError, match="unknown runner event"):
        runner.on("functionCall", print)
    runner.until_done()
    assert len(once) == 1 and len(every) == 3 and removed == []


def test_abort_from_a_handler_stops_before_the_tool_runs(client: OpenAI, server: OfflineServer,
                                                         weather_tools: List[Any], calls: Calls) -> None:
    turns(server, completion(tool_calls=[call("c1", "get_current_location")]), completion("unused"))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=weather_tools)
    events: List[str] = []
    runner.on("function_call", lambda fn: runner.abort())
    runner.on("abort", lambda err: events.append("abort:" + type(err).__name__))
    runner.on("end", lambda: events.append("end"))
    with pytest.raises(APIUserAbortError):
        runner.until_done()
    assert calls.log == []
    assert len(sent(server)) == 1
    assert events == ["abort:APIUserAbortError", "end"]
    assert runner.aborted and runner.ended and not runner.errored
    with pytest.raises(APIUserAbortError):  # asking again gives the same outcome
        runner.final_content()


def test_abort_after_stopping_iteration_finishes_the_run(client: OpenAI, server: OfflineServer,
                                                         weather_tools: List[Any]) -> None:
    turns(server, completion(tool_calls=[call("c1", "get_current_location")]), completion("unused"))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=weather_tools)
    ended: List[bool] = []
    runner.on("end", lambda: ended.append(True))
    messages: List[Any] = []
    runner.on("message", messages.append)
    for event in runner:
        if event.type == "chat_completion":
            break
    runner.abort()
    assert ended == [True]
    assert messages == []  # nothing more happened after abort()
    assert len(sent(server)) == 1
    with pytest.raises(APIUserAbortError):
        runner.until_done()


def test_api_error_is_an_error_event_then_raised(client: OpenAI, server: OfflineServer) -> None:
    server.enqueue(Scripted.error(400, "Invalid schema for function"), path="/v1/chat/completions")
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping])
    errors: List[Any] = []
    runner.on("error", errors.append)
    with pytest.raises(BadRequestError, match="Invalid schema"):
        runner.final_content()
    assert len(errors) == 1 and isinstance(errors[0], BadRequestError)
    assert runner.errored
    with pytest.raises(BadRequestError):
        runner.until_done()


def test_a_handler_cannot_drive_the_runner(client: OpenAI, server: OfflineServer) -> None:
    turns(server, completion("hi"))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping])
    runner.on("chat_completion", lambda c: runner.until_done())
    with pytest.raises(RuntimeError, match="already running"):
        runner.until_done()


# --- options and edge cases ------------------------------------------------------------------------


def test_length_finish_reason_stops_the_loop_and_is_kept(client: OpenAI, server: OfflineServer,
                                                         calls: Calls, weather_tools: List[Any]) -> None:
    turns(server, completion(tool_calls=[call("c1", "get_weather", '{"location": "Bos')], finish_reason="length"))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=weather_tools)
    runner.until_done()
    assert runner.finish_reason == "length"
    assert calls.log == []
    assert len(sent(server)) == 1


def test_response_format_and_strict_tools_are_parsed(client: OpenAI, server: OfflineServer) -> None:
    @dataclasses.dataclass
    class Answer:
        city: str
        rainy: bool

    def where(country: str) -> str:
        return "Oslo"

    turns(server,
          completion(tool_calls=[call("c1", "where", {"country": "NO"})]),
          completion(json.dumps({"city": "Oslo", "rainy": True})))
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[where], response_format=Answer)
    assert runner.final_message().parsed == Answer("Oslo", True)
    first = runner.all_chat_completions()[0]
    assert first.choices[0].message.tool_calls[0].function.parsed_arguments == {"country": "NO"}
    body = sent(server)[0]
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["name"] == "Answer"
    assert "parsed" not in json.dumps(sent(server)[1]["messages"])  # response-only fields never go back


def test_message_objects_passed_back_in_are_sent_in_request_form(client: OpenAI, server: OfflineServer) -> None:
    turns(server, completion("first"), completion("second"))
    first = client.chat.completions.create(model=MODEL, messages=USER)
    history = USER + [first.choices[0].message, {"role": "user", "content": "again"}]
    runner = client.chat.completions.run_tools(model=MODEL, messages=history, tools=[lambda_free_ping])
    assert runner.final_content() == "second"
    assert sent(server)[1]["messages"][1] == {"role": "assistant", "content": "first"}


def test_missing_tool_call_ids_are_filled_in(client: OpenAI, server: OfflineServer) -> None:
    no_id = call("", "lambda_free_ping")
    turns(server, completion(tool_calls=[no_id]), completion("ok"))
    client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping]).until_done()
    messages = sent(server)[1]["messages"]
    made = messages[1]["tool_calls"][0]["id"]
    assert made.startswith("call_") and len(made) > 10
    assert messages[2]["tool_call_id"] == made


def test_extra_params_go_with_every_request(client: OpenAI, server: OfflineServer) -> None:
    turns(server, completion(tool_calls=[call("c1", "lambda_free_ping")]), completion("ok"))
    client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping], temperature=0.2,
                                      extra_headers={"X-Trace": "t1"}, extra_body={"custom": 1}).until_done()
    for request in server.requests:
        assert request.headers["X-Trace"] == "t1"
        assert request.json()["temperature"] == 0.2 and request.json()["custom"] == 1
        assert "max_chat_completions" not in request.json() and "stream" not in request.json()


def test_bad_tools_and_options_fail_before_any_request(client: OpenAI, server: OfflineServer) -> None:
    completions = client.chat.completions
    with pytest.raises(TypeError, match="no function to call"):
        completions.run_tools(model=MODEL, messages=USER,
                              tools=[{"type": "function", "function": {"name": "x", "parameters": {}}}])
    with pytest.raises(TypeError):
        completions.run_tools(model=MODEL, messages=USER, tools=[42])
    with pytest.raises(ValueError, match="n=1"):
        completions.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping], n=2)
    with pytest.raises(ValueError, match="max_chat_completions"):
        completions.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping], max_chat_completions=0)
    with pytest.raises(ValueError, match="unique"):
        completions.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping, function_tool(lambda_free_ping)])
    assert server.requests == []


def test_beta_namespace_and_raw_mode_run_the_same(client: OpenAI, server: OfflineServer) -> None:
    turns(server, completion("a"), completion("b"))
    assert client.beta.chat.completions.run_tools(model=MODEL, messages=USER,
                                                  tools=[lambda_free_ping]).final_content() == "a"
    raw = client.chat.completions.with_raw_response.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping])
    assert raw.final_content() == "b"


def test_tools_the_api_runs_are_passed_through(client: OpenAI, server: OfflineServer) -> None:
    turns(server, completion("ok"))
    web = {"type": "custom", "custom": {"name": "grammar_tool"}}
    client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping, web]).until_done()
    assert sent(server)[0]["tools"][1] == web


# --- streaming ----------------------------------------------------------------------------------------


def sse(events: List[Dict[str, Any]]) -> Scripted:
    chunks = ["data: %s\n\n" % json.dumps(e) for e in events] + ["data: [DONE]\n\n"]
    return Scripted(chunks=chunks, chunked=True, content_type="text/event-stream")


def chunk(delta: Dict[str, Any], finish: Optional[str] = None, usage: Any = None) -> Dict[str, Any]:
    body: Dict[str, Any] = {"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1700000000,
                            "model": MODEL, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                                          "finish_reason": finish}]}
    if usage is not None:
        body["usage"] = usage
    return body


def streamed_tool_call(call_id: str, name: str, arguments: str) -> List[Dict[str, Any]]:
    half = len(arguments) // 2
    return [
        chunk({"role": "assistant", "content": None, "tool_calls": [
            {"index": 0, "id": call_id, "type": "function", "function": {"name": name, "arguments": ""}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments[:half]}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments[half:]}}]}),
        chunk({}, "tool_calls"),
    ]


def streamed_text(*pieces: str) -> List[Dict[str, Any]]:
    return ([chunk({"role": "assistant", "content": ""})] + [chunk({"content": p}) for p in pieces]
            + [chunk({}, "stop")])


@pytest.fixture
def streaming_helper() -> None:
    pytest.importorskip("openai_lite.lib.streaming.chat", reason="the chat streaming helper has not landed")


def test_streaming_run_tools_two_step_chain(streaming_helper: None, client: OpenAI, server: OfflineServer,
                                            weather_tools: List[Any], calls: Calls) -> None:
    server.enqueue(sse(streamed_tool_call("c1", "get_current_location", "{}")), path="/v1/chat/completions")
    server.enqueue(sse(streamed_tool_call("c2", "get_weather", '{"location": "Boston"}')), path="/v1/chat/completions")
    server.enqueue(sse(streamed_text("Rain", "y in ", "Boston.")), path="/v1/chat/completions")
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=weather_tools, stream=True)
    assert isinstance(runner, ChatCompletionStreamingRunner)
    content: List[Any] = []
    runner.on("content", lambda delta, snapshot: content.append((delta, snapshot)))
    assert runner.final_content() == "Rainy in Boston."
    assert content == [("Rain", "Rain"), ("y in ", "Rainy in "), ("Boston.", "Rainy in Boston.")]
    assert calls.log == [("get_current_location",), ("get_weather", "Boston")]
    bodies = sent(server)
    assert [b["stream"] for b in bodies] == [True, True, True]
    assert bodies[2]["messages"][-2]["tool_calls"][0]["function"] == {"name": "get_weather",
                                                                     "arguments": '{"location": "Boston"}'}
    assert bodies[2]["messages"][-1] == {"role": "tool", "tool_call_id": "c2",
                                         "content": '{"temperature": "50degF", "precipitation": "high"}'}
    assert len(runner.all_chat_completions()) == 3


def test_streaming_runner_events_in_order(streaming_helper: None, client: OpenAI, server: OfflineServer,
                                          weather_tools: List[Any]) -> None:
    server.enqueue(sse(streamed_tool_call("c1", "get_current_location", "{}")), path="/v1/chat/completions")
    server.enqueue(sse(streamed_text("Bos", "ton")), path="/v1/chat/completions")
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=weather_tools, stream=True)
    everything = list(runner)
    assert [e.type for e in everything[:2]] == ["connect", "chunk"]
    chunks = [e for e in everything if e.type == "chunk"]
    assert len(chunks) == 4 + 4  # every chunk of both turns, with the snapshot so far
    assert chunks[-1].snapshot.choices[0].message.content == "Boston"
    assert chunks[-1].chunk.choices[0].finish_reason == "stop"
    names = [e.type for e in everything if e.type != "chunk"]
    assert names == [
        "connect", "chat_completion", "message", "function_call", "message", "function_call_result",
        "content", "content", "chat_completion", "message",
        "final_chat_completion", "final_message", "final_content", "final_function_call",
        "final_function_call_result", "end",
    ]


def test_streaming_abort_closes_the_stream(streaming_helper: None, client: OpenAI, server: OfflineServer) -> None:
    server.enqueue(sse(streamed_text("a", "b", "c", "d")), path="/v1/chat/completions")
    runner = client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[lambda_free_ping], stream=True)
    deltas: List[str] = []

    def on_content(delta: str, snapshot: str) -> None:
        deltas.append(delta)
        runner.abort()

    runner.on("content", on_content)
    with pytest.raises(APIUserAbortError):
        runner.until_done()
    assert deltas == ["a"]
    assert runner.all_chat_completions() == []


def test_example_runs_offline() -> None:
    import os
    import subprocess
    import sys

    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    env["PYTHONPATH"] = repo + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, os.path.join(repo, "examples", "tool_runner.py")], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "model calls  get_weather({\"location\": \"Boston\"})" in lines
    assert lines[-2].startswith("final answer: It's rainy in Boston")
    assert lines[-1] == "3 requests, 216 tokens"
