"""``client.map`` (fan-out over threads, paced by rate limits) and the parsed ``x-ratelimit-*`` headers."""
import threading
import time

import pytest

from openai_lite import RateLimitError
from openai_lite.lib.rate_limits import RateLimits, parse_duration
from openai_lite.testing import Scripted

EMBED = "/v1/embeddings"


def embed_inputs(n):
    return [{"model": "text-embedding-3-small", "input": "text %d" % i} for i in range(n)]


def limit_429(retry_after_ms=None, **extra):
    headers = {"x-ratelimit-limit-requests": "600", "x-ratelimit-remaining-requests": "0",
               "x-ratelimit-reset-requests": "30ms"}
    if retry_after_ms is not None:
        headers["retry-after-ms"] = str(retry_after_ms)
    return Scripted.error(429, "Rate limit reached for requests", type="requests", code="rate_limit_exceeded",
                          headers=headers, **extra)


# -- parsing -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, seconds", [("1s", 1.0), ("6m0s", 360.0), ("20ms", 0.02), ("1h2m3.5s", 3723.5),
                                           ("0.5", 0.5), ("17", 17.0), ("", None), ("soon", None), ("5x", None),
                                           (None, None)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == (pytest.approx(seconds) if seconds is not None else None)


def test_raw_responses_expose_parsed_rate_limits(client, server):
    server.enqueue(Scripted(json={"object": "list", "data": []}, headers={
        "x-ratelimit-limit-requests": "60", "x-ratelimit-remaining-requests": "59",
        "x-ratelimit-reset-requests": "1s", "x-ratelimit-limit-tokens": "150000",
        "x-ratelimit-remaining-tokens": "149984", "x-ratelimit-reset-tokens": "6ms"}))
    raw = client.models.with_raw_response.list()
    assert raw.rate_limits == RateLimits(60, 59, 1.0, 150000, 149984, 0.006)
    assert raw.rate_limits.remaining_tokens == 149984 and bool(raw.rate_limits)
    assert "remaining_requests=59" in repr(raw.rate_limits)
    assert not client.models.with_raw_response.list().rate_limits  # none sent: all None


# -- results ---------------------------------------------------------------------------------------------

def test_map_yields_one_result_per_input_in_order(client, server):
    results = list(client.map(client.embeddings.create, embed_inputs(12), max_concurrency=4))
    assert [r.index for r in results] == list(range(12))
    assert all(r.ok and r.attempts == 1 for r in results)
    assert type(results[3].value).__name__ == "CreateEmbeddingResponse"
    assert results[3].input == embed_inputs(12)[3]
    assert len([r for r in server.requests if r.path == EMBED]) == 12


def test_unordered_map_yields_as_completed(client, server):
    release = threading.Event()

    def slow(srv, req, match):
        release.wait(10)  # answered only once the test has seen the other two results
        return Scripted(json={"id": "slow", "object": "model"})

    server.add_route("GET", r"/v1/models/slow", slow)
    results = client.map(client.models.retrieve, ["slow", "gpt-4o-mini", "omni-moderation-latest"],
                         ordered=False, max_concurrency=3)
    first, second = next(results), next(results)
    release.set()
    last = next(results)
    assert sorted([first.index, second.index]) == [1, 2] and last.index == 0
    assert (last.value.id, first.value.id, second.value.id) == ("slow", first.input, second.input)
    assert list(results) == []


def test_failures_are_kept_as_values_and_not_retried_when_not_retryable(client, server):
    results = list(client.map(client.models.retrieve, ["gpt-4o-mini", "no-such-model"]))
    assert results[0].ok and not results[1].ok
    assert type(results[1].error).__name__ == "NotFoundError" and results[1].attempts == 1
    with pytest.raises(type(results[1].error)):
        results[1].get()
    assert results[0].get().id == "gpt-4o-mini"
    assert len(server.requests) == 2


def test_a_server_error_is_retried_by_the_fan_out_alone(client, server):
    server.enqueue(Scripted.error(500, "boom", type="server_error", repeat=3), path=EMBED)
    results = list(client.map(client.embeddings.create, embed_inputs(1), max_retries=2))
    # the client would retry twice more by itself; the fan-out turned that off and made its own 2 retries
    assert not results[0].ok and results[0].attempts == 3
    assert type(results[0].error).__name__ == "InternalServerError"
    assert len(server.requests) == 3


def test_inputs_that_are_not_dicts_are_passed_positionally_and_any_callable_works(client):
    seen = []
    results = list(client.map(lambda x: seen.append(x) or x * 2, [1, 2, 3]))
    assert [r.value for r in results] == [2, 4, 6] and sorted(seen) == [1, 2, 3]
    broken = list(client.map(lambda x: 1 / x, [0]))
    assert isinstance(broken[0].error, ZeroDivisionError) and broken[0].attempts == 1


def test_inputs_are_read_lazily_and_stopping_early_drops_the_rest(client, server):
    consumed = []

    def inputs():
        for i, item in enumerate(embed_inputs(1000)):
            consumed.append(i)
            yield item

    results = client.map(client.embeddings.create, inputs(), max_concurrency=2)
    first = next(results)
    results.close()
    assert first.index == 0
    assert len(consumed) <= 10  # a window of 2 x max_concurrency, not the whole input
    assert len(server.requests) <= len(consumed)


