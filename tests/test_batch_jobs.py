"""Batch jobs (``client.batches.submit/run/job``) end to end against the offline server's Batch API."""
import json
import os
import pickle
import subprocess
import sys
import types

import pytest

from openai_lite import BadRequestError, OpenAI
from openai_lite.lib import batch_jobs
from openai_lite.lib.batch_jobs import (BatchJobError, BatchJobTimeout, BatchResult, DuplicateCustomIdError,
                                        JobStatus)

from conftest import API_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def chat_body(text):
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}]}


def chat_requests(n, prefix="q"):
    return [("%s%d" % (prefix, i), chat_body("question %d" % i)) for i in range(n)]


def batch_creates(server):
    return [r for r in server.requests if r.method == "POST" and r.path == "/v1/batches"]


def input_file(server, batch_id):
    return server.files[server.batch_api.batches[batch_id]["input_file_id"]]["_content"]


def input_lines(server, batch_id):
    return [json.loads(line) for line in input_file(server, batch_id).splitlines()]


# -- the offline server's lifecycle ------------------------------------------------------------------

def test_offline_batch_moves_through_its_statuses_and_writes_files(client, server):
    data = b'{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{"model":"m","input":"hi"}}\n'
    upload = client.files.create(file=("in.jsonl", data), purpose="batch")
    batch = client.batches.create(input_file_id=upload.id, endpoint="/v1/embeddings", completion_window="24h")
    seen = [batch.status] + [client.batches.retrieve(batch.id).status for _ in range(4)]
    assert seen == ["validating", "in_progress", "finalizing", "completed", "completed"]
    done = client.batches.retrieve(batch.id)
    assert done.request_counts.completed == 1 and done.error_file_id is None
    record = json.loads(client.files.content(done.output_file_id).text)
    assert record["custom_id"] == "a" and record["response"]["status_code"] == 200
    assert record["response"]["body"]["object"] == "list"


def test_offline_uploads_complete_into_the_servers_files(client, server):
    upload = client.uploads.upload_file_chunked(file=("big.jsonl", b"x" * 25), mime_type="application/jsonl",
                                                purpose="batch", part_size=10)
    assert upload.status == "completed" and upload.file.bytes == 25
    assert client.files.content(upload.file.id).content == b"x" * 25
    assert [f.id for f in client.files.list()] == [upload.file.id]
    with pytest.raises(BadRequestError, match="already completed"):
        client.uploads.complete(upload.id, part_ids=[])


def test_offline_batch_fails_validation_over_its_limit(client, server):
    server.batch_api.max_requests_per_batch = 1
    line = b'{"custom_id":"%d","method":"POST","url":"/v1/embeddings","body":{"model":"m","input":"hi"}}\n'
    upload = client.files.create(file=("in.jsonl", line % 1 + line % 2), purpose="batch")
    batch = client.batches.create(input_file_id=upload.id, endpoint="/v1/embeddings", completion_window="24h")
    failed = client.batches.retrieve(batch.id)
    assert failed.status == "failed" and failed.errors.data[0].code == "too_many_requests"


# -- submitting -------------------------------------------------------------------------------------

def test_run_returns_one_parsed_result_per_input_in_order(client, server):
    job = client.batches.run(chat_requests(5), poll_interval=0)
    results = list(job.results())
    assert [r.custom_id for r in results] == ["q0", "q1", "q2", "q3", "q4"]
    assert [r.index for r in results] == list(range(5))
    assert all(r.ok and r.status == "completed" for r in results)
    assert type(results[2].response).__name__ == "ChatCompletion"
    assert results[2].response.choices[0].message.content == "You said: question 2"
    assert results[2].request_id.startswith("req_batch_")


def test_split_at_requests_per_batch(client, server):
    job = client.batches.submit(chat_requests(7), max_requests_per_batch=3)
    assert len(job.batch_ids) == 3
    sizes = [len(input_lines(server, b)) for b in job.batch_ids]
    assert sizes == [3, 3, 1]
    assert [line["custom_id"] for b in job.batch_ids for line in input_lines(server, b)] == \
        ["q%d" % i for i in range(7)]
    job.wait(poll_interval=0)
    assert [r.custom_id for r in job.results()] == ["q%d" % i for i in range(7)]


