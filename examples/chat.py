"""Chat completions: a short conversation, then the finish reason, token usage and request id.

With OPENAI_API_KEY set this calls the real API. Without it, it starts the offline server that
ships with openai_lite (openai_lite.testing), which echoes the last user message.
"""
import os
from typing import List

from openai_lite import OpenAI
from openai_lite.types.chat import ChatCompletionMessageParam


def main(client: OpenAI, model: str = "gpt-4o-mini") -> None:
    messages: List[ChatCompletionMessageParam] = [
        {"role": "system", "content": "You answer in one short sentence."},
        {"role": "user", "content": "Name three primary colours."},
    ]
    completion = client.chat.completions.create(model=model, messages=messages)
    answer = completion.choices[0].message.content
    print("assistant:", answer)

    # The conversation is the list of messages: append the reply and ask again.
    messages.append({"role": "assistant", "content": answer})
    messages.append({"role": "user", "content": "Now say it in French."})
    follow_up = client.chat.completions.create(model=model, messages=messages, temperature=0.2)
    choice = follow_up.choices[0]
    print("assistant:", choice.message.content)
    print("finish reason:", choice.finish_reason)
    if follow_up.usage is not None:  # typed Optional: a server may leave usage out
        print("tokens:", follow_up.usage.prompt_tokens, "in,", follow_up.usage.completion_tokens, "out")
    print("request id:", follow_up._request_id)


if __name__ == "__main__":
    if os.environ.get("OPENAI_API_KEY"):
        print("Using the real OpenAI API (OPENAI_API_KEY is set).")
        with OpenAI() as client:
            main(client)
    else:
        from openai_lite.testing import OfflineServer

        print("OPENAI_API_KEY is not set: running against openai_lite's offline server.")
        with OfflineServer() as server, OpenAI(api_key="sk-offline", base_url=server.url) as client:
            main(client)
