import openai_lite as openai

texts = ["first", "second", "third"]
resp = openai.Embedding.create(input=texts, model="text-embedding-ada-002", encoding_format="float")
print([item.index for item in resp.data])
print(resp.usage.total_tokens, resp.model)
