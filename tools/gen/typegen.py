"""Every type the operations reach: models, request ``TypedDict``s, unions and enums, named and placed in
modules (``collect_types``), beta twins folded into their generally available type (``dedupe_beta``).

Every schema an operation reaches becomes a type: on the response side a model class, on the request
side a ``TypedDict`` named ``<Name>Param``. Enums are ``Literal`` aliases, unions ``Union`` aliases
(discriminated by ``type`` or the spec's ``discriminator.propertyName`` at run time). Inline objects are
named ``<Parent><Field>``.
"""
from __future__ import annotations

import keyword
import re
from typing import Any, Dict, List, Optional, Tuple

from .annotations import SCALARS, _is_null, _literal, _union, scalar
from .naming import (
    INLINE_NAMES, OPENAI_NAMES, PARAM_NAMES, TYPE_ALIASES, TYPE_MODULES, TYPE_MODULE_RULES, TYPE_NAMES,
    TYPE_NAME_MODULES, WEBHOOK_MODULE
)
from .spec import Operation, Spec, _description, object_properties, ref_name, success_response


def public_aliases(gen: "TypeGen") -> Dict[Tuple[str, str], str]:
    """Every other public name of a generated type: (name, module) -> the type. ``TYPE_ALIASES`` go in their
    type's module, ``OPENAI_NAMES`` where openai-python has them. A name that is a type of that module
    already, or a target that does not exist, is a mistake in the tables: it stops the generator."""
    found: Dict[Tuple[str, str], str] = {}
    renamed = gen.renamed  # old name -> openai's (release_fields)
    for name, target in TYPE_ALIASES.items():
        target = renamed.get(target, target)
        if target in gen.types:
            found[(name, gen.types[target].module)] = target
    for (name, module), target in OPENAI_NAMES.items():
        target = renamed.get(target, target)
        if not (name == target and gen.types[target].module == module):  # the type's own name now
            found[(name, module)] = target
    for old, new in renamed.items():  # the names they had before, still importable where they were
        found.setdefault((old, gen.types[new].module), new)
    for name, module in getattr(gen, "twins_moved", {}).items():  # beta twins now beside their bases
        found.setdefault((name, module), name)
    for (name, module), target in found.items():
        td = gen.types.get(target)
        if td is None:
            raise ValueError("alias %s.%s: no type %s" % (module, name, target))
        own = gen.types.get(name)
        if own is not None and own.module == module and own.kind != "same":
            raise ValueError("alias %s.%s: that module has a type of that name" % (module, name))
        if name == target and td.module == module:
            raise ValueError("alias %s.%s: the type is there already" % (module, name))
    return found


PY_KEYWORDS = frozenset(keyword.kwlist) | {"self"}


# Names the stubs import from typing and the library: no generated type may take one of them.
TYPING_NAMES_USED = frozenset((
    "Any", "Callable", "Dict", "Generic", "IO", "Iterable", "List", "Literal", "Mapping", "Optional", "Required",
    "Sequence", "Tuple", "Type", "TypeAlias", "TypeVar", "TypedDict", "Union", "overload", "BaseModel", "Stream",
    "NotGiven", "Headers", "Query", "Body", "Timeout", "FileTypes", "FileContent", "FileUpload", "SyncAPIResource",
    "SyncPage", "SyncCursorPage", "LastIdCursorPage", "NextCursorPage", "PageNumberPage", "BinaryResponseContent",
    "ContentType", "ResponseFormatParamTypes"))


IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Field:
    __slots__ = ("name", "ann", "required", "doc", "rt", "schema", "attr")

    def __init__(self, name: str, ann: str, required: bool, doc: str, rt: Optional[str], schema: Any,
                 attr: Optional[str] = None) -> None:
        self.name = name        # the key sent
        self.attr = attr        # the Python name, when openai-python reads it under another (see py_name)
        self.ann = ann
        self.required = required
        self.doc = doc
        self.rt = rt            # runtime wrapping of the value: a type name, "~" (plain dict) or None
        self.schema = schema


