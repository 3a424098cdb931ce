"""``ComputerToolset``: run the Responses API's computer tool with a driver you provide.

The driver (``ComputerDriver``: ``click``, ``double_click``, ``drag``, ``keypress``, ``move``, ``scroll``,
``type``, ``wait``, ``screenshot``) does the actions on your browser or desktop; this module runs the
loop: ``responses.create``, perform each ``computer_call``'s actions, send a screenshot back as the
call's output, until the model answers with a final message. Nothing is opened or cleaned up here.

Safety: a call with pending safety checks runs only when ``approve_safety_checks(call)`` returns
exactly ``True``; ``before_action(action)``, when given, must return exactly ``True`` for every action
(and the final screenshot). Anything else stops the run with a ``ComputerUseError``. The whole history
is sent again on every request (no ``previous_response_id``), so the loop also works without storage.
"""
from __future__ import annotations

import copy
import inspect
import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional, Protocol, Set, Tuple


__all__ = ["ComputerDriver", "ComputerToolset", "ComputerUseError"]

#: The driver's methods; each computer action's ``type`` names one.
DRIVER_METHODS = ("click", "double_click", "drag", "keypress", "move", "screenshot", "scroll", "type", "wait")
#: Request fields the loop owns: ``extra_body`` may not set them.
RUNNER_FIELDS = frozenset(("stream", "background", "conversation", "previous_response_id", "tools", "input",
                           "include", "tool_choice"))
_BUTTONS = frozenset(("left", "right", "wheel", "back", "forward"))


class ComputerDriver(Protocol):
    """What ``ComputerToolset`` drives: one method per action type, each given the action (``x``,
    ``y``, ``button``, ``keys``, ``text``, ``path``...), and ``screenshot()`` returning
    ``{"type": "computer_screenshot", "image_url": ...}`` (or ``"file_id"``), in native pixels.

    A method that cannot do an action must raise (never ignore it). Permissions, bounds, waits and
    cleanup are the driver's."""

    def click(self, action: Any) -> None: ...
    def double_click(self, action: Any) -> None: ...
    def drag(self, action: Any) -> None: ...
    def keypress(self, action: Any) -> None: ...
    def move(self, action: Any) -> None: ...
    def scroll(self, action: Any) -> None: ...
    def type(self, action: Any) -> None: ...
    def wait(self, action: Any) -> None: ...
    def screenshot(self) -> Dict[str, Any]: ...


class ComputerUseError(RuntimeError):
    """The run stopped before a final answer; ``response`` is the last response (``None`` if none)."""

    def __init__(self, message: str, response: Any = None) -> None:
        super().__init__(message)
        self.response = response

    def __reduce__(self) -> Any:  # pickles (multiprocessing) with its response
        return (type(self), (str(self), self.response))


# -- checking what the model asked -----------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _has_point(obj: Any) -> bool:
    return _is_int(getattr(obj, "x", None)) and _is_int(getattr(obj, "y", None))


def _valid_action(action: Any) -> bool:
    kind = getattr(action, "type", None)
    keys = getattr(action, "keys", None)
    if keys is not None and not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
        return False
    if kind == "click":
        return _has_point(action) and getattr(action, "button", None) in _BUTTONS
    if kind in ("double_click", "move"):
        return _has_point(action)
    if kind == "scroll":
        return _has_point(action) and _is_int(getattr(action, "scroll_x", None)) and \
            _is_int(getattr(action, "scroll_y", None))
    if kind == "drag":
        path = getattr(action, "path", None)
        return isinstance(path, list) and all(_has_point(point) for point in path)
    if kind == "keypress":
        return isinstance(keys, list)
    if kind == "type":
        return isinstance(getattr(action, "text", None), str)
    return kind in ("screenshot", "wait")


