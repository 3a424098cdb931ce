"""Images: generate a picture, save it, then edit it (the file is uploaded from disk).

Needs OPENAI_API_KEY (the offline server does not implement images).
"""
import base64
import os
import pathlib
import sys
import tempfile

from openai_lite import OpenAI


def main(client: OpenAI, out_dir: pathlib.Path) -> None:
    generated = client.images.generate(model="gpt-image-1", prompt="A watercolour lighthouse at dusk",
                                       size="1024x1024", quality="low")
    first = out_dir / "lighthouse.png"
    first.write_bytes(base64.b64decode(generated.data[0].b64_json or "") if generated.data else b"")
    print("generated:", first, "| tokens:", generated.usage.total_tokens if generated.usage else "n/a")

    # Any file form works for `image`: a Path (streamed from disk), bytes in a (name, bytes) tuple,
    # an open binary file, or a list of them for several input images.
    edited = client.images.edit(model="gpt-image-1", image=first, prompt="Add a full moon above the lighthouse",
                                size="1024x1024", quality="low")
    second = out_dir / "lighthouse-moon.png"
    second.write_bytes(base64.b64decode(edited.data[0].b64_json or "") if edited.data else b"")
    print("edited:", second)


if __name__ == "__main__":
    if not os.environ.get("OPENAI_API_KEY"):
        print("This example needs the real API: set OPENAI_API_KEY to run it.")
        sys.exit(0)
    with OpenAI() as client:
        main(client, pathlib.Path(tempfile.mkdtemp()))
