"""Differential test: every method of the pinned openai release, called in both clients, must send the
same request and read the same response.

- The list of methods is api/openai/ (written by tools/extract_openai.py from the release pinned in
  tools/openai-release.txt), not what openai_lite has: a method the release has and we lack fails.
- The official client talks through an ``httpx2.MockTransport`` that records the request and answers;
  ours talks to a loopback ``OfflineServer`` (one for the module) that records and answers the same bytes.
- Compared: verb, path, query, JSON body or multipart fields and file parts (once per file form), and the
  headers that matter (OpenAI-Beta, Idempotency-Key, which key authorised it, content type, a non-JSON
  Accept); then ``to_dict()``, ``model_dump(exclude_unset=True)`` and every field and property read
  through attributes, class names included (a union picked by its discriminator shows there), for
  single objects, page items and stream events.
- Known gaps are listed once, in tests/differential_pending.txt, and asserted exactly: a new gap fails,
  and so does an entry that starts passing (remove it).

The official package is a test-only dependency of the newest and olddiff suites (urllib3 2.x and
1.26: tools/test.sh installs ``openai==<pin>`` there and sets OPENAI_LITE_REQUIRE_OPENAI=1, which
turns its absence into a failure); elsewhere, without it, the module skips.
"""
from __future__ import annotations

import importlib
import inspect
import json
import os
from typing import Any, Dict, List, Optional, Tuple

import pytest

import _differential as D

httpx2, openai = D.reference("httpx2", "openai")

from conftest import ADMIN_KEY, API_KEY  # noqa: E402
from openai_lite.testing import OfflineServer, Scripted  # noqa: E402

# Left out on purpose (websocket connections, async, httpx): tools/extract_openai.py's not_ported().
# openai warns on the deprecated APIs (Assistants, Evals...) this test still calls.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
METHODS = [m for m in D.methods() if not D.extractor().not_ported(m["name"])]
BY_NAME = {m["name"]: m for m in METHODS}
STREAMING = [m["name"] for m in METHODS if m.get("stream") and any(p["name"] == "stream" for p in m["params"])]
FILE_METHODS = [m["name"] for m in METHODS if m["kind"] == "http" and any(D.is_file_param(p) for p in m["params"])]
D.AUTH.update({API_KEY: "api_key", ADMIN_KEY: "admin_api_key"})
REQUEST_ID = "req_differential_0001"


def test_the_installed_release_is_the_pinned_one() -> None:
    assert openai.__version__ == D.pinned_version() == D.client_facts()["version"], (
        "install openai==%s (tools/openai-release.txt) or re-run tools/extract_openai.py" % D.pinned_version())


# --------------------------------------------------------------------------- the two clients


class Recorder:
    """The official client's transport: records each request and answers with ``answer``."""

    def __init__(self) -> None:
        self.requests = []  # type: List[Dict[str, Any]]
        self.answer = (200, "application/json", b"{}")  # type: Tuple[int, str, bytes]

    def __call__(self, request: Any) -> Any:
        body = request.read()
        target = request.url.raw_path.decode("ascii")
        self.requests.append(D.normal_request(request.method, target, dict(request.headers), body))
        status, content_type, payload = self.answer
        return httpx2.Response(status, headers={"content-type": content_type, "x-request-id": REQUEST_ID},
                               content=payload)


class Pair:
    def __init__(self, server: OfflineServer, tmp_dir: str) -> None:
        import openai_lite

        self.server = server
        self.tmp_dir = tmp_dir
        self.recorder = Recorder()
        self.ours = openai_lite.OpenAI(api_key=API_KEY, admin_api_key=ADMIN_KEY, base_url=server.url,
                                       max_retries=0, timeout=20)
        http_client = httpx2.Client(transport=httpx2.MockTransport(self.recorder))
        self.theirs = openai.OpenAI(api_key=API_KEY, admin_api_key=ADMIN_KEY, base_url=server.url,
                                    max_retries=0, timeout=20, http_client=http_client)

    def exchange(self, name: str, make_kwargs: Any, answer: Tuple[int, str, bytes]) -> Tuple[Any, Any, Any, Any]:
        """Call ``name`` in both clients; return (their result, our result or exception, their request,
        our request or None)."""
        self.recorder.answer = answer
        theirs = resolve(self.theirs, name)(**make_kwargs())
        their_request = self.recorder.requests[-1]
        self.server.reset()
        status, content_type, payload = answer
        self.server.enqueue(Scripted(status=status, body=payload, content_type=content_type,
                                     headers={"x-request-id": REQUEST_ID}))
        try:
            ours = resolve(self.ours, name)(**make_kwargs())  # type: Any
        except Exception as exc:  # a TypeError or a refused value is a finding, reported below
            ours = exc
        recorded = self.server.requests
        our_request = None
        if recorded:
            r = recorded[-1]
            our_request = D.normal_request(r.method, r.target, dict(r.headers.items()), r.body or b"")
        return theirs, ours, their_request, our_request


