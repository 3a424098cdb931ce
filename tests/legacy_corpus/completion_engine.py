import openai_lite as openai

# 0.28 code written against the engines API: engine= now names the model.
resp = openai.Completion.create(engine="davinci-002", prompt="old style", max_tokens=5)
print(resp.model, resp.choices[0].text.strip())
