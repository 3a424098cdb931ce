"""The release's field lists on the generated models (``merge_release_fields``).

The spec snapshot is older than the pinned release, so a model built from it can lack fields the release
reads (``ChoiceDelta.audio``) or read them otherwise. Each generated model is paired with the release class
an answer reads into: an operation's answer (or page item, or stream event) with the class the release's
method names, then field by field (a field's type with the class the release annotates it with; a union's
members by their discriminator's value, else by name). For a paired model:

- a field the release has and the model lacks is added, typed from the release's annotation (a class
  already paired is reused, any other becomes a type of its own, see ``release_types``);
- a field is read under the release's name for it (``async_``, ``api_model_ids`` for ``model_ids``,
  ``harassment_threatening`` for ``harassment/threatening``): ``Field.attr``, ``_aliases`` at run time;
- a field the release leaves untyped (``object``, ``Dict[str, object]``) reads as the plain value sent,
  never a model (``rt`` ``"~"``), as openai-python's does.
The spec stays the source of the fields both have (their types and descriptions).
"""
from __future__ import annotations

import keyword
import re
from typing import Any, Dict, List, Optional, Tuple

from .annotations import _union
from .spec import Operation
from .typegen import Field

# Words of an annotation that are not classes of the release.
_NOT_CLASSES = frozenset((
    "Optional", "List", "Dict", "Union", "Annotated", "PropertyInfo", "discriminator", "str", "int", "float", "bool",
    "object", "None", "datetime", "date", "Iterable", "Sequence", "Mapping", "Required", "NotRequired", "builtins",
    "Literal", "SequenceNotStr", "TypeAlias", "Any", "bytes", "typing", "typing_extensions", "Type", "Tuple"))


def class_refs(text: str) -> List[str]:
    """The release classes (or aliases) an annotation names, in order (``Optional[List[Foo]]``: ``Foo``)."""
    text = re.sub(r"Literal\[[^\]]*\]", "", text)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "", text)
    out: List[str] = []
    for word in re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", text):
        word = word.split(".")[-1]
        if word not in _NOT_CLASSES and word not in out:
            out.append(word)
    return out


def _untyped(text: str) -> bool:
    """An annotation read as the plain value sent: ``object``, ``Dict[str, object]`` (no class in it)."""
    return not class_refs(text) and bool(re.search(r"\bobject\b|\bDict\[", text))


def _plain_annotation(text: str) -> str:
    """The stub annotation of an untyped release annotation (``Optional[Dict[str, object]]``)."""
    text = re.sub(r"\b(builtins\.)?object\b", "Any", text)
    text = re.sub(r"\b(SequenceNotStr|Sequence|Iterable)\[", "List[", text)
    return text if re.match(r"^[\w\[\], .'\"]+$", text) and "datetime" not in text else "Any"


def _literals(text: str) -> List[str]:
    """The string values of an annotation's ``Literal[...]``."""
    m = re.search(r"Literal\[([^\]]*)\]", text)
    return [a or b for a, b in re.findall(r"'([^']*)'|\"([^\"]*)\"", m.group(1))] if m else []


# A model field's annotation taking only fixed values: ``Literal[...]`` or ``Optional[Literal[...]]``.
_FIXED = re.compile(r"^(Optional\[)?Literal\[[^\]]*\]\]?$")


