#!/usr/bin/env python3
"""Write the latest full run into README.rst's "Performance" section.

    python benchmarks/run.py && python benchmarks/update_readme.py

Reads ``benchmarks/results/latest.json`` and ``latest.rst``. Only that section of README.rst changes
(up to the next top-level heading): it is replaced in place, or inserted before "Where openai_lite
differs from openai-python" the first time. Standard library only; Python 3.8+.
"""
import json
import re
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
from run import BENCHMARKS  # noqa: E402  (a full run is one that ran every benchmark)

RESULTS = REPO / "benchmarks" / "results"
HEADING = "Performance\n-----------\n"
ANCHOR = "Where openai_lite differs from openai-python\n--------------------------------------------\n"
_NEXT_SECTION = re.compile(r"\n[^\n]+\n-{3,}\n")  # the next top-level heading (its title, then dashes)

SECTION = """Performance
-----------

``python benchmarks/run.py`` measures openai_lite next to the official ``openai`` package and raw
``requests`` (the floor: a ``requests.Session`` with ``trust_env`` off, ``session.post(url, json=...)``
and ``.json()``), on loopback, against a server of its own (standard library, precomputed responses)
running in its own process on its own core. The official package (the release pinned in
``tools/openai-release.txt``) is installed in its own virtual environment under ``benchmarks/.venvs/``;
it is never a dependency of openai_lite. Contenders alternate run by run; a cell is the median
(min-max) over the runs, a ratio the median of the per-round ratios.

Latest full run: {date}, on a 2-core {cpu} virtual machine (Linux); CPython {py},
requests {rq}, urllib3 {u3}, sseclient-py {sse}; openai {oa} (httpx2 {hx}, pydantic {pd}).
{runs} runs per contender ({imports} for imports, {uploads} for uploads):

{table}

- The server's own ceiling, measured with a raw-socket client: {rt:.0f} us per request on one
  connection, {r16:,.0f} requests/s over 16 connections, {chunks:,.0f} chunks/s, {up:,.0f} MB/s into the
  upload sink: far above every contender, so the table measures the clients.
- 1: what every program does before its first call: import, build the client and reach
  ``client.chat.completions``. 1b: a fresh process imports, builds a client, makes one chat call and
  reads one {short}-chunk streamed answer, timed whole (interpreter start-up included), as a Lambda
  handler's first invocation; the floor is the same written with ``requests``.
- 3: each chunk's ``chunk.choices[0].delta.content`` is read (the floor: ``iter_lines`` and ``json.loads``).
- 3b: the raw floor reads 64 KiB at a time; ``iter_lines`` joins every read onto the pending line,
  so one long line costs it quadratic time.
- 5: the floor mounts an ``HTTPAdapter(pool_maxsize=16)`` (requests' default pool of 10 would
  discard connections); openai_lite needs nothing (64 per host) and opened one connection per thread.
- 6: as ``pip install --target`` leaves it, bytecode included; MB = 10^6 bytes.
{size_note}.
- 7: the portable recipe below for openai_lite and requests; the official package cannot be
  installed that way (pydantic-core and jiter are compiled), so it gets the x86_64 recipe AWS
  documents. Zipped without bytecode.
- 9: resident memory added by {clients} live clients (each used once, so it pools a connection) and by
  {streams} open streams (one chunk read), divided. 10: one run of openai_lite alone; half the
  abandoned streams are left with ``break``, half dropped unclosed after one ``next()``.

Running the benchmarks
~~~~~~~~~~~~~~~~~~~~~~

::

    python benchmarks/run.py                              # about 7 minutes; the first run also installs
    python benchmarks/run.py --only call,threads --runs 5
    python benchmarks/run.py --quick                      # seconds; installs nothing (the smoke test)
    python benchmarks/run.py --only stream --openai-python /path/to/venv/bin/python   # installs nothing

``python benchmarks/large_jobs.py`` (about 5 minutes; ``--quick`` for seconds) measures batch jobs
and fan-out (see "Large jobs").
Benchmarks: ``server`` (its ceiling), ``import``, ``coldstart``, ``call``, ``stream``, ``event``,
``upload``, ``threads``, ``size``, ``lambda``, ``cli``, ``memory``, ``leak``. A full run writes
``benchmarks/results/latest.md``, ``.json`` (every sample) and ``.rst`` (the table above), and
``python benchmarks/update_readme.py`` copies it into this section; ``--quick`` and ``--only`` runs write ``quick.*`` and ``partial.*`` instead. The machine is shared with whatever else runs on it: read the ratios, not the
absolute figures, and rerun before trusting a difference of a few percent. The test suite asserts
no timing; ``tests/test_benchmarks_smoke.py`` runs ``--quick`` so the benchmark itself keeps working.

AWS Lambda
~~~~~~~~~~

``examples/aws_lambda_handler.py`` builds one client per execution environment, on the first
invocation, and reuses it (and its pooled keep-alive connection) in every later one; ``"stream": true``
in the event reads the completion chunk by chunk. Package pure-Python wheels only, so the zip holds no
compiled extension and the same zip runs on x86_64 and arm64 (a plain ``pip install --target`` on
x86_64 CPython brings charset-normalizer's compiled speed-ups, built for that one architecture)::

    pip install --target package --only-binary=:all: --platform any --implementation py \\
        --abi none --python-version 3.12 openai_lite     # or the path of a checkout, or a built wheel
    cp examples/aws_lambda_handler.py package/
    (cd package && zip -qr ../function.zip . -x '*.pyc')

Handler: ``aws_lambda_handler.handler``. Set ``OPENAI_API_KEY`` in the function's environment (or read
it from Secrets Manager and pass ``api_key=``). Memory: a first invocation (import, client, one call,
one stream) peaks at about {rss:.0f} MiB, and a file upload streams (about {upl:.0f} MiB for 300 MiB), so 128 MB is enough.
Each call gets the invocation's remaining time, less a second, as its timeout.

"""