def test_split_at_bytes_per_file(client, server):
    requests = chat_requests(6)
    line_size = len(json.dumps({"custom_id": "q0", "method": "POST", "url": "/v1/chat/completions",
                                "body": requests[0][1]}, separators=(",", ":"))) + 1
    job = client.batches.submit(requests, max_bytes_per_file=line_size * 2 + 5)
    files = [input_file(server, b) for b in job.batch_ids]
    assert [len(f.splitlines()) for f in files] == [2, 2, 2]
    assert all(len(f) <= line_size * 2 + 5 for f in files)


def test_split_at_embedding_inputs(client, server):
    requests = [("e%d" % i, {"model": "text-embedding-3-small", "input": ["a", "b", "c"]}) for i in range(4)]
    job = client.batches.submit(requests, endpoint="/v1/embeddings", max_embedding_inputs_per_batch=7)
    assert [len(input_lines(server, b)) for b in job.batch_ids] == [2, 2]


def test_a_single_request_above_the_byte_limit_is_refused_before_sending(client, server):
    with pytest.raises(ValueError, match="max_bytes_per_file=50"):
        client.batches.submit(chat_requests(2), max_bytes_per_file=50)
    assert server.requests == []


def test_files_above_the_single_upload_limit_go_through_the_uploads_api(client, server):
    job = client.batches.submit(chat_requests(20), single_upload_limit=1000)
    paths = [r.path for r in server.requests]
    assert "/v1/uploads" in paths and "/v1/files" not in paths
    assert sum(1 for p in paths if p.endswith("/parts")) >= 2
    job.wait(poll_interval=0)
    assert [r.custom_id for r in job.results()] == ["q%d" % i for i in range(20)]


def test_request_forms_and_generated_custom_ids(client, server):
    requests = [
        ("given", chat_body("a")),
        {"body": chat_body("b")},
        {"custom_id": "line", "method": "POST", "url": "/v1/chat/completions", "body": chat_body("c")},
    ]
    job = client.batches.submit(iter(requests), metadata={"owner": "tests"})
    assert list(job.custom_ids()) == ["given", "request-1", "line"]
    assert server.batch_api.batches[job.batch_ids[0]]["metadata"] == {"owner": "tests"}


def test_duplicate_custom_ids_are_refused_before_anything_is_sent(client, server):
    requests = chat_requests(5) + [("q2", chat_body("again"))]
    with pytest.raises(DuplicateCustomIdError) as info:
        client.batches.submit(requests)
    assert (info.value.custom_id, info.value.first, info.value.second) == ("q2", 2, 5)
    assert server.requests == []
    assert isinstance(info.value, ValueError)
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == str(info.value)


def test_many_ids_without_duplicates_pass_the_compact_check():
    seen = batch_jobs._IdSet()
    assert not any(seen.add("id-%d" % i) for i in range(20000))
    assert seen.add("id-19999") and seen.add("id-0")


@pytest.mark.parametrize("bad, error, match", [
    ([("a", "not a dict")], TypeError, "body must be a dict"),
    ([{"model": "m"}], TypeError, "under 'body'"),
    ([("a", {}, "x")], TypeError, "custom_id, body"),
    ([{"custom_id": "a", "url": "/v1/embeddings", "body": {}}], ValueError, "one endpoint per job"),
    ([("", {})], TypeError, "non-empty string"),
    ([], ValueError, "at least one request"),
    ("abc", TypeError, "iterable of requests"),
])
def test_bad_requests_get_a_named_error_and_nothing_is_sent(client, server, bad, error, match):
    with pytest.raises(error, match=match):
        client.batches.submit(bad)
    assert server.requests == []


def test_unsupported_endpoint_and_limits_are_refused(client):
    with pytest.raises(ValueError, match="endpoint must be one of"):
        client.batches.submit(chat_requests(1), endpoint="/v1/images/generations")
    with pytest.raises(ValueError, match="max_requests_per_batch"):
        client.batches.submit(chat_requests(1), max_requests_per_batch=0)


def test_a_failure_after_some_batches_hands_back_the_partial_job(client, server):
    from openai_lite.lib.batch_jobs import BatchSubmitError
    from openai_lite.testing import Scripted

    calls = {"n": 0}
    original = server.routes[("POST", r"/v1/batches")]

    def second_fails(srv, req, match):
        calls["n"] += 1
        if calls["n"] == 2:
            return Scripted.error(400, "no more batches today")
        return original(srv, req, match)

    server.add_route("POST", r"/v1/batches", second_fails)
    with pytest.raises(BatchSubmitError, match="batch 2 of 3") as info:
        client.batches.submit(chat_requests(3), max_requests_per_batch=1)
    assert info.value.job.batch_ids == [b for b in server.batch_api.batches]
    assert len(info.value.job.batch_ids) == 1
    assert type(info.value.__cause__).__name__ == "BadRequestError"


