"""Run snippets, each in a forked child of one warm process (tests/test_openai_snippets.py).

    python tests/_snippet_runner.py JOBS.json RESULTS.json

JOBS is ``{"timeout": seconds, "snippets": [{"id", "code", "cwd", "fragment", "imports", "given", "argv", "env"}]}``.  The parent
imports openai_lite once, then forks a child per snippet: each child starts from the same fresh
state (nothing one snippet does reaches the next) without paying for interpreter start-up.
A child runs its code as ``__main__`` in its own working directory, stdout and stderr going to
files there; a fragment of a document (which may use ``client`` as the document's first block
made it) gets ``import openai``, ``from openai import OpenAI``, ``client = OpenAI()`` and the
import statements of the document's earlier blocks first; ``given`` code (names the prose takes as
defined) runs just before the snippet.  RESULTS is ``{id: {"status", "error", "output"}}``
with status ``pass``, ``fail`` or ``timeout``.
"""
import json
import os
import signal
import sys
import time
import traceback

import openai_lite  # noqa: F401  (warm: every child inherits the imported package)

# What a document's first blocks set up, which its later blocks take as given.
PRELUDE = "import openai_lite as openai\nfrom openai_lite import OpenAI\nclient = OpenAI()\n"


def child(job):
    os.chdir(job["cwd"])
    out = os.open("stdout.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    err = os.open("stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(out, 1)
    os.dup2(err, 2)
    sys.argv = [job["id"]] + job.get("argv", [])
    os.environ.update(job.get("env", {}))
    namespace = {"__name__": "__main__", "__file__": os.path.join(job["cwd"], "snippet.py")}
    code = 0
    try:
        if job["fragment"]:
            exec(compile(PRELUDE, "<prelude>", "exec"), namespace)
            for statement in job.get("imports", []):
                try:  # a name this library lacks fails the block that uses it, not every later one
                    exec(compile(statement, "<earlier block>", "exec"), namespace)
                except ImportError:
                    pass
        if job.get("given"):  # names the document's prose takes as defined (tests/_openai_snippets.py GIVEN)
            exec(compile(job["given"], "<given>", "exec"), namespace)
        exec(compile(job["code"], job["id"], "exec"), namespace)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code not in (None, 0) and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run(job, timeout):
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            child(job)
        finally:
            os._exit(3)
    deadline = time.monotonic() + timeout
    status = None
    while status is None:
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = "pass" if os.WIFEXITED(code) and os.WEXITSTATUS(code) == 0 else "fail"
        elif time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            status = "timeout"
        else:
            time.sleep(0.005)
    def tail(name):
        try:
            with open(os.path.join(job["cwd"], name), encoding="utf-8", errors="replace") as handle:
                return handle.read()[-3000:]
        except OSError:
            return ""
    errors = tail("stderr.txt")
    last = [line for line in errors.strip().splitlines() if line.strip()]
    return {"status": status, "error": last[-1] if last and status != "pass" else "",
            "stderr": errors, "output": tail("stdout.txt")}


def main(jobs_path, results_path):
    with open(jobs_path) as handle:
        jobs = json.load(handle)
    results = {}
    for job in jobs["snippets"]:
        results[job["id"]] = run(job, jobs["timeout"])
    with open(results_path, "w") as handle:
        json.dump(results, handle, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:])