def test_progress_callback_and_status_line(client, server, capsys):
    calls = []
    list(client.map(client.embeddings.create, embed_inputs(3), on_progress=lambda *a: calls.append(a),
                    progress=True))
    assert calls[-1] == (3, 3, 0) and [c[0] for c in calls] == [1, 2, 3]
    assert "map: 3/3 done, 0 failed, 0 retried" in capsys.readouterr().err


@pytest.mark.parametrize("kwargs, error", [({"max_concurrency": 0}, ValueError),
                                            ({"max_concurrency": "4"}, TypeError),
                                            ({"max_retries": -1}, ValueError),
                                            ({"on_progress": 3}, TypeError)])
def test_bad_arguments_are_refused_before_anything_is_sent(client, server, kwargs, error):
    with pytest.raises(error):
        client.map(client.embeddings.create, embed_inputs(1), **kwargs)
    assert server.requests == []


# -- rate limits ---------------------------------------------------------------------------------------

def test_a_429_storm_under_map_is_ridden_out_without_a_storm_of_retries(client, server):
    server.enqueue(limit_429(retry_after_ms=40, repeat=6), path=EMBED)
    # (max_retries=6: however the threads are scheduled, no input can run out of retries)
    results = list(client.map(client.embeddings.create, embed_inputs(30), max_concurrency=6, max_retries=6))
    assert len(results) == 30 and all(r.ok for r in results)
    calls = [r for r in server.requests if r.path == EMBED]
    assert len(calls) == 30 + 6 == sum(r.attempts for r in results)  # every 429 re-sent once, nothing more
    # each rate-limited input was sent again only after the 40 ms the API asked for
    first_seen = {}
    gaps = []
    for request in calls:
        text = request.json()["input"]
        if text in first_seen:
            gaps.append(request.timestamp - first_seen[text])
        first_seen.setdefault(text, request.timestamp)
    assert len(gaps) == 6 and min(gaps) >= 0.035


def test_a_storm_longer_than_the_retries_leaves_rate_limit_errors_as_values(client, server):
    server.enqueue(limit_429(retry_after_ms=5, repeat=1000), path=EMBED)
    results = list(client.map(client.embeddings.create, embed_inputs(4), max_concurrency=2, max_retries=1))
    assert all(isinstance(r.error, RateLimitError) and r.attempts == 2 for r in results)
    assert len(server.requests) == 8  # 4 inputs x (1 + 1 retry): never more
    assert results[0].rate_limits.remaining_requests == 0


def test_map_paces_itself_from_the_headers_of_a_rate_limited_server(client, server):
    limit = server.set_rate_limit(600, burst=8, paths=(EMBED,))  # 10 requests per second, 8 at once at most
    results = list(client.map(client.embeddings.create, embed_inputs(24), max_concurrency=8))
    assert all(r.ok for r in results)
    assert limit.limited <= 2, limit.limited  # unpaced, 8 threads would hit the empty bucket again and again
    assert limit.allowed == 24


def test_the_offline_server_limit_answers_like_the_api(client, server):
    server.set_rate_limit(60, burst=1)
    first = client.models.with_raw_response.list()
    assert first.rate_limits.limit_requests == 60 and first.rate_limits.remaining_requests == 0
    with pytest.raises(RateLimitError) as info:
        client.with_options(max_retries=0).models.list()
    assert info.value.code == "rate_limit_exceeded"
    assert RateLimits.from_headers(info.value.response.headers).reset_requests > 0
    server.set_rate_limit(None)
    assert client.models.list().data


def test_the_server_limit_counts_exactly_under_concurrent_maps(client, server):
    # four maps at once against one limit: its counts add up exactly (no lost updates under contention)
    limit = server.set_rate_limit(6000, burst=1000)
    barrier = threading.Barrier(4)

    def run():
        barrier.wait()
        return list(client.map(client.embeddings.create, embed_inputs(10), max_concurrency=3))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert limit.allowed == 40 and limit.limited == 0


# -- the pacer on its own (waits are checked from below only: a busy machine only makes them longer) ------

def test_pacer_lets_requests_go_at_the_limits_rate_once_the_bucket_is_empty():
    from openai_lite.lib.rate_limits import Pacer

    pacer = Pacer()
    pacer.acquire()  # nothing known yet: not held back
    pacer.observe(RateLimits(limit_requests=600, remaining_requests=0))  # 10 per second, none left
    pacer.release()
    start = time.monotonic()
    pacer.acquire()
    pacer.release()
    pacer.acquire()
    pacer.release()
    assert time.monotonic() - start >= 0.19  # two requests, a tenth of a second each
    assert pacer.waited >= 0.19


def test_pacer_waits_for_the_token_reset_when_no_tokens_remain():
    from openai_lite.lib.rate_limits import Pacer

    pacer = Pacer()
    pacer.acquire()
    pacer.observe(RateLimits(limit_tokens=1000, remaining_tokens=0, reset_tokens=0.08))
    pacer.release()
    start = time.monotonic()
    pacer.acquire()
    assert time.monotonic() - start >= 0.075


def test_pacer_after_a_429_holds_everyone_then_starts_from_an_empty_bucket():
    from openai_lite.lib.rate_limits import Pacer

    pacer = Pacer()
    pacer.acquire()
    pacer.observe(RateLimits(limit_requests=6000, remaining_requests=50))
    pacer.throttled(0.05)
    pacer.release()
    start = time.monotonic()
    pacer.acquire()
    assert time.monotonic() - start >= 0.05 + 0.009  # the pause, then one refill at 100/s
