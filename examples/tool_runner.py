"""Tool runner: the model asks for your location, then for the weather there, then answers.

client.chat.completions.run_tools() calls the Python functions the model asks for, sends
their results back and loops until the model answers in text. Events show each step.

With OPENAI_API_KEY set this calls the real API. Without it, it starts openai_lite's offline
server (openai_lite.testing) and scripts the three model turns the real model would take.
"""
import json
import os
from typing import Any, Dict, List

from openai_lite import OpenAI


def get_current_location() -> str:
    """Get the user's current location."""
    return "Boston"


def get_weather(location: str) -> Dict[str, str]:
    """Get the weather for a location.

    Args:
        location: the city to report on
    """
    return {"location": location, "temperature": "50 degrees", "precipitation": "high"}


def main(client: OpenAI, model: str = "gpt-4o-mini") -> None:
    runner = client.chat.completions.run_tools(
        model=model,
        messages=[{"role": "user", "content": "How is the weather this week?"}],
        tools=[get_current_location, get_weather],  # schemas come from the signatures and docstrings
    )
    runner.on("function_call", lambda call: print("model calls  %s(%s)" % (call.name, call.arguments)))
    runner.on("function_call_result", lambda result: print("function says", result))
    print("final answer:", runner.final_content())
    usage = runner.total_usage()
    print("%d requests, %d tokens" % (len(runner.all_chat_completions()), usage.total_tokens))


def _scripted_turns() -> List[Dict[str, Any]]:
    """What the model answers at each turn: a location call, a weather call, then text."""
    def turn(message: Dict[str, Any], finish_reason: str) -> Dict[str, Any]:
        message = dict({"role": "assistant", "content": None, "refusal": None}, **message)
        return {"id": "chatcmpl-offline", "object": "chat.completion", "created": 1700000000, "model": "offline",
                "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
                "usage": {"prompt_tokens": 60, "completion_tokens": 12, "total_tokens": 72}}

    def call(call_id: str, name: str, arguments: Dict[str, Any]) -> Dict[str, Any]:
        return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}

    return [
        turn({"tool_calls": [call("call_1", "get_current_location", {})]}, "tool_calls"),
        turn({"tool_calls": [call("call_2", "get_weather", {"location": "Boston"})]}, "tool_calls"),
        turn({"content": "It's rainy in Boston this week, around 50 degrees. Take an umbrella."}, "stop"),
    ]


if __name__ == "__main__":
    if os.environ.get("OPENAI_API_KEY"):
        print("Using the real OpenAI API (OPENAI_API_KEY is set).")
        with OpenAI() as client:
            main(client)
    else:
        from openai_lite.testing import OfflineServer, Scripted

        print("OPENAI_API_KEY is not set: running against openai_lite's offline server with scripted turns.")
        with OfflineServer() as server, OpenAI(api_key="sk-offline", base_url=server.url) as client:
            for body in _scripted_turns():
                server.enqueue(Scripted(json=body), path="/v1/chat/completions")
            main(client, model="offline")
