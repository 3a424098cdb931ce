"""Structured outputs: chat.completions.parse(), responses.parse(), parsed tool arguments,
the result objects, and the partial-JSON parser for streamed snapshots.

The model's answers are scripted on OfflineServer; what was sent is read back from it.
"""
from __future__ import annotations

import copy
import dataclasses
import enum
import json
import os
import pickle
import subprocess
import sys
import textwrap
from typing import Any, Dict, List, Literal, Optional, TypedDict

import pytest

from openai_lite import (
    ContentFilterFinishReasonError,
    LengthFinishReasonError,
    OpenAI,
    function_tool,
    pydantic_function_tool,
)
from openai_lite.lib._partial_json import parse_partial_json
from openai_lite.lib._schema import SchemaValidationError
from openai_lite.lib.structured import (
    ParsedChatCompletion,
    ParsedChatCompletionMessage,
    ParsedResponse,
    ParsedResponseFunctionToolCall,
    ParsedResponseOutputText,
)
from openai_lite.testing import OfflineServer, Scripted

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = "gpt-4o-2024-08-06"
USER = [{"role": "user", "content": "Extract the event."}]


# --- the types answers are parsed into -------------------------------------------------------------


class Priority(enum.Enum):
    LOW = "low"
    HIGH = "high"


@dataclasses.dataclass
class Person:
    name: str
    age: Optional[int] = None


@dataclasses.dataclass
class CalendarEvent:
    """An event on a calendar."""

    name: str
    date: str
    participants: List[Person]
    priority: Priority
    kind: Literal["meeting", "party"] = "meeting"


class Address(TypedDict):
    city: str
    zip: Optional[str]


EVENT_JSON = {"name": "Science fair", "date": "Friday", "priority": "high", "kind": "party",
              "participants": [{"name": "Alice", "age": 30}, {"name": "Bob", "age": None}]}


# --- a strict-mode checker (the rules structured outputs enforce) -------------------------------------

_ALLOWED = {"type", "properties", "required", "additionalProperties", "items", "anyOf", "enum", "const", "$ref",
            "$defs", "description", "title", "format", "pattern", "minLength", "maxLength", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems"}


def assert_strict(schema: Dict[str, Any]) -> None:
    defs = schema.get("$defs", {})

    def visit(node: Any, path: str, root: bool) -> None:
        assert isinstance(node, dict) and node, path
        assert set(node) <= _ALLOWED, "%s: %s" % (path, sorted(set(node) - _ALLOWED))
        assert root or "$defs" not in node, path
        if "$ref" in node:
            assert set(node) == {"$ref"} and node["$ref"][len("#/$defs/"):] in defs, path
            return
        if node.get("type") == "object" or "properties" in node:
            assert node.get("additionalProperties") is False, path
            assert node.get("required") == list(node.get("properties", {})), path
            for key, sub in node["properties"].items():
                visit(sub, path + "." + key, False)
        if "items" in node:
            visit(node["items"], path + "[]", False)
        for i, sub in enumerate(node.get("anyOf", [])):
            visit(sub, "%s|%d" % (path, i), False)

    visit(schema, "$", True)
    for name, sub in defs.items():
        visit(sub, "$defs." + name, False)


# --- scripted answers --------------------------------------------------------------------------------


def completion(content: Optional[str] = None, *, refusal: Optional[str] = None, finish_reason: str = "stop",
               tool_calls: Optional[List[Dict[str, Any]]] = None, n: int = 1) -> Dict[str, Any]:
    message: Dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal, "annotations": []}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": "chatcmpl-p", "object": "chat.completion", "created": 1700000000, "model": MODEL,
        "choices": [{"index": i, "message": message, "logprobs": None, "finish_reason": finish_reason}
                    for i in range(n)],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


def answer(server: OfflineServer, body: Dict[str, Any]) -> None:
    server.enqueue(Scripted(json=body, headers={"x-request-id": "req_parse"}), path="/v1/chat/completions")


