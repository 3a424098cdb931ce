"""The official package's documented code, taken from its sdist, as snippets to run against us.

Used by tests/test_openai_snippets.py; also a small command line for the maintainer::

    python tests/_openai_snippets.py readme    # rewrite README.rst's list from the table
    python tests/_openai_snippets.py list      # print every snippet id and how it is treated
    python tests/_openai_snippets.py run       # run them here and print each outcome
    python tests/_openai_snippets.py prune     # ...and drop the table lines of those that pass now

(with ``PYTHONPATH=.`` from the repository root, in the environment to check).
The snippets are never copied into this repository: the sdist of the pinned release is
downloaded with pip into ``.cache/openai-sdist/`` (gitignored) and read from the tarball.

A snippet is a ```python block of a user document (README.md, helpers.md, bedrock.md,
vertex.md) or a sync example program (examples/*.py, examples/responses/*.py).  Only its
import lines are changed (``openai`` -> ``openai_lite``).  Some are not run at all, by rule
(:func:`not_run_reason`): async code, websockets/Realtime, the httpx transports, code that
is not a program.  The example folders that are applications (browser, desktop, microphone,
Realtime) are not collected.
"""
from __future__ import annotations

import ast
import json
import os
import pathlib
import re
import subprocess
import sys
import tarfile
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Tuple

ROOT = pathlib.Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "openai-sdist"
TABLE = pathlib.Path(__file__).resolve().parent / "openai_snippets_expected.txt"
README = ROOT / "README.rst"
README_BEGIN = ".. openai-snippets-begin (generated from tests/openai_snippets_expected.txt)"
README_END = ".. openai-snippets-end"

#: The documents whose python blocks are user code (api.md is import listings, covered by the
#: module-path test; httpx2.md documents the transport this library replaces; CONTRIBUTING.md
#: is for the SDK's developers).
DOCUMENTS = ("README.md", "helpers.md", "bedrock.md", "vertex.md")
EXAMPLE_DIRS = ("examples", "examples/responses")
#: Not examples of using the SDK: the examples' own test harness.
NOT_EXAMPLES = ("examples/test_examples.py", "examples/responses/__init__.py")

#: Classes of the known-failure table.
CLASSES = {
    "ours": "a gap of ours, to fix",
    "server": "the offline server lacks the route or behaviour",
    "needs": "needs something the test does not give: a package, credentials, a device, names defined elsewhere",
    "unsupported": "by design: async, websockets, the httpx transports",
}
#: Third-party modules some snippets import that the oldest test environment lacks: those
#: snippets are run only where the module is installed.
OPTIONAL_MODULES = ("pydantic", "typing_extensions")


class Snippet(NamedTuple):
    id: str
    source: str
    fragment: bool  # a block of a document (may use ``client`` from an earlier block)
    imports: Tuple[str, ...] = ()  # the import statements of the document's earlier blocks


def _top_level_imports(source: str) -> List[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [ast.get_source_segment(source, node) or "" for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom))]


# -- the pinned release and its sdist ----------------------------------------------------------

def pinned_release() -> str:
    """The openai release we follow, as tools/openai-release.txt pins it (the one place it is written)."""
    from _differential import pinned_version

    return pinned_version()


def sdist_path(version: str, cache: pathlib.Path = CACHE) -> pathlib.Path:
    """The sdist of ``openai==version``, downloaded with pip into ``cache`` unless already there.

    Raises ``RuntimeError`` (with pip's own words) when it cannot be downloaded.
    """
    name = "openai-%s.tar.gz" % version
    path = cache / name
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    part = cache / ("download-%d" % os.getpid())
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--disable-pip-version-check",
         "-d", str(part), "openai==%s" % version],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=600)
    got = part / name
    if done.returncode != 0 or not got.exists():
        raise RuntimeError("pip download openai==%s failed:\n%s" % (version, done.stdout[-2000:]))
    os.replace(str(got), str(path))  # atomic: a concurrent run sees the whole file or none
    for leftover in part.iterdir():
        leftover.unlink()
    part.rmdir()
    return path


