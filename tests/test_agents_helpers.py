"""The Agents API helpers (beta) against the loopback server: ``sessions.stream``, ``create``'s client-side
keywords, tool handlers, turn results, ``environments.files.prepare/prepare_directory/upload`` and
``sessions.artifacts.for_result``."""
from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional

import pytest

from openai_lite import BadRequestError
from openai_lite.lib.beta.agents import (
    AgentFilePreparationError, AgentFileStagingError, AgentOutputParseError, AgentSessionEventStream,
    AgentToolError, AgentTurnResultError, PreparedAgentFiles,
)
from openai_lite.testing import OfflineServer, Scripted

SESSION = "sess_1"
TURN = "turn_1"
EVENTS = "/v1/agents/sessions/%s/events" % SESSION


def sse(*events: Dict[str, Any]) -> Scripted:
    body = "".join("data: %s\n\n" % json.dumps(event) for event in events)
    return Scripted(body=body, content_type="text/event-stream")


def turn(status: str) -> Dict[str, Any]:
    return {"id": TURN, "object": "agent.session.turn", "session_id": SESSION, "status": status,
            "subagent_id": None}


def session(status: str = "idle") -> Dict[str, Any]:
    return {"id": SESSION, "object": "agent.session", "status": status, "required_actions": []}


def turn_events(answer: str = "Hello", call: Optional[Dict[str, Any]] = None, final: str = "completed",
                ids: int = 0) -> List[Dict[str, Any]]:
    """One turn as the server streams it: an initial idle, the turn, an optional call, the answer."""
    out: List[Dict[str, Any]] = [
        {"type": "agent.session.idle", "event_id": "e%d0" % ids, "session": session()},
        {"type": "agent.session.turn.created", "event_id": "e%d1" % ids, "session_id": SESSION, "turn_id": TURN,
         "turn": turn("in_progress")},
    ]
    if call is not None:
        out.append({"type": "agent.session.turn.item.added", "event_id": "e%d2" % ids, "session_id": SESSION,
                    "turn_id": TURN, "output_index": 0,
                    "item": dict({"type": "function_call", "id": "fc_1", "status": "completed",
                                  "turn_id": TURN}, **call)})
    out += [
        {"type": "agent.session.turn.item.done", "event_id": "e%d3" % ids, "session_id": SESSION, "turn_id": TURN,
         "output_index": 1, "item": {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
                                     "turn_id": TURN, "phase": "final_answer",
                                     "content": [{"type": "output_text", "text": answer}]}},
        {"type": "agent.session.turn.%s" % final, "event_id": "e%d4" % ids, "session_id": SESSION,
         "turn_id": TURN, "turn": turn(final)},
        {"type": "agent.session.idle", "event_id": "e%d5" % ids, "session": session()},
    ]
    return out


def script_stream(server: OfflineServer, events: List[Dict[str, Any]], status: str = "idle") -> None:
    server.enqueue(Scripted(json=session(status)), path="/v1/agents/sessions/%s" % SESSION, method="GET")
    server.enqueue(sse(*events), path=EVENTS, method="GET")
    server.enqueue(Scripted(status=204, body=b""), path=EVENTS, method="POST")


def posted_events(server: OfflineServer) -> List[Any]:
    return [r for r in server.requests if r.method == "POST" and r.path == EVENTS]


# -- sessions.stream ---------------------------------------------------------------------------------


def test_stream_subscribes_then_sends_the_input_and_collects_the_answer(client: Any, server: OfflineServer) -> None:
    script_stream(server, turn_events("Hi there"))
    with client.beta.agents.sessions.stream(SESSION, input="Hello?").with_result_collection() as stream:
        kinds = [event.type for event in stream]
        result = stream.get_final_result()
    assert kinds[0] == "agent.session.idle" and kinds[-1] == "agent.session.idle" and len(kinds) == 5
    assert result.output_text == "Hi there" and result.session_id == SESSION and result.turn_id == TURN
    order = [(r.method, r.path) for r in server.requests]
    assert order == [("GET", "/v1/agents/sessions/sess_1"), ("GET", EVENTS), ("POST", EVENTS)]
    sent = posted_events(server)[0]
    assert sent.json() == {"events": [{"type": "agent.session.input.message", "input": [
        {"role": "user", "content": [{"type": "input_text", "text": "Hello?"}]}]}]}
    assert sent.headers["Idempotency-Key"] and sent.headers["OpenAI-Beta"] == "agents=v1"


