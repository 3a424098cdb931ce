"""``openai_lite.ComputerToolset`` against the loopback server: the loop's requests, the driver's calls,
the approvals it needs, and the named errors where it stops."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import pytest

import openai_lite
from openai_lite import ComputerToolset
from openai_lite.lib.computer import ComputerUseError
from openai_lite.testing import OfflineServer, Scripted

SCREEN = {"type": "computer_screenshot", "image_url": "data:image/png;base64,AAAA"}


class Driver:
    def __init__(self) -> None:
        self.done: List[Any] = []

    def click(self, action: Any) -> None:
        self.done.append(("click", action.x, action.y, action.button))

    def double_click(self, action: Any) -> None:
        self.done.append(("double_click", action.x, action.y))

    def drag(self, action: Any) -> None:
        self.done.append(("drag", len(action.path)))

    def keypress(self, action: Any) -> None:
        self.done.append(("keypress", tuple(action.keys)))

    def move(self, action: Any) -> None:
        self.done.append(("move", action.x, action.y))

    def scroll(self, action: Any) -> None:
        self.done.append(("scroll", action.scroll_x, action.scroll_y))

    def type(self, action: Any) -> None:
        self.done.append(("type", action.text))

    def wait(self, action: Any) -> None:
        self.done.append(("wait",))

    def screenshot(self) -> Dict[str, Any]:
        self.done.append(("screenshot",))
        return dict(SCREEN)


def response(output: List[Dict[str, Any]], rid: str = "resp_1", status: str = "completed") -> Scripted:
    return Scripted(json={"id": rid, "object": "response", "created_at": 1, "model": "computer-use", "status": status,
                          "output": output})


def computer_call(call_id: str = "call_1", checks: Optional[List[Dict[str, Any]]] = None,
                  actions: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    return {"type": "computer_call", "id": "cu_%s" % call_id, "call_id": call_id, "status": "completed",
            "pending_safety_checks": checks or [],
            "actions": actions or [{"type": "click", "x": 10, "y": 20, "button": "left"},
                                   {"type": "type", "text": "hello"}]}


FINAL = {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed", "phase": "final_answer",
         "content": [{"type": "output_text", "text": "Done.", "annotations": []}]}


def test_run_performs_the_calls_and_sends_screenshots_back(client: Any, server: OfflineServer) -> None:
    server.enqueue(response([computer_call()]), path="/v1/responses")
    server.enqueue(response([FINAL], "resp_2"), path="/v1/responses")
    driver = Driver()
    result = ComputerToolset(driver).run(client, {"model": "computer-use", "input": "Open the page"})
    assert result.id == "resp_2" and result.output_text == "Done."
    assert driver.done == [("click", 10, 20, "left"), ("type", "hello"), ("screenshot",)]
    first, second = [json.loads(r.body) for r in server.requests]
    assert first["tools"] == [{"type": "computer"}] and first["stream"] is False
    assert first["include"] == ["reasoning.encrypted_content"]
    assert first["input"] == [{"role": "user", "content": "Open the page"}]
    replayed, output = second["input"][1], second["input"][2]
    assert replayed["type"] == "computer_call" and replayed["call_id"] == "call_1"
    assert output == {"type": "computer_call_output", "call_id": "call_1", "output": SCREEN,
                      "acknowledged_safety_checks": []}


def test_safety_checks_need_exactly_true(client: Any, server: OfflineServer) -> None:
    check = {"id": "sc_1", "code": "malicious_instructions", "message": "careful"}
    server.enqueue(response([computer_call(checks=[check])]), path="/v1/responses")
    driver = Driver()
    with pytest.raises(ComputerUseError, match="approval") as caught:
        ComputerToolset(driver).run(client, {"model": "m", "input": "x"})
    assert driver.done == [] and caught.value.response.id == "resp_1"
    server.enqueue(response([computer_call(checks=[check])]), path="/v1/responses")
    server.enqueue(response([FINAL], "resp_2"), path="/v1/responses")
    seen: List[Any] = []
    ComputerToolset(driver).run(client, {"model": "m", "input": "x"}, approve_safety_checks=lambda c: seen.append(
        c.call_id) or True)
    assert seen == ["call_1"]
    assert json.loads(server.requests[-1].body)["input"][-1]["acknowledged_safety_checks"] == [check]


def test_before_action_can_refuse_and_diagnostics_report_it(client: Any, server: OfflineServer) -> None:
    server.enqueue(response([computer_call()]), path="/v1/responses")
    driver = Driver()
    events: List[Dict[str, Any]] = []
    with pytest.raises(ComputerUseError, match="not approved"):
        ComputerToolset(driver).run(client, {"model": "m", "input": "x"},
                                    before_action=lambda action: action.type != "type", on_diagnostic=events.append)
    assert driver.done == [("click", 10, 20, "left")]
    assert [(e["stage"], e["reason"], e["member"]) for e in events] == [
        ("approval", "completed", "click"), ("action", "completed", "click"), ("approval", "refused", "type")]


def test_the_loop_stops_at_max_steps(client: Any, server: OfflineServer) -> None:
    server.enqueue(response([computer_call("c1")]), path="/v1/responses")
    server.enqueue(response([computer_call("c2")], "resp_2"), path="/v1/responses")
    with pytest.raises(ComputerUseError, match="max_steps") as caught:
        ComputerToolset(Driver()).run(client, {"model": "m", "input": "x"}, max_steps=2)
    assert caught.value.response.id == "resp_2" and len(server.requests) == 2


@pytest.mark.parametrize("params, message", [
    ({"model": "m", "stream": True}, "non-streaming"),
    ({"model": "m", "previous_response_id": "resp_0"}, "whole input history"),
    ({"model": "m", "tools": [{"type": "computer"}, {"type": "web_search"}]}, "exactly one computer tool"),
    ({"model": "m", "extra_body": {"input": []}}, "extra_body"),
])
def test_bad_requests_are_refused_before_sending(client: Any, server: OfflineServer, params: Any,
                                                 message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ComputerToolset(Driver()).run(client, params)
    with pytest.raises(ValueError, match="max_steps"):
        ComputerToolset(Driver()).run(client, {"model": "m"}, max_steps=0)
    assert server.requests == []


def test_bad_driver_results_and_drivers_are_named_errors(client: Any, server: OfflineServer) -> None:
    class NoScreen(Driver):
        def screenshot(self) -> Any:
            return {"type": "computer_screenshot"}

    server.enqueue(response([computer_call()]), path="/v1/responses")
    with pytest.raises(ComputerUseError, match="screenshot"):
        ComputerToolset(NoScreen()).run(client, {"model": "m", "input": "x"})

    class Incomplete:
        def click(self, action: Any) -> None: ...

    with pytest.raises(ValueError, match="double_click"):
        ComputerToolset(Incomplete())  # type: ignore[arg-type]

    class AsyncDriver(Driver):
        async def wait(self, action: Any) -> None: ...  # type: ignore[override]

    with pytest.raises(ValueError, match="synchronous"):
        ComputerToolset(AsyncDriver())


def test_invalid_actions_and_other_tools_stop_the_run(client: Any, server: OfflineServer) -> None:
    server.enqueue(response([computer_call(actions=[{"type": "click", "x": 1.5, "y": 2, "button": "left"}])]),
                   path="/v1/responses")
    with pytest.raises(ComputerUseError, match="Invalid computer action"):
        ComputerToolset(Driver()).run(client, {"model": "m", "input": "x"})
    server.enqueue(response([{"type": "function_call", "id": "fc_1", "call_id": "c", "name": "f",
                              "arguments": "{}", "status": "completed"}]), path="/v1/responses")
    with pytest.raises(ComputerUseError, match="does not run"):
        ComputerToolset(Driver()).run(client, {"model": "m", "input": "x"})


def test_execute_one_call_and_close(client: Any, server: OfflineServer) -> None:
    from openai_lite._models import construct, resolve_model

    call = construct(resolve_model("ResponseComputerToolCall"), computer_call(
        actions=[{"type": "scroll", "x": 1, "y": 2, "scroll_x": 0, "scroll_y": 40}]))
    toolset = ComputerToolset(Driver())
    output = toolset.execute(call)
    assert output["call_id"] == "call_1" and output["output"] == SCREEN
    assert toolset.driver.done == [("scroll", 0, 40), ("screenshot",)]  # type: ignore[attr-defined]
    assert toolset.close() == {"status": "closed"}
    with pytest.raises(RuntimeError, match="closed"):
        toolset.execute(call)
    assert server.requests == []


def test_cancelled_stops_between_steps(client: Any, server: OfflineServer) -> None:
    with pytest.raises(ComputerUseError, match="cancelled"):
        ComputerToolset(Driver()).run(client, {"model": "m", "input": "x"}, cancelled=lambda: True)
    assert server.requests == []
    assert openai_lite.ComputerDriver.__name__ == "ComputerDriver"
