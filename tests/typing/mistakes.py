"""Deliberate mistakes: ``pyright`` and ``mypy`` must each report an error on exactly the lines
ending in an ``E`` comment (``tests/test_types.py`` compares), and nowhere else. Not run by pytest."""
from __future__ import annotations

import openai_lite
from openai_lite import OpenAI
from openai_lite.types.chat import ChatCompletionMessageParam


def mistakes(client: OpenAI) -> None:
    client.chat.completions.create(model="m", messages=[], temperture=0.2)  # E: misspelled parameter
    client.embeddings.create(model="text-embedding-3-small", input="x", encoding_format="float32")  # E: wrong enum literal
    client.embeddings.create(model="text-embedding-3-small")  # E: missing required argument
    client.files.list(order="newest")  # E: wrong enum literal in a list call
    message: ChatCompletionMessageParam = {"role": "user", "contnt": "hi"}  # E: misspelled key of a request shape
    completion = client.chat.completions.create(model="m", messages=[message])
    print(completion.choices[0].mesage)  # E: misspelled response field
    print(completion.usage.total_tokens)  # E: usage may be None
    client.files.retrieve(42)  # E: wrong argument type
    client.responses.create(model="m", input="hi", tool_choice="sometimes")  # E: value outside a union of literals
    for chunk in client.chat.completions.create(model="m", messages=[], stream=True):
        print(chunk.choices[0].message)  # E: a chunk has a delta, not a message
    client.files.create(file="train.jsonl", purpose="fine-tune")  # E: a plain str is not a file (write a Path)
    client.chat.completions.with_raw_response.create(model="m", messages=[], temperture=0.2)  # E: misspelled parameter, raw
    client.files.with_raw_response.retrieve("file_1").parse().filenme  # E: misspelled field of a raw response's object
    with client.embeddings.with_streaming_response.create(model="m") as response:  # E: missing required argument, streamed
        print(response)
    openai_lite.embeddings.create(model="text-embedding-3-small", input="x", dimensions="256")  # E: wrong type, module-level client
    client.models.retrieve("gpt-4o", timeout="3s")  # E: wrong type of an option every method takes
    client.models.retrieve("gpt-4o", extra_header={"x": "1"})  # E: misspelled option
    client.beta.agents.sessions.stream("sess_1", inputs="x")  # E: misspelled keyword of a helper
