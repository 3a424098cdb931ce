#!/usr/bin/env python3
"""Large jobs: the Batch API job helper's memory, and fan-out against a rate-limited server.

    python benchmarks/large_jobs.py                 # 1,000,000 embedding requests; fan-out at 1,800 RPM
    python benchmarks/large_jobs.py --quick         # tiny sizes (what the smoke test runs)
    python benchmarks/large_jobs.py --requests 200000 --rpm 1200 --calls 400

1. ``batch_build``: ``client.batches.submit`` of N embedding requests from a generator (JSONL
   building, duplicate check, splitting at 50,000 requests, upload to the offline server, one batch
   each), in a fresh process; its peak RSS (the server runs in its own process).
2. ``batch_results``: a fresh process loads the saved job, waits for it and reads every result in
   input order (``results()``), keeping only a count and a checksum; its peak RSS.
3. ``fanout``: the offline server enforcing a requests-per-minute limit (a token bucket holding one
   second's worth, 429s and ``x-ratelimit-*`` headers, as the API does), and the same embedding calls
   made by ``client.map`` (openai_lite), by plain threads sharing an openai_lite client, and by plain
   threads sharing an ``openai.OpenAI`` client (openai-python, from ``--openai-python``'s environment),
   each with 16 threads: wall time, throughput against the limit, and the 429s the server answered.

Writes ``benchmarks/results/large_jobs.md`` and ``.json`` (``large_jobs_quick.*`` for ``--quick``).
Standard library only (openai_lite from this working tree); Python 3.8+.
"""
from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from run import PIN, _last_line, child_env, machine, run_child  # noqa: E402  (the shared process helpers)

THREADS = 16
MODEL = "text-embedding-3-small"


# -- the server process ----------------------------------------------------------------------------

def serve(rpm: Optional[int]) -> None:
    """Run an OfflineServer until stdin closes; print its port, then JSON stats on GET /stats."""
    sys.path.insert(0, str(REPO))
    from openai_lite.testing import OfflineServer, Scripted

    server = OfflineServer(max_recorded_body=1 << 30)
    limit = server.set_rate_limit(rpm, paths=("/v1/embeddings",)) if rpm else None
    server.add_route("GET", r"/stats", lambda srv, req, m: Scripted(json={
        "allowed": limit.allowed if limit else 0, "limited": limit.limited if limit else 0}))
    with server:
        sys.stdout.write(json.dumps({"port": server.port}) + "\n")
        sys.stdout.flush()
        sys.stdin.read()


class Server:
    def __init__(self, rpm: Optional[int] = None) -> None:
        cmd = [sys.executable, str(Path(__file__)), "--serve"] + (["--rpm", str(rpm)] if rpm else [])
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=child_env(True),
                                     preexec_fn=PIN.preexec(PIN.server))
        self.port = json.loads(self.proc.stdout.readline())["port"]
        self.url = "http://127.0.0.1:%d/v1" % self.port

    def stats(self) -> Dict[str, int]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", "/stats")
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# -- the measured processes ------------------------------------------------------------------------

def child(args: Dict[str, Any]) -> Dict[str, Any]:
    kind = args["kind"]
    start = time.perf_counter()
    if kind == "build":
        from openai_lite import OpenAI

        n = args["n"]
        requests = (("doc-%d" % i, {"model": MODEL, "input": "document number %d of the corpus" % i})
                    for i in range(n))
        with OpenAI(api_key="sk-bench", base_url=args["base"]) as client:
            job = client.batches.submit(requests, endpoint="/v1/embeddings", tmp_dir=args["tmp"])
            job.save(args["state"])
        return {"wall_s": time.perf_counter() - start, "batches": len(job.batch_ids), "requests": job.requests}
    if kind == "results":
        from openai_lite import OpenAI

        count = ok = 0
        checksum = 0.0
        with OpenAI(api_key="sk-bench", base_url=args["base"]) as client:
            job = client.batches.job(args["state"])
            job.wait(poll_interval=0)
            waited = time.perf_counter() - start
            for expected, result in enumerate(job.results(ordered=True)):
                if result.index != expected or result.custom_id != "doc-%d" % expected:
                    raise SystemExit("result %d out of order: %r" % (expected, result))
                count += 1
                if result.ok:
                    ok += 1
                    checksum += result.response.data[0].embedding[0]
        return {"wall_s": time.perf_counter() - start, "wait_s": waited, "results": count, "ok": ok,
                "checksum": round(checksum, 6)}
    inputs = [{"model": MODEL, "input": "call %d" % i} for i in range(args["calls"])]
    ok = failed = 0
    if kind == "map":
        from openai_lite import OpenAI

        with OpenAI(api_key="sk-bench", base_url=args["base"]) as client:
            for result in client.map(client.embeddings.create, inputs, max_concurrency=THREADS):
                ok += result.ok
                failed += not result.ok
    else:
        from concurrent.futures import ThreadPoolExecutor

        if kind == "threads_lite":
            from openai_lite import OpenAI
        else:
            from openai import OpenAI  # openai-python, never imported by openai_lite

        with OpenAI(api_key="sk-bench", base_url=args["base"]) as client:
            def call(item: Dict[str, Any]) -> bool:
                try:
                    client.embeddings.create(**item)
                    return True
                except Exception:  # noqa: BLE001 - a failed call is counted, as map counts it
                    return False

            with ThreadPoolExecutor(THREADS) as pool:
                for done in pool.map(call, inputs):
                    ok += done
                    failed += not done
    return {"wall_s": time.perf_counter() - start, "ok": ok, "failed": failed}


