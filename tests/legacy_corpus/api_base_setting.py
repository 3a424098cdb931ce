import os

import openai_lite as openai

openai.api_base = os.environ["OFFLINE_URL"]  # the environment's OPENAI_API_BASE points elsewhere
openai.api_key = "sk-from-code"
openai.organization = "org-legacy"
resp = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": "api base"}])
print(resp.choices[0].message.content)
