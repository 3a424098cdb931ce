import openai_lite as openai

openai.log = "debug"
openai.api_key = "sk-SECRET-do-not-log"
print(openai.Model.list().data[0].id)