def test_stream_runs_tool_handlers_and_sends_their_results(client: Any, server: OfflineServer) -> None:
    script_stream(server, turn_events(call={"name": "lookup", "call_id": "call_1",
                                            "arguments": '{"item_id": "A1"}'}))
    server.enqueue(Scripted(status=204, body=b""), path=EVENTS, method="POST")
    seen: List[Dict[str, Any]] = []

    def lookup(arguments: Dict[str, Any]) -> Dict[str, Any]:
        seen.append(arguments)
        return {"item_id": arguments["item_id"], "name": "Notebook"}

    with client.beta.agents.sessions.stream(SESSION, input="Find A1", tool_handlers={"lookup": lookup},
                                            idempotency_key="input-key") as stream:
        result = stream.get_final_result()
    assert seen == [{"item_id": "A1"}] and result.output_text == "Hello"
    first, second = posted_events(server)
    assert first.headers["Idempotency-Key"] == "input-key"
    assert second.headers["Idempotency-Key"] not in (None, "input-key")
    assert second.json() == {"events": [{"type": "agent.session.input.tool_result", "turn_id": TURN,
                                         "call_id": "call_1", "success": True,
                                         "output": '{"item_id":"A1","name":"Notebook"}'}]}


def test_a_failing_handler_sends_a_generic_failure_and_tells_the_observer(client: Any, server: OfflineServer) -> None:
    script_stream(server, turn_events(call={"name": "lookup", "call_id": "call_1", "arguments": "[1]"}))
    server.enqueue(Scripted(status=204, body=b""), path=EVENTS, method="POST")
    failures: List[AgentToolError] = []
    with client.beta.agents.sessions.stream(SESSION, input="x", tool_handlers={"lookup": lambda a: "never"},
                                            on_tool_error=failures.append) as stream:
        stream.until_done()
    assert [(f.stage, f.tool_name, f.call_id, type(f.error)) for f in failures] == [
        ("arguments", "lookup", "call_1", ValueError)]
    assert posted_events(server)[1].json()["events"][0] == {
        "type": "agent.session.input.tool_result", "turn_id": TURN, "call_id": "call_1", "success": False,
        "error": "Tool handler failed."}


def test_stream_needs_an_idle_session(client: Any, server: OfflineServer) -> None:
    server.enqueue(Scripted(json=session("running")), path="/v1/agents/sessions/%s" % SESSION)
    with pytest.raises(ValueError, match="idle session"):
        with client.beta.agents.sessions.stream(SESSION, input="x"):
            pass
    assert [r.method for r in server.requests] == ["GET"]


def test_stream_refuses_bad_input_before_any_request(client: Any, server: OfflineServer) -> None:
    with pytest.raises(ValueError, match="input must not be empty"):
        client.beta.agents.sessions.stream(SESSION, input="")
    with pytest.raises(ValueError, match="session_id"):
        client.beta.agents.sessions.stream("", input="x")
    with pytest.raises(RuntimeError, match="with"):
        next(client.beta.agents.sessions.stream(SESSION, input="x"))
    assert server.requests == []


def test_a_failed_turn_is_a_named_error_with_what_was_seen(client: Any, server: OfflineServer) -> None:
    script_stream(server, turn_events(final="failed"))
    with client.beta.agents.sessions.stream(SESSION, input="x") as stream:
        with pytest.raises(AgentTurnResultError) as caught:
            stream.get_final_result()
    assert caught.value.reason == "failed" and caught.value.turn_id == TURN