def call(call_id: str, name: str, arguments: Any) -> Dict[str, Any]:
    return {"id": call_id, "type": "function",
            "function": {"name": name, "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments)}}


def parse(client: OpenAI, **kwargs: Any) -> Any:
    return client.chat.completions.parse(model=MODEL, messages=USER, **kwargs)


# --- chat.completions.parse ------------------------------------------------------------------------------


def test_parse_into_a_dataclass(client: OpenAI, server: OfflineServer) -> None:
    answer(server, completion(json.dumps(EVENT_JSON)))
    result = parse(client, response_format=CalendarEvent)
    assert isinstance(result, ParsedChatCompletion)
    message = result.choices[0].message
    assert isinstance(message, ParsedChatCompletionMessage)
    assert message.parsed == CalendarEvent("Science fair", "Friday", [Person("Alice", 30), Person("Bob")],
                                           Priority.HIGH, "party")
    assert message.parsed is message.parsed  # one object, not rebuilt on every read
    assert result._request_id == "req_parse"
    assert result.usage.total_tokens == 18

    sent = server.last_request
    assert sent.headers["X-Stainless-Helper-Method"] == "chat.completions.parse"
    fmt = sent.json()["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "CalendarEvent" and fmt["json_schema"]["strict"] is True
    assert_strict(fmt["json_schema"]["schema"])
    assert fmt["json_schema"]["schema"]["properties"]["priority"] == {"type": "string", "enum": ["low", "high"]}
    assert "stream" not in sent.json()

    # to_dict()/to_json() carry the parsed value in JSON form
    assert result.to_dict()["choices"][0]["message"]["parsed"] == EVENT_JSON
    assert json.loads(result.to_json())["choices"][0]["message"]["parsed"]["priority"] == "high"
    assert json.loads(message.model_dump_json())["parsed"]["participants"][1] == {"name": "Bob", "age": None}


def test_parse_into_a_typeddict_gives_a_dict(client: OpenAI, server: OfflineServer) -> None:
    answer(server, completion(json.dumps({"city": "Oslo", "zip": None})))
    result = parse(client, response_format=Address)
    assert result.choices[0].message.parsed == {"city": "Oslo", "zip": None}
    assert type(result.choices[0].message.parsed) is dict
    schema = server.last_request.json()["response_format"]["json_schema"]["schema"]
    assert_strict(schema)
    assert schema["properties"]["zip"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}


def test_parse_with_a_json_schema_dict(client: OpenAI, server: OfflineServer) -> None:
    schema = {"title": "Reading", "type": "object",
              "properties": {"value": {"type": "number"}, "unit": {"type": "string"}}, "required": ["value"]}
    answer(server, completion('{"value": 21.5, "unit": null}'))
    result = parse(client, response_format=schema)
    assert result.choices[0].message.parsed == {"value": 21.5, "unit": None}
    fmt = server.last_request.json()["response_format"]["json_schema"]
    assert fmt["name"] == "Reading" and fmt["strict"] is True
    assert_strict(fmt["schema"])  # the optional "unit" became required and nullable
    assert fmt["schema"]["properties"]["unit"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert schema["required"] == ["value"]  # the caller's dict was not changed


def test_a_complete_response_format_dict_is_sent_as_given_and_parsed(client: OpenAI, server: OfflineServer) -> None:
    rf = {"type": "json_schema", "json_schema": {"name": "kv", "schema": {
        "type": "object", "properties": {"k": {"type": "string"}}, "required": ["k"],
        "additionalProperties": False}, "strict": True}}
    answer(server, completion('{"k": "v"}'))
    assert parse(client, response_format=rf).choices[0].message.parsed == {"k": "v"}
    assert server.last_request.json()["response_format"] == rf

    answer(server, completion('{"anything": 1}'))
    loose = parse(client, response_format={"type": "json_object"})
    assert loose.choices[0].message.parsed is None  # json_object answers are not parsed (as openai-python)
    assert loose.choices[0].message.content == '{"anything": 1}'


def test_parse_with_a_pydantic_model(client: OpenAI, server: OfflineServer) -> None:
    pydantic = pytest.importorskip("pydantic")
    if not hasattr(pydantic.BaseModel, "model_json_schema"):
        pytest.skip("pydantic v2 needed")

    class Step(pydantic.BaseModel):
        explanation: str
        output: str

    class Math(pydantic.BaseModel):
        steps: List[Step]
        final_answer: str

    class GetWeather(pydantic.BaseModel):
        """Weather for a city."""

        city: str
        days: int = 1

    body = {"steps": [{"explanation": "add", "output": "2"}], "final_answer": "2"}
    answer(server, completion(json.dumps(body), tool_calls=[call("c1", "GetWeather", {"city": "Rome", "days": None})]))
    result = parse(client, response_format=Math, tools=[pydantic_function_tool(GetWeather)])
    message = result.choices[0].message
    assert isinstance(message.parsed, Math) and message.parsed.steps[0].output == "2"
    arguments = message.tool_calls[0].function.parsed_arguments
    assert isinstance(arguments, GetWeather) and arguments == GetWeather(city="Rome")  # null -> default
    sent = server.last_request.json()
    assert_strict(sent["response_format"]["json_schema"]["schema"])
    tool = sent["tools"][0]["function"]
    assert tool["name"] == "GetWeather" and tool["strict"] is True and tool["description"] == "Weather for a city."
    assert_strict(tool["parameters"])
    assert result.to_dict()["choices"][0]["message"]["parsed"] == body


def test_refusal_leaves_parsed_none(client: OpenAI, server: OfflineServer) -> None:
    answer(server, completion(None, refusal="I can't help with that."))
    message = parse(client, response_format=CalendarEvent).choices[0].message
    assert message.parsed is None
    assert message.refusal == "I can't help with that."
    assert message.to_dict()["parsed"] is None


def test_length_raises_with_the_completion_and_usage(client: OpenAI, server: OfflineServer) -> None:
    answer(server, completion('{"name": "Science', finish_reason="length"))
    with pytest.raises(LengthFinishReasonError) as info:
        parse(client, response_format=CalendarEvent)
    error = info.value
    assert error.completion.choices[0].finish_reason == "length"
    assert error.completion.usage.completion_tokens == 7
    assert "completion_tokens" in str(error)
    again = pickle.loads(pickle.dumps(error))
    assert again.completion.usage.total_tokens == 18


def test_content_filter_raises_with_the_completion(client: OpenAI, server: OfflineServer) -> None:
    answer(server, completion(None, finish_reason="content_filter"))
    with pytest.raises(ContentFilterFinishReasonError) as info:
        parse(client, response_format=CalendarEvent)
    assert info.value.completion.choices[0].finish_reason == "content_filter"
    assert info.value.completion.usage.prompt_tokens == 11


def test_every_choice_is_parsed(client: OpenAI, server: OfflineServer) -> None:
    answer(server, completion(json.dumps({"name": "Ann", "age": 5}), n=2))
    result = parse(client, response_format=Person, n=2)
    assert [c.message.parsed for c in result.choices] == [Person("Ann", 5), Person("Ann", 5)]


def test_invalid_json_content_raises_a_value_error_with_location(client: OpenAI, server: OfflineServer) -> None:
    answer(server, completion('{"name": "Ann", "age": "five"}'))
    with pytest.raises(SchemaValidationError, match=r"\$\.age"):
        parse(client, response_format=Person)
    answer(server, completion("not json"))
    with pytest.raises(ValueError, match="not valid JSON"):
        parse(client, response_format=Person)


# --- parsed tool arguments --------------------------------------------------------------------------------


def test_strict_tools_get_parsed_arguments(client: OpenAI, server: OfflineServer) -> None:
    @function_tool
    def book(person: Person, seats: int = 1) -> str:
        """Book seats for a person."""
        return "ok"

    lookup = {"type": "function", "function": {"name": "lookup", "strict": True, "parameters": {
        "type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"], "additionalProperties": False}}}
    answer(server, completion(None, finish_reason="tool_calls", tool_calls=[
        call("c1", "book", {"person": {"name": "Ann", "age": None}, "seats": 2}),
        call("c2", "lookup", {"q": "trains"}),
        {"id": "c3", "type": "custom", "custom": {"name": "grammar", "input": "x"}},
    ]))
    result = parse(client, tools=[book, lookup])
    calls = result.choices[0].message.tool_calls
    assert calls[0].function.parsed_arguments == {"person": Person("Ann"), "seats": 2}
    assert calls[1].function.parsed_arguments == {"q": "trains"}
    assert calls[2].custom.input == "x" and calls[2].type == "custom"  # kept as it came
    assert result.choices[0].message.parsed is None  # no response_format: nothing to parse
    dumped = result.to_dict()["choices"][0]["message"]["tool_calls"]
    assert dumped[0]["function"]["parsed_arguments"] == {"person": {"name": "Ann", "age": None}, "seats": 2}
    sent = server.last_request.json()["tools"]
    assert sent[0] == book.to_param() and sent[1] == lookup
    assert_strict(sent[0]["function"]["parameters"])


def test_non_strict_and_non_function_tools_are_refused(client: OpenAI, server: OfflineServer) -> None:
    loose = {"type": "function", "function": {"name": "loose", "parameters": {"type": "object"}}}
    with pytest.raises(ValueError, match="`loose` is not strict"):
        parse(client, response_format=Person, tools=[loose])
    with pytest.raises(ValueError, match="not strict"):
        parse(client, tools=[function_tool(lambda_free, strict=False)])
    with pytest.raises(ValueError, match="only `function` tool types"):
        parse(client, tools=[{"type": "custom", "custom": {"name": "g"}}])
    assert server.requests == []


def lambda_free(x) -> str:  # type: ignore[no-untyped-def]
    return str(x)


# --- result objects --------------------------------------------------------------------------------------


def test_parsed_values_survive_copy_pickle_and_model_copy(client: OpenAI, server: OfflineServer) -> None:
    answer(server, completion(json.dumps(EVENT_JSON)))
    result = parse(client, response_format=CalendarEvent)
    expected = result.choices[0].message.parsed
    for clone in (pickle.loads(pickle.dumps(result)), copy.copy(result), copy.deepcopy(result),
                  result.model_copy(), result.model_copy(deep=True)):
        assert type(clone) is ParsedChatCompletion
        assert clone.choices[0].message.parsed == expected
        assert isinstance(clone.choices[0].message.parsed, CalendarEvent)
    deep = copy.deepcopy(result)
    assert deep.choices[0].message.parsed is not expected
    message = result.choices[0].message
    assert pickle.loads(pickle.dumps(message)).parsed == expected


def test_setting_parsed_keeps_the_value_and_a_json_form(client: OpenAI, server: OfflineServer) -> None:
    answer(server, completion(json.dumps({"name": "Ann", "age": 5})))
    message = parse(client, response_format=Person).choices[0].message
    message.parsed = Person("Zed", 9)
    assert message.parsed == Person("Zed", 9)
    assert message.to_dict()["parsed"] == {"name": "Zed", "age": 9}


def test_raw_response_parse_gives_the_parsed_completion(client: OpenAI, server: OfflineServer) -> None:
    answer(server, completion(json.dumps({"name": "Ann", "age": 5})))
    raw = client.chat.completions.with_raw_response.parse(model=MODEL, messages=USER, response_format=Person)
    assert raw.headers["x-request-id"] == "req_parse"
    parsed = raw.parse()
    assert isinstance(parsed, ParsedChatCompletion)
    assert parsed.choices[0].message.parsed == Person("Ann", 5)
    assert raw.parse() is parsed


def test_beta_namespace_parse(client: OpenAI, server: OfflineServer) -> None:
    answer(server, completion(json.dumps({"name": "Ann", "age": 5})))
    result = client.beta.chat.completions.parse(model=MODEL, messages=USER, response_format=Person)
    assert result.choices[0].message.parsed == Person("Ann", 5)


def test_schema_errors_come_before_any_request(client: OpenAI, server: OfflineServer) -> None:
    with pytest.raises(TypeError, match="must describe an object"):
        parse(client, response_format=int)
    with pytest.raises(TypeError):
        parse(client, response_format=Dict[str, int])  # free-form maps are not possible in strict mode
    assert server.requests == []


def test_pydantic_is_never_imported_for_dataclass_typeddict_and_dict_formats() -> None:
    code = textwrap.dedent(
        """
        import dataclasses, json, sys, typing
        from openai_lite import OpenAI, function_tool
        from openai_lite.testing import OfflineServer, Scripted

        @dataclasses.dataclass
        class P:
            name: str

        class T(typing.TypedDict):
            city: str

        def reply(text, tool_calls=None):
            message = {"role": "assistant", "content": text, "refusal": None}
            if tool_calls:
                message["tool_calls"] = tool_calls
            return {"id": "c", "object": "chat.completion", "created": 1, "model": "m",
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}

        def echo(name: str) -> str:
            return name

        with OfflineServer() as server, OpenAI(api_key="sk", base_url=server.url) as client:
            for body in ('{"name": "a"}', '{"city": "b"}', '{"x": 1}'):
                server.enqueue(Scripted(json=reply(body)))
            def parsed(fmt):
                result = client.chat.completions.parse(model="m", messages=[], response_format=fmt)
                return result.choices[0].message.parsed
            assert parsed(P) == P("a")
            assert parsed(T) == {"city": "b"}
            assert parsed({"type": "object", "properties": {"x": {"type": "integer"}}}) == {"x": 1}
            call = {"id": "c1", "type": "function", "function": {"name": "echo", "arguments": '{"name": "z"}'}}
            server.enqueue(Scripted(json=reply(None, [call])))
            server.enqueue(Scripted(json=reply("done")))
            assert client.chat.completions.run_tools(model="m", messages=[], tools=[echo]).final_content() == "done"
        assert "pydantic" not in sys.modules, sorted(m for m in sys.modules if "pydantic" in m)
        print("ok")
        """
    )
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_chat_resource_loads_without_the_schema_module() -> None:
    """client.chat.completions loads no helper module (openai_lite.lib._mixins defers them); the first
    read of a helper loads its module, and schema code loads only when a helper needs it."""
    code = textwrap.dedent(
        """
        import sys
        from openai_lite import OpenAI
        completions = OpenAI(api_key="sk").chat.completions
        helpers = ("openai_lite.lib.tools", "openai_lite.lib.structured", "openai_lite.lib.streaming.chat")
        assert not [name for name in helpers if name in sys.modules]
        completions.parse, completions.run_tools, completions.stream
        assert all(name in sys.modules for name in helpers)
        assert "openai_lite.lib._schema" not in sys.modules
        print("ok")
        """
    )
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


# --- responses.parse -----------------------------------------------------------------------------------------


def response_body(output: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"id": "resp_1", "object": "response", "created_at": 1700000000, "status": "completed", "model": MODEL,
            "output": output, "usage": {"input_tokens": 5, "output_tokens": 9, "total_tokens": 14}}


def output_message(text: str, phase: Optional[str] = None) -> Dict[str, Any]:
    item: Dict[str, Any] = {"id": "msg_1", "type": "message", "role": "assistant", "status": "completed",
                            "content": [{"type": "output_text", "text": text, "annotations": []}]}
    if phase is not None:
        item["phase"] = phase
    return item


def respond(server: OfflineServer, output: List[Dict[str, Any]]) -> None:
    server.enqueue(Scripted(json=response_body(output), headers={"x-request-id": "req_resp"}), path="/v1/responses")


def test_responses_parse_sets_output_parsed(client: OpenAI, server: OfflineServer) -> None:
    respond(server, [{"id": "rs_1", "type": "reasoning", "summary": []}, output_message(json.dumps(EVENT_JSON))])
    result = client.responses.parse(model=MODEL, input="Alice and Bob go to a science fair on Friday.",
                                    text_format=CalendarEvent, text={"verbosity": "low"})
    assert isinstance(result, ParsedResponse)
    assert isinstance(result.output_parsed, CalendarEvent)
    assert result.output_parsed.participants[0] == Person("Alice", 30)
    content = result.output[1].content[0]
    assert isinstance(content, ParsedResponseOutputText) and content.parsed is result.output_parsed
    assert result.output[0].type == "reasoning"
    assert result._request_id == "req_resp"
    assert result.to_dict()["output"][1]["content"][0]["parsed"] == EVENT_JSON

    sent = server.last_request
    assert sent.headers["X-Stainless-Helper-Method"] == "responses.parse"
    text = sent.json()["text"]
    assert text["verbosity"] == "low"
    fmt = text["format"]
    assert fmt["type"] == "json_schema" and fmt["name"] == "CalendarEvent" and fmt["strict"] is True
    assert_strict(fmt["schema"])
    assert sent.json()["input"] == "Alice and Bob go to a science fair on Friday."
    assert pickle.loads(pickle.dumps(result)).output_parsed == result.output_parsed


def test_responses_parse_function_calls_and_phases(client: OpenAI, server: OfflineServer) -> None:
    @function_tool
    def get_weather(city: str, unit: Literal["c", "f"] = "c") -> str:
        """Weather in a city."""
        return "sunny"

    respond(server, [
        output_message('{"city": "draft"}', phase="commentary"),
        {"id": "fc_1", "type": "function_call", "call_id": "call_1", "name": "get_weather",
         "arguments": '{"city": "Rome", "unit": null}', "status": "completed"},
        {"id": "fc_2", "type": "function_call", "call_id": "call_2", "name": "unknown", "arguments": "{}"},
    ])
    result = client.responses.parse(model=MODEL, input="weather?", text_format=Address, tools=[get_weather])
    assert result.output[0].content[0].parsed is None  # commentary is not the answer
    assert result.output_parsed is None
    fc = result.output[1]
    assert isinstance(fc, ParsedResponseFunctionToolCall)
    assert fc.parsed_arguments == {"city": "Rome", "unit": "c"}
    assert result.output[2].parsed_arguments is None
    sent_tool = server.last_request.json()["tools"][0]
    assert sent_tool["type"] == "function" and sent_tool["name"] == "get_weather" and sent_tool["strict"] is True
    assert "function" not in sent_tool  # the Responses API's flat form


def test_responses_parse_refusal_and_format_conflicts(client: OpenAI, server: OfflineServer) -> None:
    refusal = {"id": "msg_1", "type": "message", "role": "assistant", "status": "completed",
               "content": [{"type": "refusal", "refusal": "No."}]}
    respond(server, [refusal])
    result = client.responses.parse(model=MODEL, input="x", text_format=Person)
    assert result.output_parsed is None
    assert result.output[0].content[0].refusal == "No."
    with pytest.raises(TypeError, match="text.format"):
        client.responses.parse(model=MODEL, input="x", text_format=Person, text={"format": {"type": "text"}})
    assert len(server.requests) == 1


def test_responses_parse_with_pydantic_tool(client: OpenAI, server: OfflineServer) -> None:
    pydantic = pytest.importorskip("pydantic")
    if not hasattr(pydantic.BaseModel, "model_json_schema"):
        pytest.skip("pydantic v2 needed")

    class Lookup(pydantic.BaseModel):
        query: str

    respond(server, [{"id": "fc_1", "type": "function_call", "call_id": "c", "name": "Lookup",
                      "arguments": '{"query": "trains"}'}])
    result = client.responses.parse(model=MODEL, input="x", tools=[pydantic_function_tool(Lookup)])
    assert result.output[0].parsed_arguments == Lookup(query="trains")
    tool = server.last_request.json()["tools"][0]
    assert tool["name"] == "Lookup" and tool["strict"] is True and "function" not in tool


# --- pydantic_function_tool --------------------------------------------------------------------------------


def test_pydantic_function_tool_shape_and_refusal_of_other_types() -> None:
    with pytest.raises(TypeError, match="pydantic model"):
        pydantic_function_tool(Person)
    pydantic = pytest.importorskip("pydantic")
    if not hasattr(pydantic.BaseModel, "model_json_schema"):
        pytest.skip("pydantic v2 needed")

    class Query(pydantic.BaseModel):
        text: str
        limit: Optional[int] = None

    tool = pydantic_function_tool(Query, name="search", description="Search things.")
    assert tool["type"] == "function"
    function = tool["function"]
    assert function["name"] == "search" and function["description"] == "Search things." and function["strict"] is True
    assert_strict(function["parameters"])
    assert json.loads(json.dumps(tool)) == tool  # a plain dict on the wire
    assert pydantic_function_tool(Query)["function"].get("description") is None  # no docstring, no description


# --- partial JSON (streamed snapshots) -------------------------------------------------------------------------


def test_partial_json_every_prefix_parses_and_grows() -> None:
    doc = json.dumps({"city": "Zürich \"old\"", "temps": [1, -2.5, 3e2], "ok": True, "none": None,
                      "nested": {"list": [{"a": "b"}, []]}})
    previous_keys = 0
    for end in range(len(doc) + 1):
        value = parse_partial_json(doc[:end])
        assert value is None or isinstance(value, dict)
        keys = len(value or {})
        assert keys >= previous_keys  # members only ever get added
        previous_keys = keys
    assert parse_partial_json(doc) == json.loads(doc)


@pytest.mark.parametrize("text,expected,with_strings", [
    ('{"a": "Zü', {}, {"a": "Zü"}),
    ('{"a": 1, "b": [1, 2', {"a": 1, "b": [1, 2]}, {"a": 1, "b": [1, 2]}),
    ('{"a": tr', {}, {}),
    ('[{"x": 1}, {"y": "\\u00', [{"x": 1}, {}], [{"x": 1}, {"y": ""}]),
    ('{"a": 12', {"a": 12}, {"a": 12}),
    ('', None, None),
])
def test_partial_json_cut_points(text: str, expected: Any, with_strings: Any) -> None:
    assert parse_partial_json(text) == expected
    assert parse_partial_json(text, trailing_strings=True) == with_strings


@pytest.mark.parametrize("bad", ['{]', '[1 2]', '{"a" 1}', 'nope', '{"a": 1}}', '{"a": 01}'])
def test_partial_json_refuses_what_cannot_become_json(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_partial_json(bad)


# --- the streaming helper's parsing hook -----------------------------------------------------------------------


def sse_deltas(server: OfflineServer, deltas: List[Dict[str, Any]], finish_reason: str) -> None:
    """A chat stream: one chunk per delta, then the finishing chunk and [DONE]."""
    def chunk(delta: Dict[str, Any], finish: Optional[str] = None) -> str:
        return "data: %s\n\n" % json.dumps({
            "id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1700000000, "model": MODEL,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]})

    events = [chunk(d) for d in deltas] + [chunk({}, finish_reason), "data: [DONE]\n\n"]
    server.enqueue(Scripted(chunks=events, chunked=True, content_type="text/event-stream"),
                   path="/v1/chat/completions")


def sse_answer(server: OfflineServer, pieces: List[str], finish_reason: str = "stop",
               tool_call: Optional[Dict[str, Any]] = None) -> None:
    deltas = [{"role": "assistant", "content": ""}] + [{"content": p} for p in pieces]
    if tool_call is not None:
        deltas.append({"tool_calls": [dict(tool_call, index=0)]})
    sse_deltas(server, deltas, finish_reason)


@pytest.fixture
def stream_helper(client: OpenAI) -> None:
    if not hasattr(client.chat.completions, "stream"):
        pytest.skip("the chat streaming helper is not mixed into chat.completions yet")


def test_stream_with_response_format_gives_parsed_content_and_completion(
        stream_helper: None, client: OpenAI, server: OfflineServer) -> None:
    text = json.dumps(EVENT_JSON)
    sse_answer(server, [text[:10], text[10:25], text[25:]])
    with client.chat.completions.stream(model=MODEL, messages=USER, response_format=CalendarEvent) as stream:
        done = [event for event in stream if event.type == "content.done"]
    assert len(done) == 1 and isinstance(done[0].parsed, CalendarEvent)
    assert done[0].parsed.participants[1] == Person("Bob")
    final = stream.get_final_completion()
    assert isinstance(final, ParsedChatCompletion)
    assert final.choices[0].message.parsed == done[0].parsed
    sent = server.last_request.json()
    assert sent["stream"] is True
    assert sent["response_format"]["json_schema"]["name"] == "CalendarEvent"
    assert_strict(sent["response_format"]["json_schema"]["schema"])


def test_stream_parses_strict_tool_arguments_and_checks_length(
        stream_helper: None, client: OpenAI, server: OfflineServer) -> None:
    @function_tool
    def book(person: Person) -> str:
        return "ok"

    sse_answer(server, [], finish_reason="tool_calls",
               tool_call=call("c1", "book", {"person": {"name": "Ann", "age": 3}}))
    with client.chat.completions.stream(model=MODEL, messages=USER, tools=[book]) as stream:
        final = stream.get_final_completion()
    assert final.choices[0].message.tool_calls[0].function.parsed_arguments == {"person": Person("Ann", 3)}

    sse_answer(server, ['{"name": "Sci'], finish_reason="length")
    with pytest.raises(LengthFinishReasonError):
        with client.chat.completions.stream(model=MODEL, messages=USER, response_format=CalendarEvent) as stream:
            stream.get_final_completion()

    sse_answer(server, ["plain text, cut"], finish_reason="length")  # nothing to parse: nothing raised
    with client.chat.completions.stream(model=MODEL, messages=USER) as stream:
        plain = stream.get_final_completion()
    assert plain.choices[0].finish_reason == "length"
    assert plain.choices[0].message.content == "plain text, cut"


def test_stream_content_deltas_carry_the_partial_json_so_far(
        stream_helper: None, client: OpenAI, server: OfflineServer) -> None:
    text = json.dumps(EVENT_JSON)
    cuts = [0, 12, 30, 61, len(text)]
    sse_answer(server, [text[a:b] for a, b in zip(cuts, cuts[1:])])
    with client.chat.completions.stream(model=MODEL, messages=USER, response_format=CalendarEvent) as stream:
        deltas = [event for event in stream if event.type == "content.delta"]
    assert [event.parsed for event in deltas] == [parse_partial_json(event.snapshot) for event in deltas]
    assert deltas[0].snapshot == "" and deltas[0].parsed is None  # the role chunk's empty content
    assert deltas[2].parsed == {"name": "Science fair"} and deltas[-1].parsed == EVENT_JSON
    assert all(isinstance(event.parsed, dict) for event in deltas[1:])  # JSON so far, as openai-python's
    assert deltas[1].to_dict()["parsed"] == deltas[1].parsed and "parsed=" in repr(deltas[1])
    again = pickle.loads(pickle.dumps(deltas[2]))
    assert again == deltas[2] and again.parsed == deltas[2].parsed

    sse_answer(server, [text[:20], text[20:]])  # no response_format: nothing is parsed
    with client.chat.completions.stream(model=MODEL, messages=USER) as stream:
        assert [event.parsed for event in stream if event.type == "content.delta"] == [None, None, None]

    sse_answer(server, ["Sorry, I can only ", "answer in prose."])  # not JSON: parsed stays None, no error
    with client.chat.completions.stream(model=MODEL, messages=USER, response_format=CalendarEvent) as stream:
        assert [event.parsed for event in stream if event.type == "content.delta"] == [None, None, None]


def test_stream_partial_json_is_worked_out_only_when_read(
        stream_helper: None, client: OpenAI, server: OfflineServer, monkeypatch: Any) -> None:
    import openai_lite.lib._partial_json as partial

    calls: List[str] = []
    real = partial.parse_partial_json

    def counting(text: str, **kwargs: Any) -> Any:
        calls.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(partial, "parse_partial_json", counting)
    text = json.dumps(EVENT_JSON)
    sse_answer(server, [text[i:i + 4] for i in range(0, len(text), 4)])
    with client.chat.completions.stream(model=MODEL, messages=USER, response_format=CalendarEvent) as stream:
        deltas = [event for event in stream if event.type == "content.delta"]
    assert len(deltas) > 20 and calls == []  # a reader that never looks pays nothing per chunk
    assert deltas[5].parsed == real(deltas[5].snapshot) and deltas[5].parsed is deltas[5].parsed
    assert calls == [deltas[5].snapshot]  # read twice, parsed once


def test_stream_strict_tool_arguments_partial_then_parsed(
        stream_helper: None, client: OpenAI, server: OfflineServer) -> None:
    @function_tool
    def book(person: Person, seats: int) -> str:
        return "ok"

    loose = {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}
    arguments = json.dumps({"person": {"name": "Ann", "age": 3}, "seats": 2})
    first = {"index": 0, "id": "c1", "type": "function", "function": {"name": "book", "arguments": ""}}
    second = {"index": 1, "id": "c2", "type": "function", "function": {"name": "lookup", "arguments": '{"q": "x"}'}}
    sse_deltas(server, [{"role": "assistant", "content": None, "tool_calls": [first]}]
               + [{"tool_calls": [{"index": 0, "function": {"arguments": arguments[i:i + 9]}}]}
                  for i in range(0, len(arguments), 9)]
               + [{"tool_calls": [second]}], "tool_calls")
    with client.chat.completions.stream(model=MODEL, messages=USER, tools=[book, loose]) as stream:
        events = [event for event in stream if event.type.startswith("tool_calls.")]
    book_deltas = [e for e in events if e.type.endswith(".delta") and e.name == "book"]
    assert [e.parsed_arguments for e in book_deltas] == [parse_partial_json(e.arguments) for e in book_deltas]
    assert book_deltas[3].parsed_arguments == {"person": {"name": "Ann"}}  # partial JSON, not yet the types
    done = {e.name: e for e in events if e.type.endswith(".done")}
    assert done["book"].parsed_arguments == {"person": Person("Ann", 3), "seats": 2}  # parsed into the types
    assert done["lookup"].parsed_arguments is None  # not a strict tool: nothing parsed (as openai-python)
    assert all(e.parsed_arguments is None for e in events if e.name == "lookup")
    final = stream.get_final_completion()
    assert final.choices[0].message.tool_calls[0].function.parsed_arguments == done["book"].parsed_arguments
