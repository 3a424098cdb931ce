"""Structured outputs: ``parse()`` for chat completions and the Responses API.

``client.chat.completions.parse(response_format=X, ...)`` sends a strict JSON schema built
from ``X`` and returns a ``ParsedChatCompletion`` whose ``choices[i].message.parsed`` is the
answer as ``X``: a dataclass instance, a dict (TypedDict or JSON-schema dict) or a pydantic
model instance. ``client.responses.parse(text_format=X, ...)`` does the same for responses
(``response.output_parsed``). Strict function tools get ``parsed_arguments`` on their calls.

pydantic is never imported here: a pydantic model is recognised by its own methods
(``lib._schema``), so it is only touched when the user passed one.

How a parsed value is stored: the result objects are the usual dict-backed models. The
JSON form of ``parsed`` / ``parsed_arguments`` (what the server sent, decoded) lives in the
object's data, so ``to_dict()``/``to_json()`` include it; the Python value lives in the
object's attribute cache, which is what ``message.parsed`` reads. Copies and pickles carry
the Python values along (``_ParsedModel``).
"""
from __future__ import annotations

import copy as _copy
import json
import sys
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from .._exceptions import ContentFilterFinishReasonError, LengthFinishReasonError
from .._models import BaseModel, _rebuild, resolve_model
from .._types import NOT_GIVEN, NotGiven, Omit, given_args
from ._partial_json import partial_json_or_none

# ``lib._schema`` (schema building and parsing) is imported only when a method needs it: the
# resource classes inherit these mixins, so this module loads with ``client.chat.completions``.

__all__ = [
    "ChatCompletionsParseMixin", "ResponsesParseMixin",
    "ParsedChatCompletion", "ParsedChoice", "ParsedChatCompletionMessage", "ParsedFunctionToolCall", "ParsedFunction",
    "ParsedResponse", "ParsedResponseOutputMessage", "ParsedResponseOutputText", "ParsedResponseFunctionToolCall",
    "PydanticFunctionTool", "pydantic_function_tool",
    "parse_chat_completion", "parse_response", "parse_content", "parsed_tool_arguments",
    "response_format_param", "text_format_param", "has_rich_response_format", "validate_input_tools",
]

_PARSED_KEYS = frozenset(("parsed", "parsed_arguments"))


def _is_function_tool(obj: Any) -> bool:
    """Whether ``obj`` is a ``FunctionTool`` (none can exist before ``lib._schema`` is loaded)."""
    schema = sys.modules.get(__package__ + "._schema")
    return schema is not None and isinstance(obj, schema.FunctionTool)


def _is_pydantic_model(tp: Any) -> bool:
    from ._schema import _is_pydantic_model as check

    return check(tp)


def _parse_value(tp: Any, value: Any) -> Any:
    from ._schema import parse_value

    return parse_value(tp, value)


# --- result objects ---------------------------------------------------------------------------


def _json_form(value: Any) -> Any:
    """A JSON-compatible copy of a Python value for ``to_dict()`` (None when it has none)."""
    from .._encoding import json_default

    try:
        return json.loads(json.dumps(value, default=json_default, allow_nan=False))
    except (TypeError, ValueError):
        return None


class _ParsedModel(BaseModel):
    """A model that carries Python values (``parsed``/``parsed_arguments``) next to its JSON data."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _PARSED_KEYS:
            _set_parsed(self, name, value, _json_form(value))
            return
        BaseModel.__setattr__(self, name, value)

    __setitem__ = __setattr__

    def __reduce__(self) -> Any:
        return (_rebuild_parsed, (type(self), self._data, self._request_id, _collect(self)))

    def __copy__(self) -> Any:
        return _rebuild_parsed(type(self), dict(self._data), self._request_id, _collect(self))

    def __deepcopy__(self, memo: Any) -> Any:
        values = _copy.deepcopy(_collect(self), memo)
        return _rebuild_parsed(type(self), _copy.deepcopy(self._data, memo), self._request_id, values)

    def model_copy(self, *, update: Optional[Dict[str, Any]] = None, deep: bool = False) -> Any:
        clone = self.__deepcopy__({}) if deep else self.__copy__()
        for key, value in (update or {}).items():
            setattr(clone, key, value)
        return clone


def _set_parsed(obj: BaseModel, name: str, value: Any, json_value: Any) -> None:
    obj._data[name] = json_value
    obj._cache[name] = value


def _collect(obj: BaseModel, path: Tuple[Any, ...] = ()) -> List[Tuple[Tuple[Any, ...], Any]]:
    """(path, Python value) of every parsed value held in ``obj``'s materialised children."""
    found: List[Tuple[Tuple[Any, ...], Any]] = []
    for key, value in list(obj._cache.items()):
        if key in _PARSED_KEYS:
            found.append((path + (key,), value))
        elif isinstance(value, BaseModel):
            found.extend(_collect(value, path + (key,)))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    found.extend(_collect(item, path + (key, i)))
    return found