class _Merger:
    def __init__(self, gen: Any, types: Any) -> None:
        self.gen = gen
        self.types = types  # release_types.ReleaseTypes
        self.pairs: Dict[str, Tuple[str, str]] = {}  # our type -> (release module, class)
        self.ours: Dict[Tuple[str, str], str] = {}   # and back
        self.seen: set = set()
        self.adding: set = set()  # (type, key) of the fields added
        self.missing: List[Tuple[str, str, Dict[str, Any], str]] = []
        self._by_name: Optional[Dict[str, List[str]]] = None
        # id(field) -> (its model, the field, the release classes it reads into)
        self.fields_read: Dict[int, Tuple[str, Field, set]] = {}
        self.members_read: Dict[Tuple[str, str], set] = {}  # (union, member) -> the release classes it stands for
        self.answer: Optional[str] = None  # the union an operation answers with, while it is paired

    def module_of(self, name: str, method: str = "") -> Optional[str]:
        """The module defining release class ``name`` when one does (its own module, else the only one, else
        the only one whose path names every resource of ``method``: ``Data`` of ``beta.chatkit.threads``)."""
        found = self.types.module_of(name)
        if found:
            return found
        if self._by_name is None:
            self._by_name = {}
            for module, entry in self.types.modules.items():
                for cls in list(entry.get("classes") or {}) + list(entry.get("aliases") or {}):
                    self._by_name.setdefault(cls, []).append(module)
        where = self._by_name.get(name) or []
        if len(where) > 1 and method:
            words = [w.rstrip("s") for w in method.split(".")[:-1] if w != "beta"]
            where = [m for m in where if all(w in m for w in words)]
        return where[0] if len(where) == 1 else None

    def fields(self, module: str, name: str, depth: int = 0) -> List[Tuple[Dict[str, Any], str]]:
        """(field, module it is annotated in) of a release class, its bases' first."""
        found = self.types._find(module, name)
        if found is None or depth > 5:
            return []
        where, entry = found
        cls = (entry.get("classes") or {}).get(name)
        if cls is None:
            return []
        out: Dict[str, Tuple[Dict[str, Any], str]] = {}
        for base in cls.get("bases") or []:
            if base not in ("BaseModel", "GenericModel"):
                for f, w in self.fields(where, base, depth + 1):
                    out[f["name"]] = (f, w)
        for f in cls.get("fields") or []:
            out[f["name"]] = (f, where)
        return list(out.values())

    def members(self, module: str, text: str, depth: int = 0) -> List[Tuple[str, str]]:
        """(module, class) of each class a union annotation names, its aliases followed."""
        out: List[Tuple[str, str]] = []
        for ref in class_refs(text):
            found = self.types._find(module, ref)
            if found is None or depth > 5:
                continue
            alias = (found[1].get("aliases") or {}).get(ref)
            if alias is not None:
                out += self.members(found[0], str(alias.get("type") if isinstance(alias, dict) else alias), depth + 1)
            elif ref in (found[1].get("classes") or {}):
                out.append((found[0], ref))
        return out

    def pair(self, ours: Optional[str], module: str, text: str) -> None:
        """Pair our type ``ours`` with what the release annotation ``text`` (seen from ``module``) names."""
        ours = self.gen.resolve_rt(ours) if ours else None
        td = self.gen.types.get(ours) if ours else None
        if td is None or td.side != "model":
            return
        members = self.members(module, text)
        if td.kind == "union":
            self._pair_union(td, members)
        elif td.kind == "model" and len(members) == 1:
            self._pair_model(td, members[0])

    def _pair_union(self, td: Any, members: List[Tuple[str, str]]) -> None:
        field, by_value = td.disc if td.disc else (None, {})
        for where, cls in members:
            ours = None
            if field:
                for f, _ in self.fields(where, cls):
                    if (f.get("wire_name") or f["name"]) == field:
                        values = _literals(str(f.get("type") or ""))
                        ours = next((by_value[v] for v in values if v in by_value), None)
            if ours is None and cls in td.members:
                ours = cls
            if ours is None and not field and td.name == self.answer:  # (a page's items: a union of its own)
                ours = self._by_literals(td, where, cls)
            if ours is None and field and not (where, cls) in self.ours:  # a member the spec lacks
                ours = self._add_member(td, where, cls, field)
            if ours is not None and self.gen.types[ours].kind == "model":
                self._pair_model(self.gen.types[ours], (where, cls))
                self.members_read.setdefault((td.name, ours), set()).add((where, cls))

    def _by_literals(self, td: Any, where: str, cls: str) -> Optional[str]:
        """The one member of a union without a discriminator whose fixed values (``type``, ``role``) the release
        class's ``Literal`` fields allow (openai's ``ResponseInputMessageItem``: our ``InputMessageResource``, type
        ``message`` and a user's role, not ``ResponseOutputMessage``, type ``message`` and ``assistant``)."""
        literals = {(f.get("wire_name") or f["name"]): set(_literals(str(f.get("type") or "")))
                    for f, _ in self.fields(where, cls)}
        literals = {k: v for k, v in literals.items() if v}
        if "type" not in literals:
            return None
        found = []
        for m in td.members:
            enums = {f.name: set((f.schema or {}).get("enum") or ()) for f in getattr(self.gen.types.get(m), "fields", ())
                     if isinstance(f.schema, dict)}
            if enums.get("type") and all(v & enums[k] for k, v in literals.items() if enums.get(k)):
                found.append(m)
        return found[0] if len(found) == 1 else None

    def _add_member(self, td: Any, where: str, cls: str, field: str) -> Optional[str]:
        """A class of the release's union that ours lacks (a newer event, item...): a member of ours too,
        picked by its value of the union's discriminator."""
        values = [v for f, _ in self.fields(where, cls) if (f.get("wire_name") or f["name"]) == field
                  for v in _literals(str(f.get("type") or ""))]
        if not values or any(v in td.disc[1] for v in values):
            return None
        gen = self.gen
        users = sorted(td.users)
        gen._user = users[0] if users else None
        name, rt = gen.annotate(self.types.schema(where, cls, 1, known=self._known), "model", td.name, values[0])
        gen.drain()
        gen._user = None
        if rt != name or gen.types[name].kind != "model":
            return None
        for u in users:
            gen._mark(name, u)
        td.members.append(name)
        td.ann = _union([td.ann, name])
        td.disc[1].update((v, name) for v in values)
        return name

    def _pair_model(self, td: Any, release: Tuple[str, str]) -> None:
        # a type several answers share (a union's member read by two methods) takes every class's fields
        if (td.name, release) in self.seen:
            return
        self.seen.add((td.name, release))
        self.pairs.setdefault(td.name, release)
        self.ours.setdefault(release, td.name)
        td.checked = td.checked if td.checked is not None else set()
        if not td.doc and td.spec_name is not None:  # (an inline type's doc is its field's)
            found = self.types._find(*release)
            cls = (found[1].get("classes") or {}).get(release[1]) if found else None
            td.doc = str((cls or {}).get("description") or "")
        by_wire = {f.name: f for f in td.fields}
        for rf, where in self.fields(*release):
            wire = rf.get("wire_name") or rf["name"]
            if wire.endswith("_") and keyword.iskeyword(wire[:-1]):
                wire = wire[:-1]
            text = str(rf.get("type") or "")
            if self._validated(where, text):
                td.checked.add(wire)
            fixed = _FIXED.match(text)  # a fixed value (or a few): what a union's picker checks
            if fixed and td.literals.get(wire, set()) is not None:
                td.literals[wire] = td.literals.get(wire, set()) | set(_literals(text)) | (
                    {None} if fixed.group(1) else set())
            else:
                td.literals[wire] = None
            f = by_wire.get(wire)
            if f is None:
                if (td.name, wire) not in self.adding:
                    self.adding.add((td.name, wire))
                    self.missing.append((td.name, where, rf, wire))
                continue
            f.attr = rf["name"]
            f.doc = f.doc or str(rf.get("description") or "")  # the spec's, else the release's
            if f.rt is None and "Any" in f.ann and self.members(where, text) and (td.name, wire) not in self.adding:
                # untyped here (read as a generic model), classes there: typed as the release types it
                self.adding.add((td.name, wire))
                td.fields.remove(f)
                self.missing.append((td.name, where, rf, wire))
                continue
            if _untyped(text):
                if f.rt != "~":  # a plain value: annotated as the release does (no class in it)
                    f.rt, f.ann = "~", _plain_annotation(text)
            elif f.rt and f.rt != "~":
                self.pair(f.rt, where, text)
                self.field_class(td.name, f, where, text)

    def _validated(self, module: str, text: str) -> bool:
        """Whether openai-python validates a value of this annotation (it does a union's, ``Optional`` too)."""
        if re.search(r"\b(Optional|Union)\[", text):
            return True
        refs = class_refs(text)
        found = self.types._find(module, refs[0]) if len(refs) == 1 else None
        return bool(found and refs[0] in (found[1].get("aliases") or {}))

    def add_missing(self) -> int:
        """Add the fields the paired models lack; how many were added."""
        todo, self.missing = self.missing, []
        gen = self.gen
        for name, where, rf, wire in todo:
            td = gen.types[name]
            text = str(rf.get("type") or "")
            schema = self.types.schema(where, text, 1, known=self._known)
            users = sorted(td.users)
            gen._user = users[0] if users else None
            ann, rt = gen.annotate(schema, "model", name, wire)
            gen.drain()
            gen._user = None
            f = Field(wire, ann, bool(rf.get("required")), str(rf.get("description") or ""), rt, schema, rf["name"])
            td.fields.append(f)
            for u in users:
                for dep in gen._deps(td):
                    gen._mark(dep, u)
            if _untyped(text):
                f.rt = "~"
            elif rt and rt != "~":
                self.pair(rt, where, text)
                self.field_class(name, f, where, text)
        return len(todo)

    def field_class(self, owner: str, f: Field, module: str, text: str) -> None:
        """Note the one release class a field of model ``owner`` reads into (``answer_classes``)."""
        members = self.members(module, text)
        if len(members) == 1:
            self.fields_read.setdefault(id(f), (owner, f, set()))[2].add(members[0])

    def _known(self, module: str, name: str) -> Optional[Dict[str, Any]]:
        """A release class already paired with one of our types: that type (so it is not built twice)."""
        found = self.types._find(module, name)
        ours = self.ours.get((found[0], name)) if found else None
        return {"x-type": ours} if ours else None


