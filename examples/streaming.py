"""Streaming chat completions: print tokens as they arrive, and stop a stream early.

With OPENAI_API_KEY set this calls the real API. Without it, it starts the offline server that
ships with openai_lite (openai_lite.testing), which streams back the last user message.
"""
import os
import sys

from openai_lite import OpenAI


def main(client: OpenAI, model: str = "gpt-4o-mini") -> None:
    stream = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "Count from one to ten in words, separated by spaces."}],
        stream=True,
    )
    pieces = []
    for chunk in stream:
        if not chunk.choices:  # a usage-only chunk has no choices
            continue
        delta = chunk.choices[0].delta.content  # None when the chunk carries no text
        if delta:
            pieces.append(delta)
            sys.stdout.write(delta)
            sys.stdout.flush()
    print()
    print("streamed %d pieces, %d characters" % (len(pieces), len("".join(pieces))))

    # Leaving the `with` block (here after the first piece of text) closes the stream and
    # gives the connection back to the pool; nothing more is downloaded.
    with client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "Write a long story about a lighthouse keeper."}],
        stream=True,
    ) as stream:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                print("first piece:", repr(chunk.choices[0].delta.content))
                break
    print("stopped early")


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
