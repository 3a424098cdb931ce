"""Types: response objects know their generated type at run time, and type checkers see every
parameter and field (``.pyi`` stubs) without ``import openai_lite`` loading any of it.

Run time: ``isinstance`` against the public classes, a documented but absent field reads as None,
an unknown name raises AttributeError, fields the spec does not know yet stay readable, unions
pick their member (Responses output items, assistant stream events, chunk deltas), typed objects
pickle, and type modules load only when a response needs one.

Static: every schema an operation uses has a type, every operation's parameters are in its stub's
signature, and pyright and mypy report nothing on ``examples/`` and ``tests/typing/check_types.py``
and exactly the marked lines of ``tests/typing/mistakes.py``. The checkers are slow: they are
skipped when ``OPENAI_LITE_SKIP_TYPECHECK=1`` (tools/test.sh sets it for the oldest suite) or when
they are not installed (outside CI).
"""
from __future__ import annotations

import ast
import copy
import inspect
import json
import os
import pickle
import re
import subprocess
import sys
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest

from openai_lite import OpenAI
from openai_lite._models import BaseModel, construct, resolve_model
from openai_lite.testing import OfflineServer, Scripted

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(REPO, "openai_lite")
SPEC_DIR = os.path.join(REPO, "spec")
TYPING_DIR = os.path.join(REPO, "tests", "typing")


def _need_spec() -> None:
    # The spec copy is part of the repository: its absence is a broken checkout, never a skip.
    assert os.path.isfile(os.path.join(SPEC_DIR, "openapi.yaml")), "the spec is missing: %s" % SPEC_DIR


# -- run time: response objects know their type -----------------------------------------------------

COMPLETION = {
    "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
    "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                 "message": {"role": "assistant", "content": "Hi!", "refusal": None,
                             "tool_calls": [{"id": "call_1", "type": "function",
                                             "function": {"name": "f", "arguments": "{}"}}]}}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    "brand_new_field": {"nested": [1, 2]},
}


def test_public_classes_are_the_ones_responses_use() -> None:
    from openai_lite.types import CreateEmbeddingResponse, Embedding, FileDeleted, FileObject, Model, ModelDeleted
    from openai_lite.types.beta import Assistant, Thread
    from openai_lite.types.beta.threads import Message, Run
    from openai_lite.types.beta.threads.runs import RunStep
    from openai_lite.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessage
    from openai_lite.types.responses import Response, ResponseOutputItem, ResponseOutputMessage

    assert resolve_model("ChatCompletion") is ChatCompletion
    assert resolve_model("CreateChatCompletionResponse") is ChatCompletion  # the spec's name resolves too
    assert resolve_model("RunObject") is Run and resolve_model("MessageObject") is Message
    assert ChatCompletion.__module__ == "openai_lite.types.chat" and ChatCompletion.__name__ == "ChatCompletion"
    assert Run.__module__ == "openai_lite.types.beta.threads" and RunStep.__module__.endswith("threads.runs")
    for cls in (CreateEmbeddingResponse, Embedding, FileDeleted, FileObject, Model, ModelDeleted, Assistant, Thread,
                ChatCompletionChunk, ChatCompletionMessage, Response, ResponseOutputMessage):
        assert isinstance(cls, type) and issubclass(cls, BaseModel), cls
    assert ResponseOutputMessage in ResponseOutputItem.__args__  # a Union, as in openai-python
    with pytest.raises(AttributeError):
        import openai_lite.types as top

        top.ChatCompletion  # noqa: B018 - it lives in openai_lite.types.chat, as in openai-python
    with pytest.raises(ImportError):
        from openai_lite.types.chat import NoSuchType  # noqa: F401