def test_a_stream_that_ends_early_is_an_error(client: Any, server: OfflineServer) -> None:
    script_stream(server, turn_events()[:3])
    with client.beta.agents.sessions.stream(SESSION, input="x") as stream:
        with pytest.raises(RuntimeError, match="ended before"):
            list(stream)


def test_redelivered_events_are_yielded_once(client: Any, server: OfflineServer) -> None:
    events = turn_events()
    script_stream(server, events[:2] + events[1:])
    with client.beta.agents.sessions.stream(SESSION, input="x") as stream:
        assert len(list(stream)) == len(events)


# -- sessions.create(output_type=..., tool_handlers=...) ----------------------------------------------


def test_create_stream_collects_the_first_turn(client: Any, server: OfflineServer) -> None:
    server.enqueue(sse(*turn_events("Policy explained")), path="/v1/agents/sessions", method="POST")
    with client.beta.agents.sessions.create(agent={"model": "gpt-5"}, environment={"type": "none"},
                                            input="Explain", stream=True) as stream:
        assert isinstance(stream, AgentSessionEventStream)
        result = stream.get_final_result()
    assert result.output_text == "Policy explained"
    body = server.requests[0].json()
    assert "output_type" not in body and "tool_handlers" not in body and body["stream"] is True


def test_create_tool_handlers_need_stream(client: Any, server: OfflineServer) -> None:
    with pytest.raises(ValueError, match="stream=True"):
        client.beta.agents.sessions.create(environment={"type": "none"}, tool_handlers={"f": lambda a: None})
    assert server.requests == []


def test_create_output_type_sends_the_schema_and_parses_the_answer(client: Any, server: OfflineServer) -> None:
    pydantic = pytest.importorskip("pydantic")

    class Report(pydantic.BaseModel):
        summary: str

    server.enqueue(sse(*turn_events('{"summary": "ok"}')), path="/v1/agents/sessions", method="POST")
    with client.beta.agents.sessions.create(agent={"model": "gpt-5"}, environment={"type": "none"}, input="x",
                                            stream=True, output_type=Report) as stream:
        result = stream.get_final_result()
    assert isinstance(result.output_parsed, Report) and result.output_parsed.summary == "ok"
    fmt = server.requests[0].json()["agent"]["text"]["format"]
    assert fmt["type"] == "json_schema" and fmt["schema"]["properties"] == {"summary": {"title": "Summary",
                                                                                      "type": "string"}}
    assert fmt["schema"]["additionalProperties"] is False
    with pytest.raises(AgentOutputParseError) as caught:
        result.parse(type("Other", (pydantic.BaseModel,), {"__annotations__": {"n": int}}))
    assert caught.value.result.output_text == '{"summary": "ok"}'
    with pytest.raises(ValueError, match="not both"):
        client.beta.agents.sessions.create(agent={"text": {"format": {"type": "text"}}},
                                           environment={"type": "none"}, output_type=Report)


def test_output_type_must_be_a_pydantic_model(client: Any, server: OfflineServer) -> None:
    with pytest.raises(TypeError, match="pydantic"):
        client.beta.agents.sessions.create(environment={"type": "none"}, output_type=dict)
    assert server.requests == []


def test_create_without_stream_returns_the_session(client: Any, server: OfflineServer) -> None:
    server.enqueue(Scripted(json=session()), path="/v1/agents/sessions", method="POST")
    created = client.beta.agents.sessions.create(environment={"type": "none"})
    assert created.id == SESSION and server.requests[0].json() == {"environment": {"type": "none"}}


# -- typed tools -------------------------------------------------------------------------------------


