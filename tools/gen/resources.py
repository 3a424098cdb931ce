"""``resources/*.py``: the resource tree, one module per top-level resource; each operation a ``def``
with its signature whose body is one call into ``openai_lite/_call.py``; the client's resource properties.
"""
from __future__ import annotations

import os
import re
from typing import Dict, Iterable, List, NamedTuple, Optional, Tuple

from .pycode import BANNER, class_statement, pack_call, pack_hanging, py_docstring, py_string, py_tuple
from .naming import ACRONYMS, CLASS_NAMES
from .spec import Operation


# Resource path -> "module:Class" mixins the generated class inherits before SyncAPIResource.
# A mixin is used only once its module exists (and defines the class), so re-running the
# generator after a mixin lands picks it up.
MIXINS: Dict[str, List[str]] = {
    # chat.completions and responses take their helpers through openai_lite.lib._mixins, whose methods
    # load the helpers' modules on first use: the first touch of the resource stays light.
    "chat.completions": [
        "openai_lite.lib._mixins:ChatCompletionsStreamMixin",
        "openai_lite.lib._mixins:ChatCompletionsParseMixin",
        "openai_lite.lib._mixins:ChatCompletionsToolsMixin",
    ],
    "beta.threads.runs": [
        "openai_lite.lib.streaming.assistants:RunsStreamMixin",
        "openai_lite.lib.polling:RunsPollingMixin",
    ],
    "beta.threads": [
        "openai_lite.lib.streaming.assistants:ThreadsStreamMixin",
        "openai_lite.lib.polling:ThreadsPollingMixin",
    ],
    "responses": [
        "openai_lite.lib._mixins:ResponsesStreamMixin",
        "openai_lite.lib._mixins:ResponsesParseMixin",
    ],
    "vector_stores.files": ["openai_lite.lib.polling:VectorStoreFilesMixin"],
    "vector_stores.file_batches": ["openai_lite.lib.polling:FileBatchesMixin"],
    "files": ["openai_lite.lib.polling:FilesMixin"],
    "videos": ["openai_lite.lib.polling:VideosMixin"],
    "uploads": ["openai_lite.lib.uploads:UploadsMixin"],
    "batches": ["openai_lite.lib.batch_jobs:BatchesMixin"],
    "webhooks": ["openai_lite.lib.webhooks:WebhooksMixin"],
    "beta.agents.sessions": ["openai_lite.lib.beta.agents._sessions:AgentSessionsMixin"],
    "beta.agents.sessions.artifacts": ["openai_lite.lib.beta.agents._artifacts:AgentArtifactsMixin"],
    "beta.agents.environments.files": ["openai_lite.lib.beta.agents._files:AgentEnvironmentFilesMixin"],
}


class ClientKeywords(NamedTuple):
    """Keywords of a generated method that the client handles itself and never sends (the release's
    ``"in": "local"`` parameters). ``hook`` ("module:function") gets the method's arguments and returns
    the arguments to send and a function applied to the answer; ``params``: (name, stub annotation,
    description); ``stream_class``: the stub's class of the method's stream."""
    hook: str
    params: Tuple[Tuple[str, str, str], ...]
    stream_class: Optional[str] = None


CLIENT_KEYWORDS: Dict[str, ClientKeywords] = {
    "beta.agents.sessions.create": ClientKeywords(
        "openai_lite.lib.beta.agents._sessions:prepare_session_create",
        (("output_type", "Optional[Type[Any]]",
          "A pydantic model (or pydantic dataclass): its JSON schema becomes agent.text.format and "
          "the stream's get_final_result() parses the answer into it. Not sent as such."),
         ("tool_handlers", "Optional[Mapping[str, Callable[[Dict[str, Any]], Any]]]",
          "Local handlers by function name, run while the stream is read (stream=True only). "
          "Not sent.")),
        "AgentSessionEventStream[Any]"),
}


def client_keywords(op: Operation) -> Optional[ClientKeywords]:
    return CLIENT_KEYWORDS.get(op.method)


def hook_name(keywords: ClientKeywords) -> str:
    """The name a family module imports a client-keyword hook under."""
    return "_" + keywords.hook.split(":")[1]


