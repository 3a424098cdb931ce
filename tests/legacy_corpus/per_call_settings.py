import os

import openai_lite as openai

resp = openai.ChatCompletion.create(
    model="gpt-3.5-turbo",
    messages=[{"role": "user", "content": "per call"}],
    api_key="sk-per-call",
    organization="org-per-call",
    api_base=os.environ["OFFLINE_URL"],
    request_id="req-legacy-1",
    headers={"X-Custom": "yes"},
)
print(resp.choices[0].message.content)
print(openai.Model.list(api_key="sk-list-key", api_base=os.environ["OFFLINE_URL"]).data[0].id)
