"""``types/**/*.pyi``: every type with its annotated fields and the spec's descriptions."""
from __future__ import annotations

import copy
import re
from typing import Dict, List

from .pycode import BANNER, class_statement, stub_doc
from .annotations import _union, pep604
from .typegen import Field, TypeDef, TypeGen, public_aliases, py_name


STUB_TYPING = ("Any", "Dict", "Generic", "Iterable", "List", "Mapping", "Optional", "Sequence", "Tuple", "TypeVar",
               "Union")


STUB_TYPING_EXT = ("Literal", "Required", "TypeAlias", "TypedDict")


TYPE_EXTRA_STUBS: Dict[str, str] = {
    "chat": '''
ContentType = TypeVar("ContentType")


class ParsedFunction(ChatCompletionMessageFunctionToolCallFunction):
    parsed_arguments: Optional[Any]
    """The arguments parsed by ``parse()`` (strict function tools only)."""


class ParsedFunctionToolCall(ChatCompletionMessageFunctionToolCall):
    function: ParsedFunction  # type: ignore[assignment]


class ParsedChatCompletionMessage(ChatCompletionMessage, Generic[ContentType]):
    parsed: Optional[ContentType]
    """The answer parsed into the ``response_format`` type (None for a refusal)."""
    tool_calls: Optional[List[ParsedFunctionToolCall]]  # type: ignore[assignment]


class ParsedChoice(ChatCompletionChoice, Generic[ContentType]):
    message: ParsedChatCompletionMessage[ContentType]  # type: ignore[assignment]


class ParsedChatCompletion(ChatCompletion, Generic[ContentType]):
    choices: List[ParsedChoice[ContentType]]  # type: ignore[assignment]
''',
    "responses": '''
ContentType = TypeVar("ContentType")


class ParsedResponseOutputText(ResponseOutputText, Generic[ContentType]):
    parsed: Optional[ContentType]


class ParsedResponseFunctionToolCall(ResponseFunctionToolCall):
    parsed_arguments: Any


class ParsedResponseOutputMessage(ResponseOutputMessage, Generic[ContentType]):
    content: List[Union[ParsedResponseOutputText[ContentType], ResponseOutputMessageContent]]  # type: ignore[assignment]


class ParsedResponse(Response, Generic[ContentType]):
    output: List[Union[ParsedResponseOutputMessage[ContentType], ParsedResponseFunctionToolCall, ResponseOutputItem]]  # type: ignore[assignment]

    @property
    def output_parsed(self) -> Optional[ContentType]: ...
''',
}


FILE_TYPES_STUB = '''
FileContent: TypeAlias = Union[IO[bytes], bytes, bytearray, memoryview, "os.PathLike[str]", "requests.Response", FileUpload]
FileTypes: TypeAlias = Union[
    FileContent,
    Tuple[Optional[str], FileContent],
    Tuple[Optional[str], FileContent, Optional[str]],
    Tuple[Optional[str], FileContent, Optional[str], Mapping[str, str]],
]
"""A file to upload: bytes, a path (``os.PathLike``), a binary file object, a ``requests.Response``,
``to_file(...)``, or a ``(filename, content[, content_type[, headers]])`` tuple."""
'''


def _public_doc(td: TypeDef) -> str:
    if td.parent is not None and td.spec_name is None:
        return ""  # an inline type: its description is the documentation of the field it types
    doc = td.doc
    if td.deprecated:
        doc = ("Deprecated. " + doc).strip()
    return doc


def _undocumented(td: TypeDef, twin: TypeDef) -> TypeDef:
    """``td`` without the field descriptions its twin carries (a field the twin lacks, or describes
    otherwise, keeps its own)."""
    theirs = {f.name: f.doc for f in twin.fields}
    clone = copy.copy(td)
    clone.fields = [Field(f.name, f.ann, f.required, "" if theirs.get(f.name) == f.doc else f.doc, f.rt, f.schema,
                          f.attr) for f in td.fields]
    return clone


