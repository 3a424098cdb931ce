"""Every generated operation against Prism, a mock server that validates requests against the spec.

Prism (``prism mock openapi.yaml --errors``) answers 4xx/422 to a request that does not match the
spec: its path, query, headers, security, content type or body. Each of the spec's operations is
called once through its public method with its required parameters and every optional one the
sample builder (``tests/prism.py``) can fill from the schemas (``stream`` apart: Prism mocks no
server-sent events), with ``max_retries=0``. The call must be accepted.

Some of the spec's own response examples do not match its response schemas; Prism then answers
500 with violations located in the *response* only. The request was accepted, so such a call
passes (the list is printed with ``-rP``).

``PRISM_BIN`` (exported by tools/test.sh, which installs Prism into ``.prism/``) names the
executable; without it the module is skipped, or fails when ``CI`` is set.
"""
from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterator, List

import pytest

from openai_lite import OpenAI, UnprocessableEntityError
from openai_lite._exceptions import APIStatusError
from _operations import OPERATIONS as _ALL_OPERATIONS

import prism


def _spec_operations() -> List[Any]:
    """The operations the spec has, called where the spec has them (``spec/methods.txt``): the methods
    only the pinned release describes, or that it calls elsewhere, are the differential test's."""
    listed = set()
    with open(os.path.join(os.path.dirname(prism.SPEC_FILE), "methods.txt"), encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                full, verb, path = line.split()[:3]
                listed.add((full[len("client."):], verb.upper(), path))
    return [op for op in _ALL_OPERATIONS if (op.name, op.verb, op.path) in listed]


OPERATIONS = _spec_operations()

pytestmark = pytest.mark.timeout(300)

RESPONSE_ONLY_VIOLATIONS: List[str] = []


@pytest.fixture(scope="module")
def mock() -> Iterator[prism.PrismServer]:
    if not os.path.isfile(prism.SPEC_FILE):
        pytest.skip("the spec is not at %s" % prism.SPEC_FILE)
    binary = prism.prism_bin()
    if binary is None:
        message = "Prism is not installed: run tools/test.sh (npm install --prefix .prism @stoplight/prism-cli@5.16.0)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = prism.PrismServer(binary).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def schemas() -> prism.Schemas:
    return prism.Schemas(prism.load_spec())


@pytest.fixture(scope="module")
def client(mock: prism.PrismServer) -> Iterator[OpenAI]:
    with OpenAI(api_key="sk-prism-test", admin_api_key="sk-prism-admin", base_url=mock.base_url,
                max_retries=0, timeout=60) as c:
        yield c


def _method(client: Any, name: str) -> Any:
    obj = client
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _response_only(error: APIStatusError) -> bool:
    """A Prism 500 saying only that its own mocked response breaks the schema."""
    body = error.body if isinstance(error.body, dict) else {}
    if not body and error.response is not None:
        try:
            body = json.loads(error.response.content)
        except ValueError:
            return False
    problems = body.get("validation") or []
    return (error.status_code == 500 and "VIOLATIONS" in str(body.get("type"))
            and bool(problems) and all((p.get("location") or [""])[0] == "response" for p in problems))


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.name for op in OPERATIONS])
def test_operation_is_accepted(client: OpenAI, schemas: prism.Schemas, op: Any) -> None:
    positional, kwargs = prism.operation_arguments(schemas, op)
    if op.binary:
        # openai 3.63 asks for some downloads with ``Accept: application/binary``, a type the spec's
        # responses do not list, and Prism answers 406. The Accept header follows the release (the
        # differential test checks it); here the rest of the request is checked against the spec.
        kwargs = dict(kwargs, extra_headers={"Accept": "*/*"})
    try:
        result = _method(client, op.name)(*positional, **kwargs)
    except APIStatusError as error:
        if _response_only(error):
            RESPONSE_ONLY_VIOLATIONS.append(op.name)
            print("%s: request accepted; Prism's mocked response breaks the spec" % op.name)
            return
        pytest.fail("Prism rejected %s %s with %s(*%r, **%r):\n%s" % (
            op.verb, op.path, op.name, positional, _short(kwargs), error.body or error))
    if op.binary:
        assert isinstance(result.content, bytes)
    elif op.cast_to == "None":
        assert result is None
    elif op.page:
        assert isinstance(result.data, list)


def _short(kwargs: Dict[str, Any]) -> Dict[str, Any]:
    return {k: (repr(v)[:200] + "...") if len(repr(v)) > 200 else v for k, v in kwargs.items()}


def test_sample_arguments_are_generous(schemas: prism.Schemas) -> None:
    # the calls above exercise most optional parameters, not just the required ones
    given = possible = 0
    for op in OPERATIONS:
        positional, kwargs = prism.operation_arguments(schemas, op)
        spec_names = set(prism.spec_parameter_names(schemas, op))  # keywords of the release alone aside
        given += len([k for k in kwargs if k in op.optional])
        possible += len([o for o in op.optional if o not in prism.SKIP_OPTIONAL and o in spec_names])
    assert possible and given / possible > 0.9, (given, possible)


def test_prism_rejects_an_invalid_request(client: OpenAI) -> None:
    # the mock really validates: a value outside an enum is refused
    with pytest.raises(UnprocessableEntityError):
        client.embeddings.create(input="hello", model="text-embedding-3-small", extra_body={"encoding_format": "hex"})
    with pytest.raises(UnprocessableEntityError):
        client.beta.threads.messages.create("thread_1", role="robot", content="hi")


def test_default_accept_header_is_accepted(client: OpenAI) -> None:
    raw = client.models.with_raw_response.list()
    assert raw.status_code == 200
    assert raw.http_request.headers["Accept"] == "application/json"
    assert isinstance(raw.parse().data, list)
    # an operation that can also answer text/event-stream still answers JSON to the default Accept
    raw = client.chat.completions.with_raw_response.create(model="gpt-4o-mini",
                                                           messages=[{"role": "user", "content": "hi"}])
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.parse().choices is not None


def test_binary_operation_sends_its_own_accept(client: OpenAI) -> None:
    raw = client.audio.speech.with_raw_response.create(input="hi", model="gpt-4o-mini-tts", voice="alloy")
    assert raw.http_request.headers["Accept"] == "application/octet-stream"
    assert raw.status_code == 200
