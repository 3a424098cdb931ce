"""``resources/*.pyi``: typed signatures (``@overload`` on ``stream``), the mixins' helpers typed from the
operation they wrap, the documentation, and the ``with_raw_response`` / ``with_streaming_response`` views.
"""
from __future__ import annotations

import ast
import os
import re
from typing import Any, Dict, List, Optional, Tuple

from .pycode import BANNER, class_statement, stub_doc
from .annotations import pep604
from .spec import Operation
from .typegen import TYPE_EXTRAS, TypeGen
from .resources import (
    Resource, VIEW_MODES, _child_ref, client_keywords, family_classes, mixins_for, signature_params, view_name, walk
)


# Beta operations documented by their generally available twin (``beta.responses.create`` by
# ``responses.create``): their docstrings name the twin and document only what differs.
BETA_TWINS = ("beta.responses.",)


TWIN_OPS: Dict[str, Operation] = {}  # filled by ``generate``


def _stub_method_doc(op: Operation) -> str:
    twin = next((TWIN_OPS.get(op.method[len(prefix) - len("responses."):]) for prefix in BETA_TWINS
                 if op.method.startswith(prefix)), None)
    if twin is not None:
        same = {p.name for p in twin.params}
        parts = ["The beta Responses API's ``client.%s``: its documentation covers the parameters both share."
                 % twin.method]
        parts += ["", "Args:"]
        parts += ["  %s: (as there)" % p.name for p in op.params if p.name in same]
        for p in op.params:
            if p.name not in same:
                lines = (p.description.strip() or "(no description)").split("\n")
                parts.append("  %s: %s" % (p.name, lines[0]))
                parts += [("      " + line) if line.strip() else "" for line in lines[1:]]
        return "\n".join(parts)
    parts: List[str] = [op.summary or op.name.replace("_", " ").capitalize()]
    if op.description and op.description != op.summary:
        parts += ["", op.description]
    if op.deprecated:
        parts += ["", "Deprecated."]
    if op.params:
        parts += ["", "Args:"]
        for p in op.params:
            desc = p.description.strip() or "(no description)"
            if p.deprecated:
                desc = "Deprecated. " + desc
            lines = desc.split("\n")
            parts.append("  %s: %s" % (p.name, lines[0]))
            parts += [("      " + line) if line.strip() else "" for line in lines[1:]]
    local = client_keywords(op)
    for name, _, description in (local.params if local else ()):
        parts.append("  %s: %s" % (name, description))
    return "\n".join(parts)


def stub_return(op: Operation) -> str:
    if op.response == "str":
        return "str"
    if op.response == "none":
        return "None"
    if op.response == "binary":
        return "BinaryResponseContent"
    if op.stream_always:
        return "Stream[%s]" % (op.stream_cast_to or "BaseModel")
    item = op.cast_to or "BaseModel"
    if op.page:
        return "%s[%s]" % (op.page, item)
    return item


def render_stub_method(op: Operation, doc: bool = True) -> List[str]:
    out: List[str] = []
    ret = stub_return(op)
    docstring = stub_doc(_stub_method_doc(op), "        ") if doc else ""
    if op.streams:
        event = op.stream_cast_to or op.cast_to or "BaseModel"
        local = client_keywords(op)
        stream = local.stream_class if local and local.stream_class else "Stream[%s]" % event
        variants = [("default", ret), ("Literal[True]", stream), ("bool", "Union[%s, %s]" % (ret, stream))]
        for i, (stream, returns) in enumerate(variants):
            out.append("    @overload")
            out.append("    def %s(%s) -> %s:" % (op.name, ", ".join(signature_params(op, True, stream)), returns))
            out.append(docstring.rstrip("\n") if docstring and i == 0 else "        ...")
        return out
    out.append("    def %s(%s) -> %s:" % (op.name, ", ".join(signature_params(op, True)), ret))
    out.append(docstring.rstrip("\n") if docstring else "        ...")
    return out


