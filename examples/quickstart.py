"""Quickstart: a chat completion, an embedding, the model list and a moderation.

With OPENAI_API_KEY set this calls the real API. Without it, it starts the offline
server that ships with openai_lite (openai_lite.testing) and runs the same calls there.
"""
import os

from openai_lite import OpenAI


def main(client: OpenAI, model: str = "gpt-4o-mini") -> None:
    completion = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "Say hello in five words."}],
    )
    print("chat:", completion.choices[0].message.content)
    print("  request id:", completion._request_id, "| tokens:", completion.usage and completion.usage.total_tokens)

    embedding = client.embeddings.create(model="text-embedding-3-small", input="hello world")
    print("embedding: %d dimensions, first %.4f" % (len(embedding.data[0].embedding), embedding.data[0].embedding[0]))

    models = [m.id for m in client.models.list()]
    print("models:", ", ".join(models[:5]), "..." if len(models) > 5 else "")

    moderation = client.moderations.create(model="omni-moderation-latest", input="I love kittens")
    print("moderation flagged:", moderation.results[0].flagged)


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
