"""Vector stores: upload several documents at once (bounded concurrency), wait until they are
indexed, search them, add one more file, and clean up.

Needs OPENAI_API_KEY (the offline server does not implement vector stores).
"""
import os
import sys

from openai_lite import OpenAI

DOCUMENTS = [
    ("cats.md", b"# Cats\nCats sleep up to sixteen hours a day, often in warm, sunny spots.\n"),
    ("markets.md", b"# Markets\nStock markets fell sharply on Monday after the rate decision.\n"),
    ("lighthouses.md", b"# Lighthouses\nA lighthouse keeper trims the wick and winds the clockwork.\n"),
]


def main(client: OpenAI) -> None:
    store = client.vector_stores.create(name="openai_lite example")
    uploaded = []
    try:
        # Uploads at most max_concurrency files at a time, creates one batch, polls it.
        batch = client.vector_stores.file_batches.upload_and_poll(store.id, files=DOCUMENTS, max_concurrency=3,
                                                                  max_wait_seconds=300)
        print("batch %s: %s, %d files indexed" % (batch.id, batch.status, batch.file_counts.completed))

        extra = client.vector_stores.files.upload_and_poll(
            vector_store_id=store.id, file=("owls.md", b"# Owls\nOwls hunt at night and sleep by day.\n"),
            max_wait_seconds=300)
        print("one more file:", extra.id, extra.status)

        for file in client.vector_stores.files.list(store.id):
            uploaded.append(file.id)
        for result in client.vector_stores.search(store.id, query="Where do cats like to sleep?", max_num_results=2):
            print("%.3f  %s: %s" % (result.score, result.filename, result.content[0].text.strip()[:60]))
    finally:
        client.vector_stores.delete(store.id)
        for file_id in uploaded:
            client.files.delete(file_id)
        print("cleaned up")


if __name__ == "__main__":
    if not os.environ.get("OPENAI_API_KEY"):
        print("This example needs the real API: set OPENAI_API_KEY to run it.")
        sys.exit(0)
    with OpenAI() as client:
        main(client)
