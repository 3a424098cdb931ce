"""openai-python's own documented code runs here with only its import lines changed.

The snippets come from the sdist of the pinned release (tools/openai-release.txt), downloaded
at test time into .cache/ (tests/_openai_snippets.py says which blocks and examples, and which
are not run by rule).  They run against the offline server, each in a forked child of one warm
process (tests/_snippet_runner.py).  Every snippet that does not pass is in ONE table,
tests/openai_snippets_expected.txt, and the outcomes must match it exactly: a listed snippet
that starts passing fails this test until its line is removed, so fixes show.  README.rst lists
the same table (``python tests/_openai_snippets.py readme`` rewrites it).

Network is needed only for the first download: without it the run-test skips, except under CI
(``CI`` set) where it fails.  Snippets importing pydantic or typing_extensions run only where
those are installed (not in the oldest environment).
"""
import json
import os
import subprocess
import sys

import pytest

import _openai_snippets as snippets
from openai_lite.testing import OfflineServer

#: Files the documents' snippets open by name, made in each snippet's working directory.
FILES = {
    "path/to/image.png": b"\x89PNG\r\n\x1a\n fake image",
    "input.jsonl": b'{"messages": [{"role": "user", "content": "hi"}]}\n',
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
}


@pytest.fixture(scope="module")
def sdist():
    version = snippets.pinned_release()
    try:
        return snippets.sdist_path(version)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip("cannot download the openai %s sdist: %s" % (version, str(exc).splitlines()[0]))


def run_all(selected, tmp_path, server):
    jobs = []
    for number, snippet in enumerate(selected):
        cwd = tmp_path / ("s%03d" % number)
        for name, content in FILES.items():
            (cwd / name).parent.mkdir(parents=True, exist_ok=True)
            (cwd / name).write_bytes(content)
        jobs.append({"id": snippet.id, "code": snippets.rewrite_imports(snippet.source), "cwd": str(cwd),
                     "fragment": snippet.fragment, "argv": ARGV.get(snippet.id, []),
                     "imports": [snippets.rewrite_imports(s) for s in snippet.imports],
                     "env": {k: v.format(root=server.root_url) for k, v in ENV.get(snippet.id, {}).items()}})
    jobs_path, results_path = tmp_path / "jobs.json", tmp_path / "results.json"
    jobs_path.write_text(json.dumps({"timeout": TIMEOUT, "snippets": jobs}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_", "AWS_"))}
    env.update({
        "PYTHONPATH": str(snippets.ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        "OPENAI_API_KEY": "sk-snippets", "OPENAI_BASE_URL": server.url,
        "NO_PROXY": "127.0.0.1,localhost",
        # Amazon Bedrock as bedrock.md and the examples configure it, pointed at the offline server.
        "AWS_REGION": "us-west-2", "AWS_BEARER_TOKEN_BEDROCK": "bedrock-snippets", "AWS_BEDROCK_BASE_URL": server.url,
        "BEDROCK_AUTH": "bearer", "BEDROCK_MODEL": "openai.gpt-oss-120b-1:0", "BEDROCK_RESPONSES_MODEL": "openai.gpt-5.4",
        # ...and no AWS credentials from the machine (files, instance metadata) for SigV4 to find.
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_CONFIG_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
    })
    runner = snippets.ROOT / "tests" / "_snippet_runner.py"
    subprocess.run([sys.executable, str(runner), str(jobs_path), str(results_path)], env=env,
                   timeout=TIMEOUT * len(jobs) + 60, check=True)
    results = json.loads(results_path.read_text())
    for ident, expected in OUTPUTS.items():
        result = results.get(ident)
        if result and result["status"] == "pass" and expected not in result["output"]:
            result.update(status="fail", error="printed no %r" % expected)
    return results


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the snippet runner forks")
@pytest.mark.timeout(900)
def test_snippets_fail_exactly_as_listed(sdist, tmp_path):
    table = snippets.read_table()
    collected = snippets.collect(sdist)
    ids = [s.id for s in collected]
    assert len(ids) == len(set(ids)), "snippet ids must be unique"
    assert sorted(set(table) - set(ids)) == [], "listed snippets the release does not have"

    problems = []
    selected = []
    for snippet in collected:
        rule = snippets.not_run_reason(snippet)
        listed = table.get(snippet.id)
        if rule:
            if not listed or listed[0] != "unsupported":
                problems.append("%s: not run (%s) but not listed as unsupported" % (snippet.id, rule))
        elif not snippets.missing_optional(snippet):
            selected.append(snippet)
    assert len(selected) >= 20, "too few snippets run: %d" % len(selected)

    with OfflineServer() as server:
        results = run_all(selected, tmp_path, server)
        assert server.errors == []
    for snippet in selected:
        result, listed = results[snippet.id], table.get(snippet.id)
        if result["status"] == "pass" and listed:
            problems.append("%s: passes now; remove it from %s (%s)" % (snippet.id, snippets.TABLE.name, listed))
        elif result["status"] != "pass" and not listed:
            problems.append("%s: %s: %s\n%s" % (snippet.id, result["status"], result["error"], result["stderr"]))
    assert problems == [], "\n".join(problems)


def test_readme_lists_the_known_failures():
    text = snippets.README.read_text()
    assert snippets.readme_block(text) == snippets.render_readme(snippets.read_table()), \
        "README.rst's snippet list is stale: python tests/_openai_snippets.py readme"


def test_only_import_lines_are_rewritten():
    source = ("import openai\nimport openai as oa\nfrom openai import OpenAI\n"
              "from openai.types.chat import (\n    ChatCompletion,\n)\n"
              "x = 'import openai'\nclient = openai.OpenAI()\n  import openai\n")
    assert snippets.rewrite_imports(source) == (
        "import openai_lite as openai\nimport openai_lite as oa\nfrom openai_lite import OpenAI\n"
        "from openai_lite.types.chat import (\n    ChatCompletion,\n)\n"
        "x = 'import openai'\nclient = openai.OpenAI()\n  import openai_lite as openai\n")