class Resource:
    def __init__(self, path: str) -> None:
        self.path = path                      # dotted, "" for the client
        self.children: Dict[str, "Resource"] = {}
        self.operations: List[Operation] = []
        self.alias: Optional[str] = None      # another resource's path this one *is* (beta.chat.completions)

    @property
    def segment(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def class_name(self) -> str:
        return class_name(self.segment)

    @property
    def is_package(self) -> bool:
        return bool(self.children)

    def module_file(self) -> str:
        parts = self.path.split(".")
        if self.is_package:
            return os.path.join(*parts, "__init__.py")
        return os.path.join(*parts) + ".py"


def class_name(segment: str) -> str:
    if segment in CLASS_NAMES:
        return CLASS_NAMES[segment]
    return "".join(ACRONYMS.get(w, w[:1].upper() + w[1:]) for w in segment.split("_"))


def build_tree(ops: List[Operation]) -> Resource:
    root = Resource("")

    def node(path: str) -> Resource:
        current = root
        parts = path.split(".")
        for i in range(len(parts)):
            key = parts[i]
            if key not in current.children:
                current.children[key] = Resource(".".join(parts[: i + 1]))
            current = current.children[key]
        return current

    for op in ops:
        node(op.resource).operations.append(op)
    # client.beta.chat.completions is client.chat.completions (stream/parse helpers included)
    node("beta.chat")
    alias = Resource("beta.chat.completions")
    alias.alias = "chat.completions"
    node("beta.chat").children["completions"] = alias
    for res in walk(root):
        names = [op.name for op in res.operations]
        clash = set(names) & set(res.children) or {n for n in names if names.count(n) > 1}
        if clash:
            raise ValueError("%s: names used twice: %s" % (res.path, sorted(clash)))
    return root


def walk(res: Resource) -> Iterable[Resource]:
    yield res
    for key in sorted(res.children):
        for sub in walk(res.children[key]):
            yield sub


def mixins_for(path: str, repo: str, notes: List[str]) -> List[Tuple[str, str]]:
    found = []
    for entry in MIXINS.get(path, []):
        module, cls = entry.split(":")
        rel = module.replace(".", os.sep)
        candidates = [os.path.join(repo, rel + ".py"), os.path.join(repo, rel, "__init__.py")]
        source = next((c for c in candidates if os.path.isfile(c)), None)
        if source is None:
            notes.append("mixin %s for %s skipped: %s does not exist yet" % (cls, path, module))
            continue
        with open(source, encoding="utf-8") as fh:
            if not re.search(r"^class %s\b" % re.escape(cls), fh.read(), re.M):
                notes.append("mixin %s for %s skipped: %s has no class %s yet" % (cls, path, module, cls))
                continue
        found.append((module, cls))
    return found


def signature_params(op: Operation, typed: bool = False, stream: Optional[str] = None) -> List[str]:
    """Parameters of a method; ``typed`` for the stub (``stream``: the overload's stream annotation)."""
    path = op.path_params
    positional = path[-1:] if path else []
    keyword_path = path[:-1]
    rest = [p for p in op.params if p.where != "path"]
    required = keyword_path + [p for p in rest if p.required]
    optional = [p for p in rest if not p.required]
    lines = ["self"]
    for p in positional:
        lines.append("%s: str" % p.name if typed else p.name)
    lines.append("*")
    for p in required:
        lines.append(("%s: %s" % (p.name, "str" if p.where == "path" else p.annotation)) if typed else p.name)
    local = client_keywords(op)
    for name, annotation, _ in (local.params if local else ()):
        lines.append("%s: %s = ..." % (name, annotation) if typed else "%s=None" % name)
    stream_required = stream is not None and stream != "default"
    if stream_required:
        lines.append("%s: %s" % (next(p.name for p in op.params if p.wire == "stream"), stream))
    for p in optional:
        if stream_required and p.wire == "stream":
            continue
        if typed:
            ann = p.annotation
            if stream == "default" and p.wire == "stream":
                ann = "Optional[Literal[False]]"
            ann = ann if ann == "Any" else "Union[%s, NotGiven]" % ann
            lines.append("%s: %s = ..." % (p.name, ann))
        else:
            lines.append("%s=_N" % p.name)
    if typed:  # extra_headers, extra_query, extra_body, timeout: declared once, in resources/_base.pyi
        if lines[-1] == "*":  # a bare * before **options only is a syntax error
            lines.pop()
        lines.append("**options: Unpack[CallOptions]")
    else:
        lines += ["extra_headers=None", "extra_query=None", "extra_body=None", "timeout=_N"]
    return lines


# Names a generated method's body reads: no parameter may take one of them.
BODY_NAMES = frozenset(("self", "locals", "str", "_call"))


def call_arguments(op: Operation) -> List[str]:
    """The arguments after ``self, locals()`` of a method's one call into ``openai_lite._call.call``:
    where each parameter goes and what the answer is (see that module)."""
    for p in op.params:
        if p.name in BODY_NAMES:
            raise ValueError("%s: parameter %r would hide a name the method body reads" % (op.method, p.name))
    out = [py_string(op.verb), py_string(op.path)]
    if op.body_kind != "none":
        out.append("body=%s" % py_string(op.body_kind))

    query = [p.name for p in op.params if p.where == "query"]
    headers = [p for p in op.params if p.where == "header"]
    if query:
        out.append("query=%s" % py_tuple(query))
    if headers:
        out.append("headers=%s" % py_tuple([p.name for p in headers]))
        joined = [p.name for p in headers if p.joined]
        if joined:
            out.append("list_headers=%s" % py_tuple(joined))
    files = [p.wire for p in op.params if p.where == "body" and p.file_mode]
    if files:
        out.append("files=%s" % py_tuple(files))
    if op.json_fields:
        out.append("json_fields=%s" % py_tuple(list(op.json_fields)))
    if op.json_ok:
        out.append("json_ok=True")
    wire = {}
    for p in op.params:
        if p.wire != p.name:  # a query name ending in [] is the spec's: _call sends the list as ``a[]`` itself
            wire[p.name] = p.wire
    if wire:
        out.append("wire={%s}" % ", ".join("%s: %s" % (py_string(k), py_string(v)) for k, v in wire.items()))
    if op.headers:
        out.append("fixed_headers={%s}" % ", ".join("%s: %s" % (py_string(k), py_string(v))
                                                      for k, v in sorted(op.headers.items())))
    if op.response == "str":
        out.append("cast_to=str")
    elif op.response == "none":
        out.append('cast_to="None"')  # the client's mark of an answer without a body
    elif op.cast_to:
        out.append("cast_to=%s" % py_string(op.cast_to))
    if op.page:
        out.append("page=%s" % py_string(op.page))
    if op.streams:
        if not any(p.name == "stream" and p.wire == "stream" for p in op.params):
            raise ValueError("%s: its stream parameter is not called stream" % op.method)
        out.append("streams=True")
        if op.stream_cast_to:
            out.append("stream_cast_to=%s" % py_string(op.stream_cast_to))
    if op.stream_always:
        out.append("stream_always=True")
        if op.stream_cast_to:
            out.append("stream_cast_to=%s" % py_string(op.stream_cast_to))
    if op.response == "binary":
        out.append("binary=True")
    if op.auth == "admin":
        out.append("admin=True")
    return out


def render_method(op: Operation) -> List[str]:
    """A resource method: a real ``def`` with the operation's signature, its summary as docstring and one
    call into ``openai_lite._call.call`` (annotations and the full documentation: the ``.pyi`` stub)."""
    params = [p.replace("=_N", "=NOT_GIVEN") for p in signature_params(op)]
    out = pack_hanging("def %s(" % op.name, params, "):", "    ")
    out.append(py_docstring(runtime_doc(op) + RUNTIME_DOC_SUFFIX, "        "))
    local = client_keywords(op)
    if local is None:
        out += pack_call("return _call(", ["self", "locals()"] + call_arguments(op), ")", "        ")
    else:  # the client's own keywords: the hook takes them out and may change the answer
        out.append("        _sent, _finish = %s(self, locals())" % hook_name(local))
        out += pack_call("return _finish(_call(", ["self", "_sent"] + call_arguments(op), "))", "        ")
    return out


def runtime_doc(op: Operation) -> str:
    """The docstring ``help()`` shows at run time: the operation's summary sentence (and the package's
    note that parameters are documented in the stub). The full text and every parameter's description
    live in the ``.pyi`` stub (kept out of the runtime for size)."""
    raw = op.summary or op.description or op.name.replace("_", " ").capitalize()
    paragraphs = [para for para in raw.split("\n\n") if para.strip()] or [raw]
    # a leading bold aside ("**Starting a new project?** ...") is not what the method does
    chosen = next((para for para in paragraphs
                   if not para.lstrip().startswith("**") and any(ch.isalnum() for ch in para)), paragraphs[0])
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", " ".join(chosen.split()))
    cut = text.find(". ")
    if 0 < cut < 160:
        text = text[: cut + 1]
    elif len(text) > 160:
        text = text[:157].rsplit(" ", 1)[0] + "..."
    return text  # render_method adds RUNTIME_DOC_SUFFIX


# Names resource classes may not take (the generated types' names, set by ``generate``).
RESERVED_CLASS_NAMES: set = set()


def family_classes(top: Resource) -> Dict[str, str]:
    """Class name of each resource of a family (one module): the segment's name, or for a name used
    twice in the family the names of its last segments joined (``groups.roles`` -> ``GroupsRoles``)."""
    members = [r for r in walk(top) if not r.alias]
    names: Dict[str, str] = {}
    for depth in range(1, 10):
        for res in members:
            if res.path in names:
                continue
            parts = res.path.split(".")
            names[res.path] = "".join(class_name(s) for s in parts[max(0, len(parts) - depth):])
            if names[res.path] in RESERVED_CLASS_NAMES:  # a type of that name exists
                names[res.path] += "Resource"
        counts: Dict[str, int] = {}
        for n in names.values():
            counts[n] = counts.get(n, 0) + 1
        clashing = [path for path, n in names.items() if counts[n] > 1]
        if not clashing:
            return names
        for path in clashing:
            del names[path]
    raise ValueError("cannot name the classes of %s" % top.path)


def _child_ref(child: Resource, tree: Resource, classes: Dict[str, str]) -> Tuple[str, Optional[str]]:
    """(class name, module to import it from or None when it is in this module) of a child."""
    if child.alias:
        target = find(tree, child.alias)
        top = find(tree, target.path.split(".")[0])
        return family_classes(top)[target.path], "." + top.segment
    return classes[child.path], None


def render_module(top: Resource, tree: Resource, repo: str, notes: List[str]) -> str:
    """A family's run-time module: its resource classes (mixins first), each child a property and each
    operation a method (``render_method``). The family of an aliased child (``beta.chat.completions``
    is ``chat.completions``) is imported only when that child is first read."""
    classes = family_classes(top)
    body: List[str] = []
    imports: List[str] = []
    for res in walk(top):
        if res.alias:
            continue
        bases = []
        for module, cls in mixins_for(res.path, repo, notes):
            imports.append("from ..%s import %s" % (module[len("openai_lite."):], cls))
            bases.append(cls)
        lines = class_statement(classes[res.path], ", ".join(bases + ["SyncAPIResource"]))
        lines.append(py_docstring("``client.%s``." % res.path, "    "))
        for key in sorted(res.children):
            child = res.children[key]
            name, module = _child_ref(child, tree, classes)
            lines += ["", "    @property", '    def %s(self) -> "%s":' % (child.segment, name)]
            if module is not None:
                lines += ["        from %s import %s" % (module, name), ""]
            lines.append('        return self._child("%s", %s)' % (child.segment, name))
        for op in res.operations:
            lines.append("")
            lines += render_method(op)
            local = client_keywords(op)
            if local is not None:
                module, function = local.hook.split(":")
                imports.append("from ..%s import %s as %s" % (module[len("openai_lite."):], function,
                                                              hook_name(local)))
        body.append("\n".join(lines) + "\n")
    head = [
        BANNER.rstrip("\n"),
        py_docstring("``client.%s`` and below (types and documentation: the ``.pyi`` stub beside this module)."
                     % top.path, ""),
        "from .._call import call as _call",
        "from .._resource import SyncAPIResource",
        "from .._types import NOT_GIVEN",
    ] + sorted(set(imports)) + [
        "",
        "__all__ = [%s]" % ", ".join(py_string(classes[r.path]) for r in walk(top) if not r.alias),
    ]
    return "\n".join(head) + "\n\n\n" + "\n\n".join(body)


# ``with_raw_response`` / ``with_streaming_response``: the view classes' name part -> the stub wrapper
# (``resources/_base.pyi``) that gives a resource method's parameters a response-object return.
VIEW_MODES = {"Raw": "_raw", "Streaming": "_streamed"}


def view_name(cls: str, mode: str) -> str:
    """The view class of resource class ``cls`` in ``mode``: ``CompletionsWithRawResponse``."""
    return "%sWith%sResponse" % (cls, mode)


def render_package_init() -> str:
    return BANNER + '''"""API resources, one module per family. Imported on first use, never by ``import openai_lite``.

Each module holds ordinary classes: a property per child resource and a method per operation, whose
body is one call into ``openai_lite._call.call`` (where each argument goes and what comes back). The
``.pyi`` stub beside each module carries the types and the documentation of every parameter.
"""
'''


RUNTIME_DOC_SUFFIX = " (Parameters are documented in the type stub.)"


def find(tree: Resource, path: str) -> Resource:
    node = tree
    for part in path.split("."):
        node = node.children[part]
    return node


def render_client_resources(tree: Resource) -> Tuple[str, str]:
    """``_client_resources.py`` (a property per top-level resource, importing its module when first read)
    and its stub (typed)."""
    tops = [tree.children[k] for k in sorted(tree.children)]
    for res in tops:
        if res.path != res.segment:
            raise ValueError("top-level resource %s: module and attribute differ" % res.path)
    runtime = [BANNER.rstrip("\n"),
               '"""The client\'s top-level resources, each imported the first time it is read (typed in the stub '
               'beside)."""',
               "from .._client_resources_base import ClientResourcesBase, ResourcesInMode", "",
               '__all__ = ["ClientResources"]', "", "",
               "class ClientResources(ClientResourcesBase):",
               '    """The resource properties of ``OpenAI`` (and of its ``with_raw_response`` views)."""']
    for res in tops:
        runtime += ["", "    @property", '    def %s(self) -> "%s":' % (res.segment, res.class_name),
                    "        from .%s import %s" % (res.segment, res.class_name), "",
                    '        return self._resource("%s", %s)' % (res.segment, res.class_name)]
    runtime += ["", "", "class ClientResourcesInMode(ResourcesInMode, ClientResources):",
                '    """``client.with_raw_response`` and ``client.with_streaming_response``: the resources in another '
                'mode."""', "", "",
                "ClientResources._in_mode_class = ClientResourcesInMode"]
    stub = [BANNER.rstrip("\n"), '"""Types of the client\'s resource properties."""', "from typing import Any, Dict", ""]
    for res in tops:
        stub.append("from openai_lite.resources.%s import %s" % (res.path, ", ".join(
            [res.class_name] + [view_name(res.class_name, mode) for mode in VIEW_MODES])))
    stub += ["", '__all__ = ["ClientResources", "OpenAIWithRawResponse", "OpenAIWithStreamedResponse"]', "", "",
             "class ClientResources:",
             "    _resources: Dict[str, Any]", "    _mode: str",
             "    def _resource(self, name: str, cls: Any) -> Any: ...",
             "    def _resource_args(self) -> Any: ...",
             "    def _in_mode(self, mode: str) -> Any: ...",
             "    @property",
             "    def with_raw_response(self) -> OpenAIWithRawResponse:",
             '        """The same resources, returning raw responses (``.parse()`` for the object)."""',
             "    @property",
             "    def with_streaming_response(self) -> OpenAIWithStreamedResponse:",
             '        """The same resources, returning responses whose body is read only when asked."""']
    for res in tops:
        stub.append("    @property")
        stub.append("    def %s(self) -> %s: ..." % (res.segment, res.class_name))
    for view, mode in (("OpenAIWithRawResponse", "Raw"), ("OpenAIWithStreamedResponse", "Streaming")):
        stub += ["", "", "class %s:" % view]
        stub += ["    %s: %s" % (res.segment, view_name(res.class_name, mode)) for res in tops]
    return "\n".join(runtime) + "\n", "\n".join(stub) + "\n"
