"""Audio: text to speech saved to a file (whole, and streamed to disk as it arrives), then
speech back to text.

Needs OPENAI_API_KEY (the offline server does not implement audio).
"""
import os
import pathlib
import sys
import tempfile

from openai_lite import OpenAI

TEXT = "openai_lite is a small client for the OpenAI API, built on requests."


def main(client: OpenAI, out_dir: pathlib.Path) -> None:
    # A binary response: nothing is downloaded until you ask (.content, .iter_bytes, .write_to_file).
    speech = client.audio.speech.create(model="gpt-4o-mini-tts", voice="coral", input=TEXT, response_format="mp3")
    path = out_dir / "speech.mp3"
    speech.write_to_file(path)  # streamed to disk in pieces
    print("saved %s (%d bytes)" % (path, path.stat().st_size))

    # The same with headers in hand, writing the body while it arrives.
    with client.audio.speech.with_streaming_response.create(model="gpt-4o-mini-tts", voice="coral",
                                                            input=TEXT) as response:
        print("content type:", response.headers.get("content-type"), "| request id:", response.request_id)
        response.stream_to_file(out_dir / "streamed.mp3")

    transcript = client.audio.transcriptions.create(model="gpt-4o-mini-transcribe", file=path)
    print("transcript:", transcript.text)


if __name__ == "__main__":
    if not os.environ.get("OPENAI_API_KEY"):
        print("This example needs the real API: set OPENAI_API_KEY to run it.")
        sys.exit(0)
    with OpenAI() as client:
        main(client, pathlib.Path(tempfile.mkdtemp()))
