"""Write the API description of the pinned openai release into api/openai/, or compare it with openai_lite.

The reference for "what openai-python exposes" is the openai wheel itself (the public OpenAPI snapshot
lags it by months).  The release is pinned in tools/openai-release.txt, the only place its version is
written.  This tool:

    python tools/extract_openai.py              # throwaway venv + pip install openai==<pin>, then describe it
    python tools/extract_openai.py --python P   # describe the openai already installed for interpreter P
                                                #   (its version must equal the pin)
    python tools/extract_openai.py --check      # fail if api/openai/ differs from a fresh extraction
    python tools/extract_openai.py --compare    # what the release has that openai_lite lacks (counts + lists)

The description (facts only: names, paths, types, places, the API's own descriptions):

    api/openai/client.json            version, client keywords, module-level names, resource tree
    api/openai/methods/<family>.json  one entry per public method of the sync client below client.<family>
    api/openai/types/<family>.json    every module of openai.types.<family> (``_top``: openai.types.*)

The facts are read by tools/_openai_introspect.py, run inside the venv that holds the release.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from typing import Any, Dict, List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PIN_FILE = os.path.join(ROOT, "tools", "openai-release.txt")
OUT_DIR = os.path.join(ROOT, "api", "openai")
HELPER = os.path.join(ROOT, "tools", "_openai_introspect.py")


def pinned_version() -> str:
    """The openai release the project follows (tools/openai-release.txt)."""
    with open(PIN_FILE, encoding="utf-8") as f:
        lines = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    if len(lines) != 1:
        raise SystemExit("%s must hold exactly one version line, found %r" % (PIN_FILE, lines))
    return lines[0]


# --------------------------------------------------------------------------- extraction

def _venv_python(venv: str) -> str:
    return os.path.join(venv, "Scripts" if os.name == "nt" else "bin", "python")


def introspect(python: Optional[str], version: str) -> Dict[str, Any]:
    """Run the introspection helper under ``python`` (or a fresh venv with openai==version)."""
    tmp = None
    try:
        if python is None:
            tmp = tempfile.mkdtemp(prefix="openai-release-")
            venv = os.path.join(tmp, "venv")
            print("creating a throwaway venv in %s" % venv, file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            python = _venv_python(venv)
            subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                            "openai==%s" % version], check=True)
        found = subprocess.run([python, "-c", "import openai; print(openai.__version__)"], check=True,
                               capture_output=True, text=True).stdout.strip()
        if found != version:
            raise SystemExit("%s has openai %s, the pin (%s) says %s" % (python, found, PIN_FILE, version))
        out = subprocess.run([python, HELPER], check=True, capture_output=True, text=True)
        return json.loads(out.stdout)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _type_family(module: str, is_package: bool) -> str:
    """openai.types.chat.chat_completion -> chat; openai.types.batch (a top-level module) -> _top."""
    parts = module.split(".")
    if len(parts) == 2 or (len(parts) == 3 and not is_package):
        return "_top"
    return parts[2]


def layout(document: Dict[str, Any]) -> Dict[str, Any]:
    """{relative file path: JSON value} of the description."""
    files = {}  # type: Dict[str, Any]
    client = dict(document["client"])
    client["resources"] = document["resources"]
    files["client.json"] = client
    methods = {}  # type: Dict[str, List[Any]]
    for method in document["methods"]:
        methods.setdefault(method["name"].split(".")[0], []).append(method)
    for family, items in methods.items():
        files["methods/%s.json" % family] = sorted(items, key=lambda m: m["name"])
    types = {}  # type: Dict[str, List[Any]]
    for module in document["types"]:
        types.setdefault(_type_family(module["module"], bool(module.get("package"))), []).append(module)
    for family, items in types.items():
        files["types/%s.json" % family] = sorted(items, key=lambda m: m["module"])
    return files


def _dump(value: Any) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False) + "\n"


def write(files: Dict[str, Any], out_dir: str) -> None:
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    for rel, value in sorted(files.items()):
        path = os.path.join(out_dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(_dump(value))


def check(files: Dict[str, Any], out_dir: str) -> List[str]:
    """Relative paths that differ between ``files`` and what is on disk."""
    stale = []
    on_disk = set()
    for base, _, names in os.walk(out_dir):
        for name in names:
            on_disk.add(os.path.relpath(os.path.join(base, name), out_dir).replace(os.sep, "/"))
    for rel in sorted(set(files) | on_disk):
        path = os.path.join(out_dir, rel)
        if rel not in files or not os.path.exists(path):
            stale.append(rel)
            continue
        with open(path, encoding="utf-8") as f:
            if f.read() != _dump(files[rel]):
                stale.append(rel)
    return stale


# --------------------------------------------------------------------------- reading the description

def load_description(out_dir: str = OUT_DIR) -> Dict[str, Any]:
    """The committed description as {"client": ..., "methods": [...], "types": [...]}."""
    with open(os.path.join(out_dir, "client.json"), encoding="utf-8") as f:
        client = json.load(f)
    methods = []  # type: List[Any]
    types = []  # type: List[Any]
    for kind, target in (("methods", methods), ("types", types)):
        folder = os.path.join(out_dir, kind)
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                target.extend(json.load(f))
    return {"client": client, "methods": methods, "types": types}


# --------------------------------------------------------------------------- comparison with openai_lite

# Left out on purpose (README.rst, "Where openai_lite differs from openai-python"): websocket
# connections, the async client and what is specific to httpx.  One rule, read by the compare report
# and by tests/test_differential.py.
NOT_PORTED_METHODS = ("connect",)


def not_ported(name: str) -> bool:
    """True for a module-level name, client attribute or method left out on purpose."""
    last = name.split(".")[-1]
    if last in NOT_PORTED_METHODS:
        return True
    return last.startswith(("Async", "DefaultAsync")) or any(
        word in last for word in ("Httpx", "AioHttp", "WebSocket", "Reconnecting"))


def compare(description: Dict[str, Any]) -> Dict[str, Any]:
    """What the pinned release exposes and openai_lite does not: methods, keywords, names."""
    import inspect

    sys.path.insert(0, ROOT)
    import openai_lite

    client = openai_lite.OpenAI(api_key="sk-compare", admin_api_key="sk-admin-compare",
                                base_url="http://127.0.0.1:9/v1")
    missing_methods = []
    keyword_gaps = {}  # type: Dict[str, Dict[str, List[str]]]
    ported = 0
    for method in description["methods"]:
        name = method["name"]
        if not_ported(name):
            continue
        ported += 1
        target = client  # type: Any
        try:
            for part in name.split("."):
                target = getattr(target, part)
        except AttributeError:
            missing_methods.append(name)
            continue
        try:
            ours = set(inspect.signature(target).parameters)
        except (TypeError, ValueError):
            ours = set()
        theirs = {p["name"] for p in method["params"]} | set(method.get("options", []))
        lacking = sorted(theirs - ours)
        extra = sorted(n for n in ours - theirs if not n.startswith("_") and n not in ("args", "kwargs"))
        if lacking or extra:
            keyword_gaps[name] = {"missing": lacking, "extra": extra}
    names = description["client"]["module_names"]
    missing_names = sorted(n for n in names if not hasattr(openai_lite, n) and not not_ported(n))
    left_out = sorted(n for n in names if not hasattr(openai_lite, n) and not_ported(n))
    ours_client = set(dir(type(client)))
    missing_client_attrs = sorted(n for n in description["client"]["client_attributes"]
                                  if n not in ours_client and not not_ported(n))
    init = set(inspect.signature(type(client).__init__).parameters)
    missing_client_keywords = sorted(k["name"] for k in description["client"]["client_keywords"]
                                     if k["name"] not in init and not k["name"].startswith("_")
                                     and not not_ported(k["name"]))
    types = compare_types(description["types"])
    return {
        "version": description["client"]["version"],
        "types": types,
        "methods": ported,
        "missing_methods": missing_methods,
        "keyword_gaps": keyword_gaps,
        "module_names": len(names),
        "missing_module_names": missing_names,
        "left_out_module_names": left_out,
        "missing_client_attributes": missing_client_attrs,
        "missing_client_keywords": missing_client_keywords,
    }


def compare_types(modules: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Type modules and names of openai.types.* that do not import from the same path in openai_lite.types.

    A name counts as reachable through its package when ``openai_lite.types.<family>`` (or
    ``openai_lite.types``) has it though its own module path does not exist.
    """
    import importlib

    def load(name: str) -> Any:
        try:
            return importlib.import_module(name)
        except ImportError:
            return None

    missing_modules = []
    names = 0
    not_at_path = 0
    missing_names = []
    for entry in modules:
        ours = entry["module"].replace("openai.", "openai_lite.", 1)
        module = load(ours)
        if module is None:
            missing_modules.append(entry["module"])
        parts = ours.split(".")
        packages = [m for m in (load(".".join(parts[:3])), load("openai_lite.types")) if m is not None]
        for name in entry.get("all") or list(entry.get("exports", {})):
            names += 1
            if module is not None and hasattr(module, name):
                continue
            not_at_path += 1
            if not any(hasattr(p, name) for p in packages):
                missing_names.append("%s.%s" % (entry["module"], name))
    return {"modules": len(modules), "missing_modules": missing_modules, "names": names,
            "names_not_at_their_path": not_at_path, "missing_names": missing_names}


