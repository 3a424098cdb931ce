"""The surface of the pinned openai release against ours, without the openai package (so in both suites):
tools/extract_openai.py's --compare report over the committed description (api/openai/) agrees with the
pending list of tests/test_differential.py, and the pin is written in one place.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import _differential as D


def test_the_pin_is_one_version_and_the_description_is_of_it() -> None:
    with open(D.PIN_FILE, encoding="utf-8") as f:
        lines = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    assert len(lines) == 1 and lines[0].count(".") == 2, lines
    assert D.client_facts()["version"] == lines[0]


def test_the_version_is_written_only_in_the_pin() -> None:
    """No other file of tools/ or tests/ repeats the pinned version (moving release is one edit)."""
    version = D.pinned_version()
    hits = []
    for folder in ("tools", "tests", ".ci"):
        for base, _, names in os.walk(os.path.join(D.ROOT, folder)):
            for name in names:
                path = os.path.join(base, name)
                if path == D.PIN_FILE or "fixtures" in path or not name.endswith((".py", ".sh", ".txt", "run")):
                    continue
                with open(path, encoding="utf-8", errors="replace") as f:
                    if version in f.read():
                        hits.append(os.path.relpath(path, D.ROOT))
    assert hits == []


def test_compare_report_agrees_with_the_pending_list() -> None:
    """What --compare says is missing is exactly what the differential test's pending list says is missing."""
    tool = os.path.join(D.ROOT, "tools", "extract_openai.py")
    env = dict(os.environ, PYTHONPATH=D.ROOT)
    done = subprocess.run([sys.executable, tool, "--compare", "--json"], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    pending = D.pending()
    assert report["methods"] == len([m for m in D.methods() if not D.extractor().not_ported(m["name"])])
    assert sorted(report["missing_methods"]) == sorted(
        s for s, checks in pending.items() if "missing" in checks and "[" not in s and not s.startswith(
            ("openai.", "OpenAI")))
    lacking = sorted(n for n, gap in report["keyword_gaps"].items() if gap["missing"])
    assert lacking == sorted(s for s, checks in pending.items() if "keywords" in checks)
    assert sorted(report["missing_module_names"]) == sorted(
        s[len("openai."):] for s, checks in pending.items() if s.startswith("openai.") and "missing" in checks)
    assert sorted(report["missing_client_keywords"]) == sorted(
        s[len("OpenAI("):-1] for s in pending if s.startswith("OpenAI("))
    assert sorted(report["missing_client_attributes"]) == sorted(
        s[len("OpenAI."):] for s in pending if s.startswith("OpenAI."))