class TypeDef:
    """One generated type. kind: model | param | union | enum | alias."""

    def __init__(self, name: str, kind: str, side: str, spec_name: Optional[str], doc: str = "") -> None:
        self.name = name
        self.kind = kind
        self.side = side                   # "model" or "param"
        self.spec_name = spec_name         # None for an inline type
        self.doc = doc
        self.fields: List[Field] = []
        self.ann = ""                      # alias/union/enum: the annotation
        self.members: List[str] = []       # union: member type names (objects only, flattened)
        self.disc: Optional[Tuple[str, Dict[str, str]]] = None
        self.parent: Optional[str] = None  # inline types: the type they are named after
        self.module = ""
        self.users: set = set()            # resource paths of operations reaching it
        self.deprecated = False
        self.rt: Optional[str] = None      # how a value of this type is wrapped at run time
        self.openai_name: Optional[str] = None  # model: its ``__name__`` when openai-python's differs (shown_names)
        self.base: Optional[str] = None    # model: the model it subclasses, adding nothing (answer_classes)
        self.nested: Dict[str, str] = {}   # such a subclass: field -> the subclass it reads into instead
        self.union_ann = ""                # a beta twin (dedupe_beta): its annotation before
        # model: keys of the fields whose objects openai-python validates (a union annotation); None when the
        # release does not describe the class (then: the optional fields and the unions)
        self.checked: Optional[set] = None
        # model: key -> the values the release's ``Literal`` annotation allows (None when it also takes other
        # values); read where a union without a discriminator tells its members apart (type_modules.fixed_values)
        self.literals: Dict[str, Optional[set]] = {}


def py_name(field: Field) -> str:
    """The name a model field is read under: openai-python's (``api_model_ids`` for ``model_ids``) where the
    release describes the class, else the key sent, but ``<key>_`` for a Python keyword (``async_``) and for
    ``schema`` (a pydantic method, so openai-python's ``schema_``)."""
    if field.attr:
        return field.attr
    return field.name + "_" if keyword.iskeyword(field.name) or field.name == "schema" else field.name


def _camel(text: str) -> str:
    parts = re.split(r"[^0-9A-Za-z]+", text)
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def _singular(text: str) -> str:
    if text.endswith("ies"):
        return text[:-3] + "y"
    if text.endswith("ses") or text.endswith("xes"):
        return text[:-2]
    if text.endswith("s") and not text.endswith("ss"):
        return text[:-1]
    return text


