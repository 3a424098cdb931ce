import openai_lite as openai

text = ""
for event in openai.Completion.create(model="gpt-3.5-turbo-instruct", prompt="count one two", stream=True):
    text += event["choices"][0]["text"]
print(repr(text))