@pytest.fixture(scope="module")
def pair(tmp_path_factory: Any) -> Any:
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith(("OPENAI_", "AZURE_OPENAI")) or name.lower().endswith("_proxy"):
                mp.delenv(name)
        with OfflineServer() as server:
            p = Pair(server, str(tmp_path_factory.mktemp("differential")))
            yield p
            p.ours.close()
            p.theirs.close()


def resolve(root: Any, dotted: str) -> Any:
    target = root
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


# --------------------------------------------------------------------------- responses


def _their_class(method: Dict[str, Any], which: str = "response") -> Any:
    module = method.get("response_module")
    text = method.get("item") if method.get("returns") == "page" else method.get(which)
    if not module or not text or "(" in text:
        return None
    return getattr(importlib.import_module(module), text.split("[")[0].split(".")[-1], None)


def answer_for(method: Dict[str, Any]) -> Tuple[int, str, bytes]:
    returns = method.get("returns")
    if returns == "binary":
        return 200, "application/octet-stream", b"\x00binary\xffcontent"
    if returns == "str":
        return 200, "text/plain", b"plain text content"
    if returns == "none":
        return 200, "application/json", b"{}"
    cls = _their_class(method)
    item = D.sample_json(cls) if cls is not None else {"id": "obj_1", "object": "thing"}
    if returns == "page":
        body = {"object": "list", "data": [item], "has_more": False, "first_id": "a", "last_id": "b",
                "next": None}  # type: Any
    else:
        body = item
    return 200, "application/json", json.dumps(body).encode("utf-8")


def _properties(cls: type) -> List[str]:
    names = []
    for klass in cls.__mro__:
        if klass.__module__.startswith("openai.types"):
            names.extend(n for n, v in vars(klass).items() if isinstance(v, property) and not n.startswith("_"))
    return sorted(set(names))


CLASS = "class: "  # marks a difference in class names only (the values read the same)


def split_classes(found: List[str], failures: Dict[str, str], check: str) -> None:
    """Class-name differences go to the "classes" check, value differences to ``check``."""
    classes = [f[len(CLASS):] for f in found if f.startswith(CLASS)]
    values = [f for f in found if not f.startswith(CLASS)]
    if classes:
        failures["classes"] = "; ".join(classes[:6])
    if values:
        failures[check] = "; ".join(values[:6])


def differences(theirs: Any, ours: Any, path: str = "result", depth: int = 0) -> List[str]:
    """Where reading ``ours`` through attributes gives something else than ``theirs``."""
    import pydantic

    out = []  # type: List[str]
    if depth > 12:
        return out
    if isinstance(theirs, pydantic.BaseModel):
        if type(theirs).__name__ != type(ours).__name__:
            out.append(CLASS + "%s: class %s here, %s in openai" % (path, type(ours).__name__, type(theirs).__name__))
        for name in list(type(theirs).model_fields) + _properties(type(theirs)):
            try:
                their_value = getattr(theirs, name)
            except Exception:  # openai's own property fails on this sample (output_text of content=None)
                continue
            try:
                value = getattr(ours, name)
            except Exception as exc:
                out.append("%s.%s: %s: %s" % (path, name, type(exc).__name__, exc))
                continue
            out.extend(differences(their_value, value, "%s.%s" % (path, name), depth + 1))
        return out
    if isinstance(theirs, (list, tuple)):
        if not isinstance(ours, (list, tuple)) or len(ours) != len(theirs):
            return ["%s: %r here, %r in openai" % (path, ours, theirs)]
        for i, (t, o) in enumerate(zip(theirs, ours)):
            out.extend(differences(t, o, "%s[%d]" % (path, i), depth + 1))
        return out
    if isinstance(theirs, dict):
        if not isinstance(ours, dict) or set(ours) != set(theirs):
            return ["%s: %r here, %r in openai" % (path, ours, theirs)]
        for key in theirs:
            out.extend(differences(theirs[key], ours[key], "%s[%r]" % (path, key), depth + 1))
        return out
    if theirs != ours or type(theirs) is not type(ours) and not (
            isinstance(theirs, (int, float)) and isinstance(ours, (int, float))):
        out.append("%s: %r here, %r in openai" % (path, ours, theirs))
    return out


