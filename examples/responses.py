"""The Responses API: a response, a follow-up that continues it, and a streamed one.

Needs OPENAI_API_KEY (the offline server does not implement responses).
"""
import os
import sys

from openai_lite import OpenAI


def output_text(response) -> str:
    """The text of a response's message outputs."""
    return "".join(part.text for item in response.output if item.type == "message"
                   for part in item.content if part.type == "output_text")


def main(client: OpenAI, model: str = "gpt-4o-mini") -> None:
    response = client.responses.create(model=model, input="Write a haiku about HTTP keep-alive.")
    print(output_text(response))
    print("status:", response.status, "| tokens:", response.usage and response.usage.total_tokens, "| id:", response.id)

    # The server keeps the conversation: continue from the previous response.
    follow_up = client.responses.create(model=model, previous_response_id=response.id,
                                        input="Now one about TCP slow start.")
    print(output_text(follow_up))

    stream = client.responses.create(model=model, input="Count from one to five.", stream=True)
    for event in stream:
        if event.type == "response.output_text.delta":
            sys.stdout.write(event.delta)
            sys.stdout.flush()
        elif event.type == "response.completed":
            usage = event.response.usage
            print("\n(completed: %s output tokens)" % (usage.output_tokens if usage else "?"))


if __name__ == "__main__":
    if not os.environ.get("OPENAI_API_KEY"):
        print("This example needs the real API: set OPENAI_API_KEY to run it.")
        sys.exit(0)
    with OpenAI() as client:
        main(client)
