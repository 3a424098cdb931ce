"""One measurement of one contender, in a fresh process: ``python _worker.py JSON-ARGS``.

``run.py`` starts this under the contender's interpreter (openai_lite and raw requests share one
virtual environment, the official package has its own) and reads the one JSON line it prints.
Contenders:

- ``openai_lite``: ``openai_lite.OpenAI`` as a user builds it (defaults; the API key as an argument);
- ``openai``: the official ``openai.OpenAI`` built the same way;
- ``requests``: the raw floor, a ``requests.Session`` with ``trust_env = False``, the body sent with
  ``json=`` and read with ``.json()``; streams read with ``iter_lines`` + ``json.loads``.

Each benchmark reads the result the way a user would (``completion.choices[0].message.content``),
so a lazily parsed response pays for what it is asked.
"""
from __future__ import annotations

import json
import logging
import os
import resource
import sys
import threading
import time
from typing import Any, Callable, Dict, List

API_KEY = "sk-bench-0123456789abcdefghijklmnopqrstuvwxyz"
MODEL = "gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "Hello! How are you today? Please answer in one sentence."}]


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def make_client(contender: str, base: str) -> Any:
    if contender == "openai_lite":
        from openai_lite import OpenAI

        return OpenAI(api_key=API_KEY, base_url=base + "/v1")
    if contender == "openai":
        from openai import OpenAI

        return OpenAI(api_key=API_KEY, base_url=base + "/v1")
    if contender == "requests":
        import requests

        session = requests.Session()
        session.trust_env = False
        session.headers["Authorization"] = "Bearer " + API_KEY
        return session
    raise SystemExit("unknown contender %r" % contender)


def one_call(contender: str, client: Any, base: str) -> Callable[[], Any]:
    if contender == "requests":
        url = base + "/v1/chat/completions"
        body = {"model": MODEL, "messages": MESSAGES}

        def call() -> Any:
            return client.post(url, json=body).json()["choices"][0]["message"]["content"]
    else:
        create = client.chat.completions.create

        def call() -> Any:
            return create(model=MODEL, messages=MESSAGES).choices[0].message.content
    return call


def one_stream(contender: str, client: Any, base: str, raw_chunk_size: int = 512) -> Callable[[], Any]:
    """A function that reads one whole stream and returns (chunks read, content characters)."""
    if contender == "requests":
        url = base + "/v1/chat/completions"
        body = {"model": MODEL, "messages": MESSAGES, "stream": True}
        loads = json.loads

        def read() -> Any:
            count = chars = 0
            response = client.post(url, json=body, stream=True)
            try:
                for line in response.iter_lines(raw_chunk_size):
                    if line[:6] == b"data: ":
                        data = line[6:]
                        if data == b"[DONE]":
                            break
                        content = loads(data)["choices"][0]["delta"].get("content")
                        count += 1
                        if content:
                            chars += len(content)
            finally:
                response.close()
            return count, chars
    else:
        create = client.chat.completions.create

        def read() -> Any:
            count = chars = 0
            stream = create(model=MODEL, messages=MESSAGES, stream=True)
            for chunk in stream:
                content = chunk.choices[0].delta.content
                count += 1
                if content:
                    chars += len(content)
            return count, chars
    return read


# -- benchmarks ----------------------------------------------------------------------------------