def merge_release_fields(gen: Any, spec: Any, ops: List[Operation]) -> None:
    """Pair the models answers read into with the release's classes and take the release's field lists."""
    release, types = spec.release, spec.release_types
    if not release or types is None:
        return
    merger = _Merger(gen, types)
    # (operation, its attribute, (module, class) of the release's class read into)
    answers: List[Tuple[Operation, str, Tuple[str, str]]] = []
    for op in ops:
        entry = release.get(op.method)
        if entry is None:
            continue
        module = entry.get("response_module")
        paged = entry.get("returns") == "page"
        answer = entry.get("item") if paged else entry.get("response")
        if answer and answer.startswith("cast(Any, ") and answer.endswith(")"):  # a page of a union's items
            answer = answer[len("cast(Any, "):-1]
        if op.cast_to and answer and not answer.startswith("cast("):
            refs = class_refs(answer)
            where = module if module and len(refs) == 1 and types._find(module, refs[0]) else (
                merger.module_of(refs[0], op.method) if len(refs) == 1 else None)
            if where and op.page and not paged:  # a page here, one object there: its ``data`` holds the items
                data = [(f, w) for f, w in merger.fields(where, refs[0]) if f["name"] == "data"]
                if data:
                    merger.pair(op.cast_to, data[0][1], str(data[0][0].get("type") or ""))
            elif where:
                merger.answer = gen.resolve_rt(op.cast_to)
                merger.pair(op.cast_to, where, refs[0])
                merger.answer = None
                answers.append((op, "cast_to", (where, refs[0])))
        event = str(entry.get("stream") or "")
        if op.stream_cast_to and event:
            name = event[event.index("[") + 1:-1] if "[" in event else (
                event[:-len("Stream")] if event.endswith("Stream") else event)
            where = merger.module_of(name.split(".")[-1])
            if where:
                merger.pair(op.stream_cast_to, where, name.split(".")[-1])
    for _ in range(10):  # fields added can bring types of their own, paired in turn
        if not merger.add_missing():
            break
    gen.release_pairs = merger.pairs
    gen.release_seen = merger.seen
    gen.release_answers = answers
    gen.release_merger = merger
    # those reading into classes of one name (``chat_completion`` and ``chat_completion_chunk`` define one each)
    gen.release_members_read = [(union, ours, min(found)) for (union, ours), found in merger.members_read.items()
                                if len({name for _, name in found}) == 1]
    gen.release_fields_read = [(owner, f, min(found)) for owner, f, found in merger.fields_read.values()
                               if len({name for _, name in found}) == 1]
    # response class name -> our types paired with its definitions, one set per module defining it
    claims: Dict[str, Dict[str, set]] = {}
    for module, entry in types.modules.items():
        for name, cls in (entry.get("classes") or {}).items():
            if cls.get("kind") == "model":
                claims.setdefault(name, {})[module] = set()
    for ours, (module, name) in merger.seen:
        if module in claims.get(name, {}):
            claims[name][module].add(ours)
    gen.release_claims = claims


