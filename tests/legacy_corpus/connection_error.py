import os

import openai_lite as openai

openai.api_base = os.environ["DEAD_URL"]
try:
    openai.Embedding.create(input="x", model="text-embedding-ada-002")
except openai.error.APIConnectionError as e:
    print("connection error:", type(e).__name__, e.http_status)
