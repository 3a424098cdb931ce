import openai_lite as openai

resp = openai.ChatCompletion.create(
    model="gpt-3.5-turbo",
    messages=[{"role": "system", "content": "You are helpful."}, {"role": "user", "content": "hello there"}],
    temperature=0.2,
)
print(resp["choices"][0]["message"]["content"])
print(resp.choices[0].message.content)
print(resp.get("usage")["total_tokens"], "usage" in resp, isinstance(resp, dict))
print(resp.get("no_such_field", "default"))
