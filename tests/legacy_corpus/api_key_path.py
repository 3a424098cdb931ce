import os
import tempfile

import openai_lite as openai

path = os.path.join(tempfile.mkdtemp(), "key.txt")
with open(path, "w") as handle:
    handle.write("sk-from-file\n")
openai.api_key_path = path
print(openai.Model.retrieve("gpt-4o-mini").id)