# Mixin helpers: (resource, method) -> (the operation whose parameter types it shares, return type).
HELPERS: Dict[Tuple[str, str], Tuple[Optional[str], str]] = {
    ("chat.completions", "stream"): ("create", "ChatCompletionStreamManager"),
    ("chat.completions", "parse"): ("create", "ParsedChatCompletion[ContentType]"),
    ("chat.completions", "run_tools"): ("create", "Union[ChatCompletionRunner, ChatCompletionStreamingRunner]"),
    ("responses", "stream"): ("create", "ResponseStreamManager"),
    ("responses", "parse"): ("create", "ParsedResponse[ContentType]"),
    ("beta.threads.runs", "create_and_poll"): ("create", "Run"),
    ("beta.threads.runs", "poll"): ("retrieve", "Run"),
    ("beta.threads.runs", "submit_tool_outputs_and_poll"): ("submit_tool_outputs", "Run"),
    ("beta.threads.runs", "stream"): ("create", "AssistantStreamManager[Any]"),
    ("beta.threads.runs", "submit_tool_outputs_stream"): ("submit_tool_outputs", "AssistantStreamManager[Any]"),
    ("beta.threads", "create_and_run_poll"): ("create_and_run", "Run"),
    ("beta.threads", "create_and_run_stream"): ("create_and_run", "AssistantStreamManager[Any]"),
    ("vector_stores.files", "create_and_poll"): ("create", "VectorStoreFile"),
    ("vector_stores.files", "poll"): ("retrieve", "VectorStoreFile"),
    ("vector_stores.files", "upload"): ("create", "VectorStoreFile"),
    ("vector_stores.files", "upload_and_poll"): ("create", "VectorStoreFile"),
    ("vector_stores.file_batches", "create_and_poll"): ("create", "VectorStoreFileBatch"),
    ("vector_stores.file_batches", "poll"): ("retrieve", "VectorStoreFileBatch"),
    ("vector_stores.file_batches", "upload_and_poll"): ("create", "VectorStoreFileBatch"),
    ("files", "wait_for_processing"): ("retrieve", "FileObject"),
    ("videos", "create_and_poll"): ("create", "Video"),
    ("videos", "poll"): ("retrieve", "Video"),
    ("uploads", "upload_file_chunked"): ("create", "Upload"),
    ("beta.agents.sessions", "stream"): (None, "AgentSessionStream[Any]"),
    ("beta.agents.sessions.artifacts", "for_result"): (None, "AgentResultArtifacts"),
    ("beta.agents.environments.files", "prepare"): (None, "PreparedAgentFiles"),
    ("beta.agents.environments.files", "prepare_directory"): (None, "PreparedAgentFiles"),
    ("beta.agents.environments.files", "upload"): ("create", "StagedAgentFile"),
}


HELPER_PARAM_TYPES: Dict[str, str] = {
    "parse.response_format": "Union[Type[ContentType], ResponseFormatParamTypes, NotGiven]",
    "parse.text_format": "Union[Type[ContentType], NotGiven]",
    "stream.text_format": "Union[Type[Any], NotGiven]",
    "stream.response_format": "Union[Type[Any], ResponseFormatParamTypes, NotGiven]",
    "run_tools.response_format": "Union[Type[Any], ResponseFormatParamTypes, NotGiven]",
    "file": "FileTypes",
    "files": "Iterable[FileTypes]",
    "event_handler": "Optional[AssistantEventHandler]",
    "poll_interval_ms": "Union[int, NotGiven]",
    "poll_interval": "float",
    "max_wait_seconds": "Optional[float]",
    "max_concurrency": "int",
    "part_size": "Optional[int]",
    "progress": "Optional[Callable[[int, int], object]]",
    "max_chat_completions": "int",
    "response_id": "Union[str, NotGiven]",
    "starting_after": "Union[int, NotGiven]",
    "filename": "Optional[str]",
    "bytes": "Optional[int]",
    "md5": "Optional[str]",
    "stream": "bool",
    "run_tools.tools": "Iterable[Any]",
    "stream.session_id": "str",
    "stream.output_type": "Optional[Type[Any]]",
    "stream.tool_handlers": "Optional[Mapping[str, Callable[[Dict[str, Any]], Any]]]",
    "stream.on_tool_error": "Optional[Callable[[AgentToolError], Any]]",
    "stream.idempotency_key": "Union[str, NotGiven]",
    "for_result.result": "AgentTurnResult[Any]",
    "prepare.files": "Mapping[str, Union[str, PathLike[str]]]",
    "prepare_directory.root": "Union[str, PathLike[str]]",
    "prepare_directory.destination": "str",
    "prepare_directory.include": "Sequence[str]",
    "upload.path": "str",
}


