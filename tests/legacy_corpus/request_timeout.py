import openai_lite as openai

try:
    openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": "slow"}],
                                 request_timeout=0.5)
except openai.error.Timeout as e:
    print("timed out:", type(e).__name__, isinstance(e, openai.error.OpenAIError))
resp = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": "fast"}],
                                    request_timeout=(5, 30))
print(resp.choices[0].message.content)
