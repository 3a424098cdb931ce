"""The short forms of openai-python's former ``openai api`` command, so its shell lines keep working:
``openai-lite api chat.completions.create -m MODEL -g user "Hello"`` and the like.

Per method: the extra flags each parameter also answers to, and defaults the old command applied.
``-g ROLE CONTENT`` (repeated) builds ``messages``; ``-i/--id`` names the object. The two text
methods print text as the old command did (``--json`` for the whole answer).
"""
from __future__ import annotations

from typing import Dict, List

_ID = {"-i", "--id"}
_IMAGE = {"model": ["-m"], "prompt": ["-p"], "n": ["-n", "--num-images"], "size": ["-s"], "image": ["-I"]}
_AUDIO = {"model": ["-m"], "file": ["-f"], "temperature": ["-t"]}

#: method -> parameter -> extra flags
FLAGS: Dict[str, Dict[str, List[str]]] = {
    "chat.completions.create": {"model": ["-m"], "n": ["-n"], "max_tokens": ["-M"], "temperature": ["-t"],
                                "top_p": ["-P"]},
    "completions.create": {"model": ["-m"], "prompt": ["-p"], "max_tokens": ["-M"], "temperature": ["-t"],
                           "top_p": ["-P"], "n": ["-n"]},
    "files.create": {"file": ["-f"], "purpose": ["-p"]},
    "files.retrieve": {"file_id": sorted(_ID)},
    "files.delete": {"file_id": sorted(_ID)},
    "models.retrieve": {"model": sorted(_ID)},
    "models.delete": {"model": sorted(_ID)},
    "images.generate": {k: v for k, v in _IMAGE.items() if k != "image"},
    "images.edit": dict(_IMAGE, mask=["-M"]),
    "images.create_variation": {k: v for k, v in _IMAGE.items() if k != "prompt"},
    "audio.transcriptions.create": _AUDIO,
    "audio.translations.create": _AUDIO,
}

#: method -> parameter -> value used when the option is not given
DEFAULTS: Dict[str, Dict[str, object]] = {
    "audio.transcriptions.create": {"model": "whisper-1"},
    "audio.translations.create": {"model": "whisper-1"},
}

#: methods whose answer the old command printed as text (a completion's text, one choice after another)
TEXT_OUTPUT = frozenset(("chat.completions.create", "completions.create"))
