import openai_lite as openai

try:
    openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": "x"}])
except openai.error.RateLimitError:
    print("wrong handler")
except openai.error.OpenAIError as e:
    print("handled", type(e).__name__, e.http_status, str(e))
    print(repr(e).startswith("APIError(message="))