def compare_results(method: Dict[str, Any], theirs: Any, ours: Any) -> List[str]:
    returns = method.get("returns")
    if returns == "binary":
        return [] if getattr(ours, "content", None) == theirs.content else ["binary content differs"]
    if returns in ("none", "str"):
        return [] if ours == theirs else ["%r here, %r in openai" % (ours, theirs)]
    if type(theirs).__name__ == "Stream":  # an events endpoint (no stream keyword): a stream on both sides
        return [] if type(ours).__name__ == "Stream" else ["%r here, a Stream in openai" % (ours,)]
    if returns == "page":
        found = differences(list(theirs.data), list(ours.data), "page.data")
        if ours.has_next_page() != theirs.has_next_page():
            found.append("has_next_page(): %r here" % ours.has_next_page())
        found.extend(differences([x.to_dict() for x in theirs.data], [x.to_dict() for x in ours.data],
                                 "page.data to_dict()"))
        return found
    found = differences(theirs, ours)
    if hasattr(theirs, "to_dict"):
        found.extend(differences(theirs.to_dict(), ours.to_dict(), "to_dict()"))
        found.extend(differences(theirs.model_dump(mode="json", exclude_unset=True),
                                 ours.model_dump(mode="json", exclude_unset=True), "model_dump()"))
        if getattr(ours, "_request_id", None) != REQUEST_ID:
            found.append("_request_id: %r" % getattr(ours, "_request_id", None))
    return found


# --------------------------------------------------------------------------- the checks


def signature_gaps(method: Dict[str, Any], ours: Any) -> List[str]:
    try:
        params = inspect.signature(ours).parameters
    except (TypeError, ValueError):
        return ["no signature"]
    if any(p.kind is p.VAR_KEYWORD for p in params.values()) and method["kind"] == "helper":
        return []  # a helper passing **kwargs through to create: checked on create
    theirs = [p["name"] for p in method["params"]] + list(method.get("options", []))
    return sorted(n for n in theirs if n not in params)


def check_method(pair: Pair, method: Dict[str, Any]) -> Dict[str, str]:
    """{check: what failed} for one method: missing, keywords, request, response, classes."""
    name = method["name"]
    failures = {}  # type: Dict[str, str]
    try:
        ours = resolve(pair.ours, name)
    except AttributeError:
        return {"missing": "client.%s does not exist" % name}
    gaps = signature_gaps(method, ours)
    if gaps:
        failures["keywords"] = "lacks %s" % ", ".join(gaps)
    if method["kind"] != "http":
        return failures
    accepted = set(inspect.signature(ours).parameters) | {p["name"] for p in method["params"] if p["required"]}
    answer = answer_for(method)

    def make_kwargs() -> Dict[str, Any]:
        return D.arguments(method, accepted, "tuple_with_type", pair.tmp_dir)

    theirs, result, their_request, our_request = pair.exchange(name, make_kwargs, answer)
    if isinstance(result, Exception):
        failures["request"] = "raised %s: %s" % (type(result).__name__, result)
        return failures
    if our_request != their_request:
        failures["request"] = describe_request_diff(their_request, our_request)
    # The same answer was read either way: compared even when the requests differ.
    split_classes(compare_results(method, theirs, result), failures, "response")
    return failures


def describe_request_diff(theirs: Dict[str, Any], ours: Optional[Dict[str, Any]]) -> str:
    if ours is None:
        return "sent nothing"
    keys = sorted(set(theirs) | set(ours))
    return "; ".join("%s: %r here, %r in openai" % (k, ours.get(k), theirs.get(k))
                     for k in keys if ours.get(k) != theirs.get(k))


