"""openai-python's module paths under ``openai_lite.types`` (``types.chat.chat_completion``...).

Every public module path of the pinned openai release (the committed table written by
tools/openai_type_paths.py) imports here and has every name openai's module has. The walk
needs no openai installed; when it is, the table is checked against it too.
"""
from __future__ import annotations

import gzip
import importlib
import os
import subprocess
import sys

import pytest

import openai_lite
from openai_lite import _type_paths
from openai_lite._models import BaseModel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _pin() -> str:
    """The pinned openai release (tools/openai-release.txt, its one home)."""
    with open(os.path.join(ROOT, "tools", "openai-release.txt"), encoding="utf-8") as fh:
        return next(line.strip() for line in fh if line.strip() and not line.startswith("#"))


def _all_paths():
    return sorted(_type_paths.table().items())


def test_the_table_covers_the_pinned_release():
    with gzip.open(os.path.join(ROOT, "openai_lite", "_openai_type_paths.txt.gz"), "rt") as fh:
        header = fh.readline()
    assert "from openai %s:" % _pin() in header  # re-run tools/openai_type_paths.py after moving the pin
    paths = dict(_all_paths())
    assert len(paths) > 1700
    assert "ChatCompletion" in paths["chat.chat_completion"] and "ToolParam" in paths["responses.tool_param"]


def test_every_module_path_imports_with_every_name():
    missing = []
    for where, names in _all_paths():
        module = importlib.import_module("openai_lite.types." + where if where else "openai_lite.types")
        for name in names:
            if not hasattr(module, name):
                missing.append("%s.%s" % (where, name))
    assert missing == []


