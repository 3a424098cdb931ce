"""Differential test of the hand-written helpers openai 3.63 adds over the REST methods: the Agents
helpers (``sessions.stream``, ``sessions.create(output_type=, tool_handlers=)``,
``environments.files.prepare/prepare_directory/upload``, ``sessions.artifacts.for_result``) and
``ComputerToolset``.

Each scenario runs twice against a fresh loopback ``OfflineServer``: once with the official client (a
real ``httpx2`` client, so both talk HTTP to the same imitation of the API), once with ours. The
requests each sends (verb, path, query, body, the headers that matter) must be the same, in the same
order, and so must what the helper returns. Idempotency keys the helpers make up are random: compared
as "which requests carry one, and which share one".
"""
from __future__ import annotations

import pathlib
from typing import Any, Callable, Dict, List, Tuple

import pytest

import _differential as D

httpx2, openai, pydantic = D.reference("httpx2", "openai", "pydantic")

import openai_lite  # noqa: E402
from conftest import API_KEY  # noqa: E402
from openai_lite.testing import OfflineServer, Scripted  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
D.AUTH.update({API_KEY: "api_key"})
TOOL = {"type": "function", "name": "lookup", "description": "Look up an item.", "parameters": {
    "type": "object", "properties": {"item_id": {"type": "string"}}, "required": ["item_id"]}}


class Report(pydantic.BaseModel):
    summary: str
    findings: List[str]


def run_both(scenario: Callable[[Any, Any, OfflineServer], Any]) -> Tuple[Any, Any]:
    """(what the scenario returned, the requests sent) for openai, then for openai_lite."""
    outcomes = []
    for which in ("openai", "openai_lite"):
        with OfflineServer() as server:
            if which == "openai":
                client = openai.OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0,
                                       http_client=httpx2.Client())
                sdk: Any = openai
            else:
                client = openai_lite.OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0)
                sdk = openai_lite
            with client:
                result = scenario(client, sdk, server)
            requests = [D.normal_request(r.method, r.target, dict(r.headers.items()), r.body or b"")
                        for r in server.requests]
            outcomes.append((result, _keys_as_roles(requests)))
    return outcomes[0], outcomes[1]