def assert_as_pending(subject: str, failures: Dict[str, str]) -> None:
    out = os.environ.get("DIFFERENTIAL_PENDING_OUT")
    if out:
        # Drafting the pending list (README.rst, "Following a new openai release"): write, do not judge.
        with open(out, "a", encoding="utf-8") as f:
            for check, detail in sorted(failures.items()):
                f.write("%s %s  # %s\n" % (subject, check, " ".join(detail.split())[:160]))
        return
    expected = D.pending().get(subject, set())
    new = {k: v for k, v in failures.items() if k not in expected}
    stale = expected - set(failures)
    problems = ["%s %s: %s" % (subject, k, v) for k, v in sorted(new.items())]
    problems += ["%s %s: passes now; remove it from tests/differential_pending.txt" % (subject, k)
                 for k in sorted(stale)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_method_matches_openai(pair: Pair, name: str) -> None:
    assert_as_pending(name, check_method(pair, BY_NAME[name]))


@pytest.mark.parametrize("form", D.FILE_FORMS)
@pytest.mark.parametrize("name", FILE_METHODS)
def test_file_forms_send_the_same_parts(pair: Pair, name: str, form: str) -> None:
    method = BY_NAME[name]
    subject = "%s[%s]" % (name, form)
    failures = {}  # type: Dict[str, str]
    try:
        ours = resolve(pair.ours, name)
    except AttributeError:
        ours = None
    if ours is not None:
        accepted = set(inspect.signature(ours).parameters)
        required = [p["name"] for p in method["params"] if p["required"]]

        def make_kwargs() -> Dict[str, Any]:
            # Required keywords only: the file part is what this test is about.
            kwargs = D.arguments(method, accepted, form, pair.tmp_dir)
            return {k: v for k, v in kwargs.items() if k in required}

        try:
            _, result, their_request, our_request = pair.exchange(name, make_kwargs, answer_for(method))
        except TypeError as exc:  # openai wants one of several keyword sets (audio.voices.create): all of them
            if "Missing required arguments" not in str(exc):
                raise
            _, result, their_request, our_request = pair.exchange(
                name, lambda: D.arguments(method, accepted, form, pair.tmp_dir), answer_for(method))
        if isinstance(result, Exception):
            failures["upload"] = "raised %s: %s" % (type(result).__name__, result)
        elif our_request != their_request:
            failures["upload"] = describe_request_diff(their_request, our_request)
    else:
        failures["upload"] = "method missing"
    assert_as_pending(subject, failures)


# --------------------------------------------------------------------------- streams


def _event_type(method: Dict[str, Any]) -> Any:
    """The official class of one stream event (``Stream[X]`` -> X), found through the description."""
    text = method["stream"]
    # Stream[ChatCompletionChunk] -> ChatCompletionChunk; AgentSessionEventStream -> AgentSessionEvent
    inner = text[text.index("[") + 1:-1] if "[" in text else text[:-len("Stream")]
    entry = D._lookup(inner)
    if entry is None:
        return None
    return getattr(importlib.import_module(entry[0]), inner.split(".")[-1], None)


def stream_events(tp: Any) -> List[Tuple[Optional[str], Any]]:
    """One (SSE event name, data) per member of the event union (one event for a single class)."""
    import typing

    import pydantic

    members = [tp]
    while typing.get_origin(members[0]) is typing.Annotated:
        members = [typing.get_args(members[0])[0]]
    if typing.get_origin(members[0]) is typing.Union:
        members = [m for m in typing.get_args(members[0]) if m is not type(None)]
    events = []  # type: List[Tuple[Optional[str], Any]]
    for member in members:
        data = D.sample_json(member)
        if isinstance(member, type) and issubclass(member, pydantic.BaseModel) and {
                "data", "event"} <= set(member.model_fields):
            events.append((data["event"], data["data"]))  # assistants: the event name is the SSE event
        else:
            events.append((data.get("type") if isinstance(data, dict) else None, data))
    return events


def sse_body(events: List[Tuple[Optional[str], Any]], done: bool) -> bytes:
    lines = []
    for event, data in events:
        if event:
            lines.append("event: %s" % event)
        lines.append("data: %s" % json.dumps(data))
        lines.append("")
    if done:
        lines += ["data: [DONE]", ""]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize("name", STREAMING)
def test_stream_events_match_openai(pair: Pair, name: str) -> None:
    method = BY_NAME[name]
    subject = "%s[stream]" % name
    failures = {}  # type: Dict[str, str]
    try:
        ours = resolve(pair.ours, name)
    except AttributeError:
        ours = None
    tp = _event_type(method)
    assert tp is not None, "event type of %s not found in the description" % name
    if ours is not None:
        accepted = set(inspect.signature(ours).parameters)
        required = [p["name"] for p in method["params"] if p["required"]]
        events = stream_events(tp)
        # Error events last: here they raise (README.rst, Streams), so what precedes them is compared first.
        is_error = [e[0] == "error" or (isinstance(e[1], dict) and e[1].get("type") == "error") for e in events]
        events = [e for e, bad in zip(events, is_error) if not bad] + [e for e, bad in zip(events, is_error) if bad]
        n_errors = sum(is_error)
        body = sse_body(events, done=method["path"] in ("/chat/completions", "/completions"))

        def make_kwargs() -> Dict[str, Any]:
            kwargs = D.arguments(method, accepted, "tuple_with_type", pair.tmp_dir)
            kwargs = {k: v for k, v in kwargs.items() if k in required}
            kwargs["stream"] = True
            return kwargs

        theirs, result, their_request, our_request = pair.exchange(
            name, make_kwargs, (200, "text/event-stream", body))
        if isinstance(result, Exception):
            failures["stream"] = "raised %s: %s" % (type(result).__name__, result)
        elif our_request != their_request:
            failures["stream"] = describe_request_diff(their_request, our_request)
        else:
            their_events = list(theirs)
            assert len(their_events) == len(events)
            our_events = []  # type: List[Any]
            try:
                for event in result:
                    our_events.append(event)
            except Exception as exc:
                # openai yields an `error` event as an object; here it raises APIError (README.rst, Streams)
                if len(our_events) != len(events) - n_errors:
                    failures["stream"] = "reading event %d raised %s: %s" % (len(our_events), type(exc).__name__, exc)
                else:
                    failures["stream_error"] = "the error event raised %s" % type(exc).__name__
            if "stream" not in failures:
                n = len(our_events)
                found = differences(their_events[:n], our_events, "events")
                found += differences([e.to_dict() for e in their_events[:n]],
                                     [getattr(e, "to_dict", lambda: e)() for e in our_events], "events to_dict()")
                split_classes(found, failures, "stream")
    else:
        failures["stream"] = "method missing"
    assert_as_pending(subject, failures)


# --------------------------------------------------------------------------- module-level names and the client


def test_module_names_and_client_match_openai() -> None:
    import openai_lite

    facts = D.client_facts()
    failures = {}  # type: Dict[str, Dict[str, str]]
    not_ported = D.extractor().not_ported
    for name in facts["module_names"]:
        if not hasattr(openai_lite, name) and not not_ported(name):
            failures.setdefault("openai.%s" % name, {})["missing"] = "openai_lite.%s does not exist" % name
    init = inspect.signature(openai_lite.OpenAI.__init__).parameters
    for keyword in facts["client_keywords"]:
        if keyword["name"] not in init and not keyword["name"].startswith("_") and not not_ported(keyword["name"]):
            failures.setdefault("OpenAI(%s)" % keyword["name"], {})["missing"] = "keyword missing"
    for attr in facts["client_attributes"]:
        if not hasattr(openai_lite.OpenAI, attr) and not not_ported(attr):
            failures.setdefault("OpenAI.%s" % attr, {})["missing"] = "attribute missing"
    subjects = {s for s in D.pending() if s.startswith(("openai.", "OpenAI.", "OpenAI("))}
    problems = []
    for subject in sorted(subjects | set(failures)):
        try:
            assert_as_pending(subject, failures.get(subject, {}))
        except AssertionError as exc:
            problems.append(str(exc))
    assert not problems, "\n".join(problems)


def test_pending_list_names_only_described_subjects() -> None:
    """Every pending entry names a method, file form, stream or name of the release, and a known check."""
    known = set(BY_NAME) | {"%s[%s]" % (n, f) for n in FILE_METHODS for f in D.FILE_FORMS}
    known |= {"%s[stream]" % n for n in STREAMING} | {"responses.create[output_text]"}
    known |= {"%s[recorded]" % n for n in _recorded(".sse") + _recorded(".json")}
    facts = D.client_facts()
    known |= {"openai.%s" % n for n in facts["module_names"]}
    known |= {"OpenAI(%s)" % k["name"] for k in facts["client_keywords"]}
    known |= {"OpenAI.%s" % a for a in facts["client_attributes"]}
    checks = {"missing", "keywords", "request", "response", "classes", "upload", "stream", "stream_error"}
    bad = sorted("%s %s" % (s, c) for s, cs in D.pending().items() for c in cs if s not in known or c not in checks)
    assert bad == []


# --------------------------------------------------------------------------- reads worth naming on their own


def test_output_text_and_output_union_read_the_same(pair: Pair) -> None:
    """``response.output_text`` (the first line of openai-python's README) and the output union, picked by
    ``type``, read the same from one recorded response."""
    from openai.types.responses import Response

    body = D.sample_json(Response)
    body["output"] = [
        {"type": "reasoning", "id": "rs_1", "summary": []},
        {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
         "content": [{"type": "output_text", "text": "Hello, ", "annotations": []},
                     {"type": "refusal", "refusal": "no"},
                     {"type": "output_text", "text": "world.", "annotations": []}]},
        {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "f", "arguments": "{}"},
    ]
    method = BY_NAME["responses.create"]

    def make_kwargs() -> Dict[str, Any]:
        return {"model": "gpt-test", "input": "hi"}

    theirs, ours, their_request, our_request = pair.exchange(
        method["name"], make_kwargs, (200, "application/json", json.dumps(body).encode("utf-8")))
    assert our_request == their_request
    assert theirs.output_text == "Hello, world."
    failures = {}  # type: Dict[str, str]
    if getattr(ours, "output_text", None) != theirs.output_text:
        failures["response"] = "output_text: %r here" % (getattr(ours, "output_text", None),)
    found = differences(list(theirs.output), list(ours.output), "output")
    split_classes(found, failures, "response")
    assert_as_pending("responses.create[output_text]", failures)


def test_description_is_what_the_pinned_release_says() -> None:
    """api/openai/ is exactly what tools/extract_openai.py reads from the installed (pinned) release."""
    import subprocess
    import sys

    tool = os.path.join(D.ROOT, "tools", "extract_openai.py")
    done = subprocess.run([sys.executable, tool, "--check", "--python", sys.executable],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


# --------------------------------------------------------------------------- recorded responses

FIXTURES = os.path.join(D.ROOT, "tests", "fixtures", "streams")
# Which method answered each recorded exchange, and the required keywords to call it with.
RECORDED = {
    "chat": ("chat.completions.create", {"model": "gpt-test", "messages": [{"role": "user", "content": "hi"}]}),
    "responses": ("responses.create", {"model": "gpt-test", "input": "hi"}),
    "assistants": ("beta.threads.runs.create", {"thread_id": "thread_1", "assistant_id": "asst_1"}),
}


def _recorded(ext: str) -> List[str]:
    return sorted(n for n in os.listdir(FIXTURES) if n.endswith(ext))


def _recorded_method(fixture: str) -> Tuple[str, Dict[str, Any]]:
    return RECORDED[fixture.split("_")[0]]


@pytest.mark.parametrize("fixture", _recorded(".sse"))
def test_recorded_streams_read_the_same(pair: Pair, fixture: str) -> None:
    """A recorded event stream (tests/fixtures/streams) read through both clients' ``stream=True``."""
    name, kwargs = _recorded_method(fixture)
    with open(os.path.join(FIXTURES, fixture), "rb") as f:
        body = f.read()
    theirs, ours, their_request, our_request = pair.exchange(
        name, lambda: dict(kwargs, stream=True), (200, "text/event-stream", body))
    assert our_request == their_request
    their_events = list(theirs)
    our_events = list(ours)
    assert len(their_events) > 2
    failures = {}  # type: Dict[str, str]
    found = differences(their_events, our_events, "events")
    found += differences([e.to_dict() for e in their_events], [e.to_dict() for e in our_events], "to_dict()")
    split_classes(found, failures, "stream")
    assert_as_pending("%s[recorded]" % fixture, failures)


@pytest.mark.parametrize("fixture", [n for n in _recorded(".json") if not n.startswith("assistants")])
def test_recorded_responses_read_the_same(pair: Pair, fixture: str) -> None:
    """The final object of a recorded exchange, answered to the non-streaming call in both clients."""
    name, kwargs = _recorded_method(fixture)
    with open(os.path.join(FIXTURES, fixture), "rb") as f:
        body = f.read()
    theirs, ours, their_request, our_request = pair.exchange(name, lambda: dict(kwargs), (200, "application/json", body))
    assert our_request == their_request
    failures = {}  # type: Dict[str, str]
    found = differences(theirs, ours)
    found += differences(theirs.to_dict(), ours.to_dict(), "to_dict()")
    found += differences(theirs.model_dump(mode="json", exclude_unset=True),
                         ours.model_dump(mode="json", exclude_unset=True), "model_dump()")
    split_classes(found, failures, "response")
    assert_as_pending("%s[recorded]" % fixture, failures)
