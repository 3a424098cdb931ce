"""Hand-written helpers send every API parameter their signature takes.

``stream``, ``parse``, ``run_tools`` and the ``*_and_poll`` / ``*_stream`` helpers read their
parameters from the signature itself (``given_args(locals(), ...)``): one list, so a parameter
added to a helper's signature cannot be forgotten on the way to the request. Each test gives every
parameter a value of its own, lets the server refuse the request (the helper raises after sending
it), and finds each value in the request that went out; parameters left out are not sent at all.
"""
import inspect

import pytest

from openai_lite import BadRequestError, OpenAI
from openai_lite.testing import OfflineServer, Scripted

EXTRAS = {"self", "extra_headers", "extra_query", "extra_body", "timeout"}


@pytest.fixture
def server():
    with OfflineServer() as srv:
        srv.enqueue(Scripted.error(400, "refused by the test", repeat=5))
        yield srv


@pytest.fixture
def client(server):
    with OpenAI(api_key="sk-test", base_url=server.url, max_retries=0) as c:
        yield c


def _values(method, leave):
    """A distinct value for every parameter of ``method`` but the extras and ``leave``."""
    names = [n for n in inspect.signature(method).parameters if n not in EXTRAS and n not in leave]
    assert len(names) >= 4, names  # the helper's signature was read, not an empty one
    values = {n: "value-of-" + n for n in names}
    for name in {"messages", "include"} & set(values):  # lists by nature (a str would be iterated)
        values[name] = [values[name]]
    return values


def _sent(server):
    (request,) = server.requests
    return request


def _check_body(request, values, in_query=(), also=()):
    body = request.json()
    for name, value in values.items():
        if name in in_query:
            assert request.query[name + "[]"] == value, name
        else:
            assert body.get(name) == value, name
    assert set(body) - set(values) <= {"stream", *also}, sorted(set(body) - set(values))


def test_chat_completions_stream_sends_every_parameter(client, server):
    values = _values(client.chat.completions.stream, {"response_format", "tools"})
    with pytest.raises(BadRequestError):
        with client.chat.completions.stream(**values):
            pass
    _check_body(_sent(server), values)
    assert _sent(server).json()["stream"] is True


def test_chat_completions_parse_sends_every_parameter(client, server):
    values = _values(client.chat.completions.parse, {"response_format", "tools"})
    with pytest.raises(BadRequestError):
        client.chat.completions.parse(**values)
    _check_body(_sent(server), values)


def test_chat_completions_run_tools_sends_every_parameter(client, server):
    def ping() -> str:
        """Answer pong."""
        return "pong"

    values = _values(client.chat.completions.run_tools,
                     {"tools", "stream", "max_chat_completions", "response_format", "stream_options"})
    runner = client.chat.completions.run_tools(tools=[ping], **values)
    with pytest.raises(BadRequestError):
        runner.until_done()
    assert _sent(server).json()["tools"][0]["function"]["name"] == "ping"
    _check_body(_sent(server), values, also=("tools",))


def test_responses_stream_sends_every_parameter(client, server):
    values = _values(client.responses.stream, {"response_id", "starting_after", "text_format", "tools"})
    with pytest.raises(BadRequestError):
        with client.responses.stream(**values):
            pass
    _check_body(_sent(server), values)


def test_responses_parse_sends_every_parameter(client, server):
    values = _values(client.responses.parse, {"text_format", "parse_as", "tools"})
    with pytest.raises(BadRequestError):
        client.responses.parse(**values)
    _check_body(_sent(server), values)


def test_runs_stream_sends_every_parameter(client, server):
    runs = client.beta.threads.runs
    values = _values(runs.stream, {"thread_id", "event_handler"})
    with pytest.raises(BadRequestError):
        with runs.stream("thread_1", **values):
            pass
    assert _sent(server).path == "/v1/threads/thread_1/runs"
    _check_body(_sent(server), values, in_query=("include",))


def test_threads_create_and_run_stream_sends_every_parameter(client, server):
    threads = client.beta.threads
    values = _values(threads.create_and_run_stream, {"event_handler"})
    with pytest.raises(BadRequestError):
        with threads.create_and_run_stream(**values):
            pass
    _check_body(_sent(server), values)


@pytest.mark.parametrize("helper", ["runs.create_and_poll", "threads.create_and_run_poll",
                                    "file_batches.create_and_poll"])
def test_create_and_poll_helpers_send_every_parameter(client, server, helper):
    owner = {"runs": client.beta.threads.runs, "threads": client.beta.threads,
             "file_batches": client.vector_stores.file_batches}[helper.split(".")[0]]
    method = getattr(owner, helper.split(".")[1])
    path_args = {"runs": {"thread_id": "thread_1"}, "threads": {},
                 "file_batches": {"vector_store_id": "vs_1"}}[helper.split(".")[0]]
    values = _values(method, {"poll_interval_ms", "max_wait_seconds"} | set(path_args))
    with pytest.raises(BadRequestError):
        method(**path_args, **values)
    _check_body(_sent(server), values, in_query=("include",))


def test_parameters_left_out_are_not_sent(client, server):
    with pytest.raises(BadRequestError):
        with client.chat.completions.stream(model="m", messages=[], temperature=None):
            pass
    body = _sent(server).json()
    assert body == {"model": "m", "messages": [], "temperature": None, "stream": True}
