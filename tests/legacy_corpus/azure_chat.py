import os

import openai_lite as openai

openai.api_type = "azure"
openai.api_base = os.environ["AZURE_ENDPOINT"]
openai.api_version = "2023-05-15"
openai.api_key = "azure-key-0123"

resp = openai.ChatCompletion.create(engine="my-gpt35", messages=[{"role": "user", "content": "hi azure"}])
print(resp.choices[0].message.content)