def _actions(call: Any) -> List[Any]:
    """The call's actions (``action`` or ``actions``, exactly one), each checked before anything runs."""
    if not isinstance(getattr(call, "id", None), str) or not isinstance(getattr(call, "call_id", None), str):
        raise ComputerUseError("A computer call needs a string id and call_id")
    present = call.model_fields_set
    action, actions = getattr(call, "action", None), getattr(call, "actions", None)
    if ("actions" in present and actions is None) or ("action" in present and action is None) or (
            action is not None and actions is not None):
        raise ComputerUseError("A computer call needs exactly one of action or actions")
    found = list(actions) if actions is not None else [action] if action is not None else []
    if not found:
        raise ComputerUseError("The computer call has no actions")
    if "pending_safety_checks" not in present:
        if action is not None:
            raise ComputerUseError("A (legacy) computer call with one action must list its safety checks")
    else:
        checks = call.pending_safety_checks
        if not isinstance(checks, list) or not all(
                isinstance(getattr(c, "id", None), str)
                and all(getattr(c, n, None) is None or isinstance(getattr(c, n), str) for n in ("code", "message"))
                for c in checks):
            raise ComputerUseError("The computer call's safety checks are malformed")
    for one in found:
        if not _valid_action(one):
            raise ComputerUseError("Invalid computer action: %r" % (getattr(one, "type", one),))
    return found


def _replayable(item: Any) -> bool:
    """Output the next request can send back as it is (the loop replays the whole history)."""
    kind = getattr(item, "type", None)
    if kind == "message":
        return isinstance(getattr(item, "id", None), str) and getattr(item, "role", None) == "assistant" and \
            isinstance(getattr(item, "content", None), list) and all(
                getattr(p, "type", None) in ("output_text", "refusal") for p in item.content)
    if kind == "reasoning":
        return isinstance(getattr(item, "id", None), str) and isinstance(getattr(item, "summary", None), list)
    if kind == "compaction":
        return isinstance(getattr(item, "id", None), str) and isinstance(getattr(item, "encrypted_content", None), str)
    return False


def _calls(response: Any, last_step: bool, seen_ids: Set[str], seen_call_ids: Set[str]) -> List[Any]:
    """The computer calls of ``response`` to perform (none: it is the final answer)."""
    if getattr(response, "status", None) != "completed":
        raise ComputerUseError("The response did not complete (status %r)" % (getattr(response, "status", None),),
                               response)
    calls: List[Any] = []
    ids: Set[str] = set()
    call_ids: Set[str] = set()
    for item in response.output or ():
        kind = getattr(item, "type", None)
        if kind == "computer_call":
            if item.status != "completed":
                raise ComputerUseError("A computer call did not complete", response)
            try:
                _actions(item)
            except ComputerUseError as exc:
                exc.response = response
                raise
            if item.call_id in call_ids or item.call_id in seen_call_ids:
                raise ComputerUseError("The response repeats a computer call's call_id", response)
            call_ids.add(item.call_id)
            calls.append(item)
        elif kind in ("message", "reasoning", "compaction"):
            if not _replayable(item):
                raise ComputerUseError("The response has a %s item that cannot be sent back" % kind, response)
        else:
            raise ComputerUseError("The response asks for a tool this helper does not run (%s)" % (kind,), response)
        item_id = getattr(item, "id", None)
        if item_id in ids or (item_id and item_id in seen_ids):
            raise ComputerUseError("The response repeats an output item's id", response)
        ids.add(item_id)
    seen_ids.update(i for i in ids if i)
    seen_call_ids.update(call_ids)
    if calls and last_step:
        raise ComputerUseError("The computer run reached max_steps before a final answer", response)
    if not calls and not any(getattr(i, "type", None) == "message" and getattr(i, "status", None) == "completed"
                             and getattr(i, "phase", None) != "commentary" for i in response.output or ()):
        raise ComputerUseError("The response has neither a final message nor a computer call", response)
    return calls


# -- the request -----------------------------------------------------------------------------------


