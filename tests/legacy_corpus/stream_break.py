import openai_lite as openai

stream = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": "a b c d e"}],
                                      stream=True)
first = next(iter(stream))
print(first["choices"][0]["delta"]["role"])
stream.close()
resp = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": "next"}])
print(resp.choices[0].message.content)
