import openai_lite as openai

resp = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": "after retry"}])
print(resp.choices[0].message.content)
