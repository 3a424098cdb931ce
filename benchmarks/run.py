#!/usr/bin/env python3
"""openai_lite side by side with the official ``openai`` package and raw ``requests``.

    python benchmarks/run.py                # everything (about 7 minutes on 2 cores, plus installs the first time)
    python benchmarks/run.py --quick        # tiny sizes, no installs (what the smoke test runs)
    python benchmarks/run.py --only call,stream --runs 5
    python benchmarks/run.py --only stream --openai-python /path/to/venv/bin/python   # no install

What it does:

1. builds (or reuses) two virtual environments under ``benchmarks/.venvs/``: ``lite`` (requests, urllib3,
   sseclient-py; openai_lite is imported from this working tree through PYTHONPATH, raw requests runs
   there too) and ``openai`` (the official package at the release pinned in ``tools/openai-release.txt``,
   never a dependency of openai_lite); ``--lite-python`` / ``--openai-python`` use existing interpreters instead;
2. starts ``_server.py`` (a loopback HTTP/1.1 server with precomputed responses) in its own process,
   pinned to its own core, and measures its ceiling with ``_loadgen.py``;
3. runs every benchmark as fresh ``_worker.py`` processes (the cold start as ``_coldstart.py``, timed
   whole), the contenders alternating run by run (A B C, B C A, C A B ...), so drift on the machine
   hits them all alike; the long rows (RSS and fds over 100,000 calls and 5,000 abandoned streams)
   run openai_lite alone, once;
4. prints a Markdown table (median and min-max over the runs, the ratio, the goal, pass/miss) and writes
   it with every sample to ``benchmarks/results/latest.md`` / ``.json`` / ``.rst`` (``quick.*`` or
   ``partial.*`` for ``--quick`` / ``--only`` runs, so a partial run never replaces a full one).

Standard library only; Python 3.8+.
"""
from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENVS = HERE / ".venvs"
WORKER = HERE / "_worker.py"

LITE, OFFICIAL, RAW = "openai_lite", "openai", "requests"
# The official release we are measured against: the one the drop-in contract follows.
OFFICIAL_PIN_FILE = REPO / "tools" / "openai-release.txt"
LITE_REQUIREMENTS = ["requests", "urllib3", "sseclient-py"]
LAMBDA_PYTHON = "3.12"
PORTABLE = ["--only-binary=:all:", "--platform", "any", "--implementation", "py", "--abi", "none",
            "--python-version", LAMBDA_PYTHON]
NATIVE_X86 = ["--only-binary=:all:", "--platform", "manylinux2014_x86_64", "--implementation", "cp",
              "--python-version", LAMBDA_PYTHON]
BENCHMARKS = ("server", "import", "coldstart", "call", "stream", "event", "upload", "threads", "size", "lambda",
              "cli", "memory", "leak")
MiB = 1024 * 1024


class BenchError(Exception):
    """A contender could not be measured; the message goes into its cell."""


def note(message: str) -> None:
    sys.stderr.write("[bench] %s\n" % message)
    sys.stderr.flush()


# -- sizes -----------------------------------------------------------------------------------------


class Sizes:
    def __init__(self, quick: bool, runs: Optional[int]) -> None:
        self.quick = quick
        self.runs = runs or (2 if quick else 7)
        self.upload_runs = min(self.runs, 2 if quick else 3)  # peak RSS hardly varies run to run
        self.import_runs = self.runs if quick else self.runs * 3  # a tenth of a second each: cheap, and noisy
        self.call_iters, self.call_warmup = (100, 10) if quick else (2000, 200)  # in batches of 100
        self.chunks = 200 if quick else 2000
        self.stream_iters = 2 if quick else 5
        self.big_bytes = 256 * 1024 if quick else 8_000_000
        self.big_iters = 1 if quick else 3
        self.upload_bytes = 2 * MiB if quick else 300 * MiB
        self.threads = 16
        self.per_thread = 10 if quick else 100
        self.bursts = 1 if quick else 3
        self.ceiling_requests = 2000 if quick else 20000
        self.ceiling_upload = 20 * MiB if quick else 300 * MiB
        self.short_chunks = 20  # the short streamed answer of the cold start and memory benchmarks
        self.cold_runs = self.import_runs
        self.mem_clients = 20 if quick else 200
        self.mem_streams = 10 if quick else 50
        self.leak_calls = 300 if quick else 100_000
        self.leak_streams = 60 if quick else 5_000


# -- processes -------------------------------------------------------------------------------------