HELPER_IMPORTS = (
    "from openai_lite.lib.streaming.chat import ChatCompletionStreamManager",
    "from openai_lite.lib.streaming.responses import ResponseStreamManager",
    "from openai_lite.lib.streaming.assistants import AssistantEventHandler, AssistantStreamManager",
    "from openai_lite.lib.tools import ChatCompletionRunner, ChatCompletionStreamingRunner",
    "from openai_lite.lib.beta.agents._sessions import AgentSessionEventStream, AgentSessionStream",
    "from openai_lite.lib.beta.agents._artifacts import AgentResultArtifacts",
    "from openai_lite.lib.beta.agents._files import PreparedAgentFiles, StagedAgentFile",
    "from openai_lite.lib.beta.agents._tools import AgentToolError",
    "from openai_lite.lib.beta.agents._results import AgentTurnResult",
    "from os import PathLike",
)


def _mixin_methods(repo: str, mixins: List[Tuple[str, str]]) -> List[Tuple[str, Any]]:
    import ast

    found: List[Tuple[str, Any]] = []
    for module, cls in mixins:
        rel = module.replace(".", os.sep)
        source = next(c for c in (os.path.join(repo, rel + ".py"), os.path.join(repo, rel, "__init__.py"))
                      if os.path.isfile(c))
        with open(source, encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == cls:
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                        found.append((item.name, item))
                    deferred = _deferred_target(item)
                    if deferred is not None and not deferred[0].startswith("_"):
                        # openai_lite.lib._mixins: `stream = _Deferred("streaming.chat", "Cls")` is the
                        # `def stream` of that class, which the stub is typed from
                        name, where, owner = deferred
                        found += [m for m in _mixin_methods(repo, [("openai_lite.lib." + where, owner)])
                                  if m[0] == name]
    return found


def _deferred_target(item: Any) -> Optional[Tuple[str, str, str]]:
    """(attribute, module below openai_lite.lib, class) for ``name = _Deferred("module", "Class")``."""
    import ast

    if not (isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name)
            and isinstance(item.value, ast.Call) and getattr(item.value.func, "id", "") == "_Deferred"):
        return None
    where, owner = (arg.value for arg in item.value.args)
    return item.targets[0].id, where, owner


def render_helper_stub(res: "Resource", name: str, fn: Any) -> List[str]:
    """A mixin method typed from the operation it wraps (parameter names from the mixin itself)."""
    base_name, returns = HELPERS.get((res.path, name), (None, "Any"))
    base = next((op for op in res.operations if op.name == base_name), None)
    types = {p.name: p for p in base.params} if base else {}
    args = fn.args
    params: List[str] = []

    def ann(arg: Any, has_default: bool) -> str:
        if "%s.%s" % (name, arg.arg) in HELPER_PARAM_TYPES:
            text = HELPER_PARAM_TYPES["%s.%s" % (name, arg.arg)]
        elif arg.arg in HELPER_PARAM_TYPES:
            text = HELPER_PARAM_TYPES[arg.arg]
        elif arg.arg in types:
            p = types[arg.arg]
            text = "str" if p.where == "path" else p.annotation
            if has_default and text != "Any" and "NotGiven" not in text:
                text = "Union[%s, NotGiven]" % text
        elif arg.arg in ("extra_headers",):
            text = "Optional[Headers]"
        elif arg.arg == "extra_query":
            text = "Optional[Query]"
        elif arg.arg == "extra_body":
            text = "Optional[Body]"
        elif arg.arg == "timeout":
            text = "Union[float, Timeout, None, NotGiven]"
        else:
            text = "Any"
        return "%s: %s%s" % (arg.arg, text, " = ..." if has_default else "")

    positional = args.args
    pos_defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in zip(positional, pos_defaults):
        params.append("self" if arg.arg == "self" else ann(arg, default is not None))
    if args.vararg is not None:
        params.append("*%s: Any" % args.vararg.arg)
    elif args.kwonlyargs:
        params.append("*")
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params.append(ann(arg, default is not None))
    if args.kwarg is not None:
        params.append("**%s: Any" % args.kwarg.arg)
    doc = ast.get_docstring(fn) or ""
    out = ["    def %s(%s) -> %s:" % (name, ", ".join(params), returns)]
    out.append(stub_doc(doc, "        ").rstrip("\n") if doc else "        ...")
    return out


