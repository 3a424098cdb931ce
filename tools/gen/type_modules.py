"""``types/**/*.py``: the run-time type modules (a class statement per model; unions, request shapes and
other modules' names served on first access by ``openai_lite/_type_loader.py``) and ``types/_names.txt``.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from .pycode import BANNER, class_statement, pack_hanging, py_docstring, py_string, py_tuple
from .typegen import TYPE_EXTRAS, TypeDef, TypeGen, public_aliases, py_name


# Package modules whose classes live in ``_defs.py`` beside a small ``__init__``: ``openai_lite.types`` itself,
# which every types module imports first (``types.chat`` must not build the shared types).
SPLIT_PACKAGES = frozenset(("",))


def defining_module(module: str) -> str:
    """The module (below ``openai_lite.types``) whose file defines ``module``'s types."""
    if module in SPLIT_PACKAGES:
        return module + "._defs" if module else "_defs"
    return module


def _statically_defined(td: TypeDef) -> bool:
    return td.kind in ("model", "enum", "alias")


def _is_union(gen: TypeGen, rt: Optional[str]) -> bool:
    return bool(rt) and rt in gen.types and gen.types[rt].kind == "union"


def _renamed_below(gen: TypeGen, rt: Optional[str]) -> bool:
    """Whether an object of type ``rt``, or one nested in it, has a field read under another name."""
    memo: Dict[str, bool] = gen.__dict__.setdefault("_renamed_below", {})
    if not rt or rt not in gen.types:
        return False
    if rt not in memo:
        memo[rt] = False  # a type nested in itself
        td = gen.types[rt]
        while td.kind == "same":
            td = gen.types[td.ann]
        if td.kind == "union":
            memo[rt] = any(_renamed_below(gen, m) for m in td.members)
        elif td.base:  # a subclass: its base's fields, some read into subclasses of their own
            memo[rt] = _renamed_below(gen, td.base) or any(_renamed_below(gen, n) for n in td.nested.values())
        else:
            memo[rt] = any(py_name(f) != f.name or _renamed_below(gen, f.rt) for f in td.fields)
    return memo[rt]


def _own_class(gen: TypeGen, name: str) -> Optional[TypeDef]:
    """The model whose class statement holds ``name``'s fields (a subclass of ``answer_classes`` has none)."""
    td = gen.types.get(name)
    depth = 0
    while td is not None and td.kind == "model" and td.base and depth < 10:
        td, depth = gen.types.get(td.base), depth + 1
    return td if td is not None and td.kind == "model" else None


def _allowed(gen: TypeGen, td: TypeDef) -> Dict[str, Optional[frozenset]]:
    """key -> the values a model's field takes when they are fixed (``Literal``), else None: the release's
    annotation where the model is paired with a release class, else the spec's ``const`` / string ``enum``."""
    out: Dict[str, Optional[frozenset]] = {}
    for f in td.fields:
        if f.name in td.literals:
            found = td.literals[f.name]
            out[f.name] = frozenset(found) if found else None
            continue
        node = gen.spec.resolve(f.schema) if isinstance(f.schema, dict) else None
        values = None
        if isinstance(node, dict) and isinstance(node.get("const"), str):
            values = {node["const"]}
        elif isinstance(node, dict) and node.get("enum") and all(isinstance(v, str) for v in node["enum"]):
            values = set(node["enum"])
        if values is not None and (not f.required or node.get("nullable")):
            values.add(None)
        out[f.name] = frozenset(values) if values else None
    return out


