"""Embeddings: embed a few sentences in one call and rank them against a query by cosine similarity.

With OPENAI_API_KEY set this calls the real API. Without it, it starts the offline server that
ships with openai_lite (openai_lite.testing), whose vectors are deterministic but not semantic.
"""
import math
import os

from openai_lite import OpenAI

DOCUMENTS = [
    "The cat sat on the mat.",
    "Stock markets fell sharply on Monday.",
    "A kitten is sleeping on the rug.",
]


def cosine(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def main(client: OpenAI, model: str = "text-embedding-3-small") -> None:
    query = "Where is the cat?"
    response = client.embeddings.create(model=model, input=[query] + DOCUMENTS)
    vectors = [item.embedding for item in sorted(response.data, key=lambda item: item.index)]
    print("%d vectors of %d dimensions, %d tokens" % (len(vectors), len(vectors[0]), response.usage.total_tokens))
    ranked = sorted(zip(DOCUMENTS, vectors[1:]), key=lambda pair: cosine(vectors[0], pair[1]), reverse=True)
    for document, vector in ranked:
        print("%.3f  %s" % (cosine(vectors[0], vector), document))

    short = client.embeddings.create(model=model, input="hello", dimensions=64)
    print("with dimensions=64:", len(short.data[0].embedding), "dimensions")


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