def section(report: Dict[str, Any], table: str) -> str:
    meta = report["meta"]
    rows = {row["id"]: row for row in report["rows"]}
    lite_env = meta["versions"]["lite_env"]
    official_env = meta["versions"].get("official_env", {})
    ceiling = report["details"]["server_ceiling"]
    size_note = ""
    for text in rows["size"]["notes"]:
        if text.startswith("openai_lite itself"):
            size_note = textwrap.fill(text.split(" (the rest")[0], width=100, initial_indent="  ",
                                      subsequent_indent="  ")
    uploads = [rows[k]["cells"]["openai_lite"].get("median", 0.0)
               for k in ("upload_path", "upload_fileobj", "upload_tuple")]
    return SECTION.format(
        date=meta["date"].split(" ")[0], cpu=meta["machine"]["cpu"].replace("(R)", ""),
        py=meta["machine"]["python"], rq=lite_env["requests"], u3=lite_env["urllib3"],
        sse=lite_env["sseclient-py"], oa=official_env.get("openai"), hx=official_env.get("httpx2"),
        pd=official_env.get("pydantic"), runs=meta["sizes"]["runs"], imports=meta["sizes"]["import_runs"],
        uploads=meta["sizes"]["upload_runs"], table=table, rt=ceiling["round_trip_us"],
        r16=ceiling["rps_16_connections"], chunks=ceiling["stream_chunks_per_s"], up=ceiling["upload_mb_per_s"],
        size_note=size_note, rss=rows["cold_rss"]["cells"]["openai_lite"]["median"], upl=max(uploads),
        short=meta["sizes"]["short_chunks"], clients=meta["sizes"]["mem_clients"], streams=meta["sizes"]["mem_streams"],
    )


def main() -> int:
    report = json.loads((RESULTS / "latest.json").read_text())
    if report["meta"].get("quick") or report["meta"].get("only") != list(BENCHMARKS):
        sys.stderr.write("latest.json is not a full run\n")
        return 1
    new = section(report, (RESULTS / "latest.rst").read_text().rstrip("\n"))
    readme = REPO / "README.rst"
    text = readme.read_text(encoding="utf-8")
    if text.count(ANCHOR) != 1:
        sys.stderr.write("README.rst has no single %r heading to insert before\n" % ANCHOR.split("\n")[0])
        return 1
    start = text.find(HEADING)
    if start >= 0:  # replace the section an earlier run wrote, and nothing after it
        following = _NEXT_SECTION.search(text, start + len(HEADING))
        end = following.start() + 1 if following else len(text)
        text = text[:start] + new + text[end:]
    else:
        at = text.index(ANCHOR)
        text = text[:at] + new + text[at:]
    readme.write_text(text, encoding="utf-8")
    print("README.rst: Performance section written (%d characters)" % len(new))
    return 0


if __name__ == "__main__":
    sys.exit(main())