def fixed_values(gen: TypeGen) -> Dict[str, Dict[str, Tuple[Optional[str], ...]]]:
    """Model -> its fields whose fixed values tell it apart from another member of a union without a
    discriminator (``ResponseOutputMessage``: role ``assistant``), and those values. The union's picker
    rejects a member whose fixed value the data contradicts, as pydantic's smart union does; only fields
    where the members differ are written, to keep the modules small."""
    memo = gen.__dict__.get("_fixed_values")
    if memo is not None:
        return memo
    needed: Dict[str, Dict[str, Tuple[Optional[str], ...]]] = {}
    for union in gen.types.values():
        if union.kind != "union" or union.side != "model" or union.disc:
            continue
        owners = [td for td in (_own_class(gen, m) for m in union.members) if td is not None]
        allowed = [(td, _allowed(gen, td)) for td in owners]
        for td, mine in allowed:
            required = {f.name for f in td.fields if f.required}
            for key, values in mine.items():
                # a value that says which member this is (``type``, ``role``): another member takes none of these
                # values, or it is one constant another member lacks (a ``status`` the others lack says nothing)
                if values is None or (key not in required and len(values - {None}) > 1):
                    continue
                one = len(values - {None}) == 1
                if any(not values & theirs[key] - {None} if theirs.get(key) else one
                       for other, theirs in allowed if other is not td):
                    needed.setdefault(td.name, {})[key] = tuple(sorted(values, key=lambda v: (v is None, v or "")))
    gen.__dict__["_fixed_values"] = needed
    return needed