def render_type_stub(module: str, tds: List[TypeDef], gen: TypeGen) -> str:
    body: List[str] = []
    for td in tds:
        body.append(pep604(_render_typedef(td, gen)))
    extra = TYPE_EXTRA_STUBS.get(module, "")
    if extra:
        body.append(pep604(extra.strip("\n") + "\n"))
    code = "\n\n".join(body)
    code_no_docs = re.sub(r'"""[\s\S]*?"""', "", code)
    words = set(re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\b", code_no_docs))
    own = {td.name for td in tds} | set(re.findall(r"^class (\w+)", extra, re.M)) | set(
        re.findall(r"^(\w+) = ", extra, re.M))
    head = [BANNER.rstrip("\n"), '"""Types of ``openai_lite.types%s`` (generated from the spec; docs from its descriptions)."""'
            % ("." + module if module else "")]
    typing_names = [n for n in STUB_TYPING if n in words]
    if module == "":
        typing_names = sorted(set(typing_names) | {"IO", "Mapping", "Optional", "Tuple", "Union"})
    ext_names = [n for n in STUB_TYPING_EXT if n in words or (module == "" and n == "TypeAlias")]
    if module == "":
        head.append("import os")
        head.append("")
        head.append("import requests")
    if typing_names:
        head.append("from typing import %s" % ", ".join(typing_names))
    if ext_names:
        head.append("from typing_extensions import %s" % ", ".join(ext_names))
    head.append("")
    head.append("from openai_lite._models import BaseModel")
    if module == "":
        head.append("from openai_lite._files import FileUpload")
    aliases = sorted((name, target) for (name, where), target in public_aliases(gen).items() if where == module)
    clash = [name for name, target in aliases if name != target and name in words | own]
    if clash:
        raise ValueError("types.%s: aliases %s would hide names the module uses" % (module, clash))
    by_module: Dict[str, List[str]] = {}
    for word in sorted((words - own) | {target for _, target in aliases}):
        td = gen.types.get(word)
        if td is not None and td.module != module:
            # a type public here under its own name is imported "as" itself: a re-export
            by_module.setdefault(td.module, []).append(word + (" as " + word if (word, word) in aliases else ""))
    if "FileTypes" in words and module != "":
        by_module.setdefault("", []).append("FileTypes")
    for mod in sorted(by_module):
        names = sorted(set(by_module[mod]))
        head.append("from openai_lite.types%s import %s" % ("." + mod if mod else "", ", ".join(names)))
    body += ["%s = %s\n" % (name, target) for name, target in aliases if name != target]
    out = "\n".join(head) + "\n"
    if module == "":
        out += FILE_TYPES_STUB
    return out + "\n\n" + "\n\n".join(body).rstrip("\n") + "\n"


def _render_typedef(td: TypeDef, gen: TypeGen) -> str:
    lines: List[str] = []
    doc = _public_doc(td)
    twin = gen.types.get(td.name[4:]) if td.name.startswith("Beta") else None
    if twin is not None and twin.kind == td.kind:
        # documented once, on the generally available twin
        doc = "The beta Responses API's ``%s`` (the fields they share are documented there)." % twin.name
        td = _undocumented(td, twin)
    if td.kind == "model":
        lines += class_statement(td.name, td.base or "BaseModel")
        if doc:
            lines.append(stub_doc(doc, "    ").rstrip("\n"))
        for f in td.fields:
            ann = f.ann if f.required else _union([f.ann], True)
            # a field read under another name than its key (``async_``): openai_lite._models, ``_aliases``
            lines.append("    %s: %s" % (py_name(f), ann))
            if f.doc:
                lines.append(stub_doc(f.doc, "    ").rstrip("\n"))
        if not td.fields and not doc:
            lines.append("    pass")
        return "\n".join(lines) + "\n"
    if td.kind == "param":
        lines += class_statement(td.name, "TypedDict, total=False")
        if doc:
            lines.append(stub_doc(doc, "    ").rstrip("\n"))
        for f in td.fields:
            ann = "Required[%s]" % f.ann if f.required else f.ann
            lines.append("    %s: %s" % (f.name, ann))
            if f.doc:
                lines.append(stub_doc(f.doc, "    ").rstrip("\n"))
        if not td.fields:
            lines.append("    pass")
        return "\n".join(lines) + "\n"
    if td.kind == "same":
        return "%s = %s\n" % (td.name, td.ann)
    lines.append("%s: TypeAlias = %s" % (td.name, td.ann or "Any"))
    if doc:
        lines.append(stub_doc(doc, "").rstrip("\n"))
    return "\n".join(lines) + "\n"
