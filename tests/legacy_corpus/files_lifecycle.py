import json
import os
import tempfile

import openai_lite as openai

path = os.path.join(tempfile.mkdtemp(), "mydata.jsonl")
with open(path, "w") as handle:
    handle.write(json.dumps({"messages": [{"role": "user", "content": "hi"}]}) + "\n")

created = openai.File.create(file=open(path, "rb"), purpose="fine-tune")
print(created.id, created.filename, created.purpose, created.bytes)
listing = openai.File.list()
print([f["id"] for f in listing["data"]])
print(openai.File.retrieve(created.id).status)
content = openai.File.download(created.id)
print(type(content).__name__, json.loads(content)["messages"][0]["content"])
deleted = openai.File.delete(created.id)
print(deleted.deleted, len(openai.File.list().data))
