"""Convenience properties openai-python defines on some API types (``Response.output_text``).

The types themselves are generated (tools/generate.py); ``BaseModel.__init_subclass__`` adds what
is here to a generated class of the same name, so the generator needs no hand-written code and a
subclass (``ParsedResponse``) inherits it.
"""
from __future__ import annotations

from typing import Any, Dict, List

__all__ = ["PROPERTIES"]


def _response_output_text(self: Any) -> str:
    """All ``output_text`` parts of the ``message`` items of ``output``, joined ("" when none)."""
    texts: List[str] = []
    for item in self.output or ():
        if getattr(item, "type", None) != "message":
            continue
        for part in getattr(item, "content", None) or ():
            if getattr(part, "type", None) == "output_text":
                text = getattr(part, "text", None)
                if text is not None:
                    texts.append(text)
    return "".join(texts)


def _message_output_text(self: Any) -> str:
    """The ``output_text`` parts of this message's ``content``, joined ("" when none)."""
    return "".join(part.text or "" for part in self.content or () if getattr(part, "type", None) == "output_text")


# Generated type name -> {property name: getter}. Names of openai-python's types that have them.
PROPERTIES: Dict[str, Dict[str, Any]] = {
    "Response": {"output_text": _response_output_text},
    "BetaResponse": {"output_text": _response_output_text},
    "AgentSessionMessage": {"output_text": _message_output_text},
    "BetaAgentSessionMessage": {"output_text": _message_output_text},
}