class TypeGen:
    def __init__(self, spec: Spec) -> None:
        hooks = set(re.findall(r"#/components/schemas/(Webhook\w+)", repr(spec.data.get("webhooks") or {})))
        for name in spec.schemas:  # webhook payloads: openai-python's <Event>WebhookEvent
            found = re.match(r"^Webhook([A-Z]\w*)$", name)
            if found and name not in TYPE_NAMES and name in hooks:  # (not WebhookEndpoint, an answer)
                TYPE_NAMES[name] = found.group(1) + "WebhookEvent"
        self.spec = spec
        self.types: Dict[str, TypeDef] = {}
        self.named: Dict[Tuple[str, str], str] = {}   # (spec name, side) -> type name
        self.queue: List[Tuple[str, str]] = []
        self.spec_aliases: Dict[str, str] = {}        # spec name -> model type name (for resolve_model)
        self._user: Optional[str] = None
        self._inline_memo: Dict[Tuple[int, str], str] = {}
        self._model_names = set()
        # release_fields: our model -> the release class it reads as (module, class); release class name ->
        # module -> our types read into it; former name -> openai-python's, of the models renamed
        self.release_pairs: Dict[str, Tuple[str, str]] = {}
        self.release_claims: Dict[str, Dict[str, set]] = {}
        self.renamed: Dict[str, str] = {}
        self._model_names = {self.name_for(s, "model") for s in spec.schemas}
        # names the spec's own schemas take: inline types never use them
        self.reserved = {self.name_for(s, side) for s in spec.schemas for side in ("model", "param")}

    # -- naming ------------------------------------------------------------------------------

    def name_for(self, spec_name: str, side: str) -> str:
        if not IDENT.match(spec_name) and spec_name not in TYPE_NAMES and spec_name not in PARAM_NAMES:
            spec_name = re.sub(r"[^0-9A-Za-z_]+", "_", spec_name)
        if side == "model":
            name = TYPE_NAMES.get(spec_name, spec_name)
            if name.endswith("Param"):  # a request shape the API also answers with
                name = name[:-5] if name[:-5] not in self.spec.schemas else name + "Object"
            if name in TYPING_NAMES_USED:
                name += "Object"
            return name
        if spec_name in PARAM_NAMES:
            return PARAM_NAMES[spec_name]
        base = TYPE_NAMES.get(spec_name, spec_name)
        if base.endswith(("Param", "Params")):
            return base
        if base + "Param" in self._model_names or base + "Param" in self.spec.schemas:  # taken by another schema
            return base + "InputParam"
        return base + "Param"

    def _unique(self, name: str) -> str:
        if name not in self.types and name not in self.reserved:
            return name
        n = 2
        while "%s%d" % (name, n) in self.types or "%s%d" % (name, n) in self.reserved:
            n += 1
        return "%s%d" % (name, n)

    # -- walking schemas ---------------------------------------------------------------------

    def use(self, schema: Any, side: str, user: str, parent: Optional[str] = None,
            field: str = "") -> Tuple[str, Optional[str]]:
        """Annotation (and runtime wrapping) of a schema an operation uses; registers its types.
        ``parent``/``field`` name an inline object (``<parent><Field>``)."""
        self._user = user
        ann, rt = self.annotate(schema, side, parent, field)
        self.drain()
        return ann, rt

    def _has_object(self, schema: Any, depth: int = 0) -> bool:
        schema = self.spec.resolve(schema)
        if not isinstance(schema, dict) or depth > 10:
            return False
        if schema.get("properties") or "allOf" in schema or schema.get("type") == "object":
            return True
        branches = self._branches(schema) or []
        return any(self._has_object(b, depth + 1) for b in branches + [schema.get("items"),
                                                                          schema.get("additionalProperties")])

    def ref(self, spec_name: str, side: str) -> str:
        if not self._has_object(self.spec.schemas[spec_name]):
            side = "model"  # enums and other plain values: one type serves requests and responses
        key = (spec_name, side)
        found = self.named.get(key)
        if found is None:
            found = self.name_for(spec_name, side)
            if found in self.types:
                raise ValueError("type name %s is used twice (%s and %s)" % (
                    found, self.types[found].spec_name, spec_name))
            self.named[key] = found
            self.types[found] = TypeDef(found, "pending", side, spec_name)
            self.queue.append(key)
        if self._user:
            self._mark(found, self._user)
        return found

    def _mark(self, name: str, user: str) -> None:
        td = self.types[name]
        if user in td.users:
            return
        td.users.add(user)
        if td.kind != "pending":
            for dep in self._deps(td):
                self._mark(dep, user)

    def _deps(self, td: TypeDef) -> List[str]:
        found = set(re.findall(r"\b[A-Z][A-Za-z0-9_]*\b", td.ann + " ".join(f.ann for f in td.fields)))
        found |= set(td.members)
        return [n for n in found if n in self.types and n != td.name]

    def drain(self) -> None:
        user = self._user
        while self.queue:
            spec_name, side = self.queue.pop(0)
            name = self.named[(spec_name, side)]
            self._user = None
            self.build(name, self.spec.schemas[spec_name], side, spec_name)
            self._user = user
            users = set(self.types[name].users)
            for u in users:
                for dep in self._deps(self.types[name]):
                    self._mark(dep, u)

    def build(self, name: str, schema: Dict[str, Any], side: str, spec_name: Optional[str],
              parent: Optional[str] = None) -> None:
        td = self.types[name]
        td.spec_name = spec_name
        td.parent = parent
        td.doc = _description(self.spec, schema) if isinstance(schema, dict) else ""
        td.deprecated = bool(isinstance(schema, dict) and schema.get("deprecated"))
        if self._is_object(schema):
            td.kind = "model" if side == "model" else "param"
            td.rt = name
            for part in schema.get("allOf") or []:  # named parts are types of their own too
                if ref_name(part) and self._is_object(self.spec.schemas[ref_name(part)]):
                    self.ref(ref_name(part), side)
            props, required = object_properties(self.spec, schema)
            for prop_name, prop in props.items():
                if not IDENT.match(prop_name) or prop_name in PY_KEYWORDS and not (
                        side == "model" and keyword.iskeyword(prop_name)):
                    continue  # not a Python identifier: readable by item access only
                # a keyword (``async``): a model reads it as ``async_``, as openai-python names it
                if side == "param" and isinstance(prop, dict) and self.spec.resolve(prop).get("readOnly"):
                    continue
                ann, rt = self.annotate(prop, side, name, prop_name)
                doc = _description(self.spec, prop)
                if isinstance(prop, dict) and prop.get("deprecated"):
                    doc = ("Deprecated. " + doc).strip()
                td.fields.append(Field(prop_name, ann, prop_name in required, doc, rt, prop))
            return
        members = self._branches(schema)
        if members is not None:
            objects = [b for b in members if self._is_object(self.spec.resolve(b)) or self._branches(
                self.spec.resolve(b)) is not None]
            td.kind = "union" if objects else "alias"
            anns, rts = [], []
            for i, branch in enumerate(members):
                label = _branch_label(self.spec, branch, i) if ref_name(branch) is None else ""
                a, r = self.annotate(branch, side, name, label)
                anns.append(a)
                rts.append(r)
            nullable = any(_is_null(b) for b in (schema.get("anyOf") or schema.get("oneOf") or []))
            td.ann = _union(anns, nullable)
            if td.kind == "union":
                td.members = self._flat_members(td.ann)
                td.disc = self._discriminator(schema, td.members)
                td.rt = name if len(objects) > 1 else next((r for r in rts if r), None)
            else:
                td.rt = next((r for r in rts if r), None)
            return
        td.kind = "enum" if "enum" in schema else "alias"
        td.ann, td.rt = self.annotate(dict(schema, description=None) if isinstance(schema, dict) else schema,
                                      side, name, "item")

    def _flat_members(self, ann: str) -> List[str]:
        out: List[str] = []
        for part in re.findall(r"\b[A-Z][A-Za-z0-9_]*\b", ann):
            td = self.types.get(part)
            if td is None:
                continue
            if td.kind == "union":
                out.extend(m for m in td.members if m not in out)
            elif td.kind in ("model", "param", "pending") and part not in out:
                out.append(part)
        return out

    def _branches(self, schema: Any) -> Optional[List[Any]]:
        if not isinstance(schema, dict):
            return None
        for key in ("oneOf", "anyOf"):
            if key in schema:
                branches = [b for b in schema[key] if not _is_null(b)]
                return branches
        return None

    def _is_object(self, schema: Any) -> bool:
        schema = self.spec.resolve(schema)
        if not isinstance(schema, dict):
            return False
        if schema.get("properties"):
            return True
        if "allOf" in schema:
            parts = [p for p in schema["allOf"] if not (isinstance(p, dict) and set(p) <= {"nullable", "description"})]
            if len(parts) > 1 or (parts and self._is_object(parts[0]) and "$ref" not in parts[0]):
                return True
        return False

    def _discriminator(self, schema: Dict[str, Any], members: List[str]) -> Optional[Tuple[str, Dict[str, str]]]:
        """(property, value -> member) when the members tell themselves apart by a constant."""
        names = []
        disc = schema.get("discriminator")
        if isinstance(disc, dict) and disc.get("propertyName"):
            names.append(disc["propertyName"])
        names += [n for n in ("type", "event", "object", "role") if n not in names]
        for prop in names:
            mapping: Dict[str, str] = {}
            ok = True
            for member in members:
                values = self._const_values(member, prop)
                if not values:
                    ok = False
                    break
                for value in values:
                    if value in mapping and mapping[value] != member:
                        ok = False
                    mapping.setdefault(value, member)
            if ok and mapping:
                return prop, mapping
        return None

    def _const_values(self, member: str, prop: str) -> List[str]:
        td = self.types[member]
        schema = self.spec.schemas.get(td.spec_name) if td.spec_name else None
        if schema is None:
            schema = getattr(td, "_schema", None)
        props, _ = object_properties(self.spec, schema or {})
        node = self.spec.resolve(props.get(prop))
        if not isinstance(node, dict):
            return []
        if "const" in node and isinstance(node["const"], str):
            return [node["const"]]
        values = node.get("enum")
        if isinstance(values, list) and values and all(isinstance(v, str) for v in values) and len(values) <= 4:
            return list(values)
        return []

    def inline(self, schema: Dict[str, Any], side: str, parent: Optional[str], field: str,
               key: Any = None) -> str:
        """The type of an inline object or union (one per schema node: a node reached twice, say as a
        parameter and in the request body's shape, is one type)."""
        memo = (id(key if key is not None else schema), side)
        found = self._inline_memo.get(memo)
        if found is not None:
            if self._user:
                self._mark(found, self._user)
            return found
        if parent is None:
            base = "Anonymous"
        else:
            base = parent[:-5] if side == "param" and parent.endswith("Param") else parent
        name = INLINE_NAMES.get((parent or "", field)) or (base + _camel(_singular(field) if field else "Item"))
        if name in TYPE_ALIASES or name in TYPING_NAMES_USED:
            name += "Union" if self._branches(schema) is not None else "Object"
        if side == "param" and not name.endswith("Param"):
            name += "Param"
        name = self._unique(name)
        td = self.types[name] = TypeDef(name, "pending", side, None)
        self._inline_memo[memo] = name
        td._schema = schema  # type: ignore[attr-defined]
        self.build(name, schema, side, None, parent)
        if self._user:
            self._mark(name, self._user)
        return name

    def annotate(self, schema: Any, side: str, parent: Optional[str], field: str,
                 depth: int = 0) -> Tuple[str, Optional[str]]:
        """(annotation, runtime wrapping) of a schema; registers named and inline types."""
        if not isinstance(schema, dict) or not schema or depth > 12:
            return "Any", None
        if schema.get("x-type") in self.types:  # a generated type already (release_fields)
            mine = self.types[schema["x-type"]]
            if self._user:
                self._mark(mine.name, self._user)
            return mine.name, (mine.name if mine.kind in ("model", "union") else mine.rt)
        name = ref_name(schema)
        if name is not None:  # every named schema is a type; "@Name": wrapped as Name's value is (resolved later)
            tname = self.ref(name, side)
            return tname, (tname if self._is_object(self.spec.schemas[name]) else "@" + tname)
        nullable = bool(schema.get("nullable"))
        if "const" in schema:
            value = schema["const"]
            return ("None" if value is None else "Literal[%s]" % _literal(value)), None
        branches = self._branches(schema)
        if branches is not None:
            all_branches = schema.get("oneOf") or schema.get("anyOf") or []
            nullable = nullable or any(_is_null(b) for b in all_branches)
            objects = [b for b in branches if self._is_object(b) or self._branches(self.spec.resolve(b)) is not None]
            if len(objects) > 1:
                # a union of objects: named, so the runtime can pick the member
                uname = self.inline(dict(schema, oneOf=branches) if "oneOf" in schema else
                                    dict(schema, anyOf=branches), side, parent, field, key=schema)
                return _union([uname], nullable), uname
            anns, rt = [], None
            for i, branch in enumerate(branches):
                a, r = self.annotate(branch, side, parent, field, depth + 1)
                anns.append(a)
                rt = rt or r
            return _union(anns, nullable), rt
        if "allOf" in schema:
            parts = [p for p in schema["allOf"] if not (isinstance(p, dict) and set(p) <= {"nullable", "description"})]
            nullable = nullable or any(isinstance(p, dict) and p.get("nullable") for p in schema["allOf"])
            if len(parts) == 1:
                a, r = self.annotate(parts[0], side, parent, field, depth + 1)
                return _union([a], nullable), r
            if self._is_object(schema):
                iname = self.inline(schema, side, parent, field)
                return _union([iname], nullable), iname
            return "Any", None
        if "enum" in schema:
            values = [v for v in schema["enum"] if v is not None]
            nullable = nullable or None in schema["enum"]
            if values and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
                return _union(["Literal[%s]" % ", ".join(_literal(v) for v in values)], nullable), None
        kind = schema.get("type")
        rt: Optional[str] = None
        if isinstance(kind, list):
            nullable = nullable or "null" in kind
            kind = next((k for k in kind if k != "null"), None)
        if isinstance(kind, str) and kind in SCALARS:
            text = scalar(kind, schema.get("format"))
        elif kind == "null":
            return "None", None
        elif kind == "array":
            inner, rt = self.annotate(schema.get("items"), side, parent, field, depth + 1)
            if side == "param":
                text = ("Iterable[%s]" if inner[:1].isupper() and not inner.startswith(("Literal", "Optional", "Union"))
                        else "Sequence[%s]") % inner
                if inner in ("str", "FileTypes"):
                    text = "List[%s]" % inner
            else:
                text = "List[%s]" % inner
        elif kind == "object" or "properties" in schema or "additionalProperties" in schema:
            extra = schema.get("additionalProperties")
            if schema.get("properties"):
                iname = self.inline(schema, side, parent, field)
                return _union([iname], nullable), iname
            if isinstance(extra, dict) and extra and not self._is_object(extra) and self._branches(
                    self.spec.resolve(extra)) is None:
                inner, _ = self.annotate(extra, side, parent, field, depth + 1)
                text = "Dict[str, %s]" % inner
            else:
                text = "Dict[str, Any]"
            rt = "~"
        else:
            return "Any", None
        return _union([text], nullable), rt

    def resolve_rt(self, rt: Optional[str], depth: int = 0) -> Optional[str]:
        """A runtime wrapping with the named aliases it goes through resolved ("@Name" -> what Name wraps)."""
        while rt is not None and rt.startswith("@") and depth < 20:
            rt = self.types[rt[1:]].rt
            depth += 1
        return None if rt is not None and rt.startswith("@") else rt

    # -- placing types in modules -----------------------------------------------------------

    def place(self) -> None:
        def module_of(user: str) -> str:
            if user == "<webhooks>":
                return WEBHOOK_MODULE
            for prefix, module in TYPE_MODULE_RULES:
                if user == prefix.rstrip(".") and not prefix.endswith(".") or user.startswith(prefix):
                    return module
            return ""
        for td in self.types.values():
            if td.parent is not None and td.parent in self.types:
                continue
            if td.name in TYPE_MODULES:
                td.module = TYPE_MODULES[td.name]
                continue
            modules = {module_of(u) for u in td.users}
            td.module = modules.pop() if len(modules) == 1 else ""
            for prefix, module in TYPE_NAME_MODULES:  # used more widely, but named after one module
                if len(modules) > 1 and td.name.startswith(prefix) and module in modules:
                    td.module = module
        for td in self.types.values():
            root = td
            while root.parent is not None and root.parent in self.types:
                root = self.types[root.parent]
            td.module = root.module