def render_type_runtime(module: str, tds: List[TypeDef], gen: TypeGen) -> str:
    """A types module as run: a class per model (``BaseModel``: its field names and the types of its nested
    objects, by name), ``Any`` for enums and other aliases, then the names served on first access
    (``openai_lite._type_loader``): unions, types defined in another module, and the request shapes
    (``TypedDict``s: their fields are in the stub, at run time only the name matters)."""
    public = "openai_lite.types" + ("." + module if module else "")
    split = module in SPLIT_PACKAGES
    own = {td.name: td for td in tds if td.kind != "same"}
    union_members = {m for td in gen.types.values() if td.kind == "union" and td.side == "model" for m in td.members}
    union_members |= {gen.types[m].base for m in union_members if m in gen.types and gen.types[m].base}
    body: List[str] = []
    subs: List[Tuple[int, str]] = []  # (how many subclasses of this module it is below, its class statement)
    tail: List[str] = []
    unions: List[str] = []
    params: List[str] = []
    elsewhere: Dict[str, str] = {}
    for td in tds:
        shown = ", name=%s" % py_string(td.openai_name) if td.openai_name else ""  # release_fields.shown_names
        if td.kind == "model" and td.base:  # after every class of the module (release_fields.answer_classes)
            lines = class_statement(td.name, td.base + shown) + ["    __slots__ = ()"]
            if td.nested:  # fields read into subclasses in turn
                lines += pack_hanging("_nested = dict(%s._nested, **{" % td.base,
                                      ["%s: %s" % (py_string(n), py_string(rt)) for n, rt in sorted(td.nested.items())],
                                      "})", "    ")
            depth, base = 0, own.get(td.base)
            while base is not None and base.base and depth < 10:  # a subclass of a subclass comes after it
                depth, base = depth + 1, own.get(base.base)
            subs.append((depth, "\n".join(lines) + "\n"))
        elif td.kind == "model":
            lines = class_statement(td.name, "BaseModel" + shown) + ["    __slots__ = ()"]
            if td.fields:
                lines += pack_hanging("_field_names = frozenset((", [py_string(f.name) for f in td.fields],
                                      ",))" if len(td.fields) == 1 else "))", "    ")
            renamed = [(py_name(f), f.name) for f in td.fields if py_name(f) != f.name]
            if renamed:  # read under openai-python's names (``async_``, ``api_model_ids``)
                lines += pack_hanging("_aliases = {", ["%s: %s" % (py_string(a), py_string(k)) for a, k in renamed],
                                      "}", "    ")
            if _renamed_below(gen, td.name):  # model_dump() walks the objects below (else a plain copy)
                lines.append("    _renames = True")
            checked = [f.name for f in td.fields if _renamed_below(gen, f.rt) and (
                f.name in td.checked if td.checked is not None else not f.required or _is_union(gen, f.rt))]
            if checked:  # objects openai-python validates: their model_dump() has renamed fields once
                lines += pack_hanging("_checked = frozenset((", [py_string(n) for n in checked],
                                      ",))" if len(checked) == 1 else "))", "    ")
            if td.name in union_members:  # a union picks among members by their required fields
                lines.append("    _required = %s" % py_tuple([f.name for f in td.fields if f.required]))
            fixed = fixed_values(gen).get(td.name)
            if fixed:  # and rejects a member whose fixed values the data contradicts
                lines += pack_hanging("_fixed = {", ["%s: %s" % (py_string(k), _values_literal(v))
                                                     for k, v in sorted(fixed.items())], "}", "    ")
            nested = [(f.name, f.rt) for f in td.fields if f.rt]
            if nested:
                lines += pack_hanging("_nested = {", ["%s: %s" % (py_string(n), "dict" if rt == "~" else py_string(rt))
                                                      for n, rt in nested], "}", "    ")
            body.append("\n".join(lines) + "\n")
        elif td.kind == "param":
            params.append(td.name)
        elif td.kind in ("enum", "alias"):
            tail.append("%s = Any" % td.name)
        elif td.kind == "union":
            field, by_value = td.disc if td.disc and td.side == "model" else (None, {})
            if field:  # value -> member, in the members' order (the order of the typing.Union too)
                order = {m: i for i, m in enumerate(td.members)}
                pairs = sorted(by_value.items(), key=lambda kv: (order[kv[1]], kv[0]))
                unions += pack_hanging("%s: (%s, {" % (py_string(td.name), py_string(field)),
                                       ["%s: %s" % (py_string(k), py_string(v)) for k, v in pairs], "}),", "    ")
            else:
                unions += pack_hanging("%s: (None, (" % py_string(td.name), [py_string(m) for m in td.members],
                                       ",))," if len(td.members) == 1 else ")),", "    ")
        else:  # "same": a beta twin, another name of its generally available type
            elsewhere[td.name] = td.ann
    for (name, where), target in sorted(public_aliases(gen).items()):
        if where == module:
            elsewhere[name] = target
    for name, location in sorted(TYPE_EXTRAS.get(module, {}).items()):
        elsewhere[name] = "%s:%s" % (location, name)
    for name in sorted(elsewhere):  # a plain assignment where the type is a class (or Any) of this module
        target = elsewhere[name]
        if target in own and _statically_defined(own[target]):
            tail.append("%s = %s" % (name, target))
            del elsewhere[name]
        elif ":" not in target:  # "module:Type", the module (below openai_lite.types) defining it
            while gen.types[target].kind == "same":
                target = gen.types[target].ann
            elsewhere[name] = "%s:%s" % (defining_module(gen.types[target].module), target)
    head = [BANNER.rstrip("\n"),
            py_docstring("Types of ``%s`` as run: classes with their field names (fields typed and documented in the "
                         "``.pyi`` stub%s)." % (public, " of the package" if split else " beside"), ""),
            "from typing import Any", "",
            "from openai_lite._models import BaseModel",
            "from openai_lite._type_loader import lazy_names as _lazy_names", ""]
    out = "\n".join(head) + "\n\n" + "\n\n".join(body + [text for _, text in sorted(subs, key=lambda x: x[0])])
    if tail:
        out += "\n\n" + "\n".join(tail) + "\n"
    out += "\n\n# Unions, built on first access: (the field telling the members apart, its value -> member) or\n"
    out += "# (None, members): the member with the most required fields present, its _fixed values matching\n"
    out += "_UNIONS = {\n" + "\n".join(unions) + "\n}\n" if unions else "_UNIONS: dict = {}\n"
    out += "# Names of types defined in another module, public here too\n"
    if elsewhere:
        out += "\n".join(pack_hanging("_ELSEWHERE = {", ["%s: %s" % (py_string(k), py_string(v))
                                                       for k, v in sorted(elsewhere.items())], "}", "")) + "\n"
    else:
        out += "_ELSEWHERE: dict = {}\n"
    out += ("# Request shapes: TypedDicts whose fields are in the stub (at run time a TypedDict is a plain dict, so\n"
            "# only the name matters), each built on first access\n")
    out += "\n".join(pack_hanging("_PARAMS = frozenset((", [py_string(n) for n in params],
                                (",))" if len(params) == 1 else "))"), "")) + "\n"
    out += "__getattr__, __dir__ = _lazy_names(__name__, _UNIONS, _ELSEWHERE, _PARAMS)\n"
    return out