# -- collecting snippets -----------------------------------------------------------------------

def _slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-") or "top"


def _markdown_blocks(name: str, text: str) -> Iterator[Snippet]:
    heading, seen, earlier = "top", {}, []  # type: str, Dict[str, int], List[str]
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#") and not line.startswith("#!"):
            heading = _slug(line.lstrip("#"))
        fence = re.match(r"^```\s*(py|python)\s*$", line)
        if fence:
            end = i + 1
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            seen[heading] = seen.get(heading, 0) + 1
            number = seen[heading]
            ident = "%s#%s" % (name, heading) + ("-%d" % number if number > 1 else "")
            source = "\n".join(lines[i + 1:end]) + "\n"
            yield Snippet(ident, source, True, tuple(earlier))
            earlier.extend(s for s in _top_level_imports(source) if s not in earlier)
            i = end
        i += 1


def collect(sdist: pathlib.Path) -> List[Snippet]:
    """Every snippet of the sdist, in document order."""
    snippets = []  # type: List[Snippet]
    with tarfile.open(str(sdist)) as tar:
        members = {m.name.split("/", 1)[1]: m for m in tar.getmembers() if "/" in m.name and m.isfile()}

        def read(path: str) -> str:
            handle = tar.extractfile(members[path])
            assert handle is not None
            return handle.read().decode("utf-8")

        for doc in DOCUMENTS:
            if doc in members:
                snippets.extend(_markdown_blocks(doc, read(doc)))
        for folder in EXAMPLE_DIRS:
            for path in sorted(members):
                if path.startswith(folder + "/") and path.endswith(".py") and "/" not in path[len(folder) + 1:] \
                        and path not in NOT_EXAMPLES:
                    snippets.append(Snippet(path, read(path), False))
    return snippets


# -- what is run, and how ----------------------------------------------------------------------

_IMPORT = re.compile(r"^(\s*)(from\s+openai|import\s+openai)(\.[\w.]+)?\b(.*)$")


def rewrite_imports(source: str) -> str:
    """``source`` with its openai import lines pointed at openai_lite; no other line changes.

    ``import openai`` becomes ``import openai_lite as openai`` so the code's ``openai.X`` still reads.
    """
    out = []
    for line in source.splitlines(True):
        match = _IMPORT.match(line)
        if match:
            indent, head, sub, rest = match.groups()
            sub = sub or ""
            if head.startswith("from"):
                line = "%sfrom openai_lite%s%s\n" % (indent, sub, rest)
            elif not sub and not rest.strip():
                line = "%simport openai_lite as openai\n" % indent
            elif not sub and re.match(r"\s+as\s+\w+\s*$", rest):
                line = "%simport openai_lite%s\n" % (indent, rest.rstrip())
        out.append(line)
    return "".join(out)


_ASYNC = re.compile(r"\basync\s+(def|with|for)\b|\bawait\b|\bAsync[A-Z]\w*|\basyncio\b")
_WEBSOCKET = re.compile(r"websocket|realtime|\.connect\(", re.IGNORECASE)
# (DefaultHttpxClient / DefaultHttpx2Client alone are no rule: they build a requests.Session here)
_HTTPX = re.compile(r"^\s*(import|from)\s+(httpx|httpx2|aiohttp|httpx_aiohttp)\b", re.MULTILINE)


def not_run_reason(snippet: Snippet) -> Optional[str]:
    """Why a snippet is not run at all (it is then listed as unsupported), or None."""
    if _ASYNC.search(snippet.source):
        return "async"
    if _WEBSOCKET.search(snippet.source):
        return "websockets"
    if _HTTPX.search(snippet.source):
        return "httpx transport"
    try:
        compile(snippet.source, snippet.id, "exec")
    except SyntaxError:
        return "not a program"
    return None


