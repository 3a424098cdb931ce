"""The generated resources (tools/generate.py): up to date, complete, and shaped like openai-python.

- the committed output is what the generator writes today (``--check``);
- every method of methods.txt exists on a client at its attribute path, raw mode included, and
  ``tests/_operations.py`` (read from the package) records its verb and path;
- signatures carry the spec's path, query, header and body parameters with openai-python's layout
  (last path parameter positional, the rest keyword-only, required ones without defaults) and the
  four extras; a misspelled keyword is a ``TypeError``; an empty path parameter a ``ValueError``;
- beta headers, admin keys, Accept for binary answers, multipart encoding, stream event types;
- ``import openai_lite`` imports no resource module.
"""
from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
from typing import Any, Dict, List, Tuple

import pytest

from openai_lite import NOT_GIVEN, OpenAI
from openai_lite._exceptions import APIStatusError
from _operations import BY_NAME, OPERATIONS
from openai_lite.testing import OfflineServer, Scripted

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC_DIR = os.path.join(REPO, "spec")
METHODS_FILE = os.path.join(SPEC_DIR, "methods.txt")
API_KEY = "sk-test-generated-0123456789"
ADMIN_KEY = "sk-admin-generated-0123456789"
EXTRAS = ("extra_headers", "extra_query", "extra_body", "timeout")


def _need_spec() -> None:
    # The spec copy is part of the repository: its absence is a broken checkout, never a skip.
    assert os.path.isfile(os.path.join(SPEC_DIR, "openapi.yaml")), "the spec is missing: %s" % SPEC_DIR


def _release() -> Dict[str, Dict[str, Any]]:
    """The pinned openai release's methods that send one request (``api/openai/methods/*.json``)."""
    import glob
    import json

    found = {}
    for name in glob.glob(os.path.join(REPO, "api", "openai", "methods", "*.json")):
        with open(name, encoding="utf-8") as fh:
            found.update((m["name"], m) for m in json.load(fh) if m["kind"] == "http")
    return found


RELEASE = _release()
RELEASE_WHERE = {"json": "body", "multipart": "body", "file": "body", "query": "query", "path": "path",
                 "header": "header"}


def _methods() -> List[Tuple[str, str, str]]:
    _need_spec()
    with open(METHODS_FILE, encoding="utf-8") as fh:
        return [tuple(line.split()) for line in fh if line.strip()]  # type: ignore[misc]