def _restore(obj: BaseModel, values: List[Tuple[Tuple[Any, ...], Any]]) -> None:
    for path, value in values:
        node: Any = obj
        try:
            for step in path[:-1]:
                node = node[step] if isinstance(step, int) else getattr(node, step)
        except (AttributeError, IndexError, KeyError, TypeError):
            continue
        if isinstance(node, BaseModel):
            node._cache[path[-1]] = value


def _rebuild_parsed(cls: type, data: Dict[str, Any], request_id: Optional[str], values: Any) -> Any:
    obj = _rebuild(cls, data, request_id)
    _restore(obj, values)
    return obj


def _generated(name: str) -> type:
    """The generated type ``name`` (``BaseModel`` until the generated types exist)."""
    found = resolve_model(name)
    return found if isinstance(found, type) else BaseModel


def _nested_of(parent: type, field: str) -> Any:
    """How ``parent`` wraps ``field``: a class, a resolver (a discriminated union) or None."""
    found = (getattr(parent, "_nested", None) or {}).get(field)
    return resolve_model(found) if isinstance(found, str) else found  # generated types name them


def _nested_class(parent: type, field: str) -> type:
    found = _nested_of(parent, field)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else BaseModel


def _delegate(parent: type, field: str) -> Any:
    """A fallback wrapper for the items of ``parent.field`` that are not parsed ones."""
    found = _nested_of(parent, field)
    if found is None:
        return lambda raw: BaseModel
    if isinstance(found, type):
        return lambda raw: found
    return found


def _subclass(name: str, base: type, nested: Mapping[str, Any], extra_fields: Iterable[str] = (),
              namespace: Optional[Dict[str, Any]] = None) -> type:
    """``name`` built on the generated ``base`` when there is one, so ``isinstance`` checks
    against the generated types hold (``ParsedChatCompletion`` is a ``ChatCompletion``)."""
    bases: Tuple[type, ...] = (_ParsedModel,) if base is BaseModel else (_ParsedModel, base)
    ns: Dict[str, Any] = {"__slots__": (), "__module__": __name__, "__qualname__": name}
    ns["_nested"] = dict(getattr(base, "_nested", None) or {}, **nested)
    names = getattr(base, "_field_names", frozenset())
    if names:
        ns["_field_names"] = frozenset(names) | frozenset(extra_fields) | frozenset(nested)
    ns.update(namespace or {})
    try:
        return type(name, bases, ns)
    except TypeError:  # a generated base whose layout does not combine with the mixin
        return type(name, (_ParsedModel,), ns)


# The parsed classes derive from the generated types, which load with their module (``types.responses`` is
# large): they are built on first use, not when ``client.chat.completions`` first imports this module.
_CHAT_CLASSES = ("ParsedFunction", "ParsedFunctionToolCall", "ParsedChatCompletionMessage", "ParsedChoice",
                 "ParsedChatCompletion")
_RESPONSE_CLASSES = ("ParsedResponseOutputText", "ParsedResponseFunctionToolCall", "ParsedResponseOutputMessage",
                     "ParsedResponse")


def _build_chat_classes() -> Dict[str, type]:
    completion = _generated("ChatCompletion")
    message = _generated("ChatCompletionMessage")
    tool_call = _generated("ChatCompletionMessageFunctionToolCall")
    other_tool_call = _delegate(message, "tool_calls")

    parsed_function = _subclass("ParsedFunction", _nested_class(tool_call, "function"), {},
                                ("parsed_arguments", "name", "arguments"))
    parsed_tool_call = _subclass("ParsedFunctionToolCall", tool_call, {"function": parsed_function})

    def tool_call_class(raw: Dict[str, Any]) -> type:
        if raw.get("type", "function") == "function":
            return parsed_tool_call
        return other_tool_call(raw)

    parsed_message = _subclass("ParsedChatCompletionMessage", message, {"tool_calls": tool_call_class}, ("parsed",))
    parsed_choice = _subclass("ParsedChoice", _nested_class(completion, "choices"), {"message": parsed_message})
    parsed_completion = _subclass("ParsedChatCompletion", completion, {"choices": parsed_choice})
    return dict(zip(_CHAT_CLASSES, (parsed_function, parsed_tool_call, parsed_message, parsed_choice,
                                    parsed_completion)))