def test_function_tool_validates_arguments_and_encodes_output() -> None:
    pytest.importorskip("pydantic")
    from openai_lite.lib.beta.agents import function_tool

    @function_tool(name="lookup_item", description="Look up an item.", defer_loading=True)
    def lookup(item_id: str, count: int = 1) -> Dict[str, Any]:
        return {"item_id": item_id, "count": count}

    definition = lookup.definition
    assert definition["name"] == "lookup_item" and definition["defer_loading"] is True
    assert sorted(definition["parameters"]["properties"]) == ["count", "item_id"]
    assert definition["parameters"]["required"] == ["item_id"]
    assert lookup({"item_id": "A1"}) == '{"item_id":"A1","count":1}'
    with pytest.raises(Exception):
        lookup({"item_id": "A1", "unknown": 1})
    with pytest.raises(TypeError, match="annotation"):
        function_tool(lambda x: x)


# -- environments.files ------------------------------------------------------------------------------


def test_prepare_uploads_each_file_for_its_destination(client: Any, server: OfflineServer, tmp_path: Any) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1")
    (tmp_path / "b.txt").write_bytes(b"bee")
    prepared = client.beta.agents.environments.files.prepare({"/workspace/a.pdf": tmp_path / "a.pdf",
                                                              "/workspace/docs/b.txt": str(tmp_path / "b.txt")})
    assert isinstance(prepared, PreparedAgentFiles) and len(prepared.uploaded_file_ids) == 2
    assert [f["path"] for f in prepared.files] == ["/workspace/a.pdf", "/workspace/docs/b.txt"]
    assert [f["file_id"] for f in prepared.files] == prepared.uploaded_file_ids
    uploads = [r for r in server.requests if r.path == "/v1/files"]
    assert len(uploads) == 2 and b"%PDF-1" in uploads[0].body and b'name="purpose"' in uploads[0].body
    assert b"user_data" in uploads[0].body and b'filename="a.pdf"' in uploads[0].body


@pytest.mark.parametrize("destination", ["workspace/a", "/workspace/../etc", "/workspace/outputs",
                                         "/workspace/.codex/x", "/workspace/a\\b", "/tmp/a"])
def test_prepare_refuses_bad_destinations(client: Any, server: OfflineServer, tmp_path: Any,
                                          destination: str) -> None:
    (tmp_path / "a").write_bytes(b"a")
    with pytest.raises(ValueError):
        client.beta.agents.environments.files.prepare({destination: tmp_path / "a"})
    assert server.requests == []


def test_prepare_refuses_symlinks_and_conflicts(client: Any, server: OfflineServer, tmp_path: Any) -> None:
    (tmp_path / "a").write_bytes(b"a")
    os.symlink(str(tmp_path / "a"), str(tmp_path / "link"))
    files = client.beta.agents.environments.files
    with pytest.raises(ValueError, match="symlink"):
        files.prepare({"/workspace/a": tmp_path / "link"})
    with pytest.raises(ValueError, match="inside another"):
        files.prepare({"/workspace/a": tmp_path / "a", "/workspace/a/b": tmp_path / "a"})
    with pytest.raises(ValueError, match="Idempotency-Key"):
        files.prepare({"/workspace/a": tmp_path / "a", "/workspace/b": tmp_path / "a"},
                      extra_headers={"Idempotency-Key": "k"})
    assert server.requests == []


def test_prepare_failure_keeps_the_uploads_made(client: Any, server: OfflineServer, tmp_path: Any) -> None:
    (tmp_path / "a").write_bytes(b"a")
    (tmp_path / "b").write_bytes(b"b")
    files = {"/workspace/a": tmp_path / "a", "/workspace/b": tmp_path / "b"}
    server.enqueue(Scripted(json={"id": "file-ok", "object": "file"}), path="/v1/files", method="POST")
    server.enqueue(Scripted(status=400, json={"error": {"message": "no"}}), path="/v1/files", method="POST")
    with pytest.raises(AgentFilePreparationError) as caught:
        client.beta.agents.environments.files.prepare(files)
    assert caught.value.prepared.uploaded_file_ids == ["file-ok"]
    assert isinstance(caught.value.__cause__, BadRequestError)