def openai_class_names(gen: Any, ops: List[Operation], protected: Any) -> None:
    """Give paired models the release's class names (``AdminApiKey`` -> ``AdminAPIKey``), keeping the old name
    as another name of the type in its module (``gen.renamed``: old -> new; ``public_aliases``).

    Our type names are one namespace (``types/_names.txt`` finds a type by name), while openai-python names
    classes per module: its ``Owner`` of ``admin_api_key`` and of ``project_api_key`` are two classes. So a
    model takes the release's name only when the release has one response class of that name (one module
    defines it, or every module defining it reads it into this model: then ``openai_lite._type_paths``,
    which looks a name up before a field, still finds ``admin_api_key.Owner`` as the type of
    ``AdminAPIKey.owner``), no generated type or public alias has that name already, and no stub imports
    it from typing (``TYPING_NAMES_USED``). Where two of our models pair with the one class (the spec has
    two schemas for it), the first paired (in the operations' order) takes the name. Else a model keeps
    its name (``AdminApiKeyCreateResponseOwner``). ``protected`` names stay: hand-written code builds on
    them (the stub extras, the convenience properties)."""
    from .naming import OPENAI_NAMES, TYPE_ALIASES
    from .typegen import PY_KEYWORDS, TYPING_NAMES_USED

    pairs, claims = gen.release_pairs, gen.release_claims

    def same(name: str) -> str:  # a beta twin is its generally available type (dedupe_beta)
        seen = 0
        while name in gen.types and gen.types[name].kind == "same" and seen < 10:
            name, seen = gen.types[name].ann, seen + 1
        return name

    def one_class(theirs: str, ours: str) -> bool:
        """The release's classes of that name are one here: it defines one, or each of its definitions an
        answer reads reads into ``ours`` only (``McpCall`` of several output-item modules)."""
        where = [{same(x) for x in found} for found in (claims.get(theirs) or {}).values()]
        return len(where) == 1 or all(found <= {ours} for found in where) and any(where)

    aliases = {name: target for (name, _), target in OPENAI_NAMES.items()}
    aliases.update(TYPE_ALIASES)
    taken = set(gen.types) | set(gen.reserved) | TYPING_NAMES_USED | PY_KEYWORDS
    wanted: Dict[str, List[str]] = {}
    for ours, (_, theirs) in pairs.items():  # in the order paired
        td = gen.types.get(ours)
        if td is None or td.kind != "model" or ours == theirs or ours in protected:
            continue
        if not one_class(theirs, ours) or theirs in taken or aliases.get(theirs, ours) != ours:
            continue
        wanted.setdefault(theirs, []).append(ours)
    renamed = {v[0]: k for k, v in wanted.items()}
    gen.renamed = renamed
    if not renamed:
        return
    word = re.compile(r"\b(%s)\b" % "|".join(sorted(map(re.escape, renamed), key=len, reverse=True)))

    def sub(text: Any) -> Any:
        return word.sub(lambda m: renamed[m.group(1)], text) if isinstance(text, str) and text else text

    types = {}
    for name, td in gen.types.items():
        td.name = renamed.get(td.name, td.name)
        td.ann = sub(td.ann)
        td.members = [renamed.get(m, m) for m in td.members]
        if td.disc:
            td.disc = (td.disc[0], {k: renamed.get(v, v) for k, v in td.disc[1].items()})
        td.parent = renamed.get(td.parent, td.parent) if td.parent else td.parent
        td.rt = renamed.get(td.rt, td.rt) if td.rt else td.rt
        for f in td.fields:
            f.ann = sub(f.ann)
            f.rt = renamed.get(f.rt, f.rt) if f.rt else f.rt
        types[td.name] = td
    gen.types.clear()
    gen.types.update(types)
    for key, name in list(gen.named.items()):
        gen.named[key] = renamed.get(name, name)
    for key, name in list(gen.spec_aliases.items()):
        gen.spec_aliases[key] = renamed.get(name, name)
    for op in ops:
        op.cast_to = renamed.get(op.cast_to, op.cast_to) if op.cast_to else op.cast_to
        op.stream_cast_to = renamed.get(op.stream_cast_to, op.stream_cast_to) if op.stream_cast_to else None