#: Helpers that need an optional module the snippet itself may not import: {module: {the helper's
#: import path: what using it looks like}}.
NEEDS_OPTIONAL = {"pydantic": {"lib.beta.agents import": r"\bfunction_tool\b"}}

# Bedrock configured with AWS credentials rather than a bearer token: signed with botocore (SigV4).
_SIGV4 = re.compile(r"\b(profile|aws_profile|access_key_id|aws_access_key|credential_provider)\s*=|\bapi_key\s*=\s*None")


def missing_optional(snippet: Snippet) -> Optional[str]:
    """An optional module the snippet needs and this environment lacks (it is then not run here).

    Needed: imported by the snippet, or a name of it imported by an earlier block and used here;
    botocore where the snippet gives Bedrock AWS credentials (SigV4) instead of a bearer token.
    """
    import importlib.util

    if _SIGV4.search(snippet.source) and "bedrock" in snippet.source.lower() \
            and importlib.util.find_spec("botocore") is None:
        return "botocore"
    for name in OPTIONAL_MODULES:
        if importlib.util.find_spec(name) is not None:
            continue
        for helper, uses in NEEDS_OPTIONAL.get(name, {}).items():  # a helper of ours built on the module
            if re.search(uses, snippet.source) and any(helper in s for s in (snippet.source,) + snippet.imports):
                return name
        if re.search(r"^\s*(import|from)\s+%s\b" % name, snippet.source, re.MULTILINE):
            return name
        for statement in snippet.imports:  # a name an earlier block imported from it, used here
            node = ast.parse(statement).body[0]
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            if (module or "").split(".")[0] == name and any(
                    re.search(r"\b%s\b" % re.escape((a.asname or a.name).split(".")[0]), snippet.source)
                    for a in node.names):
                return name
    return None


# -- running them --------------------------------------------------------------------------------

#: Files the documents' snippets open by name, made in each snippet's working directory.
FILES = {
    "path/to/image.png": b"\x89PNG\r\n\x1a\n fake image",
    "input.jsonl": b'{"messages": [{"role": "user", "content": "hi"}]}\n',
    "source.pdf": b"%PDF-1.4 fake source",
}
#: Names a snippet takes as given by the prose around it (a model, an existing session, the
#: application's own objects), defined before it runs.
GIVEN_MODEL = "MODEL = 'gpt-5'\n"
GIVEN = {
    "helpers.md#beta-agents-turn-results": GIVEN_MODEL + "handlers = {}\nshow_progress = print\n",
    "helpers.md#typed-beta-agents-tools": GIVEN_MODEL,
    "helpers.md#typed-beta-agents-tools-2": (
        "import types\ncatalog = types.SimpleNamespace(lookup=lambda arguments: {'item_id': arguments.item_id})\n"),
    "helpers.md#observing-local-tool-failures": GIVEN_MODEL + (
        "import logging\nlogger = logging.getLogger('snippet')\n"
        "handlers = {'lookup': lambda arguments: 1 / 0}\n"
        "SESSION_ID = client.beta.agents.sessions.create(agent={'model': MODEL, 'tools': [{'type': 'function', "
        "'name': 'lookup', 'parameters': {'type': 'object', 'properties': {}}}]}, environment={'type': 'none'}).id\n"),
    "helpers.md#typed-agents-output-beta": GIVEN_MODEL,
    "helpers.md#stage-files-and-download-a-turn-artifact": GIVEN_MODEL,
}
#: Command lines the example programs document (their README's table).
ARGV = {"examples/uploads.py": ["input.jsonl", "--verify-and-delete"]}
#: Settings only some programs read (Azure's beside OPENAI_API_KEY would make openai-python's
#: module client ambiguous, so only the Azure example gets them).
ENV = {"examples/azure.py": {"AZURE_OPENAI_ENDPOINT": "{root}", "AZURE_OPENAI_API_KEY": "azure-snippets",
                             "OPENAI_API_VERSION": "2024-10-21", "AZURE_OPENAI_DEPLOYMENT_NAME": "my-deployment"}}