def _branch_label(spec: Spec, branch: Any, index: int) -> str:
    node = spec.resolve(branch)
    if isinstance(node, dict):
        if node.get("title"):
            return str(node["title"])
        props = node.get("properties") or {}
        for key in ("type", "event", "role"):
            prop = props.get(key)
            if isinstance(prop, dict):
                values = prop.get("enum") or ([prop["const"]] if "const" in prop else [])
                if len(values) == 1 and isinstance(values[0], str):
                    return values[0]
    return "variant%d" % index


def collect_types(spec: Spec, ops: List["Operation"]) -> TypeGen:
    """Every type the operations reach (and the webhook events), each placed in a module."""
    gen = TypeGen(spec)
    for op in ops:
        if op.synthetic:  # only in the release's description: its answer's type where the spec has one
            for name in (op.cast_to, op.stream_cast_to):
                spec_name = next((k for k, v in TYPE_NAMES.items() if v == name), name)
                if name and spec_name in spec.schemas:
                    gen.use({"$ref": "#/components/schemas/" + spec_name}, "model", op.resource)
            continue
        raw = spec.operation(op.verb, op.spec_path)
        op_name = _camel(op.resource.rsplit(".", 1)[-1]) + _camel(op.name)  # inline shapes: ChatCompletionsCreate...
        for p in op.params:
            side_ann, _ = gen.use(p.schema, "param", op.resource, op_name, p.name)
            if p.file_mode == "file":
                side_ann = "FileTypes" if not side_ann.startswith(("List[", "Optional[List[")) else "List[FileTypes]"
            elif p.file_mode == "either":
                side_ann = _union(["FileTypes", side_ann])
            p.annotation = side_ann
        body = (raw.get("requestBody") or {})
        for media in (spec.resolve(body).get("content") or {}).values() if body else ():
            if ref_name(media.get("schema")):
                gen.use(media.get("schema"), "param", op.resource)
        for code, other in sorted((raw.get("responses") or {}).items()):  # error bodies have types too
            if not str(code).startswith("2"):
                for media in (spec.resolve(other).get("content") or {}).values():
                    if ref_name(media.get("schema")):
                        gen.use(media.get("schema"), "model", op.resource)
        response = success_response(spec, raw)
        for media_type, media in (response.get("content") or {}).items():
            ann, rt = gen.use(media.get("schema"), "model", op.resource, op_name, "response")
            if (media_type == "application/json" and op.response == "json" and op.cast_to is None and not op.page
                    and rt and rt != "~"):
                op.cast_to = gen.resolve_rt(rt)  # an answer that is one of several types (an inline union)
            elif media_type == "application/json" and op.page and op.cast_to is None and rt in gen.types:
                data = next((f for f in gen.types[rt].fields if f.name == "data"), None)
                if data is not None and data.rt not in (None, "~"):
                    op.cast_to = data.rt  # the items of a page whose schema is inline
        for name in (op.cast_to, op.stream_cast_to):
            if name and name not in gen.types:
                spec_name = next((k for k, v in TYPE_NAMES.items() if v == name), name)
                if spec_name in spec.schemas:
                    gen.use({"$ref": "#/components/schemas/" + spec_name}, "model", op.resource)
    for hook in (spec.data.get("webhooks") or {}).values():
        for verb in hook.values():
            for media in ((verb.get("requestBody") or {}).get("content") or {}).values():
                gen.use(media.get("schema"), "model", "<webhooks>")
    _refresh_unions(gen, spec)
    from .release_fields import merge_release_fields

    merge_release_fields(gen, spec, ops)
    for spec_name, tname in list(gen.named.items()):
        if spec_name[1] == "model" and spec_name[0] != tname:
            gen.spec_aliases[spec_name[0]] = tname
    for td in gen.types.values():  # named aliases in runtime wrappings -> what they wrap
        td.rt = gen.resolve_rt(td.rt)
        for f in td.fields:
            f.rt = gen.resolve_rt(f.rt)
    for op in ops:
        for attr in ("cast_to", "stream_cast_to"):
            name = getattr(op, attr)
            if name and name.startswith("@"):
                name = gen.resolve_rt(name)
                setattr(op, attr, name)
            if name in gen.types and gen.types[name].kind == "alias" and gen.types[name].rt not in (None, "~"):
                setattr(op, attr, gen.types[name].rt)
    gen.place()
    dedupe_beta(gen)
    from .release_fields import answer_classes, beta_twins, openai_class_names, shown_names
    from .type_stubs import TYPE_EXTRA_STUBS

    # names hand-written code builds on: the stub extras' bases, the classes openai_lite._models gives
    # convenience properties (its _CONVENIENCE)
    protected = set(re.findall(r"\b[A-Z]\w*", " ".join(TYPE_EXTRA_STUBS.values()))) | {
        "Response", "BetaResponse", "AgentSessionMessage", "BetaAgentSessionMessage"} | set(SHARED_SHAPES)
    openai_class_names(gen, ops, protected)
    shown_names(gen)
    for name in SHARED_SHAPES:
        if name in gen.types:
            gen.types[name].openai_name = None  # shows its own name: no one method's class stands for all
    beta_twins(gen)  # before answer_classes: a twin's field can read into a subclass of a twin
    answer_classes(gen, ops)
    return gen