def test_prepare_directory_selects_by_pattern(client: Any, server: OfflineServer, tmp_path: Any) -> None:
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "a.md").write_bytes(b"a")
    (tmp_path / "docs" / "sub" / "b.md").write_bytes(b"b")
    (tmp_path / "docs" / "c.txt").write_bytes(b"c")
    prepared = client.beta.agents.environments.files.prepare_directory(
        tmp_path / "docs", destination="/workspace/docs", include=["**/*.md"])
    assert sorted(f["path"] for f in prepared.files) == ["/workspace/docs/a.md", "/workspace/docs/sub/b.md"]
    with pytest.raises(ValueError, match="include patterns"):
        client.beta.agents.environments.files.prepare_directory(tmp_path / "docs", destination="/workspace/d",
                                                                include="*.md")
    with pytest.raises(ValueError, match="select no file"):
        client.beta.agents.environments.files.prepare_directory(tmp_path / "docs", destination="/workspace/d",
                                                                include=["*.none"])


def test_upload_stages_the_file(client: Any, server: OfflineServer, tmp_path: Any) -> None:
    from pathlib import Path

    (tmp_path / "s.pdf").write_bytes(b"source")
    server.enqueue(Scripted(json={"path": "/workspace/s.pdf", "type": "file"}),
                   path="/v1/agents/environments/env_1/files", method="POST")
    staged = client.beta.agents.environments.files.upload("env_1", file=Path(tmp_path / "s.pdf"),
                                                          path="/workspace/s.pdf")
    stage = server.requests[-1].json()
    assert stage == {"type": "file_id", "file_id": staged.uploaded_file_id, "path": "/workspace/s.pdf"}
    assert staged.file.path == "/workspace/s.pdf"
    server.enqueue(Scripted(status=500, json={"error": {"message": "down"}}, repeat=3),
                   path="/v1/agents/environments/env_1/files", method="POST")
    with pytest.raises(AgentFileStagingError) as caught:
        client.beta.agents.environments.files.upload("env_1", file=b"bytes", path="/workspace/t.bin")
    assert caught.value.uploaded_file_id.startswith("file")
    with pytest.raises(ValueError, match="environment_id"):
        client.beta.agents.environments.files.upload("", file=b"x", path="/workspace/x")


# -- sessions.artifacts.for_result -------------------------------------------------------------------


def test_artifacts_for_result_reads_the_turns_file(client: Any, server: OfflineServer, tmp_path: Any) -> None:
    script_stream(server, turn_events())
    with client.beta.agents.sessions.stream(SESSION, input="x") as stream:
        result = stream.get_final_result()
    listing = {"object": "list", "has_more": False, "data": [
        {"id": "art_old", "session_id": SESSION, "turn_id": "turn_0", "path": "/workspace/outputs/r.md"},
        {"id": "art_1", "session_id": SESSION, "turn_id": TURN, "path": "/workspace/outputs/r.md"}]}
    base = "/v1/agents/sessions/%s/artifacts" % SESSION
    server.enqueue(Scripted(json=listing, repeat=2), path=base, method="GET")
    server.enqueue(Scripted(body=b"# report", content_type="application/octet-stream", repeat=2),
                   path=base + "/art_1/content", method="GET")
    artifacts = client.beta.agents.sessions.artifacts.for_result(result)
    assert artifacts.content("/workspace/outputs/r.md").content == b"# report"
    target = tmp_path / "r.md"
    assert artifacts.download("/workspace/outputs/r.md", to=target).id == "art_1"
    assert target.read_bytes() == b"# report"
    server.enqueue(Scripted(json=listing), path=base, method="GET")
    with pytest.raises(ValueError, match="no artifact"):
        artifacts.content("/workspace/outputs/other.md")


def test_import_openai_lite_does_not_load_the_agents_helpers() -> None:
    import subprocess
    import sys

    code = ("import sys, openai_lite; openai_lite.OpenAI(api_key='k').chat.completions; "
            "print(any(m.startswith('openai_lite.lib.beta') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, universal_newlines=True,
                         env=dict(os.environ, PYTHONPATH=os.getcwd()), check=True).stdout
    assert out.strip() == "False"


