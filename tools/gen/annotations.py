"""Annotation text: a schema's first plain annotation, unions merged and written as ``A | B`` in stubs."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable, List

if TYPE_CHECKING:  # the spec stage uses this module
    from .spec import Spec


MAX_HINTED_LITERALS = 12


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("type") == "null" or schema.get("const", 0) is None
                                         and "const" in schema)


def _union(members: Iterable[str], nullable: bool = False) -> str:
    out: List[str] = []
    for member in members:
        if member.startswith("Union[") and member.endswith("]"):
            inner = _split_top(member[6:-1])
        elif member.startswith("Optional[") and member.endswith("]"):
            inner = [member[9:-1]]
            nullable = True
        else:
            inner = [member]
        for item in inner:
            if item == "None":
                nullable = True
            elif item not in out:
                out.append(item)
    if "Any" in out or not out:
        return "Any"
    literals = [m for m in out if m.startswith("Literal[")]
    if len(literals) > 1:  # Literal["a"], Literal["b"] -> Literal["a", "b"]
        merged = "Literal[%s]" % ", ".join(x for lit in literals for x in _split_top(lit[8:-1]))
        first = out.index(literals[0])
        out = [m for m in out if m not in literals]
        out.insert(first, merged)
        literals = [merged]
    if "str" in out and literals and len(_split_top(literals[0][8:-1])) > MAX_HINTED_LITERALS:
        out.remove(literals[0])  # Union[str, Literal[<90 model names>]] says no more than str
    text = out[0] if len(out) == 1 else "Union[%s]" % ", ".join(out)
    return "Optional[%s]" % text if nullable else text


def _split_top(text: str) -> List[str]:
    parts, depth, start, quote = [], 0, 0, None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


# Stubs write unions as ``A | B`` and ``A | None`` (PEP 604): checkers accept that syntax in ``.pyi`` files
# for every Python version (stubs are never run), and it is shorter to install and to read on hover.
_UNION_START = re.compile(r"\b(Union|Optional)\[")


def _closing_bracket(text: str, start: int) -> int:
    depth, quote = 0, None
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced brackets: %s" % text[start:start + 80])


def _pep604_code(code: str) -> str:
    out: List[str] = []
    pos = 0
    while True:
        m = _UNION_START.search(code, pos)
        if m is None:
            out.append(code[pos:])
            return "".join(out)
        end = _closing_bracket(code, m.end() - 1)
        members = _split_top(_pep604_code(code[m.end():end]))
        if m.group(1) == "Optional":
            members.append("None")
        out.append(code[pos:m.start()])
        out.append(" | ".join(members))
        pos = end + 1


def pep604(stub: str) -> str:
    """``Union[A, B]`` -> ``A | B`` and ``Optional[A]`` -> ``A | None`` in a stub's code (docstrings kept)."""
    parts = re.split(r'("""[\s\S]*?""")', stub)
    return "".join(part if part.startswith('"""') else _pep604_code(part) for part in parts)


def python_type(spec: Spec, schema: Any, depth: int = 0) -> str:
    """A first, plain annotation of a parameter (lists and headers are told apart by it); the
    typed one, with models and ``TypedDict``s, comes from ``TypeGen`` (``collect_types``)."""
    if not isinstance(schema, dict) or not schema or depth > 8:
        return "Any"
    if "$ref" in schema:
        return python_type(spec, spec.resolve(schema), depth + 1)
    nullable = bool(schema.get("nullable"))
    if "const" in schema:
        value = schema["const"]
        return "None" if value is None else "Literal[%s]" % _literal(value)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = schema[key]
            members = [python_type(spec, b, depth + 1) for b in branches if not _is_null(b)]
            return _union(members, nullable or any(_is_null(b) for b in branches))
    if "allOf" in schema:
        parts = [p for p in schema["allOf"] if not (isinstance(p, dict) and set(p) <= {"nullable", "description"})]
        nullable = nullable or any(isinstance(p, dict) and p.get("nullable") for p in schema["allOf"])
        inner = python_type(spec, parts[0], depth + 1) if len(parts) == 1 else "Any"
        return _union([inner], nullable)
    if "enum" in schema:
        values = [v for v in schema["enum"] if v is not None]
        nullable = nullable or None in schema["enum"]
        if values and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
            return _union(["Literal[%s]" % ", ".join(_literal(v) for v in values)], nullable)
    kind = schema.get("type")
    if isinstance(kind, str) and kind in SCALARS:  # a list of types (3.1 nullable) falls through to Any
        text = scalar(kind, schema.get("format"))
    elif kind == "null":
        return "None"
    elif kind == "array":
        text = "List[%s]" % python_type(spec, schema.get("items"), depth + 1)
    elif kind == "object" or "properties" in schema or "additionalProperties" in schema:
        extra = schema.get("additionalProperties")
        if schema.get("properties") or extra is False:
            text = "Any"  # a structured object: typed dicts come later
        elif isinstance(extra, dict) and extra:
            text = "Dict[str, %s]" % python_type(spec, extra, depth + 1)
        else:
            text = "Dict[str, Any]"
    else:
        text = "Any"
    return _union([text], nullable)


# JSON Schema's scalar types and their annotations (the one table: parameter and field types use it).
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


def scalar(kind: str, fmt: Any = None) -> str:
    """The annotation of a scalar JSON Schema type; a binary string is an upload (``FileTypes``)."""
    return "FileTypes" if kind == "string" and fmt == "binary" else SCALARS[kind]


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')
    return repr(value)