# Spec schemas several methods answer with, each read into a class of its own name by the release: the
# schema keeps its name and each method reads a subclass named as the release's (UsageResponse: the eleven
# usage and costs reports, UsageCompletionsResponse(UsageResponse)...), so that no one report's class is
# the base of the others (isinstance holds as with openai-python's eleven classes).
SHARED_SHAPES = ("UsageResponse",)


def _refresh_unions(gen: TypeGen, spec: Spec) -> None:
    """A union built before a type it names (still pending then) lists it as it was: a union member is
    flattened into its members, an alias of a model (``allOf: [$ref]``) becomes that model, and the
    discriminator is found again, now that every type exists (nested unions: a few rounds)."""
    for _ in range(3):
        for td in gen.types.values():
            if td.kind != "union" or not any(
                    gen.types[m].kind in ("union", "alias") for m in td.members if m in gen.types):
                continue
            members: List[str] = []
            for m in td.members:
                kind = gen.types[m].kind if m in gen.types else None
                if kind == "alias":
                    m = gen.resolve_rt(gen.types[m].rt) or ""
                    kind = gen.types[m].kind if m in gen.types else None
                found = gen.types[m].members if kind == "union" else [m] if kind == "model" else []
                members += [x for x in found if x not in members]
            td.members = members
            schema = spec.schemas.get(td.spec_name) if td.spec_name else getattr(td, "_schema", None)
            td.disc = gen._discriminator(schema, td.members) if isinstance(schema, dict) else None


