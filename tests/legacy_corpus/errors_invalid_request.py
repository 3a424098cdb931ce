import openai_lite as openai

try:
    openai.Model.retrieve("no-such-model")
except openai.error.InvalidRequestError as e:
    print(type(e).__name__, e.http_status, e.code, e.param)
    print(e.user_message)
    print(isinstance(e, openai.error.OpenAIError), isinstance(e, openai.OpenAIError))
    print(e.json_body["error"]["code"], e.error.code)
try:
    openai.ChatCompletion.create(model="gpt-3.5-turbo")
except openai.InvalidRequestError as e:
    print(e.http_status, e.param, "messages" in str(e))