def _build_response_classes() -> Dict[str, type]:
    response = _generated("Response")
    output_message = _generated("ResponseOutputMessage")
    other_output = _delegate(response, "output")
    other_content = _delegate(output_message, "content")

    parsed_text = _subclass("ParsedResponseOutputText", _generated("ResponseOutputText"), {}, ("parsed",))
    parsed_call = _subclass("ParsedResponseFunctionToolCall", _generated("ResponseFunctionToolCall"), {},
                            ("parsed_arguments",))

    def content_class(raw: Dict[str, Any]) -> type:
        if raw.get("type") == "output_text":
            return parsed_text
        return other_content(raw)

    parsed_message = _subclass("ParsedResponseOutputMessage", output_message, {"content": content_class})

    def output_class(raw: Dict[str, Any]) -> type:
        kind = raw.get("type")
        if kind == "message":
            return parsed_message
        if kind == "function_call":
            return parsed_call
        return other_output(raw)

    parsed_response = _subclass("ParsedResponse", response, {"output": output_class},
                                namespace={"output_parsed": property(_output_parsed)})
    return dict(zip(_RESPONSE_CLASSES, (parsed_text, parsed_call, parsed_message, parsed_response)))


def _output_parsed(self: Any) -> Any:
    """The parsed value of the first ``output_text`` of the response's messages (None if none)."""
    for item in self.output or ():
        if getattr(item, "type", None) == "message":
            for content in item.content or ():
                if getattr(content, "type", None) == "output_text" and content.parsed is not None:
                    return content.parsed
    return None


def _parsed_class(name: str) -> type:
    """A parsed class by name, built (with the others of its API) on first use and kept as a module global."""
    found = globals().get(name)
    if found is None:
        globals().update(_build_chat_classes() if name in _CHAT_CLASSES else _build_response_classes())
        found = globals()[name]
    return found