def bench_call(args: Dict[str, Any]) -> Dict[str, Any]:
    contender, base = args["contender"], args["base"]
    client = make_client(contender, base)
    call = one_call(contender, client, base)
    for _ in range(args["warmup"]):
        call()
    # Timed in batches; the run's figure is the median batch, so a burst of other load on the machine
    # during one batch does not decide the result.
    iters, batch = args["iters"], args.get("batch", 100)
    clock = time.perf_counter
    batches = []
    total = 0.0
    for _ in range(max(iters // batch, 1)):
        start = clock()
        for _ in range(batch):
            call()
        elapsed = clock() - start
        total += elapsed
        batches.append(elapsed / batch * 1e6)
    batches.sort()
    return {"value": batches[len(batches) // 2], "unit": "us/call", "iters": len(batches) * batch,
            "mean_us": total / (len(batches) * batch) * 1e6, "best_batch_us": batches[0]}


def bench_stream(args: Dict[str, Any]) -> Dict[str, Any]:
    contender, base = args["contender"], args["base"] + args["prefix"]
    client = make_client(contender, base)
    read = one_stream(contender, client, base, args.get("raw_chunk_size", 512))
    count, chars = read()  # warm-up, and the check that the whole stream arrived
    if count != args["expect_chunks"]:
        raise SystemExit("read %d chunks, expected %d" % (count, args["expect_chunks"]))
    best = []
    clock = time.perf_counter
    for _ in range(args["iters"]):
        start = clock()
        read()
        best.append(clock() - start)
    best.sort()
    elapsed = best[len(best) // 2]
    result = {"chunks": count, "chars": chars, "seconds": elapsed, "streams": len(best)}
    if args.get("mode") == "bytes":
        result.update(value=args["event_bytes"] / elapsed / 1e6, unit="MB/s")
    else:
        result.update(value=count / elapsed, unit="chunks/s")
    return result


def bench_upload(args: Dict[str, Any]) -> Dict[str, Any]:
    import pathlib

    contender, base, form, path = args["contender"], args["base"], args["form"], args["path"]
    client = make_client(contender, base)
    before = _rss_mib()
    handle = None
    if form == "path":
        if contender == "requests":
            return {"value": None, "error": "n/a: requests has no path form (pass an open file)"}
        value: Any = pathlib.Path(path)
    elif form == "fileobj":
        handle = value = open(path, "rb")
    elif form == "tuple":
        handle = open(path, "rb")
        value = ("upload.jsonl", handle, "application/jsonl")
    else:
        raise SystemExit("unknown form %r" % form)
    start = time.perf_counter()
    try:
        if contender == "requests":
            response = client.post(base + "/v1/files", files={"file": value}, data={"purpose": "assistants"})
            response.raise_for_status()
            received = response.json()["bytes"]
        else:
            try:
                create = client.files.create
            except AttributeError as exc:
                return {"value": None, "error": "n/a: %s: %s" % (type(exc).__name__, exc), "rss_before_mib": before}
            received = create(file=value, purpose="assistants").bytes
    finally:
        if handle is not None:
            handle.close()
    elapsed = time.perf_counter() - start
    size = os.path.getsize(path)
    if received < size:
        raise SystemExit("server received %d bytes, less than the file's %d" % (received, size))
    return {"value": _rss_mib(), "unit": "MiB", "rss_before_mib": before, "seconds": elapsed,
            "mb_per_s": size / elapsed / 1e6, "sent_bytes": received}


class _Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append("%s: %s" % (record.name, record.getMessage()))
        except Exception:  # noqa: BLE001
            self.messages.append("%s: %s" % (record.name, record.msg))


def bench_threads(args: Dict[str, Any]) -> Dict[str, Any]:
    contender, base = args["contender"], args["base"]
    captured = _Captured()
    root = logging.getLogger()
    root.addHandler(captured)
    root.setLevel(logging.WARNING)
    client = make_client(contender, base)
    if contender == "requests":
        # The fair floor: requests' pool sized for the threads (its default of 10 would discard connections).
        from requests.adapters import HTTPAdapter

        client.mount("http://", HTTPAdapter(pool_maxsize=args["threads"]))
    call = one_call(contender, client, base)
    call()  # one connection up before the clock starts, as in every other benchmark
    per_thread = args["per_thread"]
    errors: List[str] = []

    def burst() -> float:
        """All threads at once, ``per_thread`` calls each; requests per second."""
        barrier = threading.Barrier(args["threads"] + 1)

        def work() -> None:
            barrier.wait()
            try:
                for _ in range(per_thread):
                    call()
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))

        threads = [threading.Thread(target=work) for _ in range(args["threads"])]
        for thread in threads:
            thread.start()
        barrier.wait()
        start = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        if errors:
            raise SystemExit("errors in threads: %s" % errors[:3])
        return per_thread * args["threads"] / elapsed

    # The run's figure is the median of a few bursts (one burst can meet a spell of other load).
    rates = sorted(burst() for _ in range(args.get("bursts", 3)))
    total = per_thread * args["threads"] * len(rates)
    pool_full = sum(1 for m in captured.messages if "pool is full" in m.lower())
    return {"value": rates[len(rates) // 2], "unit": "req/s", "requests": total, "bursts": rates,
            "warnings": len(captured.messages), "pool_full_warnings": pool_full,
            "warning_samples": captured.messages[:3]}


# -- memory: per live client, per open stream, and flatness over many calls --------------------------


def _rss_now_mib() -> float:
    """Resident memory now (not the peak), from /proc."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576.0


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _short_stream(contender: str, client: Any, base: str) -> Callable[[], Any]:
    """Open a short stream (``bench_stream=short``) and return an iterator over its chunks, started."""
    if contender == "requests":
        url = base + "/v1/chat/completions"
        body = {"model": MODEL, "messages": MESSAGES, "stream": True}

        def open_stream() -> Any:
            response = client.post(url, json=body, params={"bench_stream": "short"}, stream=True)
            lines = response.iter_lines()
            next(lines)
            return response, lines
    else:
        create = client.chat.completions.create

        def open_stream() -> Any:
            stream = create(model=MODEL, messages=MESSAGES, stream=True, extra_query={"bench_stream": "short"})
            chunk = next(stream)
            chunk.choices[0].delta.content
            return stream, chunk
    return open_stream


def _close_stream(contender: str, opened: Any) -> None:
    opened[0].close()  # the requests.Response, or the client's stream


def bench_memory(args: Dict[str, Any]) -> Dict[str, Any]:
    """RSS per live client (built and used once, so its pool holds a connection) and per open stream."""
    import gc

    contender, base = args["contender"], args["base"]
    clients_n, streams_n = args["clients"], args["streams"]
    first = make_client(contender, base)
    one_call(contender, first, base)()  # everything a call needs is imported and warm
    opener = _short_stream(contender, first, base)
    _close_stream(contender, opener())
    gc.collect()
    before = _rss_now_mib()
    clients = []
    for _ in range(clients_n):
        client = make_client(contender, base)
        one_call(contender, client, base)()
        clients.append(client)
    gc.collect()
    per_client = (_rss_now_mib() - before) * 1024.0 / clients_n
    gc.collect()
    before = _rss_now_mib()
    streams = [opener() for _ in range(streams_n)]
    gc.collect()
    per_stream = (_rss_now_mib() - before) * 1024.0 / streams_n
    for opened in streams:
        _close_stream(contender, opened)
    return {"value": per_client, "unit": "KiB/client", "per_stream_kib": per_stream, "clients": clients_n,
            "streams": streams_n}


def bench_leak(args: Dict[str, Any]) -> Dict[str, Any]:
    """RSS and open file descriptors at checkpoints over many calls, or many abandoned streams.

    Half of the abandoned streams are left by ``break`` out of a ``for`` loop, half are dropped
    after one ``next()`` with no close at all (left to the garbage collector). The figure is the
    growth from the first checkpoint after warm-up (a tenth of the way) to the end.
    """
    import gc

    contender, base, what, total = args["contender"], args["base"], args["what"], args["count"]
    client = make_client(contender, base)
    if what == "calls":
        call = one_call(contender, client, base)

        def step(i: int) -> None:
            call()
    else:
        create = client.chat.completions.create

        def step(i: int) -> None:
            stream = create(model=MODEL, messages=MESSAGES, stream=True, extra_query={"bench_stream": "short"})
            if i % 2:
                next(stream).choices[0].delta.content  # and dropped, unclosed
            else:
                for chunk in stream:
                    chunk.choices[0].delta.content
                    break

    marks = args.get("checkpoints", 10)
    every = max(total // marks, 1)
    points = []
    start = time.perf_counter()
    for i in range(total):
        step(i)
        if (i + 1) % every == 0:
            gc.collect()
            points.append({"done": i + 1, "rss_mib": round(_rss_now_mib(), 2), "fds": _open_fds()})
    base_point = points[0]
    end = points[-1]
    return {"value": end["rss_mib"] - base_point["rss_mib"], "unit": "MiB", "fd_growth": end["fds"] - base_point["fds"],
            "max_fds": max(p["fds"] for p in points), "points": points, "count": total,
            "seconds": time.perf_counter() - start}


BENCHES = {"call": bench_call, "stream": bench_stream, "upload": bench_upload, "threads": bench_threads,
           "memory": bench_memory, "leak": bench_leak}


def main() -> None:
    args = json.loads(sys.argv[1])
    result = BENCHES[args["bench"]](args)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
