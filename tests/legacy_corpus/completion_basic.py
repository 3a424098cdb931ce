import openai_lite as openai

resp = openai.Completion.create(model="gpt-3.5-turbo-instruct", prompt="Say this is a test", max_tokens=7,
                                temperature=0)
print(repr(resp.choices[0].text))
print(resp["object"], resp["usage"]["prompt_tokens"])