@pytest.fixture(scope="module")
def spec() -> Dict[str, Any]:
    _need_spec()
    yaml = pytest.importorskip("yaml")
    with open(os.path.join(SPEC_DIR, "openapi.yaml"), encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pytest.fixture(scope="module")
def _offline_server() -> Any:
    with OfflineServer() as srv:
        yield srv


@pytest.fixture
def offline(_offline_server: OfflineServer) -> Any:
    _offline_server.reset()
    yield _offline_server
    assert _offline_server.errors == []


@pytest.fixture
def api(offline: OfflineServer) -> Any:
    with OpenAI(api_key=API_KEY, admin_api_key=ADMIN_KEY, base_url=offline.url, max_retries=0) as c:
        yield c


def _resolve(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _dummy_arguments(op: Any, **override: Any) -> Tuple[List[Any], Dict[str, Any]]:
    """Arguments of the right names (values need not match the spec: the server is offline)."""
    kinds = {name: where for name, where, _ in op.params}
    kwargs: Dict[str, Any] = {}
    for name in op.path_params[:-1]:
        kwargs[name] = "id_" + name
    for name in op.required:
        kwargs[name] = b"file bytes" if kinds[name] == "file" else "x"
    positional = ["id_" + op.path_params[-1]] if op.path_params else []
    for name, value in override.items():
        if op.path_params and name == op.path_params[-1]:
            positional = [value]
        else:
            kwargs[name] = value
    return positional, kwargs


def _call(client: Any, op: Any, **override: Any) -> Any:
    positional, kwargs = _dummy_arguments(op, **override)
    try:
        return _resolve(client, op.name)(*positional, **kwargs)
    except APIStatusError as error:  # the offline server answers 404 to routes it does not know
        return error


# -- generated output is current -------------------------------------------------------------

def test_generator_check_passes() -> None:
    _need_spec()
    pytest.importorskip("yaml")
    result = subprocess.run([sys.executable, os.path.join(REPO, "tools", "generate.py"), "--check", "--quiet"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout


def test_generated_files_carry_the_banner() -> None:
    root = os.path.join(REPO, "openai_lite", "resources")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            if name.endswith(".py"):
                with open(os.path.join(dirpath, name), encoding="utf-8") as fh:
                    assert fh.readline().startswith("# Generated by tools/generate.py"), os.path.join(dirpath, name)


# -- completeness ----------------------------------------------------------------------------

def test_every_method_exists_with_its_verb_and_path() -> None:
    client = OpenAI(api_key=API_KEY)
    lines = _methods()
    assert len(lines) == 283
    own = [n for n in RELEASE if not n.startswith("beta.chat.completions.")]  # that one is chat.completions
    assert {full[len("client."):] for full, _, _ in lines} <= set(BY_NAME) == set(own)
    assert len(OPERATIONS) == len(BY_NAME) == len(own)
    for name in own:
        full = "client." + name
        method = _resolve(client, name)
        assert callable(method), full
        resource, _, leaf = name.rpartition(".")
        raw = getattr(_resolve(client, resource).with_raw_response, leaf)
        assert callable(raw) and raw.__self__._mode == "raw", full
        streaming = getattr(_resolve(client.with_streaming_response, resource), leaf)
        assert streaming.__self__._mode == "streaming", full
        op = BY_NAME[name]
        assert (op.verb, op.path) == (RELEASE[name]["verb"], RELEASE[name]["path"]), full


def test_resources_are_cached_and_typed_properties() -> None:
    client = OpenAI(api_key=API_KEY)
    assert client.beta.threads.runs is client.beta.threads.runs
    assert client.with_raw_response.chat.completions._mode == "raw"
    prop = type(client.beta.threads).__dict__["runs"]
    assert isinstance(prop, property)
    assert inspect.signature(prop.fget).return_annotation == "Runs"


def test_module_level_client_knows_every_top_level_resource() -> None:
    import openai_lite
    from openai_lite.resources._client_resources import ClientResources

    top = {op.name.split(".")[0] for op in OPERATIONS} | {"webhooks"}
    assert set(openai_lite._MODULE_RESOURCES) == top
    assert all(isinstance(getattr(ClientResources, name), property) for name in top)


def test_webhooks_manage_endpoints_and_verify_signatures(api: Any, offline: OfflineServer) -> None:
    # client.webhooks is generated from the release (endpoint methods) with the signature helpers mixed in
    assert callable(api.webhooks.unwrap) and callable(api.webhooks.verify_signature)
    _call(api, BY_NAME["webhooks.create"])
    assert (offline.last_request.method, offline.last_request.path) == ("POST", "/v1/webhook_endpoints")
    with pytest.raises(TypeError):
        api.webhooks.create()  # its required keywords, as the release has them


def test_beta_chat_completions_is_chat_completions() -> None:
    client = OpenAI(api_key=API_KEY)
    assert type(client.beta.chat.completions) is type(client.chat.completions)
    assert client.beta.chat.completions.create.__func__ is client.chat.completions.create.__func__


# -- signatures ------------------------------------------------------------------------------

def _spec_params(spec: Dict[str, Any], op: Any) -> Dict[str, Tuple[str, bool]]:
    """python name -> (where, required), read from the spec independently of the generator."""
    raw = spec["paths"][op.path][op.verb.lower()]
    out: Dict[str, Tuple[str, bool]] = {}
    for prm in raw.get("parameters") or []:
        schema = prm.get("schema") or {}
        name = schema.get("x-stainless-param") or prm["name"].replace("[]", "")
        out[name] = (prm["in"], prm["in"] == "path" or bool(prm.get("required")))
    body = raw.get("requestBody")
    if body:
        content = body["content"]
        kind = "multipart/form-data" if op.body == "multipart" else "application/json"
        props, required = _properties(spec, content[kind]["schema"])
        for name in props:
            out[name] = ("body", name in required)
    return out


def _properties(spec: Dict[str, Any], schema: Any) -> Tuple[Dict[str, Any], List[str]]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    props: Dict[str, Any] = {}
    required: List[str] = []
    for part in schema.get("allOf") or []:
        p, r = _properties(spec, part)
        props.update(p)
        required += r
    props.update(schema.get("properties") or {})
    return props, required + list(schema.get("required") or [])


_STUBS: Dict[str, Any] = {}


def _stub_doc(method: Any) -> str:
    """The docstring of ``method`` in the ``.pyi`` stub beside its module (first overload)."""
    import ast

    cls = type(method.__self__)
    path = inspect.getsourcefile(cls)[:-3] + ".pyi"  # type: ignore[index]
    tree = _STUBS.get(path)
    if tree is None:
        with open(path, encoding="utf-8") as fh:
            tree = _STUBS[path] = ast.parse(fh.read())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == method.__name__:
                    return ast.get_docstring(item) or ""
    return ""


def test_signatures_match_the_spec(spec: Dict[str, Any]) -> None:
    """Each keyword where the spec puts it, and every keyword of the release (which wins where they differ)."""
    client = OpenAI(api_key=API_KEY)
    for op in OPERATIONS:
        sig = inspect.signature(_resolve(client, op.name))
        params = sig.parameters
        expected = _spec_params(spec, op) if op.verb.lower() in spec["paths"].get(op.path, {}) else {}
        for prm in RELEASE[op.name]["params"]:
            if prm["in"] in RELEASE_WHERE:
                where = RELEASE_WHERE[prm["in"]]
                expected[prm["name"]] = (expected.get(prm["name"], (where, False))[0], prm["required"])
        local = [prm["name"] for prm in RELEASE[op.name]["params"] if prm["in"] == "local"]
        for name in local:  # the client's own keywords (never sent): keyword-only, None by default
            assert params[name].kind is inspect.Parameter.KEYWORD_ONLY and params[name].default is None, name
        names = [n for n in params if n not in EXTRAS and n not in local]
        assert sorted(names) == sorted(expected), op.name
        for extra in EXTRAS:
            assert params[extra].kind is inspect.Parameter.KEYWORD_ONLY, (op.name, extra)
            assert params[extra].default is (NOT_GIVEN if extra == "timeout" else None), (op.name, extra)
        path = [n for n, (where, _) in expected.items() if where == "path"]
        template_order = re.findall(r"{([^}]+)}", op.path)
        assert sorted(path) == sorted(template_order) and tuple(template_order) == op.path_params, op.name
        for name, (where, required) in expected.items():
            param = params[name]
            if where == "path" and name == template_order[-1]:
                assert param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, (op.name, name)
                assert list(params).index(name) == 0, (op.name, name)
            else:
                assert param.kind is inspect.Parameter.KEYWORD_ONLY, (op.name, name)
            if required:
                assert param.default is inspect.Parameter.empty, (op.name, name)
            else:
                assert param.default is NOT_GIVEN, (op.name, name)
        assert set(op.required) | set(op.optional) == set(expected) - set(path), op.name
        doc = _stub_doc(_resolve(client, op.name))  # documentation lives in the stubs, not the runtime
        assert doc.strip(), op.name
        for name in expected:
            assert "%s:" % name in doc, (op.name, name)


def test_misspelled_keyword_is_a_type_error(api: Any, offline: OfflineServer) -> None:
    for op in OPERATIONS:
        positional, kwargs = _dummy_arguments(op)
        kwargs["zz_misspelled_option"] = 1
        with pytest.raises(TypeError):
            _resolve(api, op.name)(*positional, **kwargs)
    assert offline.requests == []


def test_missing_required_keyword_is_a_type_error(api: Any) -> None:
    op = BY_NAME["beta.threads.runs.create"]
    with pytest.raises(TypeError):
        api.beta.threads.runs.create("thread_1")  # assistant_id is required
    assert "assistant_id" in op.required


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.path_params], ids=lambda op: op.name)
def test_empty_path_parameter_is_a_value_error(api: Any, offline: OfflineServer, op: Any) -> None:
    for name in op.path_params:
        with pytest.raises(ValueError, match=name):
            _call(api, op, **{name: ""})
    assert offline.requests == []


# -- what goes on the wire ---------------------------------------------------------------------

def _beta_value(path: str) -> Any:
    for prefix, value in (("/assistants", "assistants=v2"), ("/threads", "assistants=v2"),
                          ("/vector_stores", "assistants=v2"), ("/chatkit", "chatkit_beta=v1")):
        if path == prefix or path.startswith(prefix + "/") or path.startswith(prefix + "?"):
            return value
    return None


def test_beta_headers(api: Any, offline: OfflineServer) -> None:
    checked = 0
    for op in OPERATIONS:
        expected = RELEASE[op.name]["headers"].get("OpenAI-Beta")
        assert expected == _beta_value(op.path) or op.name.startswith(("beta.agents", "beta.realtime")), op.name
        if expected is None and op.name.startswith("beta.responses"):
            continue  # the Responses beta sends openai-beta only when ``betas`` is given
        offline.reset()
        _call(api, op)
        (request,) = offline.requests
        assert request.headers.get("OpenAI-Beta") == expected, op.name
        checked += expected is not None
    assert checked >= 40


def test_responses_betas_parameter_is_the_openai_beta_header(api: Any, offline: OfflineServer) -> None:
    _call(api, BY_NAME["beta.responses.retrieve"], betas=["responses_multi_agent=v1"])
    assert offline.last_request.headers.get("openai-beta") == "responses_multi_agent=v1"
    assert offline.last_request.path.endswith("/responses/id_response_id")
    assert offline.last_request.query.get("beta") == ["true"]


def test_admin_operations_use_the_admin_key(api: Any, offline: OfflineServer) -> None:
    admin = [op for op in OPERATIONS if op.name.startswith("admin.")]
    assert len(admin) > 100
    for op in OPERATIONS:
        offline.reset()
        _call(api, op)
        auth = offline.last_request.headers.get("Authorization")
        assert auth == "Bearer %s" % (ADMIN_KEY if op.auth == "admin" else API_KEY), op.name
        assert (op.auth == "admin") == (op.name.startswith("admin.")), op.name


def test_query_body_and_path_placement(api: Any, offline: OfflineServer) -> None:
    _call(api, BY_NAME["beta.threads.runs.create"], include=["step_details.tool_calls[*].file_search.results[*].content"],
          model="gpt-4o", assistant_id="asst_1")
    request = offline.last_request
    assert request.method == "POST" and request.path == "/v1/threads/id_thread_id/runs"
    assert request.query == {"include[]": ["step_details.tool_calls[*].file_search.results[*].content"]}
    assert request.json() == {"assistant_id": "asst_1", "model": "gpt-4o"}
    _call(api, BY_NAME["beta.threads.runs.steps.retrieve"], step_id="step 1/2")
    assert offline.last_request.target.startswith("/v1/threads/id_thread_id/runs/id_run_id/steps/step%201%2F2")


def test_binary_operations_ask_for_their_content_type(api: Any, offline: OfflineServer) -> None:
    offline.enqueue(Scripted(body=b"RIFF....", content_type="application/octet-stream"))
    content = api.audio.speech.create(input="hi", model="tts-1", voice="alloy")
    assert content.content == b"RIFF...."
    assert offline.last_request.headers.get("Accept") == "application/octet-stream"
    offline.enqueue(Scripted(body=b"plain text", content_type="text/plain"))
    assert api.files.retrieve_content("file_1") == "plain text"
    assert offline.last_request.headers.get("Accept") == "application/json"
    for op in OPERATIONS:  # as the release asks: */* for an answer without a body
        if not op.binary:
            assert dict(op.headers).get("Accept") == RELEASE[op.name]["headers"].get("Accept"), op.name


def test_operations_without_a_body_return_none(api: Any, offline: OfflineServer) -> None:
    offline.enqueue(Scripted(body=b""))
    assert api.realtime.calls.hangup("call_1") is None
    assert BY_NAME["containers.delete"].cast_to == "None"


def test_multipart_files_and_fields(api: Any, offline: OfflineServer) -> None:
    _call(api, BY_NAME["images.edit"], image=[b"one", ("two.png", b"two", "image/png")], prompt="p", n=2,
          mask=NOT_GIVEN)
    request = offline.last_request
    content_type = request.headers.get("Content-Type")
    assert content_type.startswith("multipart/form-data; boundary=")
    body = request.body.decode("latin-1")
    assert body.count('name="image[]"') == 2 and 'filename="two.png"' in body
    assert 'name="prompt"' in body and 'name="n"' in body and 'name="mask"' not in body


def test_multipart_json_encoded_field(api: Any, offline: OfflineServer) -> None:
    # the spec's multipart ``encoding`` sends a realtime session as JSON text, not session[type]=...
    _call(api, BY_NAME["realtime.calls.create"], sdp="v=0", session={"type": "realtime", "model": "gpt-realtime"})
    request = offline.last_request
    assert request.headers.get("Accept") == "application/sdp"
    body = request.body.decode("utf-8")
    assert '{"type":"realtime","model":"gpt-realtime"}' in body and "session[type]" not in body


def test_multipart_operation_without_a_file_sends_json_when_the_spec_allows(api: Any, offline: OfflineServer) -> None:
    _call(api, BY_NAME["videos.extend"], video={"id": "video_1"}, prompt="longer", seconds="8")
    request = offline.last_request
    assert request.headers.get("Content-Type") == "application/json"
    assert request.json() == {"video": {"id": "video_1"}, "prompt": "longer", "seconds": "8"}
    _call(api, BY_NAME["videos.extend"], video=b"raw video", prompt="longer", seconds="8")
    assert offline.last_request.headers.get("Content-Type").startswith("multipart/form-data")


def test_streams_use_the_event_type(api: Any, offline: OfflineServer) -> None:
    op = BY_NAME["chat.completions.create"]
    assert (op.cast_to, op.stream_cast_to, op.streams) == ("ChatCompletion", "ChatCompletionChunk", True)
    assert BY_NAME["beta.threads.runs.create"].stream_cast_to == "AssistantStreamEvent"
    assert BY_NAME["completions.create"].stream_cast_to is None  # streams Completion objects
    from openai_lite._models import BaseModel

    class Chunk(BaseModel):
        pass

    stream = api._request("POST", "/chat/completions", body={"model": "m", "messages": [
        {"role": "user", "content": "hello"}], "stream": True}, cast_to="ChatCompletion", stream=True,
        stream_cast_to=Chunk)
    chunks = list(stream)
    assert chunks and all(type(c) is Chunk for c in chunks)


def test_page_styles() -> None:
    pages = {op.name: op.page for op in OPERATIONS if op.page}
    assert pages["models.list"] == "SyncPage"
    assert pages["beta.threads.runs.list"] == "SyncCursorPage"
    assert pages["fine_tuning.jobs.list"] == "SyncCursorPage"
    assert pages["conversations.items.list"] == "LastIdCursorPage"
    assert pages["admin.organization.groups.list"] == "NextCursorPage"
    # the usage and costs reports: one object in the release, though the spec's shape is a page
    assert "admin.organization.usage.completions" not in pages and "admin.organization.usage.costs" not in pages
    assert BY_NAME["admin.organization.usage.completions"].cast_to == "UsageCompletionsResponse"
    assert pages["vector_stores.search"] == "SyncPage"
    assert "embeddings.create" not in pages and "conversations.items.create" not in pages
    assert BY_NAME["beta.threads.runs.list"].cast_to == "Run"  # openai-python's name for the spec's RunObject


def test_the_release_says_page_or_one_object() -> None:
    """A method the pinned release answers with one object is no page here, whatever the spec's shape (the
    usage reports), and one it pages is a page."""
    import glob

    release = {}
    for name in glob.glob(os.path.join(REPO, "api", "openai", "methods", "*.json")):
        with open(name, encoding="utf-8") as fh:
            release.update((m["name"], m) for m in json.load(fh) if m.get("kind") == "http")
    wrong = sorted(name for name, m in release.items() if name in BY_NAME and m.get("returns") in ("model", "page")
                   and bool(BY_NAME[name].page) != (m["returns"] == "page"))
    assert wrong == []
    assert sum(m.get("returns") == "model" for m in release.values()) > 100


def test_list_call_returns_a_page(api: Any, offline: OfflineServer) -> None:
    offline.enqueue(Scripted(json={"object": "list", "data": [{"id": "run_1"}, {"id": "run_2"}], "has_more": True}))
    offline.enqueue(Scripted(json={"object": "list", "data": [{"id": "run_3"}], "has_more": False}))
    ids = [run.id for run in api.beta.threads.runs.list("thread_1", limit=2)]
    assert ids == ["run_1", "run_2", "run_3"]
    assert offline.requests[1].query == {"limit": ["2"], "after": ["run_2"]}


# -- import cost -----------------------------------------------------------------------------

def test_import_does_not_load_resources() -> None:
    code = (
        "import sys, json\n"
        "import openai_lite\n"
        "before = sorted(m for m in sys.modules if m.startswith('openai_lite.resources'))\n"
        "client = openai_lite.OpenAI(api_key='k')\n"
        "built = sorted(m for m in sys.modules if m.startswith('openai_lite.resources'))\n"
        "client.beta.threads\n"
        "read = sorted(m for m in sys.modules if m.startswith('openai_lite.resources'))\n"
        "print(json.dumps([before, built, read]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, check=True,
                         universal_newlines=True, timeout=60).stdout
    before, built, read = json.loads(out)
    assert before == []
    assert set(built) <= {"openai_lite.resources", "openai_lite.resources._client_resources"}
    assert set(read) - set(built) == {"openai_lite.resources.beta"}  # one module per top-level resource