def _prepare(params: Dict[str, Any], max_steps: Any) -> Dict[str, Any]:
    if not _is_int(max_steps) or max_steps < 1:
        raise ValueError("max_steps must be a positive integer")
    if not isinstance(params, dict):
        raise TypeError("params must be a dict of responses.create() keywords")
    request = copy.deepcopy(params)
    extra_body = request.get("extra_body")
    if isinstance(extra_body, dict) and RUNNER_FIELDS.intersection(extra_body):
        raise ValueError("ComputerToolset's extra_body cannot set the fields the loop owns (%s)"
                         % ", ".join(sorted(RUNNER_FIELDS.intersection(extra_body))))
    if request.get("stream") or request.get("background"):
        raise ValueError("ComputerToolset needs non-streaming, foreground responses")
    if request.get("previous_response_id") or request.get("conversation"):
        raise ValueError("Pass the whole input history; conversation and previous_response_id are not supported")
    if "tools" in request and request["tools"] is None:
        raise ValueError("ComputerToolset needs exactly one computer tool")
    tools = [{"type": "computer"}] if "tools" not in request else list(request["tools"])
    if len(tools) != 1 or not isinstance(tools[0], dict) or tools[0].get("type") not in ("computer",
                                                                                          "computer_use_preview"):
        raise ValueError("ComputerToolset needs exactly one computer tool")
    request["tools"] = tools
    request["stream"] = False
    given = request.get("input", [])
    request["input"] = [{"role": "user", "content": given}] if isinstance(given, str) else list(given)
    include = list(request.get("include") or [])
    request["include"] = list(dict.fromkeys(include + ["reasoning.encrypted_content"]))
    return request


def _known_ids(request: Dict[str, Any]) -> Tuple[Set[str], Set[str]]:
    ids: Set[str] = set()
    call_ids: Set[str] = set()
    for item in request["input"]:
        if isinstance(item, dict):
            if isinstance(item.get("id"), str) and item["id"]:
                ids.add(item["id"])
            if isinstance(item.get("call_id"), str):
                call_ids.add(item["call_id"])
    return ids, call_ids


def _replay(items: Any) -> List[Dict[str, Any]]:
    out = []
    for item in items:
        data = item.to_dict()
        data.pop("created_by", None)
        data.pop("parsed_arguments", None)
        out.append(data)
    return out


def _continue(request: Dict[str, Any], response: Any) -> List[Any]:
    """The history with ``response``'s output appended; a forced tool choice relaxed to ``auto`` (the
    model must be free to answer after the tool ran)."""
    history = request["input"]
    history.extend(_replay(response.output or ()))
    choice = request.get("tool_choice")
    if choice == "required" or (isinstance(choice, dict) and choice.get("type") in (
            "computer", "computer_use_preview", "computer_use")):
        request["tool_choice"] = "auto"
    elif isinstance(choice, dict) and choice.get("type") == "allowed_tools" and choice.get("mode") == "required":
        request["tool_choice"] = {"type": "allowed_tools", "tools": choice.get("tools"), "mode": "auto"}
    return history


def _new_idempotency_key(client: Any, request: Dict[str, Any]) -> None:
    """A caller's Idempotency-Key must not make the next step's request the same as this one's."""
    extra = dict(request.get("extra_headers") or {})
    defaults = getattr(client, "default_headers", None) or {}
    if not any(name.lower() == "idempotency-key" for name in list(extra) + list(defaults)):
        return
    extra = {k: v for k, v in extra.items() if k.lower() != "idempotency-key"}
    extra["Idempotency-Key"] = "computer-step-%s" % uuid.uuid4()
    request["extra_headers"] = extra


def _screenshot_output(call: Any, screenshot: Any) -> Dict[str, Any]:
    problem = "The driver's screenshot() must return {'type': 'computer_screenshot'} with image_url or file_id"
    if not isinstance(screenshot, dict) or screenshot.get("type") != "computer_screenshot":
        raise ComputerUseError(problem)
    image: Dict[str, Any] = {"type": "computer_screenshot"}
    for name in ("image_url", "file_id"):
        value = screenshot.get(name)
        if value is not None:
            if not isinstance(value, str) or not value.strip():
                raise ComputerUseError(problem)
            image[name] = value
    if len(image) == 1:
        raise ComputerUseError(problem)
    return {"type": "computer_call_output", "call_id": call.call_id, "output": image,
            "acknowledged_safety_checks": [{"id": c.id, "code": c.code, "message": c.message}
                                           for c in call.pending_safety_checks or []]}


