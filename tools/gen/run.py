"""Run the generator: every file by path, written or checked (``--check``) against the committed output."""
from __future__ import annotations

import argparse
import os
from typing import Any, Dict, List, Optional

from .spec import read_api
from .typegen import TYPE_EXTRAS, TypeDef, collect_types
from .type_stubs import render_type_stub
from .type_modules import SPLIT_PACKAGES, render_type_names, render_type_package_init, render_type_runtime
from .resources import (
    RESERVED_CLASS_NAMES, build_tree, render_client_resources, render_module, render_package_init
)
from .resource_stubs import BASE_PYI, TWIN_OPS, render_module_stub


def generate(spec_file: str, methods_file: str, repo: str, notes: List[str]) -> Dict[str, Any]:
    """Every generated file, by path below ``openai_lite/``."""
    spec, ops = read_api(spec_file, methods_file, os.path.join(repo, "api", "openai"))
    gen = collect_types(spec, ops)
    for op in ops:  # cast_to names are the public type names (TYPE_NAMES applied)
        if op.synthetic:  # a type the spec lacks: the generic model (its stub says BaseModel)
            op.cast_to = op.cast_to if op.cast_to in gen.types else None
            op.stream_cast_to = op.stream_cast_to if op.stream_cast_to in gen.types else None
        for name in (op.cast_to, op.stream_cast_to):
            if name and name not in gen.types:
                raise ValueError("%s: no type %s" % (op.method, name))
    tree = build_tree(ops)
    RESERVED_CLASS_NAMES.update(gen.types)
    TWIN_OPS.update((op.method, op) for op in ops)
    files: Dict[str, Any] = {"resources/__init__.py": render_package_init()}
    for key in sorted(tree.children):  # one module per top-level resource, its children inside
        top = tree.children[key]
        files["resources/%s.py" % key] = render_module(top, tree, repo, notes)
        files["resources/%s.pyi" % key] = render_module_stub(top, tree, repo, gen)
    files["resources/_client_resources.py"], files["resources/_client_resources.pyi"] = render_client_resources(tree)
    files["resources/_base.pyi"] = BASE_PYI
    # types: a run-time module and a stub per module, and where each type is defined
    modules = sorted({td.module for td in gen.types.values()} | set(TYPE_EXTRAS) | {""})
    for module in list(modules):  # parents of nested modules exist too
        parts = module.split(".")
        for i in range(1, len(parts)):
            if ".".join(parts[:i]) not in modules:
                modules.append(".".join(parts[:i]))
    modules = sorted(set(modules))
    packages = {m for m in modules if any(o.startswith(m + ".") for o in modules if m)} | {""}
    by_module: Dict[str, List[TypeDef]] = {m: [] for m in modules}
    for name in sorted(gen.types):
        by_module[gen.types[name].module].append(gen.types[name])
    for module in modules:
        base = "types/" + module.replace(".", "/") if module else "types"
        if module in SPLIT_PACKAGES:
            files[base + "/__init__.py"] = render_type_package_init(module)
            files[base + "/_defs.py"] = render_type_runtime(module, by_module[module], gen)
        else:
            files[(base + "/__init__" if module in packages else base) + ".py"] = render_type_runtime(
                module, by_module[module], gen)
        files[(base + "/__init__" if module in packages else base) + ".pyi"] = render_type_stub(
            module, by_module[module], gen)
    files["types/_names.txt"] = render_type_names(gen)
    styles: Dict[str, int] = {}
    for op in ops:
        if op.page:
            styles[op.page] = styles.get(op.page, 0) + 1
    kinds: Dict[str, int] = {}  # "same": a Beta type that is its non-beta twin
    for td in gen.types.values():
        kinds[td.kind] = kinds.get(td.kind, 0) + 1
    notes.append("%d operations; pages: %s" % (len(ops), ", ".join("%s %d" % kv for kv in sorted(styles.items()))))
    notes.append("%d types (%s) in %d modules" % (len(gen.types), ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
                                                  len(modules)))
    return files


OWNED = ("resources", "types")


GENERATED_SUFFIXES = (".py", ".pyi", ".dat", ".txt")


def existing_files(root: str) -> List[str]:
    found = []
    for owned in OWNED:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, owned)):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for name in filenames:
                if name.endswith(GENERATED_SUFFIXES):
                    found.append(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"))
    return found


def main(argv: Optional[List[str]] = None) -> int:
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(
        prog="tools/generate.py",
        description="Generate openai_lite/resources/ and openai_lite/types/ from api/openai/ (the pinned "
                    "release's description), the OpenAPI spec and methods.txt.")
    parser.add_argument("--spec", default=os.path.join(repo, "spec"),
                        help="openapi.yaml, or the directory holding it and methods.txt")
    parser.add_argument("--methods", default=None, help="methods.txt (default: beside the spec)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the output differs; write nothing")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    spec_file = args.spec
    if os.path.isdir(spec_file):
        spec_file = os.path.join(spec_file, "openapi.yaml")
    methods_file = args.methods or os.path.join(os.path.dirname(spec_file), "methods.txt")
    notes: List[str] = []
    files = generate(spec_file, methods_file, repo, notes)
    out_root = os.path.join(repo, "openai_lite")
    stale = sorted(set(existing_files(out_root)) - set(files))
    changed = []
    for rel, text in sorted(files.items()):
        target = os.path.join(out_root, rel)
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        try:
            with open(target, "rb") as fh:
                current = fh.read()
        except OSError:
            current = None
        if current != data:
            changed.append(rel)
            if not args.check:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as fh:
                    fh.write(data)
    if not args.check:
        for rel in stale:
            os.remove(os.path.join(out_root, rel))
        for owned in OWNED:  # folders left empty (but for caches) by removed modules
            for dirpath, dirnames, filenames in os.walk(os.path.join(out_root, owned), topdown=False):
                if os.path.basename(dirpath) == "__pycache__":
                    continue
                left = [n for n in os.listdir(dirpath) if n != "__pycache__"]
                if not left:
                    import shutil

                    shutil.rmtree(dirpath)
    if not args.quiet:
        for note in notes:
            print("note: " + note)
    if args.check:
        if changed or stale:
            for rel in changed:
                print("out of date: openai_lite/%s" % rel)
            for rel in stale:
                print("not generated: openai_lite/%s" % rel)
            print("run `python tools/generate.py` and commit the result")
            return 1
        if not args.quiet:
            print("generated files are up to date")
        return 0
    if not args.quiet:
        print("wrote %d files, removed %d" % (len(changed), len(stale)))
    return 0
