"""Answer types the spec snapshot lacks, read from the pinned release's description (``api/openai/types``).

A method only the release describes (``spec.follow_release``) answers with a class the spec may not have
yet (``ExternalKey``, ``Agent``...). Its fields, as openai-python annotates them, become an OpenAPI-like
schema added to the spec under the class's name, so the type stage (``typegen``) builds it like any
other: a class a module defines by itself (its file's main class, ``MultiAgentConfig``), or whose name no
other module uses, keeps its name; one local to several modules (``Owner``, ``Data``) is written inline and
named ``<Parent><Field>`` there, so no two modules' ``Data`` meet. A name the spec or the generated types use
already, a type text this reader does not know, or a nesting too deep is left untyped (``Any``): the
answer still reads, as the generic model would.
"""
from __future__ import annotations

import glob
import json
import keyword
import os
import re
from typing import Any, Dict, List, Optional, Tuple

from .annotations import _split_top as _split_args  # one splitter for annotation text
from .naming import TYPE_NAMES
from .spec import Operation, Spec

_PLAIN = {"str": {"type": "string"}, "int": {"type": "integer"}, "float": {"type": "number"},
          "bool": {"type": "boolean"}, "object": {}, "builtins.object": {}, "datetime": {"type": "string"},
          "None": {"type": "null"}}

MAX_DEPTH = 8


