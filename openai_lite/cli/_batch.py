"""``batch submit|status|wait|results``: a JSONL file of requests through the Batch API, on the
library's batch-job helper (``client.batches.submit`` / ``client.batches.job``).

The job's state lives in a small JSON file (the JOB argument): ``submit`` writes it, the other
commands read it (and keep it up to date), so each step can run in another process, later.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, Iterator

from ._config import make_client
from ._main import UsageError
from ._output import write_json, write_text
from ._progress import Progress


def _batches(args: Any) -> Any:
    client = make_client(args)
    if not hasattr(type(client.batches), "submit"):
        raise UsageError("this openai_lite has no batch-job helper (client.batches.submit): the batch commands "
                         "need a version that has it")
    return client.batches


def _requests(path: str, progress: Progress) -> Iterator[Dict[str, Any]]:
    """The input's requests, one JSON object a line (blank lines skipped), read as the helper asks."""
    source = getattr(sys.stdin, "buffer", sys.stdin) if path == "-" else open(path, "rb")
    try:
        for number, line in enumerate(source, 1):
            if not line.strip():
                continue
            try:
                request = json.loads(line)
            except ValueError as exc:
                raise UsageError("%s, line %d: not JSON (%s)" % (path, number, exc)) from None
            if not isinstance(request, dict):
                raise UsageError("%s, line %d: a request is a JSON object, not %s" % (
                    path, number, type(request).__name__))
            progress.update(number)
            yield request
    finally:
        if source is not sys.stdin and path != "-":
            source.close()


def _job_path(args: Any) -> str:
    if args.job:
        return args.job
    if args.input == "-":
        raise UsageError("reading requests from standard input: give --job PATH for the job's state")
    stem = args.input[:-len(".jsonl")] if args.input.endswith(".jsonl") else args.input
    return stem + ".job.json"


def submit(args: Any) -> int:
    """Submit the requests; save the job's state and print its path."""
    if args.input != "-" and not os.path.isfile(args.input):
        raise UsageError("no such file: %s" % args.input)
    path = _job_path(args)
    if os.path.exists(path):
        raise UsageError("%s exists (another job's state?): remove it or give --job PATH" % path)
    metadata = None
    if args.metadata:
        text = args.metadata
        if text.startswith("@"):
            with open(text[1:], encoding="utf-8") as fh:
                text = fh.read()
        try:
            metadata = json.loads(text)
        except ValueError as exc:
            raise UsageError("--metadata is not JSON (%s)" % exc) from None
    batches = _batches(args)
    progress = Progress.for_args(args, "reading requests", unit="requests")
    try:
        job = batches.submit(_requests(args.input, progress), endpoint=args.endpoint,
                             completion_window=args.completion_window, metadata=metadata)
    finally:
        progress.done()
    job.save(path)
    write_text(path + "\n")
    return 0


def _status_dict(status: Any) -> Dict[str, Any]:
    return {"state": status.state, "requests": status.requests, "completed": status.completed,
            "failed": status.failed, "batches": [
                {"id": b.id, "status": b.status, "requests": b.requests, "completed": b.completed,
                 "failed": b.failed} for b in status.batches]}


def _print_status(status: Any, as_json: bool) -> None:
    if as_json:
        write_json(_status_dict(status))
        return
    write_text("%s\n" % (status,))
    for b in status.batches:
        write_text("  %s\t%s\t%d/%d completed, %d failed\n" % (b.id, b.status, b.completed, b.requests, b.failed))


def _load(args: Any) -> Any:
    if not os.path.isfile(args.job):
        raise UsageError("no such job file: %s (batch submit writes it)" % args.job)
    return _batches(args).job(args.job)


def status(args: Any) -> int:
    """Print the job's state (overall, then one line per batch)."""
    job = _load(args)
    current = job.status()
    job.save(args.job)
    _print_status(current, args.json)
    return 0


def wait(args: Any) -> int:
    """Wait for the job to finish; exit 0 if every request's batch completed, 1 if not, 3 at --max-wait."""
    job = _load(args)
    progress = Progress.for_args(args, "waiting", unit="requests")

    def on_progress(current: Any) -> None:
        progress.update(current.completed + current.failed, current.requests, note=current.state)

    try:
        final = job.wait(max_wait_seconds=args.max_wait, on_progress=on_progress)
    except Exception as exc:
        if type(exc).__name__ != "BatchJobTimeout":
            raise
        progress.done()
        job.save(args.job)
        from ._main import PROG

        sys.stderr.write("%s: error: %s\n" % (PROG, " ".join(str(exc).split())))
        return 3
    progress.done()
    job.save(args.job)
    _print_status(final, False)
    return 0 if final.state == "completed" else 1


def _result_line(result: Any) -> Dict[str, Any]:
    error = result.error
    return {
        "custom_id": result.custom_id,
        "status": result.status,
        "response": result.response.to_dict() if hasattr(result.response, "to_dict") else result.response,
        "error": None if error is None else {name: getattr(error, name, None) for name in (
            "code", "message", "status_code", "type", "param")},
    }


def results(args: Any) -> int:
    """Write one JSON line per request (``custom_id``, ``status``, ``response``, ``error``), in input
    order unless ``--unordered``; to ``-o`` (replaced only once complete) or stdout."""
    job = _load(args)
    progress = Progress.for_args(args, "results", unit="requests")
    lines = (json.dumps(_result_line(r), ensure_ascii=False, separators=(",", ":")) + "\n"
             for r in job.results(ordered=not args.unordered))
    count = 0
    try:
        if args.output in (None, "-"):
            for line in lines:
                write_text(line)
                count += 1
                progress.update(count)
            return 0
        partial = "%s.part-%d" % (args.output, os.getpid())
        try:
            with open(partial, "w", encoding="utf-8") as fh:
                for line in lines:
                    fh.write(line)
                    count += 1
                    progress.update(count)
            os.replace(partial, args.output)
        except BaseException:
            if os.path.exists(partial):
                os.remove(partial)
            raise
    finally:
        progress.done()
    return 0