# Names code written for openai-python imports, with the module it imports them from.
OPENAI_PYTHON_NAMES = {
    "": "ChatModel ResponseFormatJSONSchema ResponseFormatJSONObject ResponseFormatText Reasoning ReasoningEffort "
        "ErrorObject CompletionUsage FunctionDefinition FunctionParameters Metadata ComparisonFilter CompoundFilter",
    "chat": "ChatCompletionContentPartParam ChatCompletionContentPartTextParam ChatCompletionContentPartImageParam "
            "ChatCompletionContentPartInputAudioParam ChatCompletionMessageToolCallParam ChatCompletionAudio "
            "ChatCompletionStoreMessage ChatCompletionReasoningEffort ChatCompletionMessageToolCallUnion",
    "responses": "ResponseInputParam ResponseInputItemParam ResponseInputTextParam ResponseInputImageParam ResponseItem "
                 "ResponseIncludable ResponseTextConfig ResponseTextConfigParam Tool ToolParam FunctionTool "
                 "FileSearchTool FileSearchToolParam EasyInputMessage EasyInputMessageParam WebSearchToolParam "
                 "ToolChoiceOptions ToolChoiceFunctionParam ResponseFormatTextJSONSchemaConfigParam",
    "beta": "AssistantToolChoice CodeInterpreterTool FileSearchTool FunctionTool AssistantStreamEvent",
    "beta.threads": "Text TextDelta TextContentBlock TextDeltaBlock ImageFile ImageFileContentBlock Annotation "
                    "FileCitationAnnotation FilePathAnnotation MessageDelta MessageContent RequiredActionFunctionToolCall",
    "beta.threads.runs": "RunStepDelta ToolCall ToolCallDelta ToolCallsStepDetails CodeInterpreterToolCall "
                         "FileSearchToolCall FunctionToolCall FunctionToolCallDelta",
    "audio": "Transcription TranscriptionVerbose Translation TranslationVerbose",
}


def test_openai_python_names_import_from_the_same_modules() -> None:
    import importlib

    for where, names in OPENAI_PYTHON_NAMES.items():
        module = importlib.import_module("openai_lite.types" + ("." + where if where else ""))
        for name in names.split():
            assert getattr(module, name) is not None, (where, name)
            assert name in dir(module), (where, name)
    from openai_lite.types import beta, responses
    from openai_lite.types.beta.threads import Message, Text, TextContentBlock
    from openai_lite.types.beta.threads.runs import FunctionToolCall
    from openai_lite.types.responses import ResponseFunctionToolCall

    assert beta.FileSearchTool is not responses.FileSearchTool  # the Assistants tool and the Responses tool
    assert FunctionToolCall is not ResponseFunctionToolCall
    message = construct(resolve_model("Message"), {"id": "m", "object": "thread.message", "content": [
        {"type": "text", "text": {"value": "hi", "annotations": []}}]})
    assert type(message) is Message and type(message.content[0]) is TextContentBlock
    assert type(message.content[0].text) is Text and message.content[0].text.value == "hi"
    with pytest.raises(AttributeError):
        responses.TextDelta  # noqa: B018 - an alias is public only where openai-python has it


def test_fields_absent_unknown_and_new() -> None:
    from openai_lite.types.chat import ChatCompletion, ChatCompletionChoice, ChatCompletionMessage

    completion = construct(resolve_model("ChatCompletion"), copy.deepcopy(COMPLETION), "req_1")
    assert isinstance(completion, ChatCompletion) and completion._request_id == "req_1"
    choice = completion.choices[0]
    assert isinstance(choice, ChatCompletionChoice) and isinstance(choice.message, ChatCompletionMessage)
    assert completion.choices[0].message.content == "Hi!"
    assert completion.system_fingerprint is None  # documented, not sent
    assert completion.service_tier is None
    with pytest.raises(AttributeError, match="system_fingerprnt"):
        completion.system_fingerprnt  # noqa: B018 - a typo is caught
    assert completion.brand_new_field.nested == [1, 2]  # a field newer than the spec stays readable
    assert completion["brand_new_field"].to_dict() == {"nested": [1, 2]}
    assert "brand_new_field" in dir(completion) and "system_fingerprint" in dir(completion)
    assert completion.to_dict() == COMPLETION


def test_maps_stay_plain_dicts() -> None:
    batch = construct(resolve_model("Batch"), {"id": "b", "metadata": {"team": "x"}})
    assert type(batch.metadata) is dict and batch.metadata.get("team") == "x"