def _invoke(handler: Callable[..., Any], *args: Any, cancelled: Optional[Callable[[], bool]]) -> Any:
    """Call ``handler``, giving it ``cancelled=`` when it takes that keyword; an awaitable is refused."""
    try:
        takes_cancelled = "cancelled" in inspect.signature(handler).parameters
    except (TypeError, ValueError):
        takes_cancelled = False
    result = handler(*args, cancelled=cancelled) if takes_cancelled else handler(*args)
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()
        raise ComputerUseError("The computer driver returned an awaitable: this library's drivers are synchronous")
    return result


class ComputerToolset:
    """Performs computer calls with ``driver`` and runs the non-streaming Responses loop (see the module).

    One call at a time (a second concurrent call is a ``RuntimeError``); ``close()`` refuses later ones.
    HTTP settings are the client's (``client.with_options(...)``)."""

    def __init__(self, driver: ComputerDriver) -> None:
        for name in DRIVER_METHODS:
            method = getattr(driver, name, None)
            if not callable(method):
                raise ValueError("The computer driver needs a callable %r method" % name)
            if inspect.iscoroutinefunction(inspect.unwrap(method)):
                raise ValueError("The computer driver's %r is async: this library needs a synchronous driver" % name)
        self.driver = driver
        self._lock = threading.Lock()
        self._active = False
        self._closed = False

    def close(self) -> Dict[str, str]:
        """Refuse later calls: ``{"status": "closed"}``, or ``"draining"`` while a call still runs."""
        with self._lock:
            self._closed = True
            return {"status": "draining" if self._active else "closed"}

    def _enter(self) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("Computer toolset is closed.")
            if self._active:
                raise RuntimeError("Computer toolset is busy with another call.")
            self._active = True

    def _exit(self) -> None:
        with self._lock:
            self._active = False

    def run(self, client: Any, params: Dict[str, Any], *, max_steps: int = 20,
            approve_safety_checks: Optional[Callable[[Any], bool]] = None,
            before_action: Optional[Callable[[Any], bool]] = None, cancelled: Optional[Callable[[], bool]] = None,
            on_diagnostic: Optional[Callable[[Dict[str, Any]], Any]] = None) -> Any:
        """Run ``client.responses.create(**params)`` and the computer calls it asks for until a final
        message; returns that ``Response``. ``max_steps`` bounds the requests (the last included).
        ``cancelled()`` is checked between requests and driver calls. ``on_diagnostic`` gets a dict per
        approval and action (no content: stage, reason, call_id, member, duration_ms)."""
        self._enter()
        try:
            request = _prepare(params, max_steps)
            seen_ids, seen_call_ids = _known_ids(request)
            response = None
            for step in range(max_steps):
                _check(cancelled, response)
                if step:
                    _new_idempotency_key(client, request)
                response = client.responses.create(**request)
                _check(cancelled, response)
                calls = _calls(response, step == max_steps - 1, seen_ids, seen_call_ids)
                if not calls:
                    return response
                history = _continue(request, response)
                for call in calls:
                    try:
                        history.append(self._perform(call, approve_safety_checks, before_action, cancelled,
                                                     on_diagnostic))
                    except ComputerUseError as exc:
                        exc.response = response
                        raise
            raise AssertionError("unreachable: the last step either answers or raises")
        finally:
            self._exit()

    def execute(self, call: Any, *, approve_safety_checks: Optional[Callable[[Any], bool]] = None,
                before_action: Optional[Callable[[Any], bool]] = None, cancelled: Optional[Callable[[], bool]] = None,
                on_diagnostic: Optional[Callable[[Dict[str, Any]], Any]] = None) -> Dict[str, Any]:
        """Perform one ``computer_call`` (for your own loop); returns its ``computer_call_output`` item."""
        self._enter()
        try:
            return self._perform(call, approve_safety_checks, before_action, cancelled, on_diagnostic)
        finally:
            self._exit()

    def _perform(self, call: Any, approve_safety_checks: Any, before_action: Any, cancelled: Any,
                 on_diagnostic: Any) -> Dict[str, Any]:
        call = copy.deepcopy(call)
        if getattr(call, "type", None) != "computer_call" or getattr(call, "status", None) != "completed":
            raise ComputerUseError("The computer call did not complete")
        actions = _actions(call)
        if actions[-1].type != "screenshot":
            actions.append(_ScreenshotAction())
        report = _Reporter(on_diagnostic, call.call_id)
        _check(cancelled, None)
        if call.pending_safety_checks:
            approved = _ask(approve_safety_checks, copy.deepcopy(call), cancelled, report, None)
            if approved is not True:
                report("approval", "refused")
                raise ComputerUseError("The computer call's safety checks need explicit approval")
            report("approval", "completed")
        for action in actions:
            _check(cancelled, None)
            if before_action is not None:
                if _ask(before_action, copy.deepcopy(action), cancelled, report, action.type) is not True:
                    report("approval", "refused", action.type)
                    raise ComputerUseError("The computer action was not approved")
                report("approval", "completed", action.type)
            _check(cancelled, None)
            if action.type == "screenshot":
                continue  # the screen is captured once, after the whole batch
            self._drive(getattr(self.driver, action.type), (copy.deepcopy(action),), cancelled, report, action.type)
        _check(cancelled, None)
        output = self._drive(self.driver.screenshot, (), cancelled, report, "screenshot",
                             lambda shot: _screenshot_output(call, shot))
        _check(cancelled, None)
        return output

    def _drive(self, method: Callable[..., Any], args: Tuple[Any, ...], cancelled: Any, report: "_Reporter",
               member: str, convert: Optional[Callable[[Any], Any]] = None) -> Any:
        report.start()
        try:
            result = _invoke(method, *args, cancelled=cancelled)
            if convert is not None:
                result = convert(result)
            _check(cancelled, None)
        except Exception:
            stopped = cancelled is not None and cancelled()
            report("action", "cancelled" if stopped else "driver_failed", member)
            if stopped:
                raise ComputerUseError("The computer run was cancelled") from None
            raise
        report("action", "completed", member)
        return result