# -- waiting -----------------------------------------------------------------------------------------

def test_wait_honours_poll_after_ms_and_reports_progress(client, server, monkeypatch, capsys):
    server.batch_api.poll_after_ms = 7
    slept = []
    fake_time = types.SimpleNamespace(monotonic=batch_jobs.time.monotonic, sleep=slept.append)
    monkeypatch.setattr(batch_jobs, "time", fake_time)
    job = client.batches.submit(chat_requests(4), max_requests_per_batch=2)
    seen = []
    final = job.wait(on_progress=seen.append, progress=True)
    assert final.done and final.state == "completed" and final.completed == 4
    assert slept and all(s == pytest.approx(0.007) for s in slept)
    assert all(isinstance(s, JobStatus) for s in seen) and seen[-1].done and not seen[0].done
    err = capsys.readouterr().err
    assert "batch job completed: 2/2 batches finished, 4/4 requests completed, 0 failed" in err


def test_wait_gives_up_at_max_wait_seconds_naming_the_running_batches(client, server):
    server.batch_api.polls_per_status = 10 ** 6
    job = client.batches.submit(chat_requests(2), max_requests_per_batch=1)
    with pytest.raises(BatchJobTimeout) as info:
        job.wait(max_wait_seconds=0.05, poll_interval=0.01)
    assert info.value.running == job.batch_ids
    assert all(b in str(info.value) for b in job.batch_ids)
    with pytest.raises(BatchJobError, match="still running"):
        list(job.results())


def test_status_counts_per_batch(client, server):
    server.batch_api.fail("q1")
    job = client.batches.run(chat_requests(3), max_requests_per_batch=2, poll_interval=0)
    status = job.status()
    assert [(b.requests, b.completed, b.failed) for b in status.batches] == [(2, 1, 1), (1, 1, 0)]
    assert (status.requests, status.completed, status.failed, status.state) == (3, 2, 1, "completed")
    assert "2/3 requests completed, 1 failed" in str(status)


# -- results -----------------------------------------------------------------------------------------

def test_results_are_in_input_order_whatever_the_file_order(client, server):
    server.batch_api.reverse_output = True
    job = client.batches.run(chat_requests(6), max_requests_per_batch=4, poll_interval=0)
    assert [r.custom_id for r in job.results()] == ["q%d" % i for i in range(6)]
    unordered = [r.custom_id for r in job.results(ordered=False)]
    assert unordered == ["q3", "q2", "q1", "q0", "q5", "q4"]
    assert all(r.response.choices[0].message.content == "You said: question %d" % r.index
               for r in job.results(ordered=False))


def test_partial_failure_then_retry_failed(client, server):
    server.batch_api.fail("q1", "q4", status=500)
    job = client.batches.run(chat_requests(6), max_requests_per_batch=3, poll_interval=0)
    results = list(job.results())
    failed = [r for r in results if not r.ok]
    assert [(r.custom_id, r.status, r.error.status_code) for r in failed] == [("q1", "failed", 500),
                                                                               ("q4", "failed", 500)]
    assert failed[0].response is None and "Scripted failure of q1" in failed[0].error.message
    retry = job.retry_failed()
    assert retry.requests == 2
    lines = input_lines(server, retry.batch_ids[0])
    assert [(l["custom_id"], l["body"]) for l in lines] == [("q1", chat_body("question 1")),
                                                          ("q4", chat_body("question 4"))]
    retry.wait(poll_interval=0)
    assert [(r.custom_id, r.ok) for r in retry.results()] == [("q1", True), ("q4", True)]
    assert retry.retry_failed().batch_ids == []


def test_an_expired_batch_reports_the_requests_it_did_not_run(client, server):
    server.batch_api.expire_after = 2
    job = client.batches.run(chat_requests(5), poll_interval=0)
    status = job.status()
    assert status.state == "expired"
    results = list(job.results())
    assert [r.status for r in results] == ["completed", "completed", "expired", "expired", "expired"]
    assert results[3].error.code == "batch_expired"
    assert list(job.retry_failed().custom_ids()) == ["q2", "q3", "q4"]


