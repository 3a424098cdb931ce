#!/usr/bin/env python3
"""Write openai_lite/_openai_type_paths.txt.gz: every public module of ``openai.types`` and its names.

    python tools/openai_type_paths.py                  # the openai installed beside this Python
    python tools/openai_type_paths.py --openai DIR     # an unpacked wheel's openai/ folder
    python tools/openai_type_paths.py --check          # exit 1 if the committed table differs
    zcat openai_lite/_openai_type_paths.txt.gz         # read it (gzip keeps ~360 KB of text at 45 KB installed)

Facts only, read with ``ast`` (nothing of openai is imported or copied): for each module path under
``openai/types`` (packages included), the names it exposes, what kind each is, and for a class that
only appears as a field of another class of the same module, that field. ``openai_lite._type_paths``
reads the table so that ``import openai_lite.types.chat.chat_completion`` and the like work.

Line format (sorted, one module per line)::

    chat.chat_completion ChatCompletion:m ChoiceLogprobs:m@Choice.logprobs Choice:m@ChatCompletion.choices
    chat ChatCompletion=chat.chat_completion ...

``name:k`` is defined in the module, ``k`` being ``m`` (a response model), ``p`` (a TypedDict
request parameter) or ``a`` (a type alias, e.g. a union or a Literal); ``@Owner.field``: the model
is the type of that field of ``Owner`` (a model of the same module). ``name=module``: the module
re-exports the name defined in that module (``name=module:Other``: defined there as ``Other``).
"""
from __future__ import annotations

import argparse
import ast
import gzip
import importlib.util
import os
import sys
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, os.pardir, "openai_lite", "_openai_type_paths.txt.gz"))
HEADER = ("# Written by tools/openai_type_paths.py from openai %s: module paths of openai.types and their "
          "names (see that script for the format). Do not edit by hand.\n")


def _installed_openai() -> str:
    spec = importlib.util.find_spec("openai")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("openai is not installed here: pass --openai DIR (an unpacked openai wheel's openai/ folder)")
    return list(spec.submodule_search_locations)[0]


def _version(root: str) -> str:
    with open(os.path.join(root, "_version.py"), encoding="utf-8") as fh:
        for node in ast.parse(fh.read()).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__version__" for t in node.targets):
                return ast.literal_eval(node.value)
    return "unknown"


def _module_name(path: str, types_root: str) -> str:
    rel = os.path.relpath(path, types_root)[:-3].replace(os.sep, ".")
    return rel[: -len(".__init__")] if rel.endswith("__init__") else ("" if rel == "__init__" else rel)


def _kind(node: ast.ClassDef, kinds: Dict[str, str]) -> str:
    """``p`` for a TypedDict (directly, or through a TypedDict base of this module or a ``...Param(s)``
    base imported from another), ``m`` otherwise (a pydantic model)."""
    for base in node.bases:
        name = getattr(base, "id", getattr(base, "attr", ""))
        if name == "TypedDict" or kinds.get(name) == "p" or name.endswith(("Param", "Params")):
            return "p"
    return "m"


def _names_in(annotation: Optional[ast.AST]) -> List[str]:
    if annotation is None:
        return []
    return [n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)] + [
        n.value for n in ast.walk(annotation) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _definitions(tree: ast.Module) -> Tuple[Optional[List[str]], Dict[str, str], Dict[str, str]]:
    """(__all__ or None, name -> kind, class -> "Owner.field" where it is a field's type)."""
    exported: Optional[List[str]] = None
    kinds: Dict[str, str] = {}
    fields: Dict[str, List[Tuple[str, str]]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            exported = list(ast.literal_eval(node.value))
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            kinds[node.name] = _kind(node, kinds)
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    for used in _names_in(item.annotation):
                        fields.setdefault(used, []).append((node.name, item.target.id))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and not target.id.startswith("_") and target.id not in kinds:
                    kinds[target.id] = "a"
    owners: Dict[str, str] = {}
    for name, kind in kinds.items():
        places = [(owner, field) for owner, field in fields.get(name, ()) if owner != name and owner in kinds]
        if kind == "m" and places:  # a request TypedDict is a plain dict here: no field type to point at
            owners[name] = "%s.%s" % places[0]
    return exported, kinds, owners


def _imports(tree: ast.Module, package: str) -> Dict[str, Tuple[str, str, bool]]:
    """Relative ``from .x import Y [as Z]``: local name -> (module, name there, re-exported as itself)."""
    out: Dict[str, Tuple[str, str, bool]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level >= 1 and node.module:
            base = package.split(".") if package else []
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            source = ".".join(base + [node.module])
            for alias in node.names:
                local = alias.asname or alias.name
                if not local.startswith("_"):
                    out[local] = (source, alias.name, alias.asname == alias.name)
    return out


def build(root: str) -> str:
    types_root = os.path.join(root, "types")
    trees: Dict[str, Tuple[ast.Module, bool]] = {}
    for folder, dirs, files in os.walk(types_root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
        for name in sorted(files):
            if name.endswith(".py") and (name == "__init__.py" or not name.startswith("_")):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as fh:
                    trees[_module_name(path, types_root)] = (ast.parse(fh.read()), name == "__init__.py")
    facts = {}
    for module, (tree, is_package) in trees.items():
        package = module if is_package else module.rpartition(".")[0]
        facts[module] = (_definitions(tree), _imports(tree, package))

    def origin(module: str, name: str, depth: int = 0) -> Optional[Tuple[str, str]]:
        """(module, name) where ``name`` of ``module`` is defined, following imports and renames."""
        (_, kinds, _), imported = facts[module]
        if name in kinds:
            return module, name
        source, there, _ = imported.get(name, (None, name, False))
        return origin(source, there, depth + 1) if source in facts and depth < 20 else None

    lines = []
    for module in sorted(trees):
        tree, is_package = trees[module]
        entries = []
        (exported, kinds, owners), imported = facts[module]
        # __all__ first, then what the module defines beside it (``X = Union[...]`` left out of __all__)
        names = (exported or []) + sorted(set(kinds) - set(exported or []))
        for name in names:
            if name in kinds:
                entries.append("%s:%s%s" % (name, kinds[name], "@" + owners[name] if name in owners else ""))
        for name, (source, there, as_itself) in sorted(imported.items()):
            # a package re-exports ``as`` itself; any module exports what its __all__ names
            if name not in kinds and ((is_package and as_itself) or name in (exported or ())):
                defined = origin(module, name)
                if defined is not None:
                    where, real = defined
                    entries.append("%s=%s%s" % (name, where, "" if real == name else ":" + real))
        lines.append(" ".join([module or "."] + entries))
    return HEADER % _version(root) + "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--openai", help="the openai package folder (default: the installed one)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed table differs")
    args = parser.parse_args(argv)
    text = build(args.openai or _installed_openai())
    if args.check:
        with gzip.open(OUT, "rt", encoding="utf-8") as fh:
            same = fh.read() == text
        print("up to date" if same else "%s differs: re-run tools/openai_type_paths.py" % OUT)
        return 0 if same else 1
    with open(OUT, "wb") as raw:  # mtime 0 and no file name: the same table gives the same bytes
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as fh:
            fh.write(text.encode("utf-8"))
    print("wrote %s (%d modules)" % (OUT, text.count("\n") - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
