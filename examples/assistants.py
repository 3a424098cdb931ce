"""Assistants: an assistant with a function tool, a thread, and a run polled to completion with
create_and_poll / submit_tool_outputs_and_poll.

Needs OPENAI_API_KEY (the offline server does not implement assistants).
"""
import json
import os
import sys
from typing import List

from openai_lite import OpenAI
from openai_lite.types import AssistantToolsFunctionParam
from openai_lite.types.beta.threads import RunsSubmitToolOutputsToolOutputParam

WEATHER_TOOL: AssistantToolsFunctionParam = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The current weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def get_weather(city: str) -> dict:
    return {"city": city, "temperature_c": 21, "sky": "clear"}  # a stand-in for a real lookup


def main(client: OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o-mini", name="openai_lite example",
                                              instructions="Answer briefly. Use tools when they help.",
                                              tools=[WEATHER_TOOL])
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": "What's the weather in Paris? Answer in one sentence."}])
    try:
        # Polls until a terminal status, waiting what the server's openai-poll-after-ms asks
        # (or poll_interval_ms); max_wait_seconds bounds the whole wait (PollTimeoutError).
        run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id,
                                                       max_wait_seconds=180)
        while run.status == "requires_action" and run.required_action is not None:
            outputs: List[RunsSubmitToolOutputsToolOutputParam] = []
            for call in run.required_action.submit_tool_outputs.tool_calls:
                arguments = json.loads(call.function.arguments)
                print("tool call: %s(%s)" % (call.function.name, arguments))
                outputs.append({"tool_call_id": call.id, "output": json.dumps(get_weather(**arguments))})
            run = client.beta.threads.runs.submit_tool_outputs_and_poll(tool_outputs=outputs, run_id=run.id,
                                                                        thread_id=thread.id, max_wait_seconds=180)
        print("run status:", run.status)
        for message in client.beta.threads.messages.list(thread_id=thread.id, order="asc"):
            for part in message.content:
                if part.type == "text":
                    print("%s: %s" % (message.role, part.text.value))
    finally:
        client.beta.threads.delete(thread.id)
        client.beta.assistants.delete(assistant.id)


if __name__ == "__main__":
    if not os.environ.get("OPENAI_API_KEY"):
        print("This example needs the real API: set OPENAI_API_KEY to run it.")
        sys.exit(0)
    with OpenAI() as client:
        main(client)
