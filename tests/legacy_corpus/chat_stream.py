import sys

import openai_lite as openai

parts = []
for chunk in openai.ChatCompletion.create(
    model="gpt-3.5-turbo", messages=[{"role": "user", "content": "stream me"}], stream=True
):
    content = chunk["choices"][0]["delta"].get("content")
    if content:
        parts.append(content)
        sys.stdout.write(content)
print()
print(len(parts), type(chunk).__name__, chunk.choices[0].finish_reason)
