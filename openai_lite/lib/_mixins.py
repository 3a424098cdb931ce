"""The helper methods the generated resources inherit, loaded on first use.

``client.chat.completions`` is a class of ``openai_lite/resources/chat.py`` that inherits ``stream()``,
``parse()`` and ``run_tools()``. Their code lives in large modules (streaming, structured outputs, the
tool runner) that most programs never need; importing them for the class statement alone cost ~2 ms of
the first touch of ``client.chat.completions`` (about 2% of a Lambda-style cold start). The classes here
stand in the class statement: each attribute is a ``_Deferred`` that imports the real mixin's module
on its first read, then is the real function (signature, docstring and source included).
"""
from __future__ import annotations

import importlib
from typing import Any, Optional

__all__ = ["ChatCompletionsStreamMixin", "ChatCompletionsParseMixin", "ChatCompletionsToolsMixin",
           "ResponsesStreamMixin", "ResponsesParseMixin"]


class _Deferred:
    """A method of ``openai_lite.lib.<module>.<cls>``, resolved on first read."""

    def __init__(self, module: str, cls: str) -> None:
        self.module, self.cls = module, cls
        self.name = ""
        self.function: Optional[Any] = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: Optional[type] = None) -> Any:
        function = self.function
        if function is None:
            real = getattr(importlib.import_module("openai_lite.lib." + self.module), self.cls)
            function = self.function = real.__dict__[self.name]
        return function if obj is None else function.__get__(obj, objtype)


class ChatCompletionsStreamMixin:
    """``stream()`` of ``client.chat.completions`` (openai_lite.lib.streaming.chat)."""

    stream = _Deferred("streaming.chat", "ChatCompletionsStreamMixin")
    # No ``_stream_parsing`` here: ``stream()`` finds the parse mixin's through the resource's bases (the
    # real class's do-nothing hook asks ``super()``, which only works from a subclass of it).


class ChatCompletionsParseMixin:
    """``parse()`` of ``client.chat.completions`` and the structured-outputs hook of its ``stream()``
    (openai_lite.lib.structured)."""

    parse = _Deferred("structured", "ChatCompletionsParseMixin")
    _stream_parsing = _Deferred("structured", "ChatCompletionsParseMixin")


class ChatCompletionsToolsMixin:
    """``run_tools()`` of ``client.chat.completions`` (openai_lite.lib.tools)."""

    run_tools = _Deferred("tools", "ChatCompletionsToolsMixin")


class ResponsesStreamMixin:
    """``stream()`` of ``client.responses`` (openai_lite.lib.streaming.responses)."""

    stream = _Deferred("streaming.responses", "ResponsesStreamMixin")  # (no hook: as above)


class ResponsesParseMixin:
    """``parse()`` of ``client.responses`` and the structured-outputs hook of its ``stream()``
    (openai_lite.lib.structured)."""

    parse = _Deferred("structured", "ResponsesParseMixin")
    _stream_parsing = _Deferred("structured", "ResponsesParseMixin")
