import os

import openai_lite as openai

openai.api_type = "azure"
openai.api_base = os.environ["AZURE_ENDPOINT"]
openai.api_key = "azure-key-0123"  # no api_version: 0.28's default for Azure

resp = openai.Embedding.create(deployment_id="my-ada", input="azure text")
print(len(resp["data"][0]["embedding"]))