TIMEOUT = 20.0
#: Text some snippets must print (the offline model answers "You said: <prompt>"): exiting 0
#: is not enough where the snippet's point is to show the answer.
OUTPUTS = {
    "README.md#usage": "You said: How do I check",
    "README.md#accessing-raw-response-data-e-g-headers": "You said: Say this is a test",
    "README.md#streaming-responses": "response.completed",
    "helpers.md#auto-parsing-response-content-with-pydantic-models": "answer:  text",
    "examples/demo.py": "You said: How do I output all files",
    "examples/responses/background.py": "\nYou said: solve 8x + 31 = 2\n",
    "examples/parsing_tools.py": "orders",
    "examples/parsing.py": "answer:  text",
    "examples/module_client.py": "You said: How do I output all files",
    "examples/uploads.py": "Verified uploaded metadata",
    "helpers.md#an-example-of-creating-a-run-and-subscribing-to-some-events": "assistant > Hello from the offline",
    "bedrock.md#runtime-chat-completions-2": "You said: Say hello!",
    "README.md#with-streaming-response": '"text": "You said: Say this is a test"',
    "helpers.md#beta-agents-turn-results": "You said: Explain this policy.",
    "helpers.md#typed-beta-agents-tools": "You said: Find catalog item A123.",
    "helpers.md#typed-agents-output-beta": "summary='text' findings=['text']",
}