def test_offline_server_runs_a_whole_agents_session(client: Any, server: OfflineServer, tmp_path: Any) -> None:
    """The default routes (no script): prepare a file, create a session with a tool, stream a turn whose
    tool call the handler answers, read the artifact the turn published."""
    (tmp_path / "in.txt").write_bytes(b"input")
    prepared = client.beta.agents.environments.files.prepare({"/workspace/in.txt": tmp_path / "in.txt"})
    tool = {"type": "function", "name": "lookup", "parameters": {
        "type": "object", "properties": {"item_id": {"type": "string"}}, "required": ["item_id"]}}
    created = client.beta.agents.sessions.create(agent={"model": "gpt-5", "tools": [tool]},
                                                 environment={"type": "openai_hosted", "files": prepared.files})
    calls: List[Dict[str, Any]] = []
    with client.beta.agents.sessions.stream(created.id, input="Write /workspace/outputs/r.md",
                                            tool_handlers={"lookup": lambda a: calls.append(a) or "found"}) as stream:
        result = stream.get_final_result()
    assert calls == [{"item_id": "text"}] and result.output_text.startswith("You said:")
    tool_results = [r.json()["events"][0] for r in server.requests
                    if r.path.endswith("/events") and r.method == "POST"]
    assert [e["type"] for e in tool_results] == ["agent.session.input.message", "agent.session.input.tool_result"]
    assert tool_results[1]["output"] == "found"
    artifacts = client.beta.agents.sessions.artifacts.for_result(result)
    assert b"/workspace/outputs/r.md" in artifacts.content("/workspace/outputs/r.md").content


def test_leaving_a_create_stream_loop_early_closes_it(client: Any, server: OfflineServer) -> None:
    server.enqueue(sse(*turn_events()), path="/v1/agents/sessions", method="POST")
    stream = client.beta.agents.sessions.create(environment={"type": "none"}, input="x", stream=True)
    for _ in stream:
        break
    assert stream._closed and list(stream) == []


def test_errors_and_results_pickle() -> None:
    import pickle

    from openai_lite._models import construct, resolve_model
    from openai_lite.lib.beta.agents import AgentTurnResult
    from openai_lite.lib.computer import ComputerUseError

    the_turn = construct(resolve_model("Turn"), turn("completed"))
    result = AgentTurnResult(the_turn, [])
    assert pickle.loads(pickle.dumps(result)) == result
    error = AgentTurnResultError("failed", turn=the_turn, session_id=SESSION, messages=[], required_actions=[])
    again = pickle.loads(pickle.dumps(error))
    assert (again.reason, again.turn_id, str(again)) == ("failed", TURN, str(error))
    for exc in (AgentFilePreparationError(PreparedAgentFiles([], ["file-1"])), AgentFileStagingError("file-2"),
                AgentOutputParseError(result), ComputerUseError("stopped")):
        copy = pickle.loads(pickle.dumps(exc))
        assert type(copy) is type(exc) and str(copy) == str(exc)


def test_output_parsing_reads_a_strict_null_as_the_fields_default() -> None:
    pydantic = pytest.importorskip("pydantic")
    from openai_lite._models import construct, resolve_model
    from openai_lite.lib.beta.agents import AgentTurnResult

    class Item(pydantic.BaseModel):
        name: str
        qty: int = 1

    message = construct(resolve_model("AgentSessionMessage"), {
        "type": "message", "role": "assistant", "status": "completed", "turn_id": TURN,
        "content": [{"type": "output_text", "text": '{"name": "pen", "qty": null}'}]})
    parsed = AgentTurnResult(construct(resolve_model("Turn"), turn("completed")), [message]).parse(Item)
    assert parsed.output_parsed == Item(name="pen", qty=1) and parsed.output_text.startswith('{"name"')