def child_env(lite: bool) -> Dict[str, str]:
    """The environment with proxies, OpenAI settings and Python path tweaks removed."""
    env = {k: v for k, v in os.environ.items()
           if not (k.lower().endswith("_proxy") or k.startswith("OPENAI_") or k.startswith("PYTHON")
                   or k in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"))}
    if lite:
        env["PYTHONPATH"] = str(REPO)  # openai_lite from this working tree
    return env


class Pinning:
    """Server on the last CPU, clients on the others (when there are at least two)."""

    def __init__(self) -> None:
        try:
            cpus = sorted(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cpus = []
        self.enabled = len(cpus) >= 2
        self.server = {cpus[-1]} if self.enabled else set()
        self.clients = set(cpus[:-1]) if self.enabled else set()

    def preexec(self, cpus: set) -> Optional[Callable[[], None]]:
        if not self.enabled:
            return None
        return lambda: os.sched_setaffinity(0, cpus)


PIN = Pinning()


def run_child(cmd: Sequence[str], env: Dict[str, str], timeout: float = 300.0,
              pin: bool = True) -> Tuple[int, str, str, float, float]:
    """(exit code, stdout, stderr, peak RSS in MiB, wall seconds) of one fresh process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=str(HERE),
                                preexec_fn=PIN.preexec(PIN.clients) if pin else None)
        killer = threading.Timer(timeout, proc.kill)  # a hung contender is killed, and reported
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # blocking: the wall time is exact
        finally:
            killer.cancel()
        wall = time.perf_counter() - start
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        proc.returncode = code
        out.seek(0)
        err.seek(0)
        return (code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                usage.ru_maxrss / 1024.0, wall)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def worker(py: str, lite: bool, args: Dict[str, Any], timeout: float = 300.0) -> Dict[str, Any]:
    code, out, err, rss, wall = run_child([py, str(WORKER), json.dumps(args)], child_env(lite), timeout)
    if code != 0:
        raise BenchError(_last_line(err) or "exit code %d" % code)
    result = json.loads(_last_line(out))
    result["process_peak_mib"] = rss
    result["process_wall_s"] = wall
    if result.get("value") is None:
        raise BenchError(result.get("error", "no value"))
    return result


# -- environments ----------------------------------------------------------------------------------


class Interpreters:
    def __init__(self) -> None:
        self.lite: str = sys.executable
        self.official: Optional[str] = None
        self.official_error = "skipped"
        self.official_version: Optional[str] = None
        self.versions: Dict[str, Any] = {}


def pip(py: str, *args: str, timeout: float = 900.0) -> subprocess.CompletedProcess:
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    return subprocess.run([py, "-m", "pip"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, timeout=timeout, universal_newlines=True)


def ensure_venv(name: str, requirements: List[str]) -> str:
    home = VENVS / name
    py = home / "bin" / "python"
    marker = home / "bench-requirements.txt"
    wanted = "\n".join(requirements) + "\n"
    if py.exists() and marker.exists() and marker.read_text() == wanted:
        return str(py)
    if not py.exists():
        note("creating virtual environment %s" % home)
        subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
    note("installing into %s: %s" % (name, " ".join(requirements)))
    done = pip(str(py), "install", "-q", *requirements)
    if done.returncode != 0:
        raise BenchError("pip install %s failed: %s" % (" ".join(requirements), _last_line(done.stderr)))
    marker.write_text(wanted)
    return str(py)


def official_pin() -> str:
    """The openai release of ``tools/openai-release.txt`` (one version on its first non-comment line)."""
    for line in OFFICIAL_PIN_FILE.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            return line
    raise BenchError("%s names no release" % OFFICIAL_PIN_FILE)


def _distribution_versions(py: str, names: List[str], lite: bool) -> Dict[str, str]:
    code = ("import json, importlib.metadata as m\n"
            "out = {}\n"
            "for n in %r:\n"
            "    try: out[n] = m.version(n)\n"
            "    except Exception: pass\n"
            "print(json.dumps(out))" % (names,))
    rc, out, err, _, _ = run_child([py, "-c", code], child_env(lite), 60, pin=False)
    return json.loads(_last_line(out)) if rc == 0 else {}


def setup_interpreters(quick: bool, want_official: bool, lite_python: Optional[str] = None,
                       openai_python: Optional[str] = None) -> Interpreters:
    interp = Interpreters()
    if lite_python:
        interp.lite = lite_python
    elif not quick:
        interp.lite = ensure_venv("lite", LITE_REQUIREMENTS)
    if want_official and openai_python:
        interp.official = openai_python
        found = _distribution_versions(openai_python, ["openai"], False).get("openai")
        interp.official_version = found
        pin = official_pin()
        interp.versions["official_choice"] = "openai %s (given with --openai-python; the pin is %s)" % (found, pin)
        if found != pin:
            note("--openai-python has openai %s, not the pinned %s" % (found, pin))
    elif quick:
        interp.official_error = "skipped: --quick installs nothing"
    elif want_official:
        try:
            version = official_pin()
            interp.official = ensure_venv("openai", ["openai==%s" % version])
            interp.official_version = version
            interp.versions["official_choice"] = "openai %s (pinned in tools/openai-release.txt)" % version
        except (BenchError, subprocess.SubprocessError, OSError) as exc:
            interp.official_error = "could not install openai: %s" % exc
            note(interp.official_error)
    interp.versions["lite_env"] = _distribution_versions(
        interp.lite, ["requests", "urllib3", "sseclient-py", "charset-normalizer", "idna", "certifi"], True)
    interp.versions["lite_env"]["python"] = platform.python_version()
    if interp.official:
        interp.versions["official_env"] = _distribution_versions(
            interp.official, ["openai", "httpx2", "httpcore2", "httpx", "httpcore", "pydantic", "pydantic-core",
                              "jiter", "anyio"], False)
    return interp


# -- the server ------------------------------------------------------------------------------------


class BenchServer:
    def __init__(self, sizes: Sizes) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "_server.py"), "--chunks", str(sizes.chunks), "--big-bytes",
             str(sizes.big_bytes), "--short-chunks", str(sizes.short_chunks)],
            stdout=subprocess.PIPE, env=child_env(False), cwd=str(HERE), preexec_fn=PIN.preexec(PIN.server))
        line = self.proc.stdout.readline() if self.proc.stdout else b""
        if not line:
            raise SystemExit("the benchmark server did not start")
        info = json.loads(line)
        self.port = info["port"]
        self.control = info["control"]
        self.base = "http://127.0.0.1:%d" % self.port

    def stats(self) -> Dict[str, int]:
        conn = http.client.HTTPConnection("127.0.0.1", self.control, timeout=10)
        try:
            conn.request("GET", "/stats")
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


# -- statistics and rows ---------------------------------------------------------------------------


def summarize(samples: List[float]) -> Dict[str, Any]:
    ordered = sorted(samples)
    n = len(ordered)
    mid = n // 2
    median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2.0
    return {"samples": samples, "median": median, "min": ordered[0], "max": ordered[-1], "n": n}


class Row:
    def __init__(self, rid: str, measure: str, unit: str, fmt: str, floor_label: str = "", goal: str = "") -> None:
        self.id = rid
        self.measure = measure
        self.unit = unit
        self.fmt = fmt
        self.floor_label = floor_label
        self.cells: Dict[str, Dict[str, Any]] = {}
        self.ratio: Optional[float] = None
        self.ratio_text = ""
        self.goal = goal
        self.result = "n/a"
        self.notes: List[str] = []

    def cell_text(self, who: str) -> str:
        cell = self.cells.get(who)
        if cell is None:
            return "-"
        if "error" in cell:
            text = cell["error"]
            return text if len(text) <= 70 else text[:67] + "..."
        if "text" in cell:
            return cell["text"]
        med, lo, hi = (self.fmt % cell[k] for k in ("median", "min", "max"))
        if cell["n"] == 1 or lo == hi:
            return "%s %s" % (med, self.unit)
        return "%s %s (%s-%s)" % (med, self.unit, lo, hi)

    def ratio_of(self, a: str, b: str) -> Optional[float]:
        """``a`` over ``b``: the median of the per-round ratios (runs of one round are adjacent in time,
        so a slow spell on the machine cancels out), or the ratio of the medians if rounds do not pair."""
        ca, cb = self.cells.get(a), self.cells.get(b)
        if not ca or not cb or "error" in ca or "error" in cb:
            return None
        xs, ys = ca.get("samples") or [], cb.get("samples") or []
        if xs and len(xs) == len(ys) and all(ys):
            return summarize([x / y for x, y in zip(xs, ys)])["median"]
        return ca["median"] / cb["median"] if cb["median"] else None

    def median(self, who: str) -> Optional[float]:
        cell = self.cells.get(who)
        return cell.get("median") if cell and "error" not in cell else None

    def judge(self, ratio: Optional[float], ratio_text: str, goal: str, ok: Optional[bool]) -> None:
        self.ratio, self.ratio_text, self.goal = ratio, ratio_text, goal
        self.result = "n/a" if ok is None else ("pass" if ok else "MISS")

    def as_dict(self) -> Dict[str, Any]:
        return {"id": self.id, "measure": self.measure, "unit": self.unit, "floor": self.floor_label,
                "cells": self.cells, "ratio": self.ratio, "ratio_text": self.ratio_text, "goal": self.goal,
                "result": self.result, "notes": self.notes,
                "text": {who: self.cell_text(who) for who in (LITE, OFFICIAL, RAW)}}


def alternate(rounds: int, contenders: List[str], measure: Callable[[str], float],
              on_result: Optional[Callable[[str, Dict[str, Any]], None]] = None) -> Dict[str, Dict[str, Any]]:
    """Run ``measure(contender)`` round by round, rotating the order; samples or the first error."""
    samples: Dict[str, List[float]] = {c: [] for c in contenders}
    errors: Dict[str, str] = {}
    for r in range(rounds):
        order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
        for who in order:
            if who in errors:
                continue
            try:
                samples[who].append(measure(who))
            except (BenchError, subprocess.SubprocessError, OSError, ValueError, KeyError) as exc:
                errors[who] = str(exc) or type(exc).__name__
                note("%s: %s" % (who, errors[who]))
    cells = {}
    for who in contenders:
        cells[who] = {"error": errors[who]} if who in errors else summarize(samples[who])
    return cells


# -- the benchmarks --------------------------------------------------------------------------------


class Context:
    def __init__(self, sizes: Sizes, interp: Interpreters, server: BenchServer, work: Path) -> None:
        self.work = work
        self.sizes = sizes
        self.interp = interp
        self.server = server
        self.details: Dict[str, Any] = {}

    def contenders(self) -> List[str]:
        return [LITE, OFFICIAL, RAW] if self.interp.official else [LITE, RAW]

    def py(self, who: str) -> Tuple[str, bool]:
        if who == OFFICIAL:
            assert self.interp.official
            return self.interp.official, False
        return self.interp.lite, True

    def skip_official(self, row: Row) -> None:
        if not self.interp.official:
            row.cells[OFFICIAL] = {"error": self.interp.official_error}

    def run(self, who: str, args: Dict[str, Any], timeout: float = 300.0) -> Dict[str, Any]:
        py, lite = self.py(who)
        args = dict(args, contender=who, base=self.server.base)
        return worker(py, lite, args, timeout)


def bench_server(ctx: Context) -> List[Row]:
    s = ctx.sizes
    code, out, err, _, _ = run_child(
        [sys.executable, str(HERE / "_loadgen.py"), "--port", str(ctx.server.port), "--chunks", str(s.chunks),
         "--big-bytes", str(s.big_bytes), "--requests", str(s.ceiling_requests),
         "--upload-bytes", str(s.ceiling_upload)], child_env(False), 300)
    if code != 0:
        ctx.details["server_ceiling"] = {"error": _last_line(err)}
    else:
        ctx.details["server_ceiling"] = json.loads(_last_line(out))
    return []


# What every program does before its first call: import, build the client, reach the resource.
IMPORT_CODE = {
    RAW: "import requests",
    LITE: "import openai_lite\n"
          "openai_lite.OpenAI(api_key='sk-bench', base_url='http://127.0.0.1:9/v1').chat.completions.create",
    OFFICIAL: "import openai\n"
              "openai.OpenAI(api_key='sk-bench', base_url='http://127.0.0.1:9/v1').chat.completions.create",
}
IMPORT_GOAL_RATIO, IMPORT_GOAL_MIB = 1.10, 30.0


def bench_import(ctx: Context) -> List[Row]:
    wall = Row("import_wall", "1. import + construct client + `client.chat.completions`, wall", "s", "%.3f",
               "`import requests`", "<= %.2fx import requests" % IMPORT_GOAL_RATIO)
    rss = Row("import_rss", "1. import + construct client + `client.chat.completions`, peak RSS", "MiB", "%.1f",
              "`import requests`", "<= %.0f MiB" % IMPORT_GOAL_MIB)
    rss_of: Dict[str, List[float]] = {}

    def once(who: str) -> Tuple[float, float]:
        py, lite = ctx.py(who)
        code, _, err, peak, seconds = run_child([py, "-c", IMPORT_CODE[who]], child_env(lite), 120)
        if code != 0:
            raise BenchError(_last_line(err))
        return seconds, peak

    contenders = ctx.contenders()
    for who in contenders:  # warm the bytecode caches and the page cache first
        try:
            once(who)
        except BenchError:
            pass
    interp_only = [run_child([ctx.interp.lite, "-c", "pass"], child_env(True), 60)[4] for _ in range(3)]
    ctx.details["python_startup_s"] = sorted(interp_only)[1]

    def measure(who: str) -> float:
        seconds, peak = once(who)
        rss_of.setdefault(who, []).append(peak)
        return seconds

    wall.cells = alternate(ctx.sizes.import_runs, contenders, measure)
    for who in contenders:
        rss.cells[who] = dict(wall.cells[who]) if "error" in wall.cells[who] else summarize(rss_of[who])
    ctx.skip_official(wall)
    ctx.skip_official(rss)
    ratio = wall.ratio_of(LITE, RAW)
    if ratio:
        wall.judge(ratio, "%.2fx import requests" % ratio, wall.goal, ratio <= IMPORT_GOAL_RATIO)
    lite_rss, raw_rss = rss.median(LITE), rss.median(RAW)
    if lite_rss and raw_rss:
        rss.judge(lite_rss / raw_rss, "%.2fx import requests" % (lite_rss / raw_rss), rss.goal,
                  lite_rss <= IMPORT_GOAL_MIB)
    return [wall, rss]


CLI_GOAL_S = 0.150  # issue 19: `openai-lite --help` well under 150 ms above `python -c pass`


def bench_cli(ctx: Context) -> List[Row]:
    """``python -m openai_lite --help`` (the ``openai-lite`` command's start-up) next to ``python -c pass``,
    alternating run by run; the figure is the difference of the medians."""
    row = Row("cli", "8. `openai-lite --help`, wall", "s", "%.3f", "`python -c pass`", "<= +0.150 s")
    commands = {LITE: [ctx.interp.lite, "-m", "openai_lite", "--help"], RAW: [ctx.interp.lite, "-c", "pass"]}

    def measure(who: str) -> float:
        code, _, err, _, seconds = run_child(commands[who], child_env(True), 60)
        if code != 0:
            raise BenchError(_last_line(err) or "exit code %d" % code)
        return seconds

    for who in commands:  # warm the bytecode caches first
        measure(who)
    row.cells = alternate(ctx.sizes.import_runs, [LITE, RAW], measure)
    row.cells[OFFICIAL] = {"error": "n/a (no command line)"}
    lite, floor = row.median(LITE), row.median(RAW)
    if lite is not None and floor is not None:
        extra = lite - floor
        row.judge(extra, "+%.0f ms" % (extra * 1000), row.goal, extra <= CLI_GOAL_S)
    return [row]


COLD_GOAL_RATIO = 1.15


def bench_coldstart(ctx: Context) -> List[Row]:
    """A Lambda-style cold start (``_coldstart.py``): a fresh process imports, builds a client, makes one chat
    call and reads one short stream; whole-process wall and peak RSS, contenders alternating run by run."""
    s = ctx.sizes
    wall = Row("cold_wall", "1b. Lambda-style cold start: fresh process, import + client + one call + one stream, wall",
               "s", "%.3f", "requests", "<= %.2fx raw requests" % COLD_GOAL_RATIO)
    rss = Row("cold_rss", "1b. Lambda-style cold start, peak RSS", "MiB", "%.1f", "requests", "reported")
    rss_of: Dict[str, List[float]] = {}
    expect = "%d " % s.short_chunks

    def once(who: str) -> Tuple[float, float]:
        py, lite = ctx.py(who)
        code, out, err, peak, seconds = run_child([py, str(HERE / "_coldstart.py"), who, ctx.server.base],
                                                  child_env(lite), 120)
        if code != 0:
            raise BenchError(_last_line(err) or "exit code %d" % code)
        if not out.startswith(expect):
            raise BenchError("read %r, expected %d chunks" % (out.strip(), s.short_chunks))
        return seconds, peak

    contenders = ctx.contenders()
    for who in contenders:  # warm the bytecode caches and the page cache first
        try:
            once(who)
        except BenchError:
            pass

    def measure(who: str) -> float:
        seconds, peak = once(who)
        rss_of.setdefault(who, []).append(peak)
        return seconds

    wall.cells = alternate(s.cold_runs, contenders, measure)
    for who in contenders:
        rss.cells[who] = dict(wall.cells[who]) if "error" in wall.cells[who] else summarize(rss_of[who])
    ctx.skip_official(wall)
    ctx.skip_official(rss)
    ratio, official = wall.ratio_of(LITE, RAW), wall.ratio_of(OFFICIAL, RAW)
    if ratio:
        text = "%.2fx raw" % ratio + ("; openai %.2fx raw" % official if official else "")
        wall.judge(ratio, text, wall.goal, ratio <= COLD_GOAL_RATIO)
    lite_rss, raw_rss = rss.median(LITE), rss.median(RAW)
    if lite_rss and raw_rss:
        rss.judge(lite_rss / raw_rss, "%.2fx raw" % (lite_rss / raw_rss), rss.goal, None)
    wall.notes.append("%d-chunk streamed answer; the whole process timed, interpreter start-up included"
                      % s.short_chunks)
    return [wall, rss]


def bench_memory(ctx: Context) -> List[Row]:
    """Resident memory each live client (used once, so it pools a connection) and each open stream adds."""
    s = ctx.sizes
    client = Row("mem_client", "9. memory per live client (built, one call made)", "KiB", "%.0f",
                 "Session", "reported")
    stream = Row("mem_stream", "9. memory per open stream (one chunk read)", "KiB", "%.0f",
                 "post(stream=True)", "reported")
    per_stream: Dict[str, List[float]] = {}
    args = {"bench": "memory", "clients": s.mem_clients, "streams": s.mem_streams}

    def measure(who: str) -> float:
        result = ctx.run(who, args)
        per_stream.setdefault(who, []).append(result["per_stream_kib"])
        return result["value"]

    client.cells = alternate(min(s.runs, 3), ctx.contenders(), measure)
    for who, cell in client.cells.items():
        stream.cells[who] = dict(cell) if "error" in cell else summarize(per_stream[who])
    ctx.skip_official(client)
    ctx.skip_official(stream)
    for row, unit in ((client, "client"), (stream, "stream")):
        lite, raw = row.median(LITE), row.median(RAW)
        if lite is not None and raw:
            row.judge(lite, "%+.0f KiB vs raw" % (lite - raw), row.goal, None)
        row.notes.append("resident memory (not peak) before and after %d %ss, divided" % (
            s.mem_clients if unit == "client" else s.mem_streams, unit))
    return [client, stream]


LEAK_GOAL_MIB = 2.0


def bench_leak(ctx: Context) -> List[Row]:
    """No growth over many calls, or many abandoned streams, on one openai_lite client (one run each:
    a memory leak does not need medians). RSS and open fds from a tenth of the way to the end."""
    s = ctx.sizes
    rows = []
    for what, count, label in (("calls", s.leak_calls, "calls"),
                               ("streams", s.leak_streams, "abandoned streams")):
        row = Row("leak_" + what, "10. RSS and fds over %s %s, one client (growth after the first tenth)"
                  % ("{:,}".format(count), label), "MiB", "%.2f", "", "flat: <= %.0f MiB, no fd growth" % LEAK_GOAL_MIB)
        try:
            result = ctx.run(LITE, {"bench": "leak", "what": what, "count": count}, timeout=1800)
        except BenchError as exc:
            row.cells[LITE] = {"error": str(exc)}
            rows.append(row)
            continue
        growth, fds = result["value"], result["fd_growth"]
        row.cells[LITE] = dict(summarize([growth]), fd_growth=fds, points=result["points"],
                               text="%+.2f MiB, %+d fds (%.0f s)" % (growth, fds, result["seconds"]))
        row.cells[OFFICIAL] = {"error": "not measured"}
        row.cells[RAW] = {"error": "not measured"}
        first, last = result["points"][0], result["points"][-1]
        row.notes.append("RSS %.1f -> %.1f MiB and fds %d -> %d from %d to %d %s (at most %d fds)" % (
            first["rss_mib"], last["rss_mib"], first["fds"], last["fds"], first["done"], last["done"], label,
            result["max_fds"]))
        row.judge(growth, "%+.2f MiB, %+d fds" % (growth, fds), row.goal, growth <= LEAK_GOAL_MIB and fds <= 0)
        rows.append(row)
    if rows:
        rows[-1].notes.append("half the streams are left with `break`, half dropped unclosed after one `next()`")
    return rows


def bench_call(ctx: Context) -> List[Row]:
    row = Row("call", "2. one chat completion, per call", "us", "%.0f", "Session, trust_env off",
              "<= 1.0x raw floor")
    s = ctx.sizes
    args = {"bench": "call", "iters": s.call_iters, "warmup": s.call_warmup}
    row.cells = alternate(s.runs, ctx.contenders(), lambda who: ctx.run(who, args)["value"])
    ctx.skip_official(row)
    ratio, official = row.ratio_of(LITE, RAW), row.ratio_of(OFFICIAL, RAW)
    if ratio:
        text = "%.2fx raw" % ratio + ("; openai %.2fx raw" % official if official else "")
        row.judge(ratio, text, row.goal, ratio <= 1.0)
    return [row]


def bench_stream(ctx: Context) -> List[Row]:
    row = Row("stream", "3. streamed chunks per second (%d-chunk stream, reading `chunk.choices[0].delta.content`)"
              % ctx.sizes.chunks, "/s", "%.0f", "iter_lines + json.loads", ">= 0.75x raw floor and >= 10x openai")
    s = ctx.sizes
    args = {"bench": "stream", "prefix": "/stream", "iters": s.stream_iters, "expect_chunks": s.chunks}
    row.cells = alternate(s.runs, ctx.contenders(), lambda who: ctx.run(who, args)["value"])
    ctx.skip_official(row)
    vs_raw, vs_official = row.ratio_of(LITE, RAW), row.ratio_of(LITE, OFFICIAL)
    if vs_raw:
        text = "%.2fx raw" % vs_raw + ("; %.1fx openai" % vs_official if vs_official else "")
        ok = vs_raw >= 0.75 and (vs_official is None or vs_official >= 10.0)
        row.judge(vs_raw, text, row.goal, ok)
    return [row]


def bench_event(ctx: Context) -> List[Row]:
    s = ctx.sizes
    label = "%d MB" % (s.big_bytes // 1_000_000) if s.big_bytes >= 1_000_000 else "%d KiB" % (s.big_bytes // 1024)
    row = Row("event", "3b. one %s SSE event" % label, "MB/s", "%.0f", "iter_lines(65536) + json.loads",
              ">= 300 MB/s")
    # requests' iter_lines joins every read onto the pending line (quadratic in the line's length): with its
    # default 512-byte reads an 8 MB line takes minutes, so the raw reader here reads 64 KiB at a time.
    args = {"bench": "stream", "prefix": "/big", "iters": s.big_iters, "expect_chunks": 1, "mode": "bytes",
            "event_bytes": s.big_bytes, "raw_chunk_size": 65536}
    row.cells = alternate(s.runs, ctx.contenders(), lambda who: ctx.run(who, args, timeout=600)["value"])
    ctx.skip_official(row)
    lite = row.median(LITE)
    if lite:
        official = row.median(OFFICIAL)
        text = "%.1fx openai" % (lite / official) if official else ""
        row.judge(lite, text, row.goal, lite >= 300.0)
    return [row]


def upload_file(size: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ("upload-%dB.bin" % size)
    if not path.exists() or path.stat().st_size != size:
        with open(str(path), "wb") as f:
            f.truncate(size)  # sparse: instant to make, and read back as zeros
    return path


def bench_upload(ctx: Context) -> List[Row]:
    s = ctx.sizes
    # Full runs keep the file between runs; --quick makes a small one in its scratch folder.
    path = upload_file(s.upload_bytes, ctx.work if s.quick else VENVS / "data")
    size_label = "%d MiB" % (s.upload_bytes // MiB)
    rows = []
    forms = [("path", "a Path"), ("fileobj", "a file object"), ("tuple", "a (name, file, type) tuple")]
    for form, label in forms:
        row = Row("upload_" + form, "4. %s upload from %s, peak RSS" % (size_label, label), "MiB", "%.0f",
                  "files=", "<= 64 MiB")
        extra: Dict[str, List[float]] = {}
        speed: Dict[str, List[float]] = {}

        def measure(who: str, form: str = form) -> float:
            result = ctx.run(who, {"bench": "upload", "form": form, "path": str(path)}, timeout=600)
            extra.setdefault(who, []).append(result.get("rss_before_mib", 0.0))
            speed.setdefault(who, []).append(result.get("mb_per_s", 0.0))
            return result["process_peak_mib"]

        row.cells = alternate(s.upload_runs, ctx.contenders(), measure)
        ctx.skip_official(row)
        for who, before in extra.items():
            rates = sorted(speed.get(who) or [0.0])
            row.notes.append("%s: %.0f MiB before the upload started; sent at %.0f MB/s" % (
                who, sorted(before)[len(before) // 2], rates[len(rates) // 2]))
        lite = row.median(LITE)
        if lite:
            row.judge(lite, "", "<= 64 MiB", lite <= 64.0)
        else:
            row.judge(None, "", "<= 64 MiB", None)
        rows.append(row)
    return rows


def bench_threads(ctx: Context) -> List[Row]:
    s = ctx.sizes
    row = Row("threads", "5. %d threads sharing one client" % s.threads, "req/s", "%.0f",
              "Session, pool_maxsize=%d" % s.threads, ">= 1.0x raw, no pool warnings")
    args = {"bench": "threads", "threads": s.threads, "per_thread": s.per_thread, "bursts": s.bursts}
    seen: Dict[str, Dict[str, Any]] = {}

    def measure(who: str) -> float:
        before = ctx.server.stats()["accepted"]
        result = ctx.run(who, args)
        opened = ctx.server.stats()["accepted"] - before
        info = seen.setdefault(who, {"warnings": 0, "pool_full": 0, "max_connections": 0, "samples": []})
        info["warnings"] += result["warnings"]
        info["pool_full"] += result["pool_full_warnings"]
        info["max_connections"] = max(info["max_connections"], opened)
        info["samples"].extend(result["warning_samples"])
        return result["value"]

    row.cells = alternate(s.runs, ctx.contenders(), measure)
    ctx.skip_official(row)
    for who, info in seen.items():
        row.notes.append("%s: %d warnings (%d 'pool is full'), at most %d connections opened in a run%s" % (
            who, info["warnings"], info["pool_full"], info["max_connections"],
            (": " + info["samples"][0]) if info["samples"] else ""))
        if who in row.cells and "error" not in row.cells[who]:
            row.cells[who]["warnings"] = info["warnings"]
            row.cells[who]["max_connections"] = info["max_connections"]
    ctx.details["threads"] = seen
    ratio = row.ratio_of(LITE, RAW)
    if ratio:
        lite_info = seen.get(LITE, {})
        clean = lite_info.get("warnings", 1) == 0 and lite_info.get("max_connections", 99) <= s.threads
        official = row.ratio_of(OFFICIAL, RAW)
        text = "%.2fx raw" % ratio + ("; openai %.2fx raw" % official if official else "")
        text += "; %d warnings, <= %d conns" % (lite_info.get("warnings", -1), lite_info.get("max_connections", -1))
        row.judge(ratio, text, row.goal, ratio >= 1.0 and clean)
    return [row]


# -- installed size and the Lambda bundle -----------------------------------------------------------


def tree_stats(root: Path) -> Dict[str, Any]:
    total = files = bytecode = 0
    native = []
    for folder, _, names in os.walk(str(root)):
        for name in names:
            full = os.path.join(folder, name)
            if os.path.islink(full):
                continue
            files += 1
            size = os.path.getsize(full)
            total += size
            if name.endswith(".pyc"):
                bytecode += size
            if name.endswith((".so", ".pyd", ".dylib")) or ".so." in name:
                native.append(os.path.relpath(full, str(root)))
    return {"bytes": total, "files": files, "native": sorted(native), "bytecode": bytecode}


def build_lite_wheel(py: str, work: Path) -> Path:
    """A wheel of this working tree, built from a copy so the tree gets no build/ or egg-info."""
    src = work / "src"
    src.mkdir()
    for name in ("setup.py", "setup.cfg", "README.rst", "LICENSE", "pyproject.toml", "MANIFEST.in"):
        if (REPO / name).exists():
            shutil.copy2(str(REPO / name), str(src / name))
    shutil.copytree(str(REPO / "openai_lite"), str(src / "openai_lite"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    done = pip(py, "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(src))
    wheels = list((work / "dist").glob("openai_lite-*.whl"))
    if done.returncode != 0 or not wheels:
        raise BenchError("building the openai_lite wheel failed: %s" % _last_line(done.stderr))
    return wheels[0]


class Installs:
    """``pip install --target`` results, shared by the size and Lambda benchmarks."""

    def __init__(self, ctx: Context, work: Path) -> None:
        self.ctx = ctx
        self.work = work
        self._wheel: Any = None
        self.done: Dict[str, Any] = {}

    def spec(self, who: str) -> str:
        if who == LITE:
            if self._wheel is None:
                try:
                    self._wheel = build_lite_wheel(self.ctx.interp.lite, self.work)
                except BenchError as exc:
                    self._wheel = exc
            if isinstance(self._wheel, BenchError):
                raise self._wheel
            return str(self._wheel)
        if who == OFFICIAL:
            if not self.ctx.interp.official_version:
                raise BenchError(self.ctx.interp.official_error)
            return "openai==%s" % self.ctx.interp.official_version
        return "requests"

    def target(self, who: str, recipe: str) -> Path:
        key = who + ":" + recipe
        found = self.done.get(key)
        if isinstance(found, BenchError):
            raise found
        if found is not None:
            return found
        target = self.work / ("t-%s-%s" % (who, recipe))
        flags = {"plain": [], "portable": PORTABLE, "x86": NATIVE_X86}[recipe]
        try:
            done = pip(self.ctx.interp.lite, "install", "-q", "--target", str(target), *flags, self.spec(who))
            if done.returncode != 0:
                raise BenchError("pip install (%s) failed: %s" % (recipe, _last_line(done.stderr)))
        except BenchError as exc:
            self.done[key] = exc
            raise
        self.done[key] = target
        return target


SIZE_GOAL_MB, SIZE_GOAL_VS_OFFICIAL = 8.0, 0.25
ZIP_GOAL_MB = 1.5


def bench_size(ctx: Context, installs: Optional[Installs]) -> List[Row]:
    row = Row("size", "6. installed size with dependencies", "MB", "%.2f", "requests",
              "<= %.0f MB and <= %.2fx openai's" % (SIZE_GOAL_MB, SIZE_GOAL_VS_OFFICIAL))
    if installs is None:
        for who in (LITE, OFFICIAL, RAW):
            row.cells[who] = {"error": "skipped: --quick installs nothing"}
        row.judge(None, "", row.goal, None)
        return [row]
    for who in (LITE, OFFICIAL, RAW):
        try:
            stats = tree_stats(installs.target(who, "plain"))
        except BenchError as exc:
            row.cells[who] = {"error": str(exc)}
            continue
        mb = stats["bytes"] / 1e6
        row.cells[who] = dict(summarize([mb]), files=stats["files"], native=stats["native"],
                              bytecode_mb=stats["bytecode"] / 1e6,
                              text="%.2f MB, %d files" % (mb, stats["files"]))
        row.notes.append("%s: %.1f MB of it is bytecode (.pyc); %.1f MB without" % (
            who, stats["bytecode"] / 1e6, (stats["bytes"] - stats["bytecode"]) / 1e6))
    own = _own_package_size(installs)
    if own is not None:
        row.notes.append("openai_lite itself: %s (the rest is requests, urllib3, charset-normalizer, idna, "
                         "certifi, sseclient-py)" % own)
    lite, raw = row.median(LITE), row.median(RAW)
    if lite:
        official = row.median(OFFICIAL)
        text = "%.2fx requests" % (lite / raw) if raw else ""
        ok = lite <= SIZE_GOAL_MB
        if official:
            text += "; %.2fx openai" % (lite / official)
            ok = ok and lite <= SIZE_GOAL_VS_OFFICIAL * official
        row.judge(lite, text, row.goal, ok)
    row.notes.append("as `pip install --target` leaves it (bytecode included); MB = 10^6 bytes")
    return [row]


def _own_package_size(installs: Installs) -> Optional[str]:
    """openai_lite's own share, by top-level folder: where the bytes are."""
    found = installs.done.get(LITE + ":plain")
    if not isinstance(found, Path):
        return None
    package = found / "openai_lite"
    total = tree_stats(package)["bytes"]
    parts = []
    for child in sorted(package.iterdir()):
        if child.is_dir() and child.name != "__pycache__":
            parts.append((tree_stats(child)["bytes"], child.name + "/"))
    parts.sort(reverse=True)
    rest = total - sum(size for size, _ in parts)
    shown = ", ".join("%s %.2f" % (name, size / 1e6) for size, name in parts[:4])
    return "%.2f MB with bytecode (%s, top-level modules %.2f)" % (total / 1e6, shown, rest / 1e6)


def _zip(folder: Path, out: Path) -> Dict[str, Any]:
    stats = tree_stats(folder)
    with zipfile.ZipFile(str(out), "w", zipfile.ZIP_DEFLATED) as bundle:
        for base, dirs, names in os.walk(str(folder)):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in names:
                if name.endswith(".pyc"):
                    continue
                full = os.path.join(base, name)
                bundle.write(full, os.path.relpath(full, str(folder)))
        count = len(bundle.namelist())
    return {"zip_bytes": out.stat().st_size, "files": count, "native": stats["native"]}


def bench_lambda(ctx: Context, installs: Optional[Installs]) -> List[Row]:
    row = Row("lambda", "7. AWS Lambda bundle (zip, Python %s)" % LAMBDA_PYTHON, "MB", "%.2f", "requests")
    goal = "<= %.1f MB, no compiled file" % ZIP_GOAL_MB
    if installs is None:
        for who in (LITE, OFFICIAL, RAW):
            row.cells[who] = {"error": "skipped: --quick installs nothing"}
        row.judge(None, "", goal, None)
        return [row]
    # Ours and requests: the portable recipe README.rst documents (pure-Python wheels only, so the same
    # zip runs on x86_64 and arm64). The official package cannot be installed that way (pydantic-core and
    # jiter are compiled), so it gets the recipe AWS documents, for x86_64.
    recipes = {LITE: "portable", RAW: "portable", OFFICIAL: "x86"}
    info: Dict[str, Any] = {}
    for who, recipe in recipes.items():
        try:
            folder = installs.target(who, recipe)
            bundle = _zip(folder, installs.work / ("%s-%s.zip" % (who, recipe)))
        except BenchError as exc:
            row.cells[who] = {"error": str(exc)}
            continue
        info[who] = dict(bundle, recipe=recipe)
        mb = bundle["zip_bytes"] / 1e6
        row.cells[who] = dict(summarize([mb]), files=bundle["files"], native=bundle["native"],
                              text="%.2f MB, %d files, %d .so" % (mb, bundle["files"], len(bundle["native"])))
    try:  # what a plain `pip install --target` on this machine would put in the zip
        plain = tree_stats(installs.target(LITE, "plain"))
        row.notes.append("openai_lite with a plain `pip install --target` on this CPython/x86_64 machine: %d .so "
                         "(%s), all from requests' charset-normalizer wheel; the portable recipe avoids them"
                         % (len(plain["native"]), ", ".join(os.path.basename(p) for p in plain["native"]) or "none"))
    except BenchError:
        pass
    for who, data in info.items():
        row.notes.append("%s: recipe %s%s" % (who, data["recipe"], (", compiled: " + ", ".join(
            os.path.basename(p) for p in data["native"][:6])) if data["native"] else ""))
    ctx.details["lambda"] = info
    if LITE in info:
        lite = info[LITE]
        official = info.get(OFFICIAL)
        text = "openai's zip is %.1fx ours" % (official["zip_bytes"] / lite["zip_bytes"]) if official else ""
        mb = lite["zip_bytes"] / 1e6
        row.judge(mb, text, goal, not lite["native"] and mb <= ZIP_GOAL_MB)
    return [row]


# -- output ----------------------------------------------------------------------------------------


COLUMNS = ("measure", "openai_lite", "openai", "raw floor", "ratio", "goal", "result")


def table_rows(rows: List[Row], official_label: str) -> List[List[str]]:
    out = []
    for row in rows:
        raw = row.cell_text(RAW)
        if row.floor_label and raw != "-":
            raw = "%s: %s" % (row.floor_label.strip("`"), raw)
        out.append([row.measure, row.cell_text(LITE), row.cell_text(OFFICIAL), raw, row.ratio_text, row.goal,
                    row.result])
    return out


def markdown(rows: List[Row], meta: Dict[str, Any]) -> str:
    head = list(COLUMNS)
    head[2] = meta.get("official_label", "openai")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for cells in table_rows(rows, head[2]):
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def rst_table(rows: List[Row], meta: Dict[str, Any]) -> str:
    """The table as an RST ``list-table`` (what README.rst's Performance section carries)."""
    head = list(COLUMNS)
    head[2] = meta.get("official_label", "openai")
    out = [".. list-table::", "   :header-rows: 1", ""]
    for cells in [head] + table_rows(rows, head[2]):
        for k, cell in enumerate(cells):
            text = cell.replace("|", "/").replace("*", "x") or " "
            if text[:1].isdigit() and ". " in text[:4]:
                text = text.replace(". ", "\\. ", 1)  # "1. import" is a row label, not an RST list
            out.append(("   * - " if k == 0 else "     - ") + text)
    return "\n".join(out)


def details_text(rows: List[Row], details: Dict[str, Any], meta: Dict[str, Any]) -> str:
    lines = []
    ceiling = details.get("server_ceiling")
    if ceiling and "error" not in ceiling:
        lines.append("- server ceiling (raw-socket client, server pinned to its own core): %.0f us per request "
                     "on one connection (%.0f req/s), %.0f req/s over 16 connections, %.0f chunks/s, "
                     "%.0f MB/s for the big event, %.0f MB/s into the upload sink" % (
                         ceiling["round_trip_us"], ceiling["round_trip_rps"], ceiling["rps_16_connections"],
                         ceiling["stream_chunks_per_s"], ceiling["big_event_mb_per_s"], ceiling["upload_mb_per_s"]))
    elif ceiling:
        lines.append("- server ceiling: %s" % ceiling["error"])
    if "python_startup_s" in details:
        lines.append("- `python -c pass` alone: %.3f s" % details["python_startup_s"])
    for row in rows:
        for text in row.notes:
            lines.append("- %s: %s" % (row.id, text))
    for key in ("versions", "machine", "pinning", "sizes"):
        if key in meta:
            lines.append("- %s: %s" % (key, json.dumps(meta[key], sort_keys=True)))
    return "\n".join(lines)


def machine() -> Dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for text in f:
                if text.startswith("model name"):
                    model = text.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": model, "platform": platform.platform(),
            "python": platform.python_version()}


# -- main ------------------------------------------------------------------------------------------


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes and no installs: openai_lite and requests from this interpreter only")
    parser.add_argument("--only", default="",
                        help="comma-separated subset of: %s" % ", ".join(BENCHMARKS))
    parser.add_argument("--runs", type=int, default=None, help="runs per contender (default 7, quick 2)")
    parser.add_argument("--results-dir", default=str(HERE / "results"), help="where the .md/.json/.rst go")
    parser.add_argument("--lite-python", default=None,
                        help="an interpreter with requests, urllib3 and sseclient-py to use instead of "
                             "benchmarks/.venvs/lite (openai_lite still comes from this tree)")
    parser.add_argument("--openai-python", default=None,
                        help="an interpreter with the official openai installed, instead of benchmarks/.venvs/openai")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in only if name not in BENCHMARKS]
    if unknown:
        parser.error("unknown benchmark(s) %s; choose from %s" % (", ".join(unknown), ", ".join(BENCHMARKS)))
    args.only_list = only or list(BENCHMARKS)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be >= 1")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    started = time.time()
    sizes = Sizes(args.quick, args.runs)
    selected = args.only_list
    needs_official = any(n in selected for n in ("import", "call", "stream", "event", "upload", "threads",
                                                 "size", "lambda", "coldstart", "memory"))
    interp = setup_interpreters(args.quick, needs_official, args.lite_python, args.openai_python)
    official_label = "openai %s" % interp.official_version if interp.official_version else "openai %s" % official_pin()
    server = BenchServer(sizes)
    work = Path(tempfile.mkdtemp(prefix="openai-lite-bench-"))
    ctx = Context(sizes, interp, server, work)
    rows: List[Row] = []
    installs = None if args.quick else Installs(ctx, work)
    steps: List[Tuple[str, Callable[[], List[Row]]]] = [
        ("server", lambda: bench_server(ctx)),
        ("import", lambda: bench_import(ctx)),
        ("coldstart", lambda: bench_coldstart(ctx)),
        ("call", lambda: bench_call(ctx)),
        ("stream", lambda: bench_stream(ctx)),
        ("event", lambda: bench_event(ctx)),
        ("upload", lambda: bench_upload(ctx)),
        ("threads", lambda: bench_threads(ctx)),
        ("size", lambda: bench_size(ctx, installs)),
        ("lambda", lambda: bench_lambda(ctx, installs)),
        ("cli", lambda: bench_cli(ctx)),
        ("memory", lambda: bench_memory(ctx)),
        ("leak", lambda: bench_leak(ctx)),
    ]
    timings = {}
    try:
        for name, step in steps:
            if name not in selected:
                continue
            note("running %s" % name)
            t0 = time.time()
            rows.extend(step())
            timings[name] = round(time.time() - t0, 1)
    finally:
        server.close()
        shutil.rmtree(str(work), ignore_errors=True)
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "official_label": official_label,
        "versions": interp.versions,
        "pinning": "server on CPU %s, clients on CPU %s" % (sorted(PIN.server), sorted(PIN.clients))
        if PIN.enabled else "none (fewer than 2 CPUs)",
        "sizes": {k: v for k, v in vars(sizes).items()},
        "quick": args.quick,
        "only": args.only_list,
        "seconds": round(time.time() - started, 1),
        "seconds_per_benchmark": timings,
    }
    table = markdown(rows, meta)
    title = "openai_lite benchmarks, %s, %s (%s CPUs), Python %s" % (
        meta["date"], meta["machine"]["cpu"] or platform.machine(), meta["machine"]["cpus"],
        meta["machine"]["python"])
    details = details_text(rows, ctx.details, meta)
    report = ("# %s\n\nMedian (min-max) over %d runs per contender (uploads: %d, imports: %d), contenders alternating run by "
              "run; a ratio is the median of the per-round ratios.\n\n%s\n\n%s\n" % (
                  title, sizes.runs, sizes.upload_runs, sizes.import_runs, table, details))
    sys.stdout.write("\n" + report)
    out_dir = Path(args.results_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "latest" if not args.quick and args.only_list == list(BENCHMARKS) else ("quick" if args.quick else "partial")
    (out_dir / (stem + ".md")).write_text(report)
    (out_dir / (stem + ".rst")).write_text(rst_table(rows, meta) + "\n")
    (out_dir / (stem + ".json")).write_text(json.dumps(
        {"meta": meta, "details": ctx.details, "rows": [row.as_dict() for row in rows]}, indent=1, sort_keys=True))
    note("wrote %s.{md,json,rst} in %s (%.0f s)" % (stem, out_dir, meta["seconds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
