import os

import openai_lite as openai

openai.api_type = "azure_ad"
openai.api_base = os.environ["AZURE_ENDPOINT"]
openai.api_version = "2023-07-01-preview"
openai.api_key = "ad-token-abc"

resp = openai.Completion.create(engine="instruct", prompt="ad auth")
print(resp.choices[0].text.strip())
