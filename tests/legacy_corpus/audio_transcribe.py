import os
import tempfile

import openai_lite as openai

path = os.path.join(tempfile.mkdtemp(), "meeting.mp3")
with open(path, "wb") as handle:
    handle.write(b"ID3" + b"\0" * 97)

audio_file = open(path, "rb")
transcript = openai.Audio.transcribe("whisper-1", audio_file)
print(transcript["text"])
translated = openai.Audio.translate("whisper-1", open(path, "rb"), response_format="text")
print(type(translated).__name__, translated.strip())