def test_union_members_are_picked_by_their_discriminator() -> None:
    from openai_lite.types.responses import (
        Response, ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText, ResponseReasoningItem,
    )

    response = construct(resolve_model("Response"), {"id": "resp_1", "output": [
        {"type": "message", "id": "m", "role": "assistant", "status": "completed",
         "content": [{"type": "output_text", "text": "hi", "annotations": []}]},
        {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"},
        {"type": "reasoning", "id": "r", "summary": []},
        {"type": "a_kind_from_next_year", "x": 1},
    ]})
    assert isinstance(response, Response)
    kinds = [type(item) for item in response.output]
    assert kinds[:3] == [ResponseOutputMessage, ResponseFunctionToolCall, ResponseReasoningItem]
    assert kinds[3] is BaseModel and response.output[3].x == 1  # unknown kinds are kept, untyped
    assert type(response.output[0].content[0]) is ResponseOutputText
    from openai_lite.types.chat import ChatCompletionMessageCustomToolCall, ChatCompletionMessageFunctionToolCall

    message = construct(resolve_model("ChatCompletionMessage"), {"role": "assistant", "tool_calls": [
        {"id": "1", "type": "function", "function": {"name": "f", "arguments": "{}"}},
        {"id": "2", "type": "custom", "custom": {"name": "g", "input": "x"}}]})
    assert [type(c) for c in message.tool_calls] == [ChatCompletionMessageFunctionToolCall,
                                                     ChatCompletionMessageCustomToolCall]


def test_undiscriminated_union_picks_the_member_whose_required_fields_are_there() -> None:
    pick = resolve_model("TranscriptionsCreateResponse")
    assert not isinstance(pick, type)
    from openai_lite.types.audio import Transcription

    plain = construct(pick, {"text": "hi"})
    verbose = construct(pick, {"text": "hi", "language": "en", "duration": 1.5, "segments": []})
    assert type(plain) is Transcription
    assert type(verbose) is not Transcription and verbose.duration == 1.5


def _sse(*events: Any) -> bytes:
    out = []
    for event in events:
        if isinstance(event, tuple):
            out.append("event: %s\ndata: %s\n\n" % (event[0], json.dumps(event[1])))
        else:
            out.append("data: %s\n\n" % (event if isinstance(event, str) else json.dumps(event)))
    return "".join(out).encode("utf-8")


@pytest.fixture(scope="module")
def server() -> Any:
    with OfflineServer() as srv:
        yield srv


@pytest.fixture
def client(server: OfflineServer) -> Any:
    server.reset()
    with OpenAI(api_key="sk-types", base_url=server.url, max_retries=0) as c:
        yield c


def test_responses_from_the_wire_are_typed(client: OpenAI, server: OfflineServer) -> None:
    from openai_lite.types import FileObject
    from openai_lite.types.chat import ChatCompletion

    server.enqueue(Scripted(json=COMPLETION))
    completion = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert type(completion) is ChatCompletion
    server.enqueue(Scripted(json={"object": "list", "data": [{"id": "file_1", "object": "file", "bytes": 1}],
                                  "has_more": False}))
    page = client.files.list()
    assert [type(f) for f in page] == [FileObject]


def test_stream_chunks_and_deltas_are_typed(client: OpenAI, server: OfflineServer) -> None:
    from openai_lite.types.chat import ChatCompletionChunk, ChatCompletionChunkChoice, ChoiceDelta, ChoiceDeltaToolCall

    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
             "choices": [{"index": 0, "delta": {"role": "assistant", "tool_calls": [
                 {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": ""}}]},
                 "finish_reason": None}]}
    server.enqueue(Scripted(body=_sse(chunk, {"id": "c", "object": "chat.completion.chunk", "created": 1,
                                              "model": "m", "choices": [{"index": 0, "delta": {}}]}, "[DONE]"),
                            content_type="text/event-stream"))
    chunks = list(client.chat.completions.create(model="m", messages=[], stream=True))
    assert [type(c) for c in chunks] == [ChatCompletionChunk, ChatCompletionChunk]
    first = chunks[0].choices[0]
    assert type(first) is ChatCompletionChunkChoice and type(first.delta) is ChoiceDelta
    assert type(first.delta.tool_calls[0]) is ChoiceDeltaToolCall
    assert chunks[1].choices[0].delta.content is None  # None when the delta has no content


def test_assistant_stream_events_carry_typed_data(client: OpenAI, server: OfflineServer) -> None:
    from openai_lite.types.beta.threads import Message, MessageDeltaEvent, Run
    from openai_lite.types.beta.threads.runs import RunStep

    server.enqueue(Scripted(body=_sse(
        ("thread.run.created", {"id": "run_1", "object": "thread.run", "status": "queued"}),
        ("thread.run.step.created", {"id": "step_1", "object": "thread.run.step"}),
        ("thread.message.created", {"id": "msg_1", "object": "thread.message", "content": []}),
        ("thread.message.delta", {"id": "msg_1", "object": "thread.message.delta",
                                  "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "hi"}}]}}),
        "[DONE]"), content_type="text/event-stream"))
    events = list(client.beta.threads.runs.create("thread_1", assistant_id="asst_1", stream=True))
    assert [type(e.data) for e in events] == [Run, RunStep, Message, MessageDeltaEvent]
    assert events[3].data.delta.content[0].text.value == "hi"


def test_typed_objects_pickle_and_copy() -> None:
    from openai_lite.types.chat import ChatCompletion

    completion = construct(resolve_model("ChatCompletion"), copy.deepcopy(COMPLETION), "req_1")
    completion.choices[0].message  # noqa: B018 - materialise nested objects first
    for clone in (pickle.loads(pickle.dumps(completion)), pickle.loads(pickle.dumps(completion, protocol=2)),
                  copy.deepcopy(completion), completion.model_copy()):
        assert type(clone) is ChatCompletion and clone == completion and clone._request_id == "req_1"
        assert clone.choices[0].message.content == "Hi!"
    choice = completion.choices[0]
    assert type(pickle.loads(pickle.dumps(choice))) is type(choice)


def test_request_shapes_and_aliases_exist_at_run_time() -> None:
    from openai_lite.types.chat import (
        ChatCompletionMessageFunctionToolCall, ChatCompletionMessageParam, ChatCompletionMessageToolCall,
        ChatCompletionToolParam, ChatCompletionUserMessageParam, ParsedChatCompletion,
    )
    from openai_lite.lib.structured import ParsedChatCompletion as Parsed

    message = ChatCompletionUserMessageParam(role="user", content="hi")  # a TypedDict: a plain dict
    assert message == {"role": "user", "content": "hi"} and type(message) is dict
    assert ChatCompletionMessageParam is not None and ChatCompletionToolParam is not None
    assert ChatCompletionMessageToolCall is ChatCompletionMessageFunctionToolCall
    assert ParsedChatCompletion is Parsed and issubclass(Parsed, resolve_model("ChatCompletion"))


def _loaded_modules(code: str) -> List[str]:
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, check=True,
                         universal_newlines=True, timeout=60).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_import_and_client_load_no_type_module() -> None:
    before, after = _loaded_modules(
        "import sys, json\n"
        "import openai_lite\n"
        "client = openai_lite.OpenAI(api_key='k')\n"
        "a = sorted(m for m in sys.modules if m.startswith('openai_lite.types'))\n"
        "client.embeddings\n"
        "client.files\n"
        "b = sorted(m for m in sys.modules if m.startswith('openai_lite.types'))\n"
        "print(json.dumps([a, b]))\n")
    assert before == [] and after == []


def test_a_type_module_loads_with_the_first_response() -> None:
    loaded = _loaded_modules(
        "import sys, json\n"
        "from openai_lite import OpenAI\n"
        "from openai_lite.testing import OfflineServer, Scripted\n"
        "with OfflineServer() as srv, OpenAI(api_key='k', base_url=srv.url) as client:\n"
        "    srv.enqueue(Scripted(json={'object': 'list', 'data': [], 'model': 'm', 'usage': {}}))\n"
        "    before = sorted(m for m in sys.modules if m.startswith('openai_lite.types'))\n"
        "    result = client.embeddings.create(model='m', input='x')\n"
        "    after = sorted(m for m in sys.modules if m.startswith('openai_lite.types'))\n"
        "print(json.dumps([before, after, type(result).__name__]))\n")
    before, after, name = loaded
    assert before == [] and name == "CreateEmbeddingResponse"
    # the type's module (openai_lite.types keeps its classes in _defs); types/_names.txt is read, not imported
    assert set(after) == {"openai_lite.types", "openai_lite.types._defs"}


# -- generated: complete, current ------------------------------------------------------------------

def _runtime_names() -> Set[str]:
    """Every name a generated type is known by at run time: in ``types/_names.txt`` (response side) or public
    in a types module (request shapes too)."""
    import importlib

    from openai_lite._type_loader import read_names

    where, renamed = read_names()
    found = set(where) | set(renamed)
    for folder, _, files in os.walk(os.path.join(PACKAGE, "types")):
        for name in files:
            if name.endswith(".py") and name != "_defs.py":
                rel = os.path.relpath(os.path.join(folder, name), PACKAGE)[:-3].replace(os.sep, ".")
                rel = rel[:-len(".__init__")] if rel.endswith(".__init__") else rel
                found.update(dir(importlib.import_module("openai_lite." + rel)))
    return found


def _stub_names() -> Set[str]:
    names: Set[str] = set()
    for folder, _, files in os.walk(os.path.join(PACKAGE, "types")):
        for name in files:
            if name.endswith(".pyi"):
                with open(os.path.join(folder, name), encoding="utf-8") as fh:
                    tree = ast.parse(fh.read())
                for node in tree.body:
                    if isinstance(node, ast.ClassDef):
                        names.add(node.name)
                    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                        names.add(node.target.id)
                    elif isinstance(node, ast.Assign):
                        names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _used_schemas(spec: Dict[str, Any]) -> Set[str]:
    """Every component schema an operation reaches (parameters, bodies, responses), transitively."""
    schemas = spec["components"]["schemas"]
    start: Set[str] = set()

    def refs(node: Any, out: Set[str]) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                out.add(ref.rsplit("/", 1)[-1])
            for value in node.values():
                refs(value, out)
        elif isinstance(node, list):
            for value in node:
                refs(value, out)

    with open(os.path.join(SPEC_DIR, "methods.txt"), encoding="utf-8") as fh:
        methods = [line.split() for line in fh if line.strip()]
    for _, verb, path in methods:
        refs(spec["paths"][path][verb.lower()], start)
    seen: Set[str] = set()
    todo = list(start)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        found: Set[str] = set()
        refs(schemas[name], found)
        todo.extend(found - seen)
    return seen


@pytest.fixture(scope="module")
def spec() -> Dict[str, Any]:
    _need_spec()
    yaml = pytest.importorskip("yaml")
    with open(os.path.join(SPEC_DIR, "openapi.yaml"), encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def test_every_schema_an_operation_uses_has_a_type(spec: Dict[str, Any]) -> None:
    rows = _runtime_names()
    stubs = _stub_names()
    sys.path.insert(0, os.path.join(REPO, "tools"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    gen = generate.TypeGen(generate.Spec(spec))
    missing = []
    for schema in sorted(_used_schemas(spec)):
        names = {gen.name_for(schema, "model"), gen.name_for(schema, "param")}
        known = {n for n in names if n in rows}
        if not known or not (known & stubs):
            missing.append(schema)
    assert missing == []
    assert len(rows) > 1500


def _operation_methods() -> Iterator[Tuple[Any, Any, Dict[str, ast.ClassDef]]]:
    """(operation, its bound method on a client, the classes of the stub beside its module) for all of them."""
    from _operations import OPERATIONS

    trees: Dict[str, Dict[str, ast.ClassDef]] = {}
    with OpenAI(api_key="sk-types") as client:
        for op in OPERATIONS:
            method: Any = client
            for part in op.name.split("."):
                method = getattr(method, part)
            path = sys.modules[type(method.__self__).__module__].__file__[:-3] + ".pyi"  # type: ignore[index]
            if path not in trees:
                with open(path, encoding="utf-8") as fh:
                    trees[path] = {n.name: n for n in ast.parse(fh.read()).body if isinstance(n, ast.ClassDef)}
            yield op, method, trees[path]


def test_every_operation_parameter_is_in_its_stub() -> None:
    checked = 0
    for op, method, classes in _operation_methods():
        cls = classes[type(method.__self__).__name__]
        defs = [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == op.name.rsplit(".", 1)[1]]
        assert defs, op.name
        wanted = {name for name, _, _ in op.params}
        wanted |= {name for name, prm in inspect.signature(method).parameters.items()  # the client's own keywords
                   if prm.default is None and name not in ("extra_headers", "extra_query", "extra_body")}
        for node in defs:  # each overload has every parameter, annotated, and the options all methods take
            args = node.args.args[1:] + node.args.kwonlyargs
            assert {a.arg for a in args} == wanted, op.name
            assert node.args.kwarg is not None and ast.unparse(node.args.kwarg.annotation) == "Unpack[CallOptions]"
            assert all(a.annotation is not None for a in args), op.name
            assert node.returns is not None, op.name
            required = {a.arg for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if d is None}
            assert set(op.required) - {"stream"} <= required, op.name
        if op.streams:
            assert len(defs) == 3 and all(
                any(isinstance(d, ast.Name) and d.id == "overload" for d in n.decorator_list) for n in defs), op.name
        checked += 1
    import _operations as _ops

    assert checked == len(_ops.OPERATIONS) >= 400


def test_call_options_are_the_keywords_every_method_takes_at_run_time() -> None:
    """The stubs declare ``extra_headers``/``extra_query``/``extra_body``/``timeout`` once (``CallOptions``);
    every generated method takes exactly those, as keyword-only parameters, at run time."""
    import inspect

    with open(os.path.join(PACKAGE, "resources", "_base.pyi"), encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    options = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "CallOptions")
    declared = [n.target.id for n in options.body if isinstance(n, ast.AnnAssign)]
    assert declared == ["extra_headers", "extra_query", "extra_body", "timeout"]
    seen = 0
    for op, method, _ in _operation_methods():
        params = inspect.signature(method).parameters
        assert list(params)[-4:] == declared, op.name
        assert all(params[name].kind is inspect.Parameter.KEYWORD_ONLY for name in declared), op.name
        seen += 1
    import _operations as _ops

    assert seen == len(_ops.OPERATIONS) >= 400


def test_every_operation_is_in_its_raw_and_streaming_views() -> None:
    """``with_raw_response`` / ``with_streaming_response`` are typed by view classes beside each resource
    stub: each names the resource's class as its base's type arguments and wraps every operation."""
    seen = 0
    for op, method, classes in _operation_methods():
        cls = type(method.__self__).__name__
        assert ast.unparse(classes[cls].bases[0]) == (
            "SyncAPIResource[%sWithRawResponse, %sWithStreamingResponse]" % (cls, cls)), op.name
        attr = op.name.rsplit(".", 1)[1]
        for mode, wrapper in (("Raw", "_raw"), ("Streaming", "_streamed")):
            view = classes["%sWith%sResponse" % (cls, mode)]
            wrapped = {t.id: ast.unparse(n.value) for n in view.body if isinstance(n, ast.Assign)
                       for t in n.targets if isinstance(t, ast.Name)}
            assert wrapped.get(attr) == "%s(%s.%s)" % (wrapper, cls, attr), (op.name, mode)
        seen += 1
    import _operations as _ops

    assert seen == len(_ops.OPERATIONS) >= 400


def test_module_level_resources_are_typed_as_the_clients() -> None:
    """``openai_lite.chat`` & co. are declared for type checkers in ``__init__``'s TYPE_CHECKING block, one per
    name the module's ``__getattr__`` serves, each the client's own resource class."""
    import openai_lite
    from openai_lite.resources._client_resources import ClientResources

    with open(os.path.join(PACKAGE, "__init__.py"), encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    declared = {n.target.id: ast.unparse(n.annotation) for n in block.body
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
    assert set(declared) == set(openai_lite._MODULE_RESOURCES)
    client = OpenAI(api_key="sk-types")
    for name, annotation in declared.items():
        if name != "webhooks":
            assert isinstance(getattr(ClientResources, name), property)
        assert annotation.rsplit(".", 1)[-1].lstrip("_") == type(getattr(client, name)).__name__, name
    client.close()


def _stub_classes() -> Dict[str, Tuple[str, Dict[str, str]]]:
    """Every class of the type stubs: name -> (its docstring, {field: the docstring under it or ""})."""
    found: Dict[str, Tuple[str, Dict[str, str]]] = {}
    renamed: Dict[str, str] = {}  # a former name of a class that took openai-python's (``Old = New``)
    for folder, _, files in os.walk(os.path.join(PACKAGE, "types")):
        for name in files:
            if not name.endswith(".pyi"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                tree = ast.parse(fh.read())
            for node in tree.body:
                if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                        and isinstance(node.value, ast.Name) and node.targets[0].id != "Beta" + node.value.id):
                    renamed[node.targets[0].id] = node.value.id  # (a beta twin is documented on its twin)
                if not isinstance(node, ast.ClassDef):
                    continue
                fields: Dict[str, str] = {}
                for i, item in enumerate(node.body):
                    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        after = node.body[i + 1] if i + 1 < len(node.body) else None
                        doc = ""
                        if (isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                                and isinstance(after.value.value, str)):
                            doc = after.value.value
                        fields[item.target.id] = doc
                found[node.name] = (ast.get_docstring(node) or "", fields)
    _RENAMED.clear()
    _RENAMED.update((old, new) for old, new in renamed.items() if old not in found and new in found)
    return found


_RENAMED: Dict[str, str] = {}  # filled by _stub_classes: former name -> the class (openai-python's name)


def _words(text: str) -> str:
    return " ".join(text.split())


def test_every_described_field_carries_the_spec_description_in_its_stub(spec: Dict[str, Any]) -> None:
    """Models and request TypedDicts alike: a field the spec describes shows that description on hover
    (the nested request dicts included: ``messages=[{"tool_call_id": ...}]``). The beta Responses API's
    own classes are documented once, on their generally available twin, and their docstring says which."""
    sys.path.insert(0, os.path.join(REPO, "tools"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    gen = generate.TypeGen(generate.Spec(spec))
    classes = _stub_classes()
    checked = {"model": 0, "param": 0}
    wrong: List[Tuple[str, str]] = []
    for schema_name, schema in spec["components"]["schemas"].items():
        properties = schema.get("properties") if isinstance(schema, dict) else None
        for side in ("model", "param"):
            cls = gen.name_for(schema_name, side)
            cls = _RENAMED.get(cls, cls)
            if cls not in classes or not properties:
                continue
            class_doc, fields = classes[cls]
            twin = cls[4:] if cls.startswith("Beta") and cls[4:] in classes else None
            for prop, value in properties.items():
                described = isinstance(value, dict) and (value.get("description") or "").strip()
                if not described or prop not in fields:
                    continue
                if twin is not None and not fields[prop]:  # documented on the twin
                    if "``%s``" % twin not in class_doc:
                        wrong.append((cls, "does not name its twin %s" % twin))
                    if not classes[twin][1].get(prop):
                        wrong.append(("%s.%s" % (cls, prop), "undocumented here and on %s" % twin))
                    continue
                checked[side] += 1
                if _words(described)[:80] not in _words(fields[prop]):
                    wrong.append(("%s.%s" % (cls, prop), fields[prop][:60]))
    assert wrong == []
    assert checked["model"] > 1500 and checked["param"] > 800, checked


def test_nested_request_fields_show_their_description() -> None:
    classes = _stub_classes()
    tool_message = classes["ChatCompletionToolMessageParam"][1]
    assert tool_message["tool_call_id"].startswith("Tool call that this message is responding to.")
    stream_options = classes["ChatCompletionStreamOptionsVariant0Param"][1]
    assert "usage" in stream_options["include_usage"] and "chunk" in stream_options["include_usage"]
    function = classes["FunctionDefinition"][1]  # a request dict (openai-python's shared_params name)
    assert function["name"].startswith("The name of the function to be called.")


def test_generated_type_files_carry_the_banner() -> None:
    for folder, _, files in os.walk(os.path.join(PACKAGE, "types")):
        for name in files:
            if name.endswith((".py", ".pyi")):
                with open(os.path.join(folder, name), encoding="utf-8") as fh:
                    assert fh.readline().startswith("# Generated by tools/generate.py"), name


def test_stubs_are_in_the_wheel_manifest() -> None:
    with open(os.path.join(REPO, "setup.cfg"), encoding="utf-8") as fh:
        text = fh.read()
    assert re.search(r"^openai_lite = .*\*\*/\*\.pyi", text, re.M)
    assert ".dat" not in text  # the generated code is plain modules: no data files to ship


# -- static checkers --------------------------------------------------------------------------------

def _checkers_or_skip(name: str) -> None:
    if os.environ.get("OPENAI_LITE_SKIP_TYPECHECK") == "1":
        pytest.skip("OPENAI_LITE_SKIP_TYPECHECK=1")
    if not _module_available(name):  # run as ``python -m <name>`` by this interpreter
        if os.environ.get("CI"):
            pytest.fail("%s is not installed (tools/test.sh installs the typecheck extra)" % name)
        pytest.skip("%s is not installed" % name)


def _module_available(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _marked_lines(path: str) -> Set[int]:
    with open(path, encoding="utf-8") as fh:
        return {i for i, line in enumerate(fh, 1) if re.search(r"#\s*E:", line)}


def run_pyright(paths: List[str]) -> List[Tuple[str, int, str]]:
    command = [sys.executable, "-m", "pyright", "--outputjson", "--pythonversion", "3.8",
               "--pythonpath", sys.executable] + paths
    done = subprocess.run(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=600)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        pytest.fail("pyright gave no report: %s %s" % (done.stdout[-2000:], done.stderr[-2000:]))
    return [(os.path.relpath(d["file"], REPO), d["range"]["start"]["line"] + 1, d["message"])
            for d in report["generalDiagnostics"] if d["severity"] == "error"]


def run_mypy(paths: List[str], tmp: str) -> List[Tuple[str, int, str]]:
    command = [sys.executable, "-m", "mypy", "--follow-imports=silent", "--no-error-summary", "--show-absolute-path",
               "--cache-dir", os.path.join(tmp, "mypy-cache"), "--hide-error-context"] + paths
    done = subprocess.run(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=600)
    found = []
    for line in done.stdout.splitlines():
        match = re.match(r"^(.*?):(\d+): error: (.*)$", line)
        if match:
            found.append((os.path.relpath(match.group(1), REPO), int(match.group(2)), match.group(3)))
    if done.returncode not in (0, 1) or (done.returncode == 1 and not found):
        pytest.fail("mypy failed: %s %s" % (done.stdout[-2000:], done.stderr[-2000:]))
    return found


CLEAN = ["examples", os.path.join("tests", "typing", "check_types.py")]
MISTAKES = os.path.join("tests", "typing", "mistakes.py")


@pytest.mark.timeout(900)
def test_pyright_is_clean_on_examples_and_common_expressions() -> None:
    _checkers_or_skip("pyright")
    errors = run_pyright(CLEAN)
    assert errors == []


@pytest.mark.timeout(900)
def test_mypy_is_clean_on_examples_and_common_expressions(tmp_path: Any) -> None:
    _checkers_or_skip("mypy")
    errors = run_mypy(CLEAN, str(tmp_path))
    assert errors == []


@pytest.mark.timeout(900)
def test_pyright_reports_exactly_the_marked_mistakes() -> None:
    _checkers_or_skip("pyright")
    errors = run_pyright([MISTAKES])
    assert {path for path, _, _ in errors} <= {MISTAKES}, errors
    assert {line for _, line, _ in errors} == _marked_lines(os.path.join(REPO, MISTAKES)), errors


@pytest.mark.timeout(900)
def test_mypy_reports_exactly_the_marked_mistakes(tmp_path: Any) -> None:
    _checkers_or_skip("mypy")
    errors = run_mypy([MISTAKES], str(tmp_path))
    assert {path for path, _, _ in errors} <= {MISTAKES}, errors
    assert {line for _, line, _ in errors} == _marked_lines(os.path.join(REPO, MISTAKES)), errors


def test_page_items_of_a_union_type_pick_their_class(client: OpenAI, server: OfflineServer) -> None:
    from openai_lite.types.conversations import ConversationMessage

    server.enqueue(Scripted(json={"object": "list", "has_more": False, "first_id": "a", "last_id": "b", "data": [
        {"type": "message", "id": "a", "role": "user", "status": "completed", "content": []},
        {"type": "function_call", "id": "b", "call_id": "c", "name": "f", "arguments": "{}"}]}))
    items = list(client.conversations.items.list("conv_1"))
    assert type(items[0]) is ConversationMessage
    assert type(items[1]) is not BaseModel and type(items[1]) is not type(items[0]) and items[1].name == "f"


def test_every_type_in_the_names_table_is_defined_where_it_says() -> None:
    import importlib

    from openai_lite._type_loader import read_names

    where, renamed = read_names()
    assert len(where) > 1000
    for name, module_name in where.items():
        module = importlib.import_module("openai_lite.types." + module_name)
        assert getattr(module, name) is not None, (module_name, name)
        found = resolve_model(name)
        assert found is not BaseModel or getattr(module, name) is Any or name in module._UNIONS, name
    for alias, name in renamed.items():
        assert resolve_model(alias) is resolve_model(name), alias
