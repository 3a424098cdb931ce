import openai_lite as openai

functions = [{
    "name": "get_weather",
    "description": "Weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}]
resp = openai.ChatCompletion.create(
    model="gpt-3.5-turbo-0613",
    messages=[{"role": "user", "content": "weather in Paris"}],
    functions=functions,
    function_call="auto",
    max_tokens=50,
    user="user-1234",
)
message = resp["choices"][0]["message"]
print(message.get("function_call") is None, message["content"])