def print_report(report: Dict[str, Any]) -> None:
    print("openai %s: %d sync methods (websocket `connect` aside), %d module-level names"
          % (report["version"], report["methods"], report["module_names"]))
    print("missing methods: %d" % len(report["missing_methods"]))
    for name in report["missing_methods"]:
        print("  " + name)
    lacking = sum(1 for gap in report["keyword_gaps"].values() if gap["missing"])
    print("methods lacking keywords: %d (and %d more that only take extra keywords here)"
          % (lacking, len(report["keyword_gaps"]) - lacking))
    for name, gap in sorted(report["keyword_gaps"].items()):
        parts = ["-" + n for n in gap["missing"]] + ["+" + n for n in gap["extra"]]
        print("  %s: %s" % (name, " ".join(parts)))
    print("missing module-level names: %d" % len(report["missing_module_names"]))
    if report["missing_module_names"]:
        print("  " + " ".join(report["missing_module_names"]))
    print("left out on purpose (async, httpx, websocket): %d" % len(report["left_out_module_names"]))
    if report["left_out_module_names"]:
        print("  " + " ".join(report["left_out_module_names"]))
    print("missing client keywords: %d" % len(report["missing_client_keywords"]))
    if report["missing_client_keywords"]:
        print("  " + " ".join(report["missing_client_keywords"]))
    print("missing client attributes: %d" % len(report["missing_client_attributes"]))
    if report["missing_client_attributes"]:
        print("  " + " ".join(report["missing_client_attributes"]))
    types = report["types"]
    print("type modules missing (openai.types.* path): %d of %d" % (len(types["missing_modules"]), types["modules"]))
    print("type names not importable from their openai path: %d of %d; not even from the package: %d"
          % (types["names_not_at_their_path"], types["names"], len(types["missing_names"])))
    print("(- a keyword the release takes and openai_lite lacks; + one only openai_lite takes)")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", help="an interpreter that already has the pinned openai installed")
    parser.add_argument("--check", action="store_true", help="fail if api/openai/ is not what extraction gives")
    parser.add_argument("--compare", action="store_true", help="report what openai_lite lacks (no extraction)")
    parser.add_argument("--json", action="store_true", help="with --compare: the report as JSON")
    args = parser.parse_args(argv)
    if args.compare:
        report = compare(load_description())
        if args.json:
            print(json.dumps(report, indent=1))
        else:
            print_report(report)
        return 0
    if sys.version_info < (3, 9):
        raise SystemExit("extraction reads syntax trees back to text (ast.unparse): run it with Python >= 3.9")
    version = pinned_version()
    files = layout(introspect(args.python, version))
    if args.check:
        stale = check(files, OUT_DIR)
        for rel in stale:
            print("stale: api/openai/%s" % rel)
        return 1 if stale else 0
    write(files, OUT_DIR)
    print("wrote %d files to %s (openai %s)" % (len(files), os.path.relpath(OUT_DIR, ROOT), version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
