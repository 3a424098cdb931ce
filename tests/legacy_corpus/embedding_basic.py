import openai_lite as openai

resp = openai.Embedding.create(input="The food was delicious", model="text-embedding-ada-002")
vector = resp["data"][0]["embedding"]
print(type(vector).__name__, len(vector), all(isinstance(x, float) for x in vector))
print(round(sum(x * x for x in vector), 3))
