"""Load, fork and worker processes: one client shared by many threads, a forked child, pickles.

- ``test_one_client_32_threads_and_8_streams``: 32 threads make ``OPENAI_LITE_LOAD_CALLS`` chat
  calls each (default 1,000: 32,000 calls) through one client while 8 more threads stream chat
  completions. No errors, every answer matches its own question (no cross-talk), no
  "Connection pool is full" warning, at most one connection per concurrent thread (within the
  pool size), and memory and file descriptors flat between the end of a warm-up (the first tenth)
  and the end. The server runs in a subprocess so that its work and memory are not the client's.
  Measured on the 2-core machines: about 25 s for 32,000 calls on urllib3 2.x and on urllib3 1.26
  (the Python server is the bottleneck); set ``OPENAI_LITE_LOAD_CALLS`` lower for a quick run.
- ``test_forked_child_uses_its_own_connections``: after ``os.fork()`` the child's calls (from
  several threads, streams included) work on connections of its own; the parent's pooled
  connections are untouched and reused afterwards.
- ``test_client_options_and_errors_cross_a_process_boundary``: the client, an Azure client,
  their options, a ``Timeout`` and every exception class the package raises go to a ``spawn``
  worker process (as multiprocessing, Ray or Spark send them) and come back; the worker's client
  works and sends the right credentials.
"""
from __future__ import annotations

import gc
import http.client
import json
import logging
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import API_KEY, chat
from openai_lite import OpenAI

LOAD_CALLS = int(os.environ.get("OPENAI_LITE_LOAD_CALLS", "1000"))
THREADS = 32
STREAMS = 8
REPO = str(Path(__file__).resolve().parent.parent)

# The server process: an OfflineServer that keeps counters instead of every request (32,000
# recorded requests would be ~100 MB), plus /_stats: connections opened, requests served, and
# which connections the callers named in X-Who used.
_SERVER = r"""
import json, sys
from openai_lite.testing import OfflineServer, Scripted

class Counting(OfflineServer):
    def __init__(self):
        OfflineServer.__init__(self)
        self.by_who = {}

    def _record(self, request):
        who = request.headers.get("X-Who")
        with self._cond:
            self._index += 1
            request.index = self._index
            if who:
                self.by_who.setdefault(who, set()).add(request.connection_id)

def stats(server, request, match):
    with server._lock:
        by_who = {k: sorted(v) for k, v in server.by_who.items()}
        served = server._index
    return Scripted(json={"connections_opened": server.connections_opened, "requests": served,
                          "by_who": by_who, "errors": [repr(e) for e in server.errors]})

server = Counting()
server.add_route("GET", r"/_stats", stats)
server.start()
print(server.port, flush=True)
sys.stdin.read()
server.stop()
"""