class ReleaseTypes:
    """The release's type modules, and the schemas built from them."""

    def __init__(self, api_dir: str, spec: Spec) -> None:
        self.modules: Dict[str, Dict[str, Any]] = {}
        for name in sorted(glob.glob(os.path.join(api_dir, "types", "*.json"))):
            with open(name, encoding="utf-8") as fh:
                for entry in json.load(fh):
                    if entry.get("module"):
                        self.modules[entry["module"]] = entry
        self.spec = spec
        taken = set(spec.schemas) | set(TYPE_NAMES.values())
        self.taken = taken
        self.added: Dict[str, Tuple[str, str]] = {}  # schema name -> (module, class)
        self.defined: Dict[str, int] = {}  # class name -> how many modules define one
        for entry in self.modules.values():
            for name in entry.get("classes") or {}:
                self.defined[name] = self.defined.get(name, 0) + 1

    def _find(self, module: str, name: str, depth: int = 0) -> Optional[Tuple[str, Dict[str, Any]]]:
        """(module, entry) where ``name`` seen from ``module`` is defined (imports followed)."""
        entry = self.modules.get(module)
        if entry is None or depth > 4:
            return None
        if name in (entry.get("classes") or {}) or name in (entry.get("aliases") or {}):
            return module, entry
        source = (entry.get("imports") or {}).get(name)
        return self._find(source, name, depth + 1) if source else None

    def named(self, module: str, name: str) -> Optional[str]:
        """The schema name of class ``name`` of ``module``, added to the spec; None when it cannot be."""
        found = self._find(module, name)
        if found is None:
            return None
        if self.added.get(name) == (found[0], name):
            return name
        if name in self.taken or name in self.added:
            return None
        self.added[name] = (found[0], name)
        self.spec.schemas[name] = {}  # placeholder first: a class may refer to itself
        alias = (found[1].get("aliases") or {}).get(name)
        if alias is not None:  # a union of event or item classes
            self.spec.schemas[name] = self.schema(found[0], str(alias), 0)
        else:
            self.spec.schemas[name] = self._class_schema(found[0], found[1]["classes"][name], 0)
        return name

    def module_of(self, name: str) -> Optional[str]:
        """The module whose own name is ``name`` (``AgentSessionEvent``: ``...agent_session_event``)."""
        for module in self.modules:
            if self._is_main(module, name) and self._find(module, name):
                return module
        return None

    def _class_schema(self, module: str, cls: Dict[str, Any], depth: int, known: Any = None) -> Dict[str, Any]:
        props: Dict[str, Any] = {}
        required: List[str] = []
        for field in cls.get("fields") or []:
            wire = field.get("wire_name") or field["name"]
            if wire.endswith("_") and keyword.iskeyword(wire[:-1]):
                wire = wire[:-1]  # ``async_`` is sent as ``async``
            schema = self.schema(module, str(field.get("type") or ""), depth + 1, known)
            if field.get("description"):
                schema = dict(schema, description=field["description"])
            props[wire] = schema
            if field.get("required"):
                required.append(wire)
        out: Dict[str, Any] = {"type": "object", "properties": props}
        if required:
            out["required"] = required
        if cls.get("description"):
            out["description"] = cls["description"]
        return out

    def schema(self, module: str, text: str, depth: int, known: Any = None) -> Dict[str, Any]:
        """The schema of an annotation as openai-python writes it (``Optional[List[Foo]]``). ``known(module,
        name)``, when given, answers for a class already a generated type (``{"x-type": name}``)."""
        text = text.strip()
        if depth > MAX_DEPTH or not text:
            return {}
        if text in _PLAIN:
            return dict(_PLAIN[text])
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_.]*)\[(.*)\]$", text, re.S)
        if m:
            head, args = m.group(1).split(".")[-1], _split_args(m.group(2))
            if head == "Optional" and len(args) == 1:
                return {"anyOf": [self.schema(module, args[0], depth, known), {"type": "null"}]}
            if head in ("List", "Iterable", "Sequence", "SequenceNotStr") and len(args) == 1:
                return {"type": "array", "items": self.schema(module, args[0], depth, known)}
            if head in ("Dict", "Mapping") and len(args) == 2:
                return {"type": "object", "additionalProperties": self.schema(module, args[1], depth, known)}
            if head == "Union":
                return {"anyOf": [self.schema(module, a, depth, known) for a in args]}
            if head == "Literal":
                values = []
                for a in args:
                    if a[:1] in "'\"" and a[-1:] == a[:1]:
                        values.append(a[1:-1])
                    elif re.match(r"^-?\d+$", a):
                        values.append(int(a))
                    else:
                        return {}
                kind = "string" if all(isinstance(v, str) for v in values) else "integer"
                return {"type": kind, "enum": values}
            if head in ("Annotated", "Required", "NotRequired") and args:
                return self.schema(module, args[0], depth, known)
            return {}
        name = text.split(".")[-1]
        found = self._find(module, name)
        if found is None:
            return {}
        where, entry = found
        mine = known(where, name) if known is not None else None
        if mine is not None:
            return mine
        alias = (entry.get("aliases") or {}).get(name)
        if alias is not None:
            return self.schema(where, str(alias.get("type") if isinstance(alias, dict) else alias), depth, known)
        if self._is_main(where, name) or self.defined.get(name) == 1:  # a name no other module uses
            ref = self.named(where, name)
            if ref is not None:
                return {"$ref": "#/components/schemas/" + ref}
        return self._class_schema(where, entry["classes"][name], depth, known)

    @staticmethod
    def _is_main(module: str, name: str) -> bool:
        """A module's own class: ``agent_session_deleted`` defines ``AgentSessionDeleted``."""
        return module.rsplit(".", 1)[-1].replace("_", "") == name.lower()


def add_release_types(spec: Spec, ops: List[Operation], release: Dict[str, Dict[str, Any]], api_dir: str) -> None:
    """Answer types of the release-only operations, added to ``spec`` where it lacks them."""
    if not os.path.isdir(os.path.join(api_dir, "types")):
        return
    types = ReleaseTypes(api_dir, spec)
    spec.release, spec.release_types = release, types  # for the type stage (release_fields)
    for op in ops:
        entry = release.get(op.method)
        if not op.synthetic or entry is None:
            continue
        if op.cast_to and op.cast_to not in spec.schemas and op.cast_to not in TYPE_NAMES.values():
            module = entry.get("response_module") or types.module_of(op.cast_to)  # none said for a union
            if module is None or types.named(module, op.cast_to) is None:
                op.cast_to = None
        event = op.stream_cast_to
        if event and event not in spec.schemas and event not in TYPE_NAMES.values():
            module = types.module_of(event)
            if module is None or types.named(module, event) is None:
                op.stream_cast_to = None  # events then read as the answer's class (none such in 3.63)