def shown_names(gen: Any) -> None:
    """The release's class name as ``__name__`` of a model that could not take it as its name
    (``class ChatCompletionChoice(BaseModel, name="Choice")``): openai-python defines ``Choice`` in
    several modules (``openai_class_names`` keeps those names, one namespace per family here), or another
    type of ours holds the name (``CodeInterpreterTool``). The binding, and so ``__qualname__``, stays the
    unique name: pickle, ``inspect.getsource``, ``types/_names.txt`` and the stubs (type checkers never
    see ``__name__``) find the class by it; ``repr`` and ``type(x).__name__`` show openai-python's.

    A model paired with classes of several names (``RoleListResponse`` read by ``list``,
    ``RoleRetrieveResponse`` by ``retrieve``) keeps its name when it is one of them, else shows the
    first paired."""
    renamed = gen.renamed
    names: Dict[str, set] = {}
    for ours, (_, theirs) in gen.release_seen:
        names.setdefault(renamed.get(ours, ours), set()).add(theirs)
    for ours, (_, theirs) in gen.release_pairs.items():
        td = gen.types.get(renamed.get(ours, ours))
        if td is not None and td.kind == "model" and td.name not in names.get(td.name, ()) and td.name != theirs:
            td.openai_name = theirs


def answer_classes(gen: Any, ops: List[Operation]) -> None:
    """A subclass adding nothing where methods read one type of ours into classes of different names: the
    spec has one schema for the role ``groups.roles.list`` and ``retrieve`` answer, openai-python a
    ``RoleListResponse`` and a ``RoleRetrieveResponse``. ``retrieve`` reads into
    ``class RoleRetrieveResponse(RoleListResponse)``, so ``isinstance`` with either name holds as with
    openai-python's (which are two classes of one shape), ``type(x).__name__`` is the release's, and
    openai's module path (``groups.role_retrieve_response``) finds that class by name. A subclass rather
    than a ``name=`` (``shown_names``): the type is read under both names, so one ``__name__`` cannot be
    right for both, and code checking ``isinstance`` against either of openai's classes must hold.

    Read so: a method's answer (or page item), bound to the release's name where free, else to
    ``<base><name>`` (a word both have said once: ``OrganizationProjectCertificateListResponse``, the
    project's next to the organization's ``CertificateListResponse``) showing that name; a model's field
    (``ResponseReasoningItem.summary``: openai's ``Summary``, our ``SummaryTextContent``), bound as an
    inline type is (``<model><Field>``, so a name openai uses in many modules, ``Summary`` or ``Data``,
    takes no family-wide binding that ``openai_lite._type_paths`` would find for other paths); a union's
    member (the moderation ``output`` union's ``ModerationOutputModerationResults``). Only where every
    class that field, member or answer reads into has one name: a union several answers share, whose
    members openai names per answer, stays as it is. One class statement per subclass, after the classes
    of its base's module."""
    from .typegen import PY_KEYWORDS, TYPING_NAMES_USED, public_aliases

    taken = set(gen.types) | set(gen.reserved) | TYPING_NAMES_USED | PY_KEYWORDS | set(gen.spec_aliases)
    taken |= {name for name, _ in public_aliases(gen)}
    reads: List[Tuple[Any, str, Tuple[str, str], Optional[str]]] = [(op, attr, theirs, None)
                                                                   for op, attr, theirs in gen.release_answers]
    for owner, f, theirs in gen.release_fields_read:  # bound as an inline type is: <its model><Field>
        owner = gen.renamed.get(owner, owner)
        if owner in gen.types and gen.types[owner].kind == "model":
            reads.append((f, "rt", theirs, owner + _field_word(f)))
    for union, member, theirs in gen.release_members_read:  # a union's member: ``_Member`` reads its name
        if union in gen.types and gen.types[union].kind == "union":
            reads.append((_Member(gen.types[union], gen.renamed.get(member, member)), "name", theirs, None))
    for read, attr, theirs, bound in reads:
        # a member whose name and its joined one are taken: bound after its union (``ItemField``'s
        # ``ResponseCustomToolCallOutputItem``: ``ItemFieldResponseCustomToolCallOutputItem``)
        other = _joined(read.union.name, theirs[1]) if isinstance(read, _Member) else None
        name = _subclass(gen, taken, getattr(read, attr), theirs, bound, other=other)
        if name:
            setattr(read, attr, name)


