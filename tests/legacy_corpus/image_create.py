import openai_lite as openai

resp = openai.Image.create(prompt="a white siamese cat", n=2, size="256x256")
print(len(resp["data"]), resp["data"][0]["url"])
b64 = openai.Image.create(prompt="a cat", response_format="b64_json")
print(b64.data[0].b64_json[:12])
