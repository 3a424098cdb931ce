import openai_lite as openai

audio = b"RIFF" + b"\0" * 44
transcript = openai.Audio.transcribe_raw("whisper-1", audio, "clip.wav", language="en")
print(transcript.text)
translation = openai.Audio.translate_raw("whisper-1", audio, "clip.wav")
print(translation.text)