class _ScreenshotAction:
    type = "screenshot"


def _check(cancelled: Optional[Callable[[], bool]], response: Any) -> None:
    if cancelled is not None and cancelled():
        raise ComputerUseError("The computer run was cancelled", response)


def _ask(policy: Optional[Callable[[Any], Any]], subject: Any, cancelled: Any, report: "_Reporter",
         member: Optional[str]) -> Any:
    """A policy callback's answer (``False`` without a callback); cancellation while asking stops the run."""
    report.start()
    if policy is None:
        return False
    try:
        answer = _invoke(policy, subject, cancelled=cancelled)
        _check(cancelled, None)
    except Exception:
        if cancelled is not None and cancelled():
            report("approval", "cancelled", member)
            raise ComputerUseError("The computer run was cancelled") from None
        raise
    return answer


class _Reporter:
    """Sends content-free diagnostics to ``on_diagnostic``; an observer's failure changes nothing."""

    def __init__(self, observer: Optional[Callable[[Dict[str, Any]], Any]], call_id: str) -> None:
        self._observer = observer
        self._call_id = call_id
        self._started = time.monotonic()

    def start(self) -> None:
        self._started = time.monotonic()

    def __call__(self, stage: str, reason: str, member: Optional[str] = None) -> None:
        if self._observer is None:
            return
        try:
            outcome = self._observer({"api": "computer", "stage": stage, "reason": reason, "call_id": self._call_id,
                                      "member": member, "usage": None,
                                      "duration_ms": max(0.0, (time.monotonic() - self._started) * 1000)})
            if inspect.iscoroutine(outcome):
                outcome.close()
        except Exception:  # noqa: BLE001 - diagnostics never change the run
            pass