def measure(py: str, lite: bool, args: Dict[str, Any], timeout: float = 3600.0) -> Dict[str, Any]:
    code, out, err, rss, wall = run_child([py, str(Path(__file__)), "--child", json.dumps(args)], child_env(lite),
                                          timeout)
    if code != 0:
        raise SystemExit("%s failed: %s" % (args["kind"], _last_line(err) or code))
    result = json.loads(_last_line(out))
    result["peak_rss_mib"] = round(rss, 1)
    return result


# -- the report ------------------------------------------------------------------------------------

def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--requests", type=int, default=None, help="embedding requests in the batch job")
    parser.add_argument("--rpm", type=int, default=None, help="the fan-out server's requests-per-minute limit")
    parser.add_argument("--calls", type=int, default=None, help="calls per fan-out contender")
    parser.add_argument("--openai-python", default=sys.executable,
                        help="an interpreter with the official openai package (default: this one)")
    parser.add_argument("--results-dir", default=str(HERE / "results"))
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.rpm)
        return 0
    if args.child:
        sys.path.insert(0, str(REPO))
        print(json.dumps(child(json.loads(args.child))))
        return 0
    n = args.requests or (2000 if args.quick else 1_000_000)
    rpm = args.rpm or (6000 if args.quick else 1800)
    calls = args.calls or (60 if args.quick else 600)
    started = time.time()
    report: Dict[str, Any] = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                              "machine": machine(), "requests": n, "rpm": rpm, "calls": calls, "threads": THREADS}
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="openai-lite-large-") as work:
        state = os.path.join(work, "job.json")
        server = Server()
        try:
            sys.stderr.write("[bench] batch_build: %d requests\n" % n)
            report["batch_build"] = measure(py, True, {"kind": "build", "base": server.url, "n": n,
                                                       "state": state, "tmp": work})
            sys.stderr.write("[bench] batch_results\n")
            report["batch_results"] = measure(py, True, {"kind": "results", "base": server.url, "state": state})
        finally:
            server.close()
        fanout = report["fanout"] = {}
        for kind, interpreter, lite in (("map", py, True), ("threads_lite", py, True),
                                        ("threads_openai", args.openai_python, False)):
            sys.stderr.write("[bench] fanout: %s\n" % kind)
            if not lite and run_child([interpreter, "-c", "import openai"], child_env(False), 120, pin=False)[0]:
                fanout[kind] = {"error": "skipped: %s cannot import openai" % interpreter}
                continue
            server = Server(rpm)
            try:
                result = measure(interpreter, lite, {"kind": kind, "base": server.url, "calls": calls})
                stats = server.stats()
            finally:
                server.close()
            result.update(stats)
            sent = stats["allowed"] + stats["limited"]
            result["share_429"] = stats["limited"] / float(sent) if sent else 0.0
            result["per_minute"] = result["ok"] / result["wall_s"] * 60.0
            result["of_limit"] = result["per_minute"] / rpm
            fanout[kind] = result
    report["seconds"] = round(time.time() - started, 1)
    text = render(report)
    sys.stdout.write(text)
    out = Path(args.results_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = "large_jobs_quick" if args.quick else "large_jobs"
    (out / (stem + ".md")).write_text(text)
    (out / (stem + ".json")).write_text(json.dumps(report, indent=1, sort_keys=True))
    return 0


def render(r: Dict[str, Any]) -> str:
    build, results = r["batch_build"], r["batch_results"]
    lines = ["# Large jobs, %s, %s (%s CPUs)" % (r["date"], r["machine"]["cpu"], r["machine"]["cpus"]), "",
             "| measure | value | goal | result |", "|---|---|---|---|",
             "| batch job: build + split + upload %s embedding requests (%d batches), peak RSS | %.1f MiB (%.0f s) "
             "| <= 64 MiB | %s |" % ("{:,}".format(r["requests"]), build["batches"], build["peak_rss_mib"],
                                      build["wall_s"], "pass" if build["peak_rss_mib"] <= 64 else "MISS"),
             "| batch job: results of %s requests joined in input order, peak RSS | %.1f MiB (%.0f s, of which "
             "%.0f s waiting for the server to run the batches) | <= 64 MiB | %s |" % (
                 "{:,}".format(results["results"]), results["peak_rss_mib"], results["wall_s"], results["wait_s"],
                 "pass" if results["peak_rss_mib"] <= 64 else "MISS"),
             "", "Fan-out: %d embedding calls, %d threads, server limit %d requests/minute (a bucket of one "
             "second's worth):" % (r["calls"], r["threads"], r["rpm"]), "",
             "| contender | wall | ok / failed | throughput (of the limit) | 429s (share of calls) |",
             "|---|---|---|---|---|"]
    names = {"map": "openai_lite `client.map`", "threads_lite": "16 plain threads, openai_lite client",
             "threads_openai": "16 plain threads, openai-python client"}
    for kind, row in r["fanout"].items():
        if "error" in row:
            lines.append("| %s | %s | | | |" % (names[kind], row["error"]))
            continue
        lines.append("| %s | %.1f s | %d / %d | %.0f/min (%.0f %%) | %d (%.1f %%) |" % (
            names[kind], row["wall_s"], row["ok"], row["failed"], row["per_minute"], row["of_limit"] * 100,
            row["limited"], row["share_429"] * 100))
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
