"""What the command line needs to know about one library method: its parameters, each one's kind
(how a command-line string becomes the value) and a line of help.

Only the chosen method is looked at. Names, order and which are required come from the method's
real signature (``inspect.signature``); the types from the type stub beside the resource's module
(one class, one ``def`` line of it, read as text: no import of the types package), else from the
method's own annotations.
"""
from __future__ import annotations

import inspect
import os
import re
import sys
from typing import Any, Dict, List, Optional, Tuple

# How a string from the command line becomes a value.
STR, INT, FLOAT, BOOL, JSON, FILE, FILES, AUTO = "str", "int", "float", "bool", "json", "file", "files", "auto"
STRS = "strs"  # a list of strings: given as several words (or one JSON array)
# lists of strings, string enums (``Literal[...]``) or named enums (a type name not ending in "Param")
_STR_LIST = re.compile(r"^(?:List|SequenceNotStr|Sequence|Iterable)\[(?:str|Literal\[.*\]|[A-Z]\w*(?<!Param))\]$")
#: keywords every method takes that the command line sets elsewhere (``--timeout`` is global)
SKIPPED = frozenset(("self", "timeout"))


class Param:
    """One parameter of the method: ``name`` (Python), ``kind`` (one of the constants above),
    ``required``, ``positional`` (a path parameter, given before ``*``), ``choices`` and ``help``."""

    def __init__(self, name: str, kind: str, required: bool, positional: bool,
                 choices: Optional[List[str]] = None, help: str = "") -> None:
        self.name, self.kind, self.required, self.positional = name, kind, required, positional
        self.choices, self.help = choices, help

    def __repr__(self) -> str:
        return "Param(%s, %s%s)" % (self.name, self.kind, ", required" if self.required else "")


def describe(method: Any) -> Tuple[List[Param], str, str]:
    """The parameters of a bound library method, its one-paragraph summary and its return type's
    text ("" when unknown)."""
    signature = inspect.signature(method)
    stub_types, stub_doc = _from_stub(method)
    doc = stub_doc or inspect.getdoc(method) or ""
    helps = _arg_help(doc)
    params = []
    for p in signature.parameters.values():
        if p.name in SKIPPED or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        annotation = stub_types.get(p.name) or (p.annotation if p.annotation is not p.empty else "")
        if not isinstance(annotation, str):
            annotation = _type_text(annotation)
        if p.default is not p.empty and ("Callable" in annotation or "EventHandler" in annotation):
            continue  # a Python function or class: nothing a command line can give
        kind, choices = classify(annotation)
        if p.name.startswith("extra_"):
            kind, choices = JSON, None
        params.append(Param(p.name, kind, p.default is p.empty, p.kind == p.POSITIONAL_OR_KEYWORD, choices,
                            helps.get(p.name, "")))
    summary = doc.split("\n\n")[0].replace("\n", " ").strip()
    returns = stub_types.get("return") or signature.return_annotation
    if returns is signature.empty:
        returns = ""
    return params, summary, returns if isinstance(returns, str) else _type_text(returns)


def _type_text(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) if isinstance(annotation, type) else None
    return text or str(annotation).replace("typing.", "")


_LITERAL = re.compile(r'^Literal\[(.*)\]$')


