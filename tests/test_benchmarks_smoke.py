"""The benchmark (benchmarks/run.py) still runs, at tiny sizes, and still writes its whole table.

No timing is asserted here: the figures of a --quick run mean nothing. What is pinned is that
every row is produced, that the machinery measures (the raw-requests floor gets numbers), and
that the report files are written. The official package is not installed (--quick installs
nothing), so its column reads "skipped".
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RUN = REPO / "benchmarks" / "run.py"

ROWS = {
    "import_wall": "1. import + construct client + `client.chat.completions`, wall",
    "import_rss": "1. import + construct client + `client.chat.completions`, peak RSS",
    "cold_wall": "1b. Lambda-style cold start: fresh process, import + client + one call + one stream, wall",
    "cold_rss": "1b. Lambda-style cold start, peak RSS",
    "call": "2. one chat completion, per call",
    "stream": "3. streamed chunks per second",
    "event": "3b. one 256 KiB SSE event",
    "upload_path": "upload from a Path, peak RSS",
    "upload_fileobj": "upload from a file object, peak RSS",
    "upload_tuple": "upload from a (name, file, type) tuple, peak RSS",
    "threads": "5. 16 threads sharing one client",
    "mem_client": "9. memory per live client",
    "mem_stream": "9. memory per open stream",
    "leak_calls": "10. RSS and fds over 300 calls",
    "leak_streams": "10. RSS and fds over 60 abandoned streams",
    "size": "6. installed size with dependencies",
    "lambda": "7. AWS Lambda bundle",
    "cli": "8. `openai-lite --help`, wall",
}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--results-dir", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=90,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done, out


def test_quick_run_prints_and_writes_every_row(quick_run):
    done, out = quick_run
    table = (out / "quick.md").read_text()
    assert table.strip() in done.stdout.strip() or table.splitlines()[0] in done.stdout
    for label in ROWS.values():
        assert label in table, label
    assert "| measure | openai_lite | openai" in table
    assert "server ceiling" in table
    assert (out / "quick.rst").read_text().startswith(".. list-table::")


def test_quick_run_json_has_rows_goals_and_floor_numbers(quick_run):
    _, out = quick_run
    report = json.loads((out / "quick.json").read_text())
    rows = {row["id"]: row for row in report["rows"]}
    assert set(rows) == set(ROWS)
    for row in rows.values():
        assert row["goal"], row["id"]
        assert row["result"] in ("pass", "MISS", "n/a")
    # The floor is measured for real, so the harness (server, workers, alternation) works.
    for rid in ("import_wall", "cold_wall", "call", "stream", "event", "threads", "upload_fileobj", "mem_client",
                "mem_stream"):
        cell = rows[rid]["cells"]["requests"]
        assert "error" not in cell, (rid, cell)
        assert cell["median"] > 0 and cell["n"] == 2
    assert rows["import_wall"]["cells"]["openai_lite"]["median"] > 0
    assert rows["cli"]["cells"]["openai_lite"]["median"] > 0 and rows["cli"]["cells"]["requests"]["median"] > 0
    assert rows["cold_wall"]["cells"]["openai_lite"]["median"] > 0
    # The long-running rows measured openai_lite at checkpoints (RSS and open fds at each).
    for rid in ("leak_calls", "leak_streams"):
        points = rows[rid]["cells"]["openai_lite"]["points"]
        assert len(points) == 10 and all(p["rss_mib"] > 0 and p["fds"] > 0 for p in points), rid
    # Nothing was installed: the official package and the install-based rows say so.
    assert "skipped" in rows["call"]["cells"]["openai"]["error"]
    assert "skipped" in rows["size"]["cells"]["openai_lite"]["error"]
    ceiling = report["details"]["server_ceiling"]
    assert ceiling["round_trip_us"] > 0 and ceiling["rps_16_connections"] > 0


def test_large_jobs_benchmark_runs_quick(tmp_path):
    """benchmarks/large_jobs.py (batch job memory, fan-out at a rate limit) still runs and reports every row."""
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "large_jobs.py"), "--quick", "--results-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / "large_jobs_quick.json").read_text())
    assert report["batch_build"]["requests"] == 2000 and report["batch_results"]["ok"] == 2000
    assert report["fanout"]["map"]["ok"] == 60 and report["fanout"]["map"]["limited"] == 0
    table = (tmp_path / "large_jobs_quick.md").read_text()
    for label in ("build + split + upload", "joined in input order", "client.map", "openai-python client"):
        assert label in table, label
