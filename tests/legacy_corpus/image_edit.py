import base64
import os
import tempfile

import openai_lite as openai

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
folder = tempfile.mkdtemp()
for name in ("sunlit_lounge.png", "mask.png"):
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(PNG)

resp = openai.Image.create_edit(
    image=open(os.path.join(folder, "sunlit_lounge.png"), "rb"),
    mask=open(os.path.join(folder, "mask.png"), "rb"),
    prompt="A sunlit indoor lounge area with a pool containing a flamingo",
    n=1,
    size="256x256",
)
print(resp.data[0].url)