# Helpers that answer with one HTTP response, so that the views give it raw (as in openai-python).
VIEW_HELPERS = {("chat.completions", "parse"), ("responses", "parse")}


def render_module_stub(top: Resource, tree: Resource, repo: str, gen: "TypeGen") -> str:
    classes = family_classes(top)
    body: List[str] = []
    imports: List[str] = []
    mixin_imports: List[str] = []
    for res in walk(top):
        if res.alias:
            continue
        mixins = mixins_for(res.path, repo, [])
        # the helpers the mixins add are declared here, typed from the operation they wrap
        cls = classes[res.path]
        lines = class_statement(cls, "SyncAPIResource[%s]" % ", ".join(view_name(cls, mode) for mode in VIEW_MODES))
        views = {mode: ["class %s:" % view_name(cls, mode)] for mode in VIEW_MODES}

        def in_views(method: str) -> None:
            for mode, view in views.items():
                view.append("    %s = %s(%s.%s)" % (method, VIEW_MODES[mode], cls, method))

        for key in sorted(res.children):
            child = res.children[key]
            name, module = _child_ref(child, tree, classes)
            lines.append("    @property")
            lines.append("    def %s(self) -> %s: ..." % (child.segment, name))
            for mode, view in views.items():
                view.append("    %s: %s" % (child.segment, view_name(name, mode)))
            if module is not None:
                imports.append("from %s import %s" % (module, ", ".join(
                    [name] + [view_name(name, mode) for mode in VIEW_MODES])))
        for op in res.operations:
            lines += render_stub_method(op)
            in_views(op.name)
        if mixins:
            own = {op.name for op in res.operations}
            for name, fn in _mixin_methods(repo, mixins):
                if name not in own:
                    lines += render_helper_stub(res, name, fn)
                    if (res.path, name) in VIEW_HELPERS:
                        in_views(name)
        if len(lines) == 1:
            lines.append("    ...")
        body.append("\n".join(lines) + "\n")
        for view in views.values():
            if len(view) == 1:
                view.append("    ...")
            body.append("\n".join(view) + "\n")
    text = pep604("\n\n".join(body))
    code = re.sub(r'"""[\s\S]*?"""', "", text)
    words = set(re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\b", code))
    if "ContentType" in words:
        words.add("TypeVar")
    if "ResponseFormatParamTypes" in words:
        words |= {"Any", "Dict", "Mapping", "Union"}
    head = [BANNER.rstrip("\n"), '"""Types and documentation of ``client.%s`` and below (the four parameters every '
            'method takes last: ``resources/_base.pyi``)."""' % top.path]
    typing_names = [n for n in ("Any", "Callable", "Dict", "Iterable", "List", "Mapping", "Optional", "Sequence",
                                "Type", "TypeVar", "Union", "overload") if n in words]
    if typing_names:
        head.append("from typing import %s" % ", ".join(typing_names))
    ext = [n for n in ("Literal", "Unpack") if n in words]
    if ext:
        head.append("from typing_extensions import %s" % ", ".join(ext))
    head.append("")
    core = ["from openai_lite.resources._base import %sSyncAPIResource, _raw, _streamed"
            % ("CallOptions, " if "CallOptions" in words else "")]
    types_used = [n for n in ("Body", "Headers", "NotGiven", "Query", "Timeout") if n in words]
    if types_used:
        core.append("from openai_lite._types import %s" % ", ".join(types_used))
    if "Stream" in words:
        core.append("from openai_lite._streaming import Stream")
    if "BaseModel" in words:
        core.append("from openai_lite._models import BaseModel")
    if "BinaryResponseContent" in words:
        core.append("from openai_lite._response import BinaryResponseContent")
    pages = [n for n in ("LastIdCursorPage", "NextCursorPage", "PageNumberPage", "SyncCursorPage", "SyncPage",
                         "SyncTokenPage") if n in words]
    if pages:
        core.append("from openai_lite._pagination import %s" % ", ".join(pages))
    core += mixin_imports
    for line in HELPER_IMPORTS:
        names = [n.strip() for n in line.split(" import ")[1].split(",")]
        used = [n for n in names if n in words]
        if used:
            core.append("%s import %s" % (line.split(" import ")[0], ", ".join(used)))
    by_module: Dict[str, List[str]] = {}
    for word in sorted(words):
        td = gen.types.get(word)
        if td is not None:
            by_module.setdefault(td.module, []).append(word)
    if "FileTypes" in words:
        by_module.setdefault("", []).append("FileTypes")
    for extra_module, names in TYPE_EXTRAS.items():
        for n in names:
            if n in words:
                by_module.setdefault(extra_module, []).append(n)
    for mod in sorted(by_module):
        core.append("from openai_lite.types%s import %s" % ("." + mod if mod else "", ", ".join(sorted(set(by_module[mod])))))
    head += core + sorted(set(imports))
    if "ContentType" in words:
        head += ["", 'ContentType = TypeVar("ContentType")']
    if "ResponseFormatParamTypes" in words:
        head += ["ResponseFormatParamTypes = Union[Dict[str, Any], Mapping[str, Any]]"]
    head += ["", "__all__ = [%s]" % ", ".join('"%s"' % classes[r.path] for r in walk(top) if not r.alias)]
    return "\n".join(head) + "\n\n\n" + text


BASE_PYI = BANNER + '''"""The base of the resource stubs (a stub only: at run time the resources derive from
``openai_lite._resource.SyncAPIResource``).

``with_raw_response`` and ``with_streaming_response`` are typed by a view class per resource
(``CompletionsWithRawResponse``...) whose methods are the resource's own, wrapped by ``_raw`` or
``_streamed``: same parameters (overloads kept), returning ``LegacyAPIResponse[X]`` or ``APIResponse[X]``
where the plain call returns ``X``.

Every method also takes, last, the keywords of ``CallOptions``: ``extra_headers``, ``extra_query``,
``extra_body`` and ``timeout`` (declared once here as ``**options: Unpack[CallOptions]``; at run time they
are ordinary keyword parameters of each method)."""
from typing import Any, Callable, Generic, Optional, TypeVar, Union
from typing_extensions import Concatenate, ParamSpec, TypedDict

from openai_lite._resource import SyncAPIResource as _Base
from openai_lite._response import APIResponse, LegacyAPIResponse
from openai_lite._types import Body, Headers, NotGiven, Query, Timeout

P = ParamSpec("P")
R = TypeVar("R")
RawView = TypeVar("RawView")
StreamingView = TypeVar("StreamingView")


class CallOptions(TypedDict, total=False):
    """What every API method takes besides the API's own parameters."""

    extra_headers: Optional[Headers]
    """Headers sent with this request as they are (over the client's defaults)."""
    extra_query: Optional[Query]
    """Query parameters added to this request's URL."""
    extra_body: Optional[Body]
    """JSON fields (or form fields) merged into this request's body."""
    timeout: Union[float, Timeout, None, NotGiven]
    """This request's timeout: seconds, ``(connect, read)`` or a ``Timeout``; the client's when not given."""


class SyncAPIResource(_Base, Generic[RawView, StreamingView]):
    @property
    def with_raw_response(self) -> RawView: ...  # type: ignore[override]
    @property
    def with_streaming_response(self) -> StreamingView: ...  # type: ignore[override]


# The view's first parameter stays ``Any`` so that binding to the view (not the resource) consumes it.
def _raw(method: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[Any, P], LegacyAPIResponse[R]]: ...
def _streamed(method: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[Any, P], APIResponse[R]]: ...
'''
