import base64
import io

import openai_lite as openai

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
image = io.BytesIO(PNG)
image.name = "corgi.png"
resp = openai.Image.create_variation(image=image, n=3, size="256x256")
print(len(resp.data))
