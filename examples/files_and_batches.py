"""Files and the Batch API: upload a JSONL file with a progress callback, start a batch,
check on it, read its results; upload from bytes and wait until the file is processed.

Needs OPENAI_API_KEY (batch_job.py shows a whole job, which the offline server can run).
"""
import json
import os
import pathlib
import sys
import tempfile
import time

from openai_lite import OpenAI, to_file

QUESTIONS = ["What is 2 + 2?", "Name one primary colour.", "What is the capital of France?"]
FINISHED = ("completed", "failed", "expired", "cancelled")


def main(client: OpenAI) -> None:
    lines = [{"custom_id": "q%d" % i, "method": "POST", "url": "/v1/chat/completions",
              "body": {"model": "gpt-4o-mini", "max_completion_tokens": 30,
                       "messages": [{"role": "user", "content": question}]}}
             for i, question in enumerate(QUESTIONS)]
    path = pathlib.Path(tempfile.mkdtemp()) / "batch_input.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))

    def progress(sent: int, total: int) -> None:
        sys.stdout.write("\ruploading: %d of %d bytes" % (sent, total))

    # A path is streamed from disk (never read whole); to_file adds a progress callback.
    batch_file = client.files.create(file=to_file(path, progress=progress), purpose="batch")
    print("\nuploaded %s (%s, %d bytes)" % (batch_file.id, batch_file.filename, batch_file.bytes))

    batch = client.batches.create(input_file_id=batch_file.id, endpoint="/v1/chat/completions",
                                  completion_window="24h")
    print("batch %s is %s" % (batch.id, batch.status))
    # A batch finishes within its window, often within minutes: look a few times, then move on.
    for _ in range(12):
        batch = client.batches.retrieve(batch.id)
        if batch.status in FINISHED:
            break
        time.sleep(10)
    print("batch status:", batch.status, "| request counts:", batch.request_counts and batch.request_counts.to_dict())
    if batch.status == "completed" and batch.output_file_id:
        output = client.files.content(batch.output_file_id)  # a binary response: .text, .content, .write_to_file
        for line in output.text.splitlines():
            result = json.loads(line)
            print("  %s -> %s" % (result["custom_id"], result["response"]["body"]["choices"][0]["message"]["content"]))
    elif batch.status not in FINISHED:
        batch = client.batches.cancel(batch.id)
        print("still running after two minutes; cancelled it (%s)" % batch.status)

    # In-memory content needs a filename: pass a (filename, bytes) tuple.
    notes = client.files.create(file=("notes.txt", b"Notes written by the openai_lite example.\n"),
                                purpose="assistants")
    notes = client.files.wait_for_processing(notes.id, poll_interval=1.0, max_wait_seconds=120)
    print("notes file %s is %s" % (notes.id, notes.status))
    print("recent files:", ", ".join(f.filename for f in client.files.list(limit=5).data))

    client.files.delete(notes.id)
    if batch.status in FINISHED:
        client.files.delete(batch_file.id)
    print("cleaned up")


if __name__ == "__main__":
    if not os.environ.get("OPENAI_API_KEY"):
        print("This example needs the real API: set OPENAI_API_KEY to run it.")
        sys.exit(0)
    with OpenAI() as client:
        main(client)