def dedupe_beta(gen: TypeGen) -> None:
    """``BetaX`` types (the beta Responses API) that are ``X`` field for field, docs included, become
    other names of ``X``: in the stubs ``BetaX = X``, at run time the same class."""
    types = gen.types
    eq = {n: n[4:] for n in types if n.startswith("Beta") and n[4:] in types and types[n].kind == types[n[4:]].kind
          and types[n].side == types[n[4:]].side and types[n].kind in ("model", "param", "union", "enum", "alias")}

    def norm(text: str) -> str:
        return re.sub(r"\b(Beta\w+)\b", lambda m: eq.get(m.group(1), m.group(1)), text)

    def shape(td: TypeDef, mapped: bool) -> Any:
        f = norm if mapped else (lambda t: t)
        disc = None
        if td.disc:
            disc = (td.disc[0], sorted((k, f(v)) for k, v in td.disc[1].items()))
        return (td.kind, [(x.name, x.required, f(x.ann), f(x.rt or ""), x.doc) for x in td.fields], f(td.ann),
                [f(m) for m in td.members], disc, td.doc)

    while True:  # the largest set of pairs that are equal given one another
        bad = [b for b, n in eq.items() if shape(types[b], True) != shape(types[n], False)]
        if not bad:
            break
        for b in bad:
            del eq[b]
    for b, n in eq.items():
        types[b].kind = "same"
        types[b].union_ann = types[b].ann  # a union's own members, should it be one again (beta_twins)
        types[b].ann = n


# Classes of lib/ that openai-python exports from the types modules: runtime location and stub text.
TYPE_EXTRAS: Dict[str, Dict[str, str]] = {
    "chat": {
        "ParsedChatCompletion": "openai_lite.lib.structured",
        "ParsedChoice": "openai_lite.lib.structured",
        "ParsedChatCompletionMessage": "openai_lite.lib.structured",
        "ParsedFunctionToolCall": "openai_lite.lib.structured",
        "ParsedFunction": "openai_lite.lib.structured",
    },
    "responses": {
        "ParsedResponse": "openai_lite.lib.structured",
        "ParsedResponseOutputMessage": "openai_lite.lib.structured",
        "ParsedResponseOutputText": "openai_lite.lib.structured",
        "ParsedResponseFunctionToolCall": "openai_lite.lib.structured",
    },
}