def __getattr__(name: str) -> Any:
    if name in _CHAT_CLASSES or name in _RESPONSE_CLASSES:
        return _parsed_class(name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


# --- input: response formats and tools -----------------------------------------------------------


def _given(value: Any) -> bool:
    return not isinstance(value, (NotGiven, Omit))


def _is_response_format_dict(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("type") in ("json_schema", "json_object", "text") and (
        value.get("type") != "json_schema" or isinstance(value.get("json_schema"), Mapping))


def has_rich_response_format(response_format: Any) -> bool:
    """Whether answers to ``response_format`` are parsed: a type, a JSON-schema dict or a
    ``{"type": "json_schema", ...}`` response format (not ``json_object``/``text``)."""
    if not _given(response_format) or response_format is None:
        return False
    if _is_response_format_dict(response_format):
        return response_format.get("type") == "json_schema"
    return True


def response_format_param(response_format: Any) -> Any:
    """What to send as ``response_format``: a complete response-format dict goes as given,
    a type or a JSON-schema dict becomes a strict ``json_schema`` format."""
    if not _given(response_format) or response_format is None:
        return response_format
    if _is_response_format_dict(response_format):
        return response_format
    from ._schema import type_to_response_format

    return type_to_response_format(response_format)


def text_format_param(text_format: Any) -> Dict[str, Any]:
    """The Responses API form: ``{"type": "json_schema", "name", "schema", "strict": True}``."""
    if isinstance(text_format, Mapping) and text_format.get("type") == "json_schema" and "schema" in text_format:
        return dict(text_format)  # already in the Responses API form
    if _is_response_format_dict(text_format):
        if text_format.get("type") != "json_schema":
            return dict(text_format)
        inner = dict(text_format["json_schema"])
        return dict({"type": "json_schema"}, **inner)
    from ._schema import type_to_response_format

    rf = type_to_response_format(text_format)["json_schema"]
    return {"type": "json_schema", "name": rf["name"], "schema": rf["schema"], "strict": True}


class PydanticFunctionTool(dict):  # type: ignore[type-arg]
    """The ``function`` part of a tool made by :func:`pydantic_function_tool`: a plain dict
    (it serialises as one) that remembers the model its arguments are parsed into."""

    model: Any

    def __init__(self, definition: Mapping[str, Any], model: Any) -> None:
        super().__init__(definition)
        self.model = model

    def __reduce__(self) -> Any:
        return (PydanticFunctionTool, (dict(self), self.model))

    def __copy__(self) -> "PydanticFunctionTool":
        return PydanticFunctionTool(dict(self), self.model)

    def __deepcopy__(self, memo: Any) -> "PydanticFunctionTool":
        return PydanticFunctionTool(_copy.deepcopy(dict(self), memo), self.model)


def pydantic_function_tool(model: Any, *, name: Optional[str] = None,
                           description: Optional[str] = None) -> Dict[str, Any]:
    """A strict function tool whose parameters are the fields of a pydantic model.

    ``parse()`` turns calls of it into instances of ``model`` (``parsed_arguments``).
    As in openai-python, the description defaults to the model's own docstring.
    """
    from ._schema import to_json_schema

    if not _is_pydantic_model(model):
        raise TypeError("pydantic_function_tool expects a pydantic model class, got %r" % (model,))
    if description is None:
        description = model.__doc__
    definition: Dict[str, Any] = {"name": name or model.__name__, "strict": True,
                                  "parameters": to_json_schema(model, strict=True)}
    if description is not None:
        definition["description"] = description
    return {"type": "function", "function": PydanticFunctionTool(definition, model)}


def pydantic_responses_function_tool(model: Any, *, name: Optional[str] = None, description: Optional[str] = None,
                                     defer_loading: Any = NOT_GIVEN) -> Dict[str, Any]:
    """A strict Responses API function tool (the flat ``{"type": "function", "name": ...}`` form)
    whose parameters are the fields of a pydantic model; ``responses.parse`` and
    ``responses.stream`` turn calls of it into instances of ``model``. ``defer_loading`` (with a
    tool-search tool) makes the function discoverable on demand."""
    function = pydantic_function_tool(model, name=name, description=description)["function"]
    tool = _ResponsesTool(dict({"type": "function"}, **function))
    tool.model = model
    if _given(defer_loading):
        tool["defer_loading"] = defer_loading
    return tool


def _tool_kind(tool: Any) -> str:
    if _is_function_tool(tool):
        return "function"
    if isinstance(tool, Mapping):
        return str(tool.get("type"))
    return type(tool).__name__


def _tool_name(tool: Any) -> Optional[str]:
    if _is_function_tool(tool):
        return tool.name
    if isinstance(tool, Mapping):
        function = tool.get("function")
        if isinstance(function, Mapping):
            return function.get("name")
        return tool.get("name")  # the Responses API's flat form
    return None


def _tool_is_strict(tool: Any) -> bool:
    if _is_function_tool(tool):
        return bool(tool.strict)
    if isinstance(tool, Mapping):
        function = tool.get("function")
        if isinstance(function, PydanticFunctionTool):
            return True
        if isinstance(function, Mapping):
            return function.get("strict") is True
        return tool.get("strict") is True
    return False


def validate_input_tools(tools: Any) -> List[Any]:
    """``parse()`` only takes strict function tools (as openai-python); the list, materialised."""
    if not _given(tools) or tools is None:
        return []
    tools = list(tools)
    for tool in tools:
        if _tool_kind(tool) != "function":
            raise ValueError("Currently only `function` tool types support auto-parsing; Received `%s`"
                             % (_tool_kind(tool),))
        if not _tool_is_strict(tool):
            raise ValueError("`%s` is not strict. Only `strict` function tools can be auto-parsed"
                             % (_tool_name(tool),))
    return tools


def parsed_tool_arguments(tools: Iterable[Any], name: Optional[str], arguments: Any) -> Tuple[Any, Any]:
    """(Python value, JSON form) of a call's arguments, when ``name`` is a strict function tool
    in ``tools``: a ``FunctionTool`` gives ``{parameter: value}``, a pydantic tool a model
    instance, a strict dict tool the decoded JSON. (None, None) for other tools."""
    for tool in tools or ():
        if _tool_kind(tool) != "function" or _tool_name(tool) != name:
            continue
        if not _tool_is_strict(tool):
            return None, None
        if _is_function_tool(tool):
            return tool.parse_arguments(arguments), _loads(arguments, "arguments of %r" % (name,))
        decoded = _loads(arguments, "arguments of %r" % (name,))
        function = tool.get("function") if isinstance(tool, Mapping) else None
        if isinstance(function, PydanticFunctionTool):
            return _parse_value(function.model, decoded), decoded
        model = getattr(tool, "model", None)  # a Responses-form pydantic tool
        if model is not None and _is_pydantic_model(model):
            return _parse_value(model, decoded), decoded
        return decoded, decoded
    return None, None


def _loads(text: Any, what: str) -> Any:
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8", "replace")
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError as exc:
        snippet = text if len(text) <= 80 else text[:77] + "..."
        from ._schema import SchemaValidationError

        raise SchemaValidationError("$", "%s is not valid JSON (%s): %s" % (what, exc, snippet)) from None


def parse_content(response_format: Any, content: str) -> Tuple[Any, Any]:
    """(Python value, decoded JSON) of a message's text for ``response_format``."""
    decoded = _loads(content, "the response content")
    if isinstance(response_format, Mapping):
        return decoded, decoded  # a JSON schema: the dict as sent
    return _parse_value(response_format, decoded), decoded


# --- output: chat completions --------------------------------------------------------------------


def parse_chat_completion(completion: Any, *, response_format: Any = NOT_GIVEN, tools: Any = NOT_GIVEN,
                          check_finish_reason: bool = True, raise_tool_errors: bool = True) -> Any:
    """A ``ParsedChatCompletion`` from a ``ChatCompletion`` (or its dict).

    ``finish_reason`` ``length`` / ``content_filter`` raise ``LengthFinishReasonError`` /
    ``ContentFilterFinishReasonError`` (carrying the completion) unless ``check_finish_reason``
    is false, in which case such a choice is kept with ``parsed`` None. A refusal leaves
    ``parsed`` None. Custom (non-function) tool calls are kept as they came. Arguments that
    do not parse raise, unless ``raise_tool_errors`` is false (then ``parsed_arguments`` is None).
    """
    data = completion._data if isinstance(completion, BaseModel) else completion
    request_id = completion._request_id if isinstance(completion, BaseModel) else None
    if not isinstance(data, dict):
        raise TypeError("expected a chat completion, got %s" % type(completion).__name__)
    tool_list = list(tools) if _given(tools) and tools is not None else []
    rich = has_rich_response_format(response_format)
    fmt = response_format["json_schema"] if rich and _is_response_format_dict(response_format) else response_format

    new_choices: List[Any] = []
    values: List[Tuple[Tuple[Any, ...], Any]] = []
    for index, choice in enumerate(data.get("choices") or ()):
        if not isinstance(choice, dict):
            new_choices.append(choice)
            continue
        reason = choice.get("finish_reason")
        if check_finish_reason and reason == "length":
            raise LengthFinishReasonError(completion=completion)
        if check_finish_reason and reason == "content_filter":
            raise ContentFilterFinishReasonError(completion=completion)
        message = dict(choice.get("message") or {})
        parsed: Any = None
        parsed_json: Any = None
        content = message.get("content")
        if rich and isinstance(content, str) and content and not message.get("refusal") and \
                reason not in ("length", "content_filter"):
            parsed, parsed_json = parse_content(fmt, content)
        message["parsed"] = parsed_json
        values.append((("choices", index, "message", "parsed"), parsed))
        calls = message.get("tool_calls")
        if isinstance(calls, list):
            new_calls: List[Any] = []
            for j, call in enumerate(calls):
                if isinstance(call, dict) and call.get("type", "function") == "function" and \
                        isinstance(call.get("function"), dict):
                    function = dict(call["function"])
                    try:
                        value, value_json = parsed_tool_arguments(tool_list, function.get("name"),
                                                                  function.get("arguments"))
                    except ValueError:
                        if raise_tool_errors:
                            raise
                        value = value_json = None
                    function["parsed_arguments"] = value_json
                    call = dict(call, function=function)
                    values.append((("choices", index, "message", "tool_calls", j, "function", "parsed_arguments"),
                                   value))
                new_calls.append(call)
            message["tool_calls"] = new_calls
        new_choices.append(dict(choice, message=message))
    return _rebuild_parsed(_parsed_class("ParsedChatCompletion"), dict(data, choices=new_choices), request_id,
                           values)


# --- output: responses -----------------------------------------------------------------------------


def parse_response(response: Any, *, text_format: Any = NOT_GIVEN, tools: Any = NOT_GIVEN) -> Any:
    """A ``ParsedResponse``: ``parsed`` on every final ``output_text``, ``parsed_arguments``
    on calls of strict function tools, ``output_parsed`` for the first parsed text."""
    data = response._data if isinstance(response, BaseModel) else response
    request_id = response._request_id if isinstance(response, BaseModel) else None
    if not isinstance(data, dict):
        raise TypeError("expected a response, got %s" % type(response).__name__)
    tool_list = list(tools) if _given(tools) and tools is not None else []
    rich = has_rich_response_format(text_format)
    fmt = text_format["json_schema"] if rich and _is_response_format_dict(text_format) else text_format

    output: List[Any] = []
    values: List[Tuple[Tuple[Any, ...], Any]] = []
    for i, item in enumerate(data.get("output") or ()):
        if not isinstance(item, dict):
            output.append(item)
            continue
        kind = item.get("type")
        if kind == "message":
            phase = item.get("phase")
            contents = []
            for j, part in enumerate(item.get("content") or ()):
                if isinstance(part, dict) and part.get("type") == "output_text":
                    parsed: Any = None
                    parsed_json: Any = None
                    text = part.get("text")
                    # Messages with an explicit phase other than the final answer are not the result.
                    if rich and isinstance(text, str) and text and phase in (None, "final_answer"):
                        parsed, parsed_json = parse_content(fmt, text)
                    part = dict(part, parsed=parsed_json)
                    values.append((("output", i, "content", j, "parsed"), parsed))
                contents.append(part)
            item = dict(item, content=contents)
        elif kind == "function_call":
            value, value_json = parsed_tool_arguments(tool_list, item.get("name"), item.get("arguments"))
            item = dict(item, parsed_arguments=value_json)
            values.append((("output", i, "parsed_arguments"), value))
        output.append(item)
    return _rebuild_parsed(_parsed_class("ParsedResponse"), dict(data, output=output), request_id, values)


def _responses_tools(tools: Any) -> Any:
    """Tools for the Responses API: ``FunctionTool`` objects and chat-shaped pydantic tools
    become the flat ``{"type": "function", "name": ...}`` form; the rest go as given."""
    if not _given(tools) or tools is None:
        return tools
    out: List[Any] = []
    for tool in tools:
        if _is_function_tool(tool):
            out.append(tool.to_responses_param())
        elif isinstance(tool, Mapping) and tool.get("type") == "function" and isinstance(tool.get("function"), Mapping):
            function = tool["function"]
            flat = _ResponsesTool({"type": "function", "name": function.get("name"),
                                   "parameters": function.get("parameters"),
                                   "strict": function.get("strict") is True})
            if function.get("description") is not None:
                flat["description"] = function["description"]
            flat.model = getattr(function, "model", None)
            out.append(flat)
        else:
            out.append(tool)
    return out


class _ResponsesTool(dict):  # type: ignore[type-arg]
    model: Any = None


# --- raw responses: parse on .parse() ---------------------------------------------------------------


def _finish(result: Any, post: Any) -> Any:
    """Apply ``post`` to a plain result, or on ``.parse()`` of a raw/streaming response."""
    if isinstance(result, BaseModel) or isinstance(result, dict):
        return post(result)
    original = getattr(result, "parse", None)
    if original is None:
        return result
    done: List[Any] = []

    def parse(*, to: Any = None) -> Any:
        if to is not None:
            return original(to=to)
        if not done:
            done.append(post(original()))
        return done[0]

    result.parse = parse
    return result


def _helper_headers(name: str, extra_headers: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    return dict({"X-Stainless-Helper-Method": name}, **(extra_headers or {}))


# --- the resource mixins ------------------------------------------------------------------------------


class ChatCompletionsParseMixin:
    """``parse()`` for the chat completions resource (mixed into the generated class), and the
    structured-outputs hook of ``stream()`` (``_stream_parsing``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The streaming mixin has a do-nothing ``_stream_parsing`` and may come first among the
        # bases; parsing is this mixin's job, so its hook wins whatever the order of the bases.
        if "_stream_parsing" not in cls.__dict__:
            cls._stream_parsing = ChatCompletionsParseMixin._stream_parsing  # type: ignore[assignment]

    def _stream_parsing(self, response_format: Any, tools: Any) -> Tuple[Any, Any, Any, Any]:
        """For ``stream()``: (response_format to send, content -> parsed, completion -> parsed,
        (tool name, arguments, partial) -> parsed arguments).

        With a type or schema as ``response_format``, ``content.delta`` events carry the content so
        far as partial JSON and ``content.done`` events the parsed value (None when the content does
        not parse). With strict function tools, ``tool_calls.function.arguments.delta`` events carry
        the arguments so far as partial JSON and ``.done`` events the parsed arguments. Either way the
        final completion is a ``ParsedChatCompletion``, with the errors of ``parse()``
        (``LengthFinishReasonError``, ``ContentFilterFinishReasonError``, invalid content).
        """
        tool_list = list(tools) if _given(tools) and tools is not None else []
        rich = has_rich_response_format(response_format)
        strict = {_tool_name(t): t for t in tool_list if _tool_kind(t) == "function" and _tool_is_strict(t)}
        if not rich and not strict:
            return response_format, None, None, None
        fmt = response_format["json_schema"] if rich and _is_response_format_dict(response_format) else response_format

        def content_parser(content: str) -> Any:
            try:
                return parse_content(fmt, content)[0]
            except ValueError:  # e.g. cut off by max_tokens: the final completion says why
                return None

        def arguments_parser(name: Optional[str], arguments: str, partial: bool) -> Any:
            if name not in strict:
                return None
            if partial:
                return partial_json_or_none(arguments)
            try:
                return parsed_tool_arguments(tool_list, name, arguments)[0]
            except ValueError:  # not valid: the final completion raises with the reason
                return None

        def completion_parser(completion: Any) -> Any:
            return parse_chat_completion(completion, response_format=response_format, tools=tool_list)

        return (response_format_param(response_format), content_parser if rich else None, completion_parser,
                arguments_parser if strict else None)

    def parse(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        response_format: Any = NOT_GIVEN,
        audio: Any = NOT_GIVEN,
        frequency_penalty: Union[Optional[float], NotGiven] = NOT_GIVEN,
        function_call: Any = NOT_GIVEN,
        functions: Any = NOT_GIVEN,
        logit_bias: Union[Optional[Dict[str, int]], NotGiven] = NOT_GIVEN,
        logprobs: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        max_completion_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        max_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        metadata: Union[Optional[Dict[str, str]], NotGiven] = NOT_GIVEN,
        modalities: Union[Optional[List[str]], NotGiven] = NOT_GIVEN,
        moderation: Any = NOT_GIVEN,
        n: Union[Optional[int], NotGiven] = NOT_GIVEN,
        parallel_tool_calls: Union[bool, NotGiven] = NOT_GIVEN,
        prediction: Any = NOT_GIVEN,
        presence_penalty: Union[Optional[float], NotGiven] = NOT_GIVEN,
        prompt_cache_key: Union[str, NotGiven] = NOT_GIVEN,
        prompt_cache_options: Any = NOT_GIVEN,
        prompt_cache_retention: Union[Optional[str], NotGiven] = NOT_GIVEN,
        reasoning_effort: Union[Optional[str], NotGiven] = NOT_GIVEN,
        safety_identifier: Union[str, NotGiven] = NOT_GIVEN,
        seed: Union[Optional[int], NotGiven] = NOT_GIVEN,
        service_tier: Union[Optional[str], NotGiven] = NOT_GIVEN,
        stop: Union[Optional[str], List[str], None, NotGiven] = NOT_GIVEN,
        store: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        stream_options: Any = NOT_GIVEN,
        temperature: Union[Optional[float], NotGiven] = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        tools: Any = NOT_GIVEN,
        top_logprobs: Union[Optional[int], NotGiven] = NOT_GIVEN,
        top_p: Union[Optional[float], NotGiven] = NOT_GIVEN,
        user: Union[str, NotGiven] = NOT_GIVEN,
        verbosity: Union[Optional[str], NotGiven] = NOT_GIVEN,
        web_search_options: Any = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, Any]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """A chat completion whose answer is parsed into ``response_format``.

        ``response_format`` may be a dataclass, a TypedDict, a NamedTuple, a pydantic model,
        a JSON-schema dict or a complete ``{"type": "json_schema", ...}`` format; types and
        schemas are sent as strict JSON schemas. ``choices[i].message.parsed`` holds the
        answer as that type (None on a refusal, see ``message.refusal``). Calls of strict
        function tools (``function_tool`` objects, ``pydantic_function_tool`` or dicts with
        ``"strict": True``) get ``function.parsed_arguments``; other tools are refused.
        ``finish_reason`` ``"length"`` raises ``LengthFinishReasonError`` and
        ``"content_filter"`` ``ContentFilterFinishReasonError``.
        """
        params = given_args(locals(), "messages", "model", "response_format", "tools")
        tool_list = validate_input_tools(tools)
        request_format = response_format_param(response_format)
        if request_format is not NOT_GIVEN:
            params["response_format"] = request_format
        if _given(tools):
            params["tools"] = tool_list
        result = self.create(  # type: ignore[attr-defined]
            messages=messages, model=model, **params,
            extra_headers=_helper_headers("chat.completions.parse", extra_headers),
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )
        return _finish(result, lambda completion: parse_chat_completion(
            completion, response_format=response_format, tools=tool_list))


class ResponsesParseMixin:
    """``parse()`` for the responses resource (mixed into the generated class), and the
    structured-outputs hook of ``stream()`` (``_stream_parsing``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # as for chat: this mixin's hook wins over the streaming mixin's do-nothing one
        if "_stream_parsing" not in cls.__dict__:
            cls._stream_parsing = ResponsesParseMixin._stream_parsing  # type: ignore[assignment]

    def _stream_parsing(self, text_format: Any, tools: Any) -> Tuple[Any, Any, Any, Any]:
        """For ``stream()``: (``text.format`` to send, ``tools`` to send, text -> parsed value,
        final response -> ``ParsedResponse``), with the conversions of ``parse()``: a type or
        schema becomes a strict JSON-schema format, chat-shaped and pydantic tools become
        Responses API tools, and ``response.output_text.done`` events carry ``parsed``."""
        input_tools = list(tools) if _given(tools) and tools is not None else []
        request_tools = _responses_tools(tools) if _given(tools) else tools
        request_format: Any = NOT_GIVEN
        text_parser = None
        if _given(text_format) and text_format is not None:
            request_format = text_format_param(text_format)
            if has_rich_response_format(text_format):
                fmt = text_format["json_schema"] if _is_response_format_dict(text_format) else text_format

                def text_parser(text: str) -> Any:
                    try:
                        return parse_content(fmt, text)[0]
                    except ValueError:  # e.g. cut off by max_output_tokens: the final response says why
                        return None

        def response_parser(response: Any) -> Any:
            return parse_response(response, text_format=text_format, tools=input_tools)

        return request_format, request_tools, text_parser, response_parser

    def parse(
        self,
        *,
        text_format: Any = NOT_GIVEN,
        parse_as: Any = NOT_GIVEN,
        access_programs: Any = NOT_GIVEN,
        background: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        background_options: Any = NOT_GIVEN,
        context_management: Any = NOT_GIVEN,
        conversation: Any = NOT_GIVEN,
        image: Any = NOT_GIVEN,
        include: Union[Optional[List[str]], NotGiven] = NOT_GIVEN,
        input: Any = NOT_GIVEN,
        instructions: Union[Optional[str], NotGiven] = NOT_GIVEN,
        max_output_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        max_tool_calls: Union[Optional[int], NotGiven] = NOT_GIVEN,
        metadata: Union[Optional[Dict[str, str]], NotGiven] = NOT_GIVEN,
        model: Union[str, NotGiven] = NOT_GIVEN,
        moderation: Any = NOT_GIVEN,
        parallel_tool_calls: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        previous_response_id: Union[Optional[str], NotGiven] = NOT_GIVEN,
        prompt: Any = NOT_GIVEN,
        prompt_cache_key: Union[str, NotGiven] = NOT_GIVEN,
        prompt_cache_options: Any = NOT_GIVEN,
        prompt_cache_retention: Union[Optional[str], NotGiven] = NOT_GIVEN,
        reasoning: Any = NOT_GIVEN,
        safety_identifier: Union[str, NotGiven] = NOT_GIVEN,
        service_tier: Union[Optional[str], NotGiven] = NOT_GIVEN,
        store: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        stream: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        stream_options: Any = NOT_GIVEN,
        temperature: Union[Optional[float], NotGiven] = NOT_GIVEN,
        text: Any = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        tools: Any = NOT_GIVEN,
        top_logprobs: Union[Optional[int], NotGiven] = NOT_GIVEN,
        top_p: Union[Optional[float], NotGiven] = NOT_GIVEN,
        truncation: Union[Optional[str], NotGiven] = NOT_GIVEN,
        user: Union[str, NotGiven] = NOT_GIVEN,
        verbosity: Union[Optional[str], NotGiven] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, Any]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """A response whose text is parsed into ``text_format`` (``response.output_parsed``).

        ``text_format`` takes the same kinds as ``chat.completions.parse``'s
        ``response_format``; it is sent as ``text.format`` (a strict JSON schema), so
        ``text`` must not carry a ``format`` of its own. Calls of strict function tools get
        ``parsed_arguments``. ``parse_as`` parses the output as another type than ``text_format``
        (the one sent), e.g. after a ``configuration_update`` input item changed the format;
        ``parse_as=None`` leaves the output text unparsed.
        """
        params = given_args(locals(), "text_format", "parse_as", "text", "tools")
        if _given(text_format) and text_format is not None:
            text = dict(text) if _given(text) and text else {}
            if "format" in text:
                raise TypeError("Cannot mix and match text.format with text_format")
            text["format"] = text_format_param(text_format)
        sent_input = (extra_body or {}).get("input", params.get("input"))
        output_format = _output_format(sent_input, text, text_format, parse_as)
        input_tools = list(tools) if _given(tools) and tools is not None else []
        tool_list = _responses_tools(input_tools) if _given(tools) else tools
        if _given(text):
            params["text"] = text
        if _given(tool_list):
            params["tools"] = tool_list
        from ._forward import split_for_create

        params, extra_body = split_for_create(self.create, params, extra_body)  # type: ignore[attr-defined]
        result = self.create(  # type: ignore[attr-defined]
            **params, extra_headers=_helper_headers("responses.parse", extra_headers),
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )
        return _finish(result, lambda response: parse_response(
            response, text_format=output_format, tools=input_tools))


def _output_format(input: Any, text: Any, text_format: Any, parse_as: Any) -> Any:
    """What ``responses.parse`` parses the output text as: ``parse_as`` when given (None: nothing),
    else ``text_format``. A ``configuration_update`` input item that changes the format to another
    schema needs ``parse_as``; one that switches to plain text leaves nothing to parse."""
    if parse_as is None:
        return NOT_GIVEN
    if isinstance(input, list):
        for item in reversed(input):
            if not isinstance(item, Mapping) or item.get("type") != "configuration_update":
                continue
            update = item.get("text")
            fmt = update.get("format") if isinstance(update, Mapping) else None
            if not isinstance(fmt, Mapping):
                continue
            if fmt.get("type") == "text":
                if _given(parse_as):
                    raise TypeError("Cannot use parse_as with a plain-text format update")
                return NOT_GIVEN
            sent = text.get("format") if _given(text) and isinstance(text, Mapping) else None
            if _given(text_format) and not _given(parse_as) and fmt != sent:
                raise TypeError("Pass parse_as for the updated output schema, or parse_as=None to read plain "
                                "output_text")
            break
    return parse_as if _given(parse_as) else text_format
