"""The offline server's imitation of the wider API (openai_lite/testing/_api_routes.py), read
through our own client as users read the real one."""
import json

import pytest

from openai_lite import AzureOpenAI, BadRequestError, NotFoundError, OpenAI
from openai_lite.testing._api_routes import schema_instance

WEATHER = {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
           "required": ["city", "days"], "additionalProperties": False}


@pytest.fixture
def api(server):
    with OpenAI(api_key="sk-test", base_url=server.url, max_retries=0) as c:
        yield c


def test_schema_instance_follows_refs_unions_enums_and_formats():
    schema = {
        "type": "object",
        "$defs": {"Step": {"type": "object", "properties": {"n": {"type": "number", "minimum": 2}}}},
        "properties": {
            "steps": {"type": "array", "items": {"$ref": "#/$defs/Step"}, "minItems": 2},
            "kind": {"enum": ["a", "b"]},
            "when": {"type": "string", "format": "date-time"},
            "maybe": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
            "fixed": {"const": 7},
            "either": {"type": ["null", "integer"]},
        },
    }
    assert schema_instance(schema) == {"steps": [{"n": 2.0}, {"n": 2.0}], "kind": "a", "when": "2026-01-01T00:00:00Z",
                                       "maybe": False, "fixed": 7, "either": 0}


def test_responses_create_retrieve_delete(server, api):
    response = api.responses.create(model="gpt-4o", input="hello there", instructions="be brief")
    assert response.output[0].content[0].text == "You said: hello there"
    assert response.status == "completed" and response.instructions == "be brief"
    assert api.responses.retrieve(response.id).output[0].content[0].text == "You said: hello there"
    api.responses.delete(response.id)
    with pytest.raises(NotFoundError):
        api.responses.retrieve(response.id)


def test_responses_stream_numbers_events_and_resumes_after_a_sequence_number(api):
    events = list(api.responses.create(model="gpt-4o", input=[{"role": "user", "content": "one two three"}],
                                       stream=True))
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert events[0].type == "response.created" and events[-1].type == "response.completed"
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas == "You said: one two three"
    rid = events[0].response.id
    rest = list(api.responses.retrieve(rid, stream=True, starting_after=5))
    assert [e.sequence_number for e in rest] == list(range(6, len(events)))


def test_responses_call_a_function_tool_until_its_result_is_given(api):
    tool = {"type": "function", "name": "get_weather", "parameters": WEATHER, "strict": True}
    first = api.responses.create(model="gpt-4o", input="weather in Paris?", tools=[tool])
    call = first.output[0]
    assert call.type == "function_call" and call.name == "get_weather"
    assert json.loads(call.arguments) == {"city": "text", "days": 0}
    second = api.responses.create(model="gpt-4o", tools=[tool], input=[
        {"role": "user", "content": "weather in Paris?"},
        {"type": "function_call_output", "call_id": call.call_id, "output": "sunny"}])
    assert second.output[0].type == "message"
    none = api.responses.create(model="gpt-4o", input="hi", tools=[tool], tool_choice="none")
    assert none.output[0].type == "message"
    with pytest.raises(BadRequestError, match=r"tools\[0\]\.name"):  # the chat shape, which the API refuses
        api.responses.create(model="gpt-4o", input="hi", tools=[{"type": "function", "function": tool}])


def test_responses_answer_a_json_schema_format_and_count_input_tokens(server, api):
    shaped = api.responses.create(model="gpt-4o", input="x", text={"format": {
        "type": "json_schema", "name": "weather", "schema": WEATHER, "strict": True}})
    assert json.loads(shaped.output[0].content[0].text) == {"city": "text", "days": 0}
    counted = api.responses.input_tokens.count(model="gpt-4o", input="four words right here")
    assert counted.input_tokens == 4


def test_chat_answers_schemas_and_tools(api):
    shaped = api.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}],
                                         response_format={"type": "json_schema", "json_schema": {
                                             "name": "w", "schema": WEATHER}})
    assert json.loads(shaped.choices[0].message.content) == {"city": "text", "days": 0}
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": WEATHER}},
             {"type": "function", "function": {"name": "other", "parameters": {"type": "object"}}}]
    called = api.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}], tools=tools,
                                         tool_choice={"type": "function", "function": {"name": "other"}})
    assert called.choices[0].finish_reason == "tool_calls"
    assert called.choices[0].message.tool_calls[0].function.name == "other"
    chunks = list(api.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}],
                                              tools=tools, stream=True))
    assert chunks[0].choices[0].delta.tool_calls[0].function.name == "get_weather"
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    with pytest.raises(BadRequestError, match=r"tools\[0\]\.function"):
        api.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}],
                                    tools=[{"type": "function", "name": "get_weather"}])
    answered = api.chat.completions.create(model="gpt-4o", tools=tools, messages=[
        {"role": "user", "content": "x"}, {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}])
    assert answered.choices[0].message.content == "You said: x"


def test_images_generate_with_partial_images(api):
    events = list(api.images.generate(model="gpt-image-1", prompt="an otter", stream=True, partial_images=2))
    assert [e.type for e in events] == ["image_generation.partial_image"] * 2 + ["image_generation.completed"]
    assert api.images.generate(model="gpt-image-1", prompt="an otter", n=2).data[1].b64_json == events[-1].b64_json
    assert api.images.generate(model="dall-e-3", prompt="an otter").data[0].url  # older models answer a URL


def test_assistants_run_streams_a_message(api):
    events = list(api.beta.threads.runs.create("thread_1", assistant_id="asst_1", stream=True, additional_messages=[
        {"role": "user", "content": "hi there"}]))
    names = [e.event for e in events]
    assert names[0] == "thread.run.created" and names[-1] == "thread.run.completed"
    text = "".join(e.data.delta.content[0].text.value for e in events if e.event == "thread.message.delta")
    assert text.strip() == "You said: hi there"
    run = events[-1].data
    assert api.beta.threads.runs.retrieve(run.id, thread_id="thread_1").status == "completed"


def test_azure_deployment_route(server):
    with AzureOpenAI(azure_endpoint=server.root_url, api_key="k", api_version="2024-10-21") as azure:
        done = azure.chat.completions.create(model="my-deployment", messages=[{"role": "user", "content": "hi"}])
    assert done.choices[0].message.content == "You said: hi"
    assert server.requests[-1].path == "/openai/deployments/my-deployment/chat/completions"


def test_state_is_per_server_and_cleared_by_reset(server, api):
    api.responses.create(model="gpt-4o", input="x")
    assert list(server.state["responses"]) == ["resp_1"]
    server.reset()
    assert server.state == {}
