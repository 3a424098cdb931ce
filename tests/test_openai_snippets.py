"""openai-python's own documented code runs here with only its import lines changed.

The snippets come from the sdist of the pinned release (tools/openai-release.txt), downloaded
at test time into .cache/ (tests/_openai_snippets.py says which blocks and examples, and which
are not run by rule).  They run against the offline server, each in a forked child of one warm
process (tests/_snippet_runner.py).  Every snippet that does not pass is in ONE table,
tests/openai_snippets_expected.txt, and the outcomes must match it exactly: a listed snippet
that starts passing fails this test until its line is removed (``python tests/_openai_snippets.py
prune`` removes them), so fixes show.  README.rst lists the same table (``... readme`` rewrites it).

Network is needed only for the first download: without it the run-test skips, except under CI
(``CI`` set) where it fails.  Snippets importing pydantic or typing_extensions, and those
signing Bedrock requests with AWS credentials (botocore), run only where those are installed (not
in the oldest environment).
"""
import os
import subprocess

import pytest

import _openai_snippets as snippets
from openai_lite.testing import OfflineServer

@pytest.fixture(scope="module")
def sdist():
    version = snippets.pinned_release()
    try:
        return snippets.sdist_path(version)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip("cannot download the openai %s sdist: %s" % (version, str(exc).splitlines()[0]))


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
        results = snippets.run_all(selected, tmp_path, server)
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
