import json

import openai_lite as openai
from openai_lite.util import convert_to_dict

resp = openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": "json"}])
data = json.loads(json.dumps(resp))
print(data["choices"][0]["message"]["role"])
plain = resp.to_dict_recursive()
print(type(plain).__name__, type(plain["choices"][0]["message"]).__name__)
print(convert_to_dict(resp) == plain, json.loads(str(resp)) == plain)
message = resp.choices[0].message
message.extra = "set as attribute"
print(message["extra"], resp["object"])
