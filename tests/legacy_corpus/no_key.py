import openai_lite as openai

try:
    openai.Model.list()
except openai.error.AuthenticationError as e:
    print("no key:", "api_key" in str(e))