def _split_top(text: str, sep: str) -> List[str]:
    """``text`` split on ``sep`` outside brackets and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _union_members(text: str) -> List[str]:
    text = text.strip()
    if text.startswith(("Optional[", "Union[")) and text.endswith("]"):
        inner = text[text.index("[") + 1:-1]
        return [m for part in _split_top(inner, ",") for m in _union_members(part)]
    return _split_top(text, "|")


def classify(annotation: str) -> Tuple[str, Optional[List[str]]]:
    """The kind of a parameter from its annotation's text, and its choices when it is a set of strings."""
    members = [m for m in _union_members(annotation) if m not in ("None", "NotGiven", "Omit", "NoneType")]
    if not members:
        return AUTO, None
    if any("FileTypes" in m or "FileContent" in m for m in members):
        return (FILES if members[0].startswith(("Iterable[", "List[", "Sequence[")) else FILE), None
    literals: List[str] = []
    plain = []
    for m in members:
        found = _LITERAL.match(m)
        if found:
            literals.extend(v.strip()[1:-1] if v.strip()[:1] in "\"'" else v.strip()
                            for v in _split_top(found.group(1), ","))
        else:
            plain.append(m)
    if literals and not plain:
        if set(literals) <= {"True", "False"}:
            return BOOL, None
        return STR, literals
    if plain == ["str"] or (plain == ["str"] and literals):
        return STR, None
    if len(plain) == 1 and not literals and plain[0] in (INT, FLOAT, BOOL):
        return plain[0], None
    if set(plain) <= {"int", "float"} and not literals:
        return FLOAT, None
    if len(plain) == 1 and not literals and _STR_LIST.match(plain[0]):
        return STRS, None
    structured = [m for m in plain if m not in ("str", "int", "float", "bool")]
    if structured and all(m.startswith(("Iterable[", "List[", "Sequence[", "SequenceNotStr[", "Dict[",
                                        "Mapping[", "Headers", "Query", "Body", "object", "Any"))
                          or m.endswith("Param") for m in structured) and "str" not in plain:
        return JSON, None
    return AUTO, None  # a type alias, or a string-or-object union: decided by the value


# -- the type stub ------------------------------------------------------------------------------


def _from_stub(method: Any) -> Tuple[Dict[str, str], str]:
    """``{parameter: annotation text}`` and the docstring of ``method`` in the stub of its class."""
    function = getattr(method, "__func__", method)
    owner = getattr(method, "__self__", None)
    names = [function.__qualname__.rpartition(".")[0]]
    if owner is not None:
        names += [cls.__name__ for cls in type(owner).__mro__]
    module = sys.modules.get(type(owner).__module__ if owner is not None else function.__module__)
    path = getattr(module, "__file__", None)
    if not path:
        return {}, ""
    stub = os.path.splitext(path)[0] + ".pyi"
    try:
        with open(stub, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return {}, ""
    for class_name in names:
        found = _stub_method(text, class_name, function.__name__)
        if found is not None:
            return found
    return {}, ""


def _stub_method(text: str, class_name: str, method: str) -> Optional[Tuple[Dict[str, str], str]]:
    start = re.search(r"^class %s\b.*$" % re.escape(class_name), text, re.M)
    if start is None:
        return None
    end = re.search(r"^class ", text[start.end():], re.M)
    body = text[start.end(): start.end() + end.start() if end else len(text)]
    defs = list(re.finditer(r"^    def %s\((.*)\) -> (.*):$" % re.escape(method), body, re.M))
    if not defs:
        return None
    last = defs[-1]  # of overloads, the last is the widest
    types = {"return": last.group(2)}
    for part in _split_top(last.group(1), ","):
        name, _, rest = part.partition(":")
        types[name.strip().lstrip("*")] = rest.rpartition(" = ")[0].strip() if " = " in rest else rest.strip()
    doc = ""
    first_doc = min((d for d in defs), key=lambda d: d.start())
    after = body[first_doc.end():].lstrip("\n")
    if after.lstrip().startswith('"""'):
        inner = after.lstrip()[3:]
        doc = inner[:inner.find('"""')] if '"""' in inner else ""
    return types, doc


def _arg_help(doc: str) -> Dict[str, str]:
    """``{parameter: first sentence}`` from a docstring's ``Args:`` block."""
    out: Dict[str, str] = {}
    _, found, block = doc.partition("\nArgs:\n")
    if not found:
        return out
    current = None
    for line in block.splitlines():
        item = re.match(r"^ {2,4}(\w+): (.*)$", line)
        if item:
            current = item.group(1)
            out[current] = item.group(2).strip()
        elif current and line.startswith("      ") and not out[current].endswith("."):
            out[current] += " " + line.strip()
        elif not line.strip():
            current = None
    for name, text in out.items():
        sentence = re.split(r"(?<=\.)\s", text, 1)[0]
        out[name] = sentence.replace("%", "%%")
    return out