def _subclass(gen: Any, taken: set, ours: Optional[str], theirs: Tuple[str, str], bound: Optional[str],
              depth: int = 0, other: Optional[str] = None) -> Optional[str]:
    """The subclass of our model ``ours`` standing for the release's class ``theirs`` (module, name),
    made if needed; None where ``ours`` shows that name already (or is no model, or the name is taken).
    A field of that class reading into another class than the base's field does (the moderation
    ``output`` union's ``results``) gets a subclass in turn, read by the subclass (``_nested`` entries)."""
    from .typegen import TypeDef

    td = gen.types.get(ours) if ours else None
    if td is None or td.kind != "model" or theirs[1] in (td.name, td.openai_name) or depth > 4:
        return None

    def free(name: str) -> bool:
        return gen.types[name].base == td.name if name in gen.types else name not in taken

    name = bound or (theirs[1] if free(theirs[1]) else _joined(td.name, theirs[1]))
    if not free(name) and other:
        name = other
    if not free(name):
        return None
    gen.__dict__.setdefault("path_pairs", {})[theirs] = name  # openai's module path finds it (_names.txt)
    if name not in gen.types:
        sub = gen.types[name] = TypeDef(name, "model", "model", None)
        sub.base, sub.module, sub.users = td.name, td.module, set(td.users)
        sub.openai_name = theirs[1] if name != theirs[1] else None
        sub.doc = "openai-python's ``%s``: a ``%s`` read by that name." % (theirs[1], td.name)
        sub.nested = {}
        merger = gen.release_merger
        fields = {f.name: f for f in td.fields}
        for rf, where in merger.fields(*theirs):
            f = fields.get(rf.get("wire_name") or rf["name"])
            members = merger.members(where, str(rf.get("type") or ""))
            if f is not None and f.rt and f.rt != "~" and len(members) == 1:
                inner = _subclass(gen, taken, f.rt, members[0], name + _field_word(f), depth + 1)
                if inner:
                    sub.nested[f.name] = inner
    return name