def test_everyday_imports_of_openai_python_code():
    from openai_lite.types import ChatModel, shared, shared_params  # noqa: F401
    from openai_lite.types.beta import BetaResponseOutputItem  # noqa: F401
    from openai_lite.types.chat import ChatCompletion, ChatCompletionMessageParam  # noqa: F401
    from openai_lite.types.chat.chat_completion import ChatCompletion as Deep, Choice
    from openai_lite.types.chat.chat_completion_message_param import ChatCompletionMessageParam as P  # noqa
    from openai_lite.types.chat_model import ChatModel as CM  # noqa: F401
    from openai_lite.types.responses import FunctionToolParam, Response  # noqa: F401
    from openai_lite.types.responses.tool_param import ToolParam  # noqa: F401
    from openai_lite.types.shared_params import Reasoning  # noqa: F401

    assert Deep is ChatCompletion  # the generated type itself, not a copy
    # a class openai-python nests in a field is the type ours wraps that field in
    completion = Deep({"choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}}]})
    assert isinstance(completion.choices[0], Choice)


def test_names_without_a_generated_type_get_stand_ins_of_their_kind():
    from openai_lite.types.chat.chat_completion_message_param import ChatCompletionMessageParam  # noqa
    from openai_lite.types.responses.tool_param import Mcp

    from openai_lite import _type_paths

    # a model no generated type has: an untyped model (the first such name of the table)
    where, name = next((where, name) for where, names in sorted(_type_paths.table().items())
                       for name, how in sorted(names.items()) if how[:1] == "m"
                       and getattr(_type_paths.resolve(where, name), "_lite_stand_in", False))
    module = importlib.import_module("openai_lite.types." + where)
    stand_in = getattr(module, name)
    assert issubclass(stand_in, BaseModel) and stand_in.__module__ == "openai_lite.types." + where
    assert stand_in({"a": 1}).a == 1
    assert getattr(module, name) is stand_in  # built once
    assert Mcp(type="mcp", server_label="x") == {"type": "mcp", "server_label": "x"}  # a TypedDict


def test_a_name_openai_does_not_have_is_an_attribute_error():
    module = importlib.import_module("openai_lite.types.chat.chat_completion")
    with pytest.raises(AttributeError, match="NoSuchType"):
        module.NoSuchType
    with pytest.raises(ImportError):
        importlib.import_module("openai_lite.types.chat.no_such_module")


def test_our_modules_keep_their_source_and_names():
    import inspect

    chat = importlib.import_module("openai_lite.types.chat")
    source = inspect.getsource(chat)  # the generated module itself, not a stand-in from the finder
    assert "class ChatCompletion(BaseModel):" in source and "__getattr__" in source
    assert "ChatCompletion" in dir(chat) and "ChatCompletionMessageParam" in dir(chat)


def test_import_openai_lite_loads_nothing_of_it():
    code = ("import sys, openai_lite; print('openai_lite._type_paths' in sys.modules); "
            "import openai_lite.types; from openai_lite import _type_paths as t; "
            "print(t._table is None, 'gzip' in sys.modules, 'importlib.abc' in sys.modules); "
            "from openai_lite.types.chat.chat_completion import Choice; print(t._table is not None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=ROOT))
    # the finder loads with the first types import; the table with the first openai-only path
    assert out.stdout.split() == ["False", "True", "False", "False", "True"], out.stderr


def test_the_table_matches_the_installed_openai():
    openai = pytest.importorskip("openai")
    if openai.__version__ != _pin():
        pytest.skip("the table is of openai %s, %s is installed" % (_pin(), openai.__version__))
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    try:
        import openai_type_paths
    finally:
        sys.path.pop(0)
    with gzip.open(os.path.join(ROOT, "openai_lite", "_openai_type_paths.txt.gz"), "rt", encoding="utf-8") as fh:
        assert fh.read() == openai_type_paths.build(os.path.dirname(openai.__file__))


def test_every_name_of_the_installed_openai_types_exists_here():
    openai = pytest.importorskip("openai")
    if openai.__version__ != _pin():
        pytest.skip("the table is of openai %s, %s is installed" % (_pin(), openai.__version__))
    import pkgutil

    import openai.types

    # websocket helpers (functions) are not types: openai_lite has no websocket client
    known = {"openai.types.websocket_reconnection.is_recoverable_close"}
    missing, checked = [], 0
    for info in pkgutil.walk_packages(openai.types.__path__, "openai.types."):
        if any(part[:1] == "_" for part in info.name.split(".")):
            continue
        theirs = importlib.import_module(info.name)
        names = getattr(theirs, "__all__", None) or [
            k for k, v in vars(theirs).items() if k[:1] != "_" and getattr(v, "__module__", "") == info.name]
        ours = importlib.import_module("openai_lite" + info.name[len("openai"):])
        for name in names:
            checked += 1
            if not hasattr(ours, name) and "%s.%s" % (info.name, name) not in known:
                missing.append("%s.%s" % (info.name, name))
    assert checked > 5000 and missing == []


def test_a_class_renamed_to_openai_s_name_keeps_its_former_name() -> None:
    # the generator gives a model openai-python's class name where that name is unique in the release;
    # code using the former (spec) name still imports it, and answers read by either name are that class
    from openai_lite._models import construct, resolve_model
    from openai_lite.types.admin import AdminAPIKey, AdminApiKey
    from openai_lite.types.admin.organization.admin_api_key import AdminAPIKey as Deep

    assert AdminApiKey is AdminAPIKey is Deep and AdminAPIKey.__name__ == "AdminAPIKey"
    assert resolve_model("AdminApiKey") is AdminAPIKey
    key = construct(AdminAPIKey, {"id": "k", "owner": {"id": "u", "type": "user"}})
    assert key.owner.id == "u" and type(key.owner).__name__ == "Owner"  # openai-python names it so


def test_a_class_openai_names_per_module_shows_that_name_and_keeps_its_own() -> None:
    # openai-python has a ``Choice`` in several modules; here the class keeps its unique binding (pickle,
    # inspect, the type loader find it by it) and shows openai-python's name (repr, type(x).__name__)
    import copy
    import inspect
    import pickle

    from openai_lite._models import construct
    from openai_lite.types.chat import ChatCompletion, ChatCompletionChoice
    from openai_lite.types.chat.chat_completion import Choice

    assert Choice is ChatCompletionChoice
    assert (Choice.__name__, Choice.__qualname__) == ("Choice", "ChatCompletionChoice")
    completion = construct(ChatCompletion, {"id": "c", "choices": [{"index": 0, "finish_reason": "stop"}]})
    choice = completion.choices[0]
    assert type(choice) is Choice and repr(choice).startswith("Choice(")
    for clone in (pickle.loads(pickle.dumps(choice)), copy.deepcopy(choice)):
        assert type(clone) is Choice and clone.finish_reason == "stop"
    if sys.version_info >= (3, 9):  # inspect finds a class by its __qualname__ (3.8: by its __name__)
        assert inspect.getsource(Choice).startswith('class ChatCompletionChoice(BaseModel, name="Choice"):')


def test_methods_answering_one_type_under_two_names_read_into_a_subclass(server, client) -> None:
    # openai-python's groups.roles.list and retrieve answer a RoleListResponse and a RoleRetrieveResponse
    # (one shape); here retrieve reads into a subclass of that name, found at openai's module path too
    from openai_lite.types.admin.organization.groups.role_list_response import RoleListResponse
    from openai_lite.types.admin.organization.groups.role_retrieve_response import RoleRetrieveResponse

    assert issubclass(RoleRetrieveResponse, RoleListResponse) and RoleRetrieveResponse is not RoleListResponse
    assert RoleRetrieveResponse.__name__ == "RoleRetrieveResponse"
    from openai_lite.testing import Scripted

    server.enqueue(Scripted(json={"id": "r1", "object": "group.role", "name": "viewer"}),
                   path="/v1/organization/groups/g1/roles/r1", method="GET")
    role = client.admin.organization.groups.roles.retrieve("r1", group_id="g1")
    assert type(role) is RoleRetrieveResponse and isinstance(role, RoleListResponse) and role.name == "viewer"


def test_a_field_openai_reads_into_a_class_of_another_name_reads_into_a_subclass() -> None:
    # a reasoning item's summary parts are openai-python's response_reasoning_item.Summary, the same shape
    # as its SummaryTextContent: here a subclass bound like an inline type, showing that name
    from openai_lite._models import construct
    from openai_lite.types import SummaryTextContent
    from openai_lite.types.responses import ResponseReasoningItem
    from openai_lite.types.responses.response_reasoning_item import Summary

    item = construct(ResponseReasoningItem, {"id": "rs", "type": "reasoning",
                                             "summary": [{"type": "summary_text", "text": "thought"}]})
    part = item.summary[0]
    assert type(part) is Summary and isinstance(part, SummaryTextContent) and part.text == "thought"
    assert (Summary.__name__, Summary.__qualname__) == ("Summary", "ResponseReasoningItemSummary")


def test_a_union_member_and_its_fields_read_into_classes_of_openai_s_names() -> None:
    # one spec schema for the moderation of a chat completion's input and output; openai-python has a
    # class per side, down to the results: the output side reads into subclasses of those names
    from openai_lite._models import construct
    from openai_lite.types.chat import ChatCompletion, ModerationInputModerationResults

    body = {"type": "moderation_results", "model": "m", "results": [{"flagged": False}]}
    done = construct(ChatCompletion, {"id": "c", "choices": [], "moderation": {"input": body, "output": body}})
    seen, said = done.moderation.input, done.moderation.output
    assert type(seen) is ModerationInputModerationResults and isinstance(said, ModerationInputModerationResults)
    assert type(said).__name__ == "ModerationOutputModerationResults"
    assert type(said.results[0]).__name__ == "ModerationOutputModerationResultsResult"
    assert type(seen.results[0]).__name__ == "ModerationInputModerationResultsResult"
    assert said.results[0].flagged is False and said.to_dict() == seen.to_dict() == body


def test_websocket_reconnection_path_gives_the_package_names():
    import dataclasses

    import openai_lite
    from openai_lite.types.websocket_reconnection import ReconnectingEvent, ReconnectingOverrides

    assert ReconnectingEvent is openai_lite.ReconnectingEvent
    assert ReconnectingOverrides is openai_lite.ReconnectingOverrides
    event = ReconnectingEvent(attempt=1, max_attempts=3, delay=0.5, close_code=1006, extra_query={},
                              extra_headers={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.attempt = 2  # type: ignore[misc]
    assert ReconnectingOverrides(abort=True) == {"abort": True}


def test_a_path_finds_the_class_its_answers_read_into_not_another_of_that_name(server, client) -> None:
    # openai-python has a CertificateListResponse per module (the organization's, a project's); here the
    # organization's holds the name, and types/_names.txt records which class the project's path means
    from openai_lite.testing import Scripted
    from openai_lite.types.admin.organization import certificate_list_response as of_organization
    from openai_lite.types.admin.organization.projects import certificate_list_response as of_project
    from openai_lite.types.chat.chat_completion import ModerationOutputError as of_chat
    from openai_lite.types.responses.response import ModerationOutputError as of_response

    assert of_project.CertificateListResponse is not of_organization.CertificateListResponse
    assert of_response is not of_chat and of_response.__name__ == of_chat.__name__ == "ModerationOutputError"
    cert = {"id": "c1", "object": "organization.project.certificate", "name": "n", "created_at": 1, "active": True,
            "certificate_details": {"valid_at": 1, "expires_at": 2}}
    server.enqueue(Scripted(json={"object": "list", "data": [cert], "has_more": False}),
                   path="/v1/organization/projects/p1/certificates", method="GET")
    item = client.admin.organization.projects.certificates.list("p1").data[0]
    assert isinstance(item, of_project.CertificateListResponse) and item.id == "c1"
    assert not isinstance(item, of_organization.CertificateListResponse)


def test_a_beta_answer_reads_into_beta_classes_that_are_subclasses_of_the_others() -> None:
    # the spec has one shape for a function tool and its beta twin; openai-python's beta answers read
    # into classes of their own (BetaFunctionTool): subclasses here, so isinstance with either holds
    from openai_lite._models import construct
    from openai_lite.types.responses import BetaFunctionTool, BetaResponse, FunctionTool, Response

    tool = {"type": "function", "name": "f", "parameters": {}, "strict": True}
    beta = construct(BetaResponse, {"id": "r", "object": "response", "output": [], "tools": [tool]})
    plain = construct(Response, {"id": "r", "object": "response", "output": [], "tools": [tool]})
    assert type(beta.tools[0]) is BetaFunctionTool and type(beta.tools[0]).__name__ == "BetaFunctionTool"
    assert isinstance(beta.tools[0], FunctionTool) and type(plain.tools[0]) is FunctionTool
    assert beta.tools[0].to_dict() == plain.tools[0].to_dict() == tool


def test_a_page_of_union_items_reads_them_into_openai_s_classes(server, client) -> None:
    # input_items.list pages openai-python's ResponseItem union: a user's message is its
    # ResponseInputMessageItem (not the ResponseOutputMessage of the same type "message")
    from openai_lite.testing import Scripted

    said = {"id": "m1", "type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}
    server.enqueue(Scripted(json={"object": "list", "data": [said], "has_more": False}),
                   path="/v1/responses/r1/input_items", method="GET")
    item = client.responses.input_items.list("r1").data[0]
    assert type(item).__name__ == "ResponseInputMessageItem" and item.role == "user"
    assert item.content[0].text == "hi"