def _keys_as_roles(requests: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Made-up idempotency keys replaced by the order in which each first appears (``key-1``...); a key
    the scenario chose itself is kept."""
    seen: Dict[str, str] = {}
    for request in requests:
        key = request.get("idempotency-key")
        if key is not None and not key.startswith("chosen-"):
            request["idempotency-key"] = seen.setdefault(key, "key-%d" % (len(seen) + 1))
    return requests


def assert_same(scenario: Callable[[Any, Any, OfflineServer], Any]) -> Any:
    (their_result, their_requests), (our_result, our_requests) = run_both(scenario)
    assert len(our_requests) == len(their_requests), ([r["path"] for r in our_requests],
                                                      [r["path"] for r in their_requests])
    for number, (ours, theirs) in enumerate(zip(our_requests, their_requests)):
        assert ours == theirs, (number, ours, theirs)
    assert our_result == their_result
    return our_result


# -- the Agents helpers ----------------------------------------------------------------------------


def test_sessions_stream_with_tool_handlers(tmp_path: pathlib.Path) -> None:
    def scenario(client: Any, sdk: Any, server: OfflineServer) -> Any:
        created = client.beta.agents.sessions.create(agent={"model": "gpt-5", "tools": [TOOL]},
                                                     environment={"type": "none"})
        calls: List[Any] = []
        with client.beta.agents.sessions.stream(created.id, input="Find A1", idempotency_key="chosen-input",
                                                tool_handlers={"lookup": lambda a: calls.append(a) or {"ok": 1}},
                                                ) as stream:
            kinds = [event.type for event in stream.with_result_collection()]
            result = stream.get_final_result()
        return kinds, calls, result.output_text, result.turn_id, result.session_id

    kinds, calls, text, _, _ = assert_same(scenario)
    assert calls == [{"item_id": "text"}] and kinds[-1] == "agent.session.idle" and text.startswith("You said")


def test_sessions_create_stream_with_output_type_and_handlers() -> None:
    def scenario(client: Any, sdk: Any, server: OfflineServer) -> Any:
        failures: List[Any] = []
        with client.beta.agents.sessions.create(agent={"model": "gpt-5", "tools": [TOOL]},
                                                environment={"type": "none"}, input="Summarize", stream=True,
                                                output_type=Report,
                                                tool_handlers={"lookup": lambda a: 1 / 0}) as stream:
            result = stream.get_final_result()
        return result.output_parsed.model_dump(), result.output_text, [m.to_dict() for m in result.messages], failures

    parsed, _, _, _ = assert_same(scenario)
    assert parsed == {"summary": "text", "findings": ["text"]}


def test_result_errors_agree() -> None:
    def scenario(client: Any, sdk: Any, server: OfflineServer) -> Any:
        from importlib import import_module

        errors = import_module(sdk.__name__ + ".lib.beta.agents")
        with client.beta.agents.sessions.create(environment={"type": "none"}, stream=True) as stream:
            try:
                stream.get_final_result()
            except errors.AgentTurnResultError as error:
                return error.reason, error.session_id, error.turn_id
        return None

    assert assert_same(scenario) == ("incomplete", "sess_1", None)


def test_environment_files_prepare_directory_upload(tmp_path: pathlib.Path) -> None:
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "a.md").write_bytes(b"alpha")
    (tmp_path / "docs" / "sub" / "b.md").write_bytes(b"beta")
    (tmp_path / "src.pdf").write_bytes(b"%PDF source")

    def scenario(client: Any, sdk: Any, server: OfflineServer) -> Any:
        files = client.beta.agents.environments.files
        prepared = files.prepare({"/workspace/src.pdf": tmp_path / "src.pdf"})
        directory = files.prepare_directory(tmp_path / "docs", destination="/workspace/docs", include=["**/*.md"])
        staged = files.upload("env_1", file=tmp_path / "src.pdf", path="/workspace/in/src.pdf")
        return (prepared.files, prepared.uploaded_file_ids, directory.files, staged.uploaded_file_id,
                staged.file.path)

    result = assert_same(scenario)
    assert [f["path"] for f in result[2]] == ["/workspace/docs/a.md", "/workspace/docs/sub/b.md"]


def test_artifacts_for_result(tmp_path: pathlib.Path) -> None:
    def scenario(client: Any, sdk: Any, server: OfflineServer) -> Any:
        created = client.beta.agents.sessions.create(agent={"model": "gpt-5"}, environment={"type": "none"})
        with client.beta.agents.sessions.stream(created.id, input="Write /workspace/outputs/r.md") as stream:
            result = stream.get_final_result()
        artifacts = client.beta.agents.sessions.artifacts.for_result(result)
        content = artifacts.content("/workspace/outputs/r.md").content
        target = tmp_path / ("%s.md" % sdk.__name__)
        artifact = artifacts.download("/workspace/outputs/r.md", to=target)
        return content, target.read_bytes(), artifact.id, artifact.path

    content, on_disk, _, _ = assert_same(scenario)
    assert content == on_disk and b"/workspace/outputs/r.md" in content


# -- ComputerToolset -------------------------------------------------------------------------------


class Driver:
    def __init__(self) -> None:
        self.done: List[Any] = []

    def __getattr__(self, name: str) -> Any:
        if name in ("click", "double_click", "drag", "keypress", "move", "scroll", "type", "wait"):
            return lambda action: self.done.append((name, action.to_dict()))
        raise AttributeError(name)

    def screenshot(self) -> Dict[str, Any]:
        self.done.append(("screenshot",))
        return {"type": "computer_screenshot", "image_url": "data:image/png;base64,AAAA"}


def test_computer_toolset_run() -> None:
    call = {"type": "computer_call", "id": "cu_1", "call_id": "call_1", "status": "completed",
            "pending_safety_checks": [{"id": "sc_1", "code": "c", "message": "m"}],
            "actions": [{"type": "click", "x": 1, "y": 2, "button": "left"}, {"type": "type", "text": "hi"}]}
    final = {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed", "phase": "final_answer",
             "content": [{"type": "output_text", "text": "Done.", "annotations": []}]}

    def answer(output: List[Any], rid: str) -> Scripted:
        return Scripted(json={"id": rid, "object": "response", "created_at": 1, "model": "m", "status": "completed",
                              "output": output})

    def scenario(client: Any, sdk: Any, server: OfflineServer) -> Any:
        server.enqueue(answer([call], "resp_1"), path="/v1/responses")
        server.enqueue(answer([final], "resp_2"), path="/v1/responses")
        driver = Driver()
        diagnostics: List[Any] = []
        response = sdk.ComputerToolset(driver).run(
            client, {"model": "computer-use", "input": "Go", "tool_choice": "required",
                     "extra_headers": {"Idempotency-Key": "chosen-first"}},
            approve_safety_checks=lambda c: True, before_action=lambda a: True, on_diagnostic=diagnostics.append)
        return (response.id, response.output_text, driver.done,
                [(d["stage"], d["reason"], d["member"], d["call_id"]) for d in diagnostics])

    _, text, done, _ = assert_same(scenario)
    assert text == "Done." and [d[0] for d in done] == ["click", "type", "screenshot"]


# -- client.qs and get_api_list -------------------------------------------------------------------------


def test_qs_and_get_api_list() -> None:
    def scenario(client: Any, sdk: Any, server: OfflineServer) -> Any:
        from importlib import import_module

        pages = import_module(sdk.__name__ + ".pagination")
        types = import_module(sdk.__name__ + ".types")
        client.files.create(file=("a.txt", b"a"), purpose="assistants")
        page = client.get_api_list("/files", model=types.FileObject, page=pages.SyncCursorPage[types.FileObject],
                                   options={"params": {"purpose": "assistants"}})
        bare = client.get_api_list("/files", model=types.FileObject, page=pages.SyncCursorPage)
        params = {"a": [1, 2], "b": {"c": True, "d": None}, "e": "x y", "n": None}
        return ([(f.id, type(f).__name__) for f in page], isinstance(page, pages.SyncCursorPage),
                [dict(f) for f in bare],
                client.qs.stringify(params),
                client.qs.stringify_items(params, array_format="indices"),
                client.qs.stringify_items({"a": [1, 2]}, array_format="comma"))

    assert_same(scenario)