def _field_word(f: Field) -> str:
    """The word an inline type of field ``f`` is named by: ``Result`` for a list ``results``."""
    from .typegen import _camel, _singular

    return _camel(_singular(f.name) if f.ann.startswith("List[") else f.name)


def _joined(first: str, second: str) -> str:
    """``first`` + ``second``, a word ending one and starting the other said once."""
    for k in range(min(len(first), len(second)), 0, -1):
        if first.endswith(second[:k]) and (k == len(second) or second[k].isupper()) and second[:1].isupper():
            return first + second[k:]
    return first + second


class _Member:
    """A union's member as ``answer_classes`` reads and sets it: ``name`` (in its members and picks)."""

    def __init__(self, union: Any, name: str) -> None:
        self.union, self.old = union, name

    @property
    def name(self) -> str:
        return self.old

    @name.setter
    def name(self, new: str) -> None:
        u = self.union
        if self.old in u.members:
            u.members = [new if m == self.old else m for m in u.members]
            if u.disc:
                u.disc = (u.disc[0], {k: new if v == self.old else v for k, v in u.disc[1].items()})


def beta_twins(gen: Any) -> None:
    """The beta twins an answer of a beta method reads into, where openai-python names them otherwise: a
    subclass adding nothing (``class BetaFunctionTool(FunctionTool, name=...)``), beside its base.

    ``dedupe_beta`` makes ``BetaX`` the same class as ``X`` where the spec has one shape for both, while
    openai-python's beta module defines classes of their own (``BetaFunctionTool``); so a beta answer
    showed the generally available names. A twin paired with a release class (``merge_release_fields``
    pairs only what answers reach) whose name its base does not show becomes a subclass showing it; in
    turn a twin reading into such a one (a field, a union's member) becomes one too: a model a subclass
    whose ``_nested`` reads those fields into the twins, a union a union of its own members again. So
    ``isinstance(x, FunctionTool)`` holds for a beta answer's tool as well. The twin keeps its name,
    still importable from the module it was in (``public_aliases``)."""
    types = gen.types

    def target(name: str) -> str:
        seen = 0
        while types[name].kind == "same" and seen < 10:
            name, seen = types[name].ann, seen + 1
        return name

    twins = {name for name, td in types.items() if td.kind == "same" and td.side == "model"}
    theirs: Dict[str, str] = {}
    for name in sorted(twins):
        paired = gen.release_pairs.get(name)
        base = types[target(name)]
        if paired and base.kind == "model" and paired[1] != (base.openai_name or base.name):
            theirs[name] = paired[1]
    undone = set(theirs)
    for name in theirs:  # openai's module path finds the twin (types/_names.txt)
        gen.__dict__.setdefault("path_pairs", {})[gen.release_pairs[name]] = name
    while True:  # twins reading into undone ones: undone in turn
        more = {name for name in twins - undone
                if any(m in undone for m in types[name].members) or any(f.rt in undone for f in types[name].fields)}
        if not more:
            break
        undone |= more
    moved: Dict[str, str] = {}
    for name in sorted(undone):
        td = types[name]
        if td.members:  # a union of the twins
            td.kind, td.ann = "union", td.union_ann
            continue
        base = types[target(name)]
        shown = theirs.get(name) or base.openai_name or base.name
        td.kind, td.base, td.openai_name = "model", base.name, shown if shown != name else None
        td.nested = {f.name: f.rt for f in td.fields if f.rt in undone}
        td.fields, td.ann = [], ""
        td.doc = ("openai-python's ``%s``: a ``%s`` read by that name." % (shown, base.name) if name in theirs else
                  "A ``%s`` of a beta answer: its fields read into beta classes." % base.name)
        if td.module != base.module:
            moved[name], td.module = td.module, base.module
    gen.twins_moved = moved