def run_all(selected: List[Snippet], tmp_path: pathlib.Path, server: Any) -> Dict[str, Dict[str, str]]:
    """Run ``selected`` against ``server`` (an OfflineServer), each in a directory of ``tmp_path``:
    ``{id: {"status": "pass"|"fail"|"timeout", "error", "stderr", "output"}}``."""
    jobs = []
    for number, snippet in enumerate(selected):
        cwd = tmp_path / ("s%03d" % number)
        for name, content in FILES.items():
            (cwd / name).parent.mkdir(parents=True, exist_ok=True)
            (cwd / name).write_bytes(content)
        jobs.append({"id": snippet.id, "code": rewrite_imports(snippet.source), "cwd": str(cwd),
                     "fragment": snippet.fragment, "argv": ARGV.get(snippet.id, []),
                     "imports": [rewrite_imports(s) for s in snippet.imports], "given": GIVEN.get(snippet.id, ""),
                     "env": {k: v.format(root=server.root_url) for k, v in ENV.get(snippet.id, {}).items()}})
    jobs_path, results_path = tmp_path / "jobs.json", tmp_path / "results.json"
    jobs_path.write_text(json.dumps({"timeout": TIMEOUT, "snippets": jobs}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_", "AWS_"))}
    env.update({
        "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        "OPENAI_API_KEY": "sk-snippets", "OPENAI_BASE_URL": server.url,
        "NO_PROXY": "127.0.0.1,localhost",
        # Amazon Bedrock as bedrock.md and the examples configure it, pointed at the offline server.
        "AWS_REGION": "us-west-2", "AWS_BEARER_TOKEN_BEDROCK": "bedrock-snippets", "AWS_BEDROCK_BASE_URL": server.url,
        "BEDROCK_AUTH": "bearer", "BEDROCK_MODEL": "openai.gpt-oss-120b-1:0", "BEDROCK_RESPONSES_MODEL": "openai.gpt-5.4",
        # ...and no AWS credentials from the machine (files, instance metadata) for SigV4 to find.
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_CONFIG_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
    })
    runner = pathlib.Path(__file__).resolve().parent / "_snippet_runner.py"
    subprocess.run([sys.executable, str(runner), str(jobs_path), str(results_path)], env=env,
                   timeout=TIMEOUT * len(jobs) + 60, check=True)
    results = json.loads(results_path.read_text())
    for ident, expected in OUTPUTS.items():
        result = results.get(ident)
        if result and result["status"] == "pass" and expected not in result["output"]:
            result.update(status="fail", error="printed no %r" % expected)
    return results


# -- the table of known failures and README.rst ------------------------------------------------

def read_table(path: pathlib.Path = TABLE) -> Dict[str, Tuple[str, str]]:
    """``{snippet id: (class, reason)}`` from the committed table; malformed lines raise ValueError."""
    table = {}  # type: Dict[str, Tuple[str, str]]
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        if len(parts) != 3 or parts[1] not in CLASSES:
            raise ValueError("%s:%d: expected 'id class reason' with class in %s: %r"
                             % (path.name, number, sorted(CLASSES), line))
        if parts[0] in table:
            raise ValueError("%s:%d: %s listed twice" % (path.name, number, parts[0]))
        table[parts[0]] = (parts[1], parts[2].strip())
    return table


def render_readme(table: Dict[str, Tuple[str, str]]) -> str:
    """README.rst's list of the snippets that do not pass, one line per class and reason."""
    groups = {}  # type: Dict[Tuple[str, str], List[str]]
    for ident, (cls, reason) in table.items():
        groups.setdefault((cls, reason), []).append(ident)
    order = list(CLASSES)
    lines = []
    for (cls, reason) in sorted(groups, key=lambda k: (order.index(k[0]), k[1])):
        ids = groups[(cls, reason)]
        if cls == "unsupported":  # by design and by rule: how many, not which
            lines.append("- %s, %s: %d snippets" % (cls, reason, len(ids)))
        else:
            lines.append("- %s, %s: %s" % (cls, reason, ", ".join("``%s``" % i for i in ids)))
    return "\n".join(lines)


def readme_block(text: str) -> str:
    """The generated list as it stands in README.rst's text."""
    start = text.index(README_BEGIN) + len(README_BEGIN)
    return text[start:text.index(README_END)].strip("\n")


def write_readme() -> None:
    text = README.read_text()
    start = text.index(README_BEGIN) + len(README_BEGIN)
    end = text.index(README_END)
    README.write_text(text[:start] + "\n\n" + render_readme(read_table()) + "\n\n" + text[end:])


def run_here() -> Tuple[List[Snippet], Dict[str, Dict[str, str]]]:
    """Run this environment's snippets against a fresh offline server (the commands below)."""
    import tempfile

    from openai_lite.testing import OfflineServer

    selected = [s for s in collect(sdist_path(pinned_release())) if not not_run_reason(s) and not missing_optional(s)]
    with tempfile.TemporaryDirectory() as tmp, OfflineServer() as server:
        return selected, run_all(selected, pathlib.Path(tmp), server)


def prune_table(passing: List[str]) -> None:
    """Drop the table lines of snippets that pass now (everything else stays as written)."""
    kept = [line for line in TABLE.read_text().splitlines(True)
            if line.startswith("#") or not line.strip() or line.split(None, 1)[0] not in passing]
    TABLE.write_text("".join(kept))


def main(argv: List[str]) -> int:
    if argv == ["readme"]:
        write_readme()
        return 0
    if argv == ["list"]:
        table = read_table()
        for snippet in collect(sdist_path(pinned_release())):
            print(snippet.id, not_run_reason(snippet) or "run", *table.get(snippet.id, ("pass",)))
        return 0
    if argv in (["run"], ["prune"]):
        table = read_table()
        selected, results = run_here()
        for snippet in selected:
            result = results[snippet.id]
            print("%-62s %-7s %-11s %s" % (snippet.id, result["status"], table.get(snippet.id, ("",))[0],
                                          result["error"][:160]))
        if argv == ["prune"]:
            prune_table([s.id for s in selected if results[s.id]["status"] == "pass" and s.id in table])
            write_readme()
            new = [s.id for s in selected if results[s.id]["status"] != "pass" and s.id not in table]
            print("table pruned, README.rst rewritten; failing and unlisted (add them by hand, with a reason): %s"
                  % (", ".join(new) or "none"))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