def _values_literal(values: Tuple[Optional[str], ...]) -> str:
    items = ["None" if v is None else py_string(v) for v in values]
    return "(%s,)" % items[0] if len(items) == 1 else "(%s)" % ", ".join(items)


def render_type_package_init(module: str) -> str:
    public = "openai_lite.types" + ("." + module if module else "")
    return "\n".join([
        BANNER.rstrip("\n"),
        py_docstring("Types of ``%s``: defined in ``_defs.py`` beside this file, imported on first access (so that "
                     "importing a module below this package does not build them)." % public, ""),
        "from openai_lite._type_loader import lazy_package as _lazy_package",
        "",
        "__getattr__, __dir__ = _lazy_package(__name__)",
    ]) + "\n"


def render_type_names(gen: TypeGen) -> str:
    """``types/_names.txt``: which module defines each type, and the other names a type resolves by."""
    # request shapes are never read into (their names are reached through their modules only)
    modules = [(name, defining_module(td.module)) for name, td in sorted(gen.types.items())
               if td.kind not in ("same", "param")]
    renamed = dict(gen.spec_aliases)
    for name, td in gen.types.items():
        if td.kind == "same":
            renamed[name] = td.ann
    renamed.update(gen.renamed)  # names given up for openai-python's (release_fields)
    renamed = {k: v for k, v in renamed.items()
               if v in gen.types and (k not in gen.types or gen.types[k].kind == "same")}
    for k, v in renamed.items():  # a twin of a twin: the type at the end of the chain
        seen = 0
        while gen.types[v].kind == "same" and seen < 10:
            v, seen = renamed.get(v, gen.types[v].ann), seen + 1
        renamed[k] = v
    renamed = {k: v for k, v in renamed.items() if gen.types[v].kind != "param"}
    renamed.update(_path_pairs(gen))
    lines = [BANNER.rstrip("\n"),
             "# Where each generated type is defined, for openai_lite._type_loader (resolve_model): plain text, read",
             "# once when the first answer is read into a type. A line per type: its name, then the module below",
             "# openai_lite.types defining it; a line per other name a type resolves by (the spec's names of renamed",
             "# types, beta twins; openai-python's \"module:Name\" where another type has that name, for",
             "# openai_lite._type_paths): that name, \"=\", the type."]
    lines += ["%s %s" % (n, m) for n, m in modules]
    lines += ["%s = %s" % (k, v) for k, v in sorted(renamed.items())]
    return "\n".join(lines) + "\n"


def _path_pairs(gen: TypeGen) -> Dict[str, str]:
    """``"responses.response:ModerationOutputError"`` -> the type an answer reads that class of openai-python
    into, where ``openai_lite._type_paths``'s lookup by name (the type of that name in the nearest family
    module, else anywhere) finds another: chat's ``ModerationOutputError`` for the response's, the
    organization's ``CertificateListResponse`` for the project's."""
    from .typegen import public_aliases

    def end(name: str) -> str:
        seen = 0
        while name in gen.types and gen.types[name].kind == "same" and seen < 10:
            name, seen = gen.types[name].ann, seen + 1
        return name

    places: Dict[str, Dict[str, str]] = {}  # name -> the module holding it -> the type it is
    for name, td in gen.types.items():
        places.setdefault(name, {})[td.module] = end(name)
    for (name, module), target in public_aliases(gen).items():
        places.setdefault(name, {}).setdefault(module, end(target))
    pairs = {release: gen.renamed.get(ours, ours) for release, ours in gen.release_merger.ours.items()}
    pairs.update(getattr(gen, "path_pairs", {}))
    out: Dict[str, str] = {}
    for (module, cls), ours in sorted(pairs.items()):
        td = gen.types.get(ours)
        found = places.get(cls)
        if td is None or td.kind != "model" or not found or not module.startswith("openai.types."):
            continue
        where = module[len("openai.types."):]
        # as _type_paths._own_type picks: the module that is (or is above) the path, the deepest; else any
        best = max(found, key=lambda m: (where == m or where.startswith(m + ".") or not m, len(m)))
        if found[best] != ours:
            out["%s:%s" % (where, cls)] = ours
    return out