def test_cancel_cancels_every_batch_and_reports_what_did_not_run(client, server):
    server.batch_api.polls_per_status = 2
    job = client.batches.submit(chat_requests(4), max_requests_per_batch=2)
    status = job.cancel()
    cancels = [r.path for r in server.requests if r.path.endswith("/cancel")]
    assert cancels == ["/v1/batches/%s/cancel" % b for b in job.batch_ids]
    final = job.wait(poll_interval=0)
    assert final.state == "cancelled" and status.running == job.batch_ids
    results = list(job.results())
    assert [(r.custom_id, r.status, r.error.code) for r in results] == [
        ("q%d" % i, "cancelled", "batch_cancelled") for i in range(4)]


def test_a_batch_that_failed_validation_reports_each_request(client, server):
    server.batch_api.max_requests_per_batch = 1
    job = client.batches.run(chat_requests(2), poll_interval=0)
    assert job.status().state == "failed"
    assert [(r.status, r.error.code) for r in job.results()] == [("failed", "batch_failed")] * 2


def test_embedding_results_are_parsed(client, server):
    requests = [{"body": {"model": "text-embedding-3-small", "input": "text %d" % i}} for i in range(3)]
    job = client.batches.run(requests, endpoint="/v1/embeddings", poll_interval=0)
    results = list(job.results())
    assert [type(r.response).__name__ for r in results] == ["CreateEmbeddingResponse"] * 3
    assert len(results[0].response.data[0].embedding) == 8


# -- resuming --------------------------------------------------------------------------------------

RESUME = """
import sys
from openai_lite import OpenAI
client = OpenAI(api_key=%r, base_url=sys.argv[1])
job = client.batches.job(sys.argv[2])
print(job.wait(poll_interval=0))
for r in job.results():
    print(r.custom_id, r.status, r.response.choices[0].message.content if r.ok else r.error.code)
"""


def test_resume_from_saved_state_in_a_new_process(client, server, tmp_path):
    server.batch_api.fail("q2")
    job = client.batches.submit(chat_requests(4), max_requests_per_batch=3)
    path = job.save(tmp_path / "job.json")
    state = json.loads((tmp_path / "job.json").read_text())
    assert state["manifest"] == "job.json.ids" and [b["id"] for b in state["batches"]] == job.batch_ids
    assert os.path.getsize(path) < 2000
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, "-c", RESUME % API_KEY, server.url, str(path)], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "batch job completed: 2/2 batches finished, 3/4 requests completed, 1 failed"
    assert lines[1:] == ["q0 completed You said: question 0", "q1 completed You said: question 1",
                         "q2 failed None", "q3 completed You said: question 3"]


def test_without_the_manifest_the_order_comes_from_the_input_files(client, server, tmp_path):
    server.batch_api.reverse_output = True
    job = client.batches.submit(chat_requests(5), max_requests_per_batch=2)
    path = job.save(tmp_path / "job.json")
    os.unlink(str(path) + ".ids")
    again = client.batches.job(path)
    again.wait(poll_interval=0)
    assert [r.custom_id for r in again.results()] == ["q%d" % i for i in range(5)]
    assert [r.index for r in again.results()] == list(range(5))


def test_load_refuses_a_file_that_is_not_a_job(client, tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    with pytest.raises(BatchJobError, match="not a batch job state file"):
        client.batches.job(other)


def test_results_repr_and_pickled_timeout():
    result = BatchResult("a", 0, "failed", error=batch_jobs.RequestError("x", "boom", 500))
    assert "status='failed'" in repr(result) and not result.ok
    error = pickle.loads(pickle.dumps(BatchJobTimeout(["batch_1"], 3.0)))
    assert error.running == ["batch_1"] and "batch_1" in str(error)


def test_submit_leaves_no_temporary_files(client, server, tmp_path):
    (tmp_path / "t").mkdir()
    job = client.batches.submit(chat_requests(5), max_requests_per_batch=2, tmp_dir=str(tmp_path / "t"))
    left = os.listdir(str(tmp_path / "t"))
    assert len(left) == 1 and left[0].endswith(".ids")  # the manifest, until the job is saved
    job.save(tmp_path / "job.json")
    assert os.listdir(str(tmp_path / "t")) == []


def test_client_keeps_working_as_a_plain_client(client):
    assert isinstance(client, OpenAI)
    assert callable(client.batches.submit) and callable(client.batches.create)