class CountingServer:
    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([REPO] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
        self.proc = subprocess.Popen([sys.executable, "-c", _SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env)
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        assert line, "the server process did not start"
        self.port = int(line)
        self.url = "http://127.0.0.1:%d/v1" % self.port
        self.stats_calls = 0

    def stats(self) -> Dict[str, Any]:
        """The counters, less the connections and requests of these stats calls themselves."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", "/_stats")
            data = json.loads(conn.getresponse().read())
        finally:
            conn.close()
        self.stats_calls += 1
        data["connections_opened"] -= self.stats_calls
        data["requests"] -= self.stats_calls
        return data

    def close(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def counting():
    srv = CountingServer()
    try:
        yield srv
    finally:
        srv.close()


def rss_mib() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def open_fds() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return -1


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_one_client_32_threads_and_8_streams(counting):
    client = OpenAI(api_key=API_KEY, base_url=counting.url)
    calls = LOAD_CALLS
    streams = max(10, calls // 20)
    warm, warm_streams = max(1, calls // 10), max(1, streams // 10)
    barrier = threading.Barrier(THREADS + STREAMS + 1, timeout=600)
    errors: List[BaseException] = []
    wrong: List[str] = []
    done = [0] * THREADS
    streamed = [0] * STREAMS

    def caller(n: int) -> None:
        try:
            for i in range(calls):
                if i == warm:
                    barrier.wait()
                text = "t%d-%d" % (n, i)
                got = chat(client, content=text, extra_headers={"X-Who": "load"}).choices[0].message.content
                if got == "You said: " + text:
                    done[n] += 1
                else:
                    wrong.append(got)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()

    def streamer(n: int) -> None:
        try:
            for i in range(streams):
                if i == warm_streams:
                    barrier.wait()
                text = "s%d-%d" % (n, i)
                pieces = [c.choices[0].delta.content for c in chat(client, content=text, stream=True,
                                                                    extra_headers={"X-Who": "load"}) if c.choices]
                if "".join(p for p in pieces if p) == "You said: " + text:
                    streamed[n] += 1
                else:
                    wrong.append(repr(pieces))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()

    pool_log = _Collect()
    urllib3_logger = logging.getLogger("urllib3")
    old_level = urllib3_logger.level
    urllib3_logger.addHandler(pool_log)
    urllib3_logger.setLevel(logging.WARNING)
    workers = [threading.Thread(target=caller, args=(n,)) for n in range(THREADS)]
    workers += [threading.Thread(target=streamer, args=(n,)) for n in range(STREAMS)]
    started = time.monotonic()
    try:
        for w in workers:
            w.start()
        barrier.wait()  # every thread is past its warm-up
        gc.collect()
        warm_rss, warm_fds, warm_at = rss_mib(), open_fds(), time.monotonic()
        for w in workers:
            w.join(900)
        elapsed = time.monotonic() - started
        gc.collect()
        end_rss, end_fds = rss_mib(), open_fds()
    finally:
        urllib3_logger.removeHandler(pool_log)
        urllib3_logger.setLevel(old_level)
    stats = counting.stats()
    client.close()

    assert not any(w.is_alive() for w in workers), "a worker hung"
    assert errors == []
    assert wrong == []
    assert sum(done) == THREADS * calls
    assert sum(streamed) == STREAMS * streams
    assert stats["requests"] == THREADS * calls + STREAMS * streams
    assert stats["errors"] == []
    assert [m for m in pool_log.messages if "pool is full" in m.lower()] == []
    assert stats["connections_opened"] <= THREADS + STREAMS <= 64  # one per concurrent caller, within the pool
    assert end_rss - warm_rss < 32, (warm_rss, end_rss)  # generous: flat, not growing per call
    assert end_fds <= warm_fds + 4, (warm_fds, end_fds)
    sys.stderr.write(
        "\nload: %d calls + %d streams from %d+%d threads in %.1f s (%.0f calls/s after warm-up); "
        "%d connections opened (pool 64); RSS %.1f -> %.1f MiB; fds %d -> %d\n"
        % (THREADS * calls, STREAMS * streams, THREADS, STREAMS, elapsed,
           (THREADS * (calls - warm)) / max(time.monotonic() - warm_at, 1e-9),
           stats["connections_opened"], warm_rss, end_rss, warm_fds, end_fds))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_uses_its_own_connections(counting):
    client = OpenAI(api_key=API_KEY, base_url=counting.url)

    def burst(who: str, threads: int, each: int, stream: bool = False) -> List[str]:
        problems: List[str] = []

        def run(n: int) -> None:
            try:
                for i in range(each):
                    text = "%s-%d-%d" % (who, n, i)
                    if stream and i == 0:
                        pieces = [c.choices[0].delta.content for c in chat(
                            client, content=text, stream=True, extra_headers={"X-Who": who}) if c.choices]
                        got = "".join(p for p in pieces if p)
                    else:
                        got = chat(client, content=text, extra_headers={"X-Who": who}).choices[0].message.content
                    if got != "You said: " + text:
                        problems.append(got)
            except BaseException as exc:  # noqa: BLE001
                problems.append(repr(exc))

        ts = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        return problems

    assert burst("parent", 4, 10) == []  # the parent now pools up to 4 keep-alive connections
    pid = os.fork()
    if pid == 0:  # the child reports through its exit status only
        code = 3
        try:
            code = 0 if burst("child", 4, 10, stream=True) == [] else 1
        except BaseException:  # noqa: BLE001
            code = 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 60
    while True:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child hung")
        time.sleep(0.02)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0

    after_child = counting.stats()
    parent_conns = set(after_child["by_who"]["parent"])
    child_conns = set(after_child["by_who"]["child"])
    assert child_conns and parent_conns
    assert child_conns.isdisjoint(parent_conns), "the child wrote on the parent's sockets"

    # The parent's pool is intact: its next calls reuse its own connections, opening none.
    for i in range(10):
        text = "again-%d" % i
        assert chat(client, content=text, extra_headers={"X-Who": "parent-after"}).choices[0].message.content \
            == "You said: " + text
    final = counting.stats()
    assert final["connections_opened"] == after_child["connections_opened"]
    assert set(final["by_who"]["parent-after"]) <= parent_conns
    client.close()


# -- pickles across a process boundary ---------------------------------------------------------------

AZURE_KEY = "azure-PICKLE-KEY-0123456789abcdef"


def _describe(error: BaseException) -> Dict[str, Any]:
    described: Dict[str, Any] = {"class": type(error).__name__, "str": str(error)}
    for name in ("message", "status_code", "code", "param", "type", "request_id", "body", "kind", "object_id",
                 "status", "waited", "path", "tool_name", "errno", "filename", "unsent_messages", "unsent_frames"):
        if hasattr(error, name):
            value = getattr(error, name)
            described[name] = value if isinstance(value, (str, int, float, dict, list, type(None))) else repr(value)
    response = getattr(error, "response", None)
    if response is not None:
        described["response"] = (response.status_code, response.headers.get("x-request-id"), bytes(response.content))
    request = getattr(error, "request", None)
    if request is not None:
        described["request"] = (request.method, request.url)
    completion = getattr(error, "completion", None)
    if completion is not None:
        described["completion"] = completion.to_dict()
    return described


def _worker(payload: Dict[str, Any]) -> Dict[str, Any]:
    """Runs in a fresh (spawned) interpreter: everything in payload was unpickled there."""
    client, azure = payload["client"], payload["azure"]
    text = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "from the worker"}]).choices[0].message.content
    azure_id = azure.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}]).id
    return {
        "text": text, "azure_id": azure_id, "options": payload["options"], "timeout": payload["timeout"],
        "errors": [_describe(e) for e in payload["errors"]], "again": payload["errors"],
        "repr": repr(client), "max_retries": client.max_retries,
    }


def _real_errors(server: Any, closed_port: int, tmp_path: Path, monkeypatch: Any) -> List[BaseException]:
    from openai_lite import auth
    from openai_lite import APIError, ContentFilterFinishReasonError, LengthFinishReasonError, OpenAIError
    from openai_lite import WebSocketConnectionClosedError, WebSocketQueueFullError
    from openai_lite._models import BaseModel
    from openai_lite.lib._schema import SchemaValidationError, ToolArgumentsError
    from openai_lite.lib.polling import PollTimeoutError
    from openai_lite.lib.tools import APIUserAbortError
    from openai_lite.testing import Scripted

    found: List[BaseException] = []

    def catch(fn: Any) -> None:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001
            found.append(exc)
        else:  # pragma: no cover
            pytest.fail("expected an error from %r" % (fn,))

    once = OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0, webhook_secret="whsec_" + "A" * 32)
    for status in (400, 401, 403, 404, 409, 418, 422, 429, 500):
        server.enqueue(Scripted.error(status, "pickled %d" % status, type="t", param="p", code="c%d" % status,
                                      headers={"x-request-id": "req_pickle_%d" % status}))
        catch(lambda: chat(once))
    server.enqueue(Scripted(body="{broken", content_type="application/json"))
    catch(lambda: chat(once))  # APIResponseValidationError
    server.enqueue(Scripted(chunks=[b'data: {"error": {"message": "mid-stream", "code": "boom"}}\n\n'], chunked=True,
                            content_type="text/event-stream"))
    catch(lambda: list(chat(once, stream=True)))  # APIError
    server.enqueue(Scripted(fault="stall_headers", stall=3))
    catch(lambda: chat(once, timeout=0.2))  # APITimeoutError
    refused = OpenAI(api_key=API_KEY, base_url="http://127.0.0.1:%d/v1" % closed_port, max_retries=0)
    catch(lambda: chat(refused))  # APIConnectionError
    catch(lambda: once.webhooks.verify_signature('{"x": 1}', {"webhook-id": "w", "webhook-timestamp": str(int(time.time())),
                                                              "webhook-signature": "v1,AAAA"}))
    catch(lambda: OpenAI(base_url=server.url))  # OpenAIError: no key
    catch(lambda: once.files.create(file="not a path object", purpose="batch"))  # InvalidFileError
    catch(lambda: once.files.create(file=tmp_path / "missing.jsonl", purpose="batch"))  # UploadFileNotFoundError
    catch(lambda: once.files.create(file=tmp_path, purpose="batch"))  # UploadOSError (a directory)
    # Workload identity: a token file that is not there, and an issuer that refuses the exchange.
    missing_token = {"identity_provider_id": "idp-1", "service_account_id": "sa-1",
                     "provider": auth.k8s_service_account_token_provider(tmp_path / "no-token")}
    with OpenAI(workload_identity=missing_token, base_url=server.url, max_retries=0) as no_token:
        catch(lambda: chat(no_token))  # SubjectTokenProviderError
    monkeypatch.setattr(auth, "DEFAULT_TOKEN_EXCHANGE_URL", server.root_url + "/oauth/token")
    server.enqueue(Scripted(status=400, json={"error": "invalid_grant", "error_description": "expired"}),
                   path="/oauth/token")
    refusing = {"identity_provider_id": "idp-1", "service_account_id": "sa-1",
                "provider": {"token_type": "jwt", "get_token": lambda: "subject-token"}}
    with OpenAI(workload_identity=refusing, base_url=server.url, max_retries=0) as refused_exchange:
        catch(lambda: chat(refused_exchange))  # OAuthError
    completion = BaseModel({"id": "c1", "choices": [], "usage": {"completion_tokens": 5, "total_tokens": 9}})
    found += [LengthFinishReasonError(completion=completion), ContentFilterFinishReasonError(completion=completion),
              PollTimeoutError("run", "run_1", "in_progress", 12.5), APIUserAbortError(),
              SchemaValidationError("$.items[2].price", "expected a number"),
              ToolArgumentsError("bad arguments", tool_name="get_weather", path="$.location"),
              APIError("built by hand", None, body={"code": "x"}), OpenAIError("plain"),
              WebSocketConnectionClosedError("closed", unsent_messages=["a", b"b"]), WebSocketQueueFullError("full")]
    once.close()
    refused.close()
    return found


def test_client_options_and_errors_cross_a_process_boundary(server, closed_port, tmp_path, monkeypatch):
    from openai_lite import AzureOpenAI, Timeout, _exceptions
    from openai_lite.testing import Scripted

    errors = _real_errors(server, closed_port, tmp_path, monkeypatch)
    public = {name for name in _exceptions.__all__ if isinstance(getattr(_exceptions, name), type)}
    assert public <= {type(e).__name__ for e in errors} | {"APIStatusError"} | {"OpenAIError"}
    assert "APIStatusError" in {type(e).__name__ for e in errors}  # the 418

    client = OpenAI(api_key=API_KEY, base_url=server.url, max_retries=1, organization="org-pickle")
    azure = AzureOpenAI(api_key=AZURE_KEY, azure_endpoint=server.root_url, api_version="2024-10-21")
    server.enqueue(Scripted(json={"id": "azure-ok", "object": "chat.completion", "choices": []}),
                   path="/openai/deployments/gpt-4o-mini/chat/completions")
    payload = {"client": client, "azure": azure, "options": client._options, "timeout": Timeout(30, connect=2),
               "errors": errors}
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        back = pool.apply_async(_worker, (payload,)).get(120)

    assert back["text"] == "You said: from the worker"
    assert back["azure_id"] == "azure-ok"
    assert back["max_retries"] == 1 and back["repr"] == repr(client)
    assert back["options"] == client._options
    assert back["timeout"] == Timeout(30, connect=2)
    worker_call = [r for r in server.requests if r.path == "/v1/chat/completions"][-1]
    assert worker_call.headers["Authorization"] == "Bearer " + API_KEY
    assert worker_call.headers["OpenAI-Organization"] == "org-pickle"
    azure_call = server.last_request
    assert azure_call.headers["api-key"] == AZURE_KEY and azure_call.query["api-version"] == ["2024-10-21"]
    expected = [_describe(e) for e in errors]
    assert back["errors"] == expected  # as the worker saw them
    assert [_describe(e) for e in back["again"]] == expected  # and back again in this process
    for error in back["again"]:
        assert API_KEY not in pickle.dumps(error).decode("latin-1")
    client.close()
    azure.close()
