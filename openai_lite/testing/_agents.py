"""The Agents API's sessions, as :class:`~openai_lite.testing.OfflineServer` imitates them (beta).

Enough for the documented helpers to run offline: create a session (answered with its first turn as an
event stream when ``stream`` is true and ``input`` is given), retrieve it, subscribe to its events,
send it input or tool results, list and download its artifacts; stage a file in an environment.

How the imitated agent behaves (deterministic, never clever):

- subscribing to an idle session's events answers with the next turn at once (its input arrives just
  after, as ``sessions.stream`` sends it: the reply cannot quote it and says so);
- a turn whose agent has function tools first calls the first one (arguments built from its parameters
  schema), then answers; a JSON schema in ``agent.text.format`` is answered with its smallest instance;
  otherwise the reply is ``"You said: <input text>"``;
- every ``/workspace/outputs/...`` path written in a turn's input is published as an artifact of that
  turn, its content naming the input.
"""
from __future__ import annotations

import json as _json
import re
from typing import Any, Dict, List, Optional
from urllib.parse import unquote

from ._api_routes import _sse, _state, schema_instance
from ._server import _CREATED, HTTPError, RecordedRequest, Scripted, _json_object

_OUTPUT_PATH = re.compile(r"/workspace/outputs/[\w./-]*\w")
_UNKNOWN_INPUT = "(your input arrives after this answer in the offline server)"


def _sessions(server: Any) -> Dict[str, Any]:
    return _state(server, "agent_sessions")


def _session(server: Any, session_id: str) -> Dict[str, Any]:
    found = _sessions(server).get(session_id)
    if found is None:
        raise HTTPError(404, "No session found with id '%s'." % session_id, param="session_id")
    return found


def _public(record: Dict[str, Any]) -> Dict[str, Any]:
    return {"id": record["id"], "object": "agent.session", "created_at": _CREATED, "status": "idle",
            "agent": record["agent"], "environment": record["environment"], "metadata": record["metadata"],
            "required_actions": []}


def _input_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    texts = []
    for message in value or ():
        for part in (message.get("content") or ()) if isinstance(message, dict) else ():
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
    return " ".join(texts)


def _reply(agent: Dict[str, Any], text: Optional[str]) -> str:
    fmt = (agent.get("text") or {}).get("format") or {}
    if fmt.get("type") == "json_schema" and isinstance(fmt.get("schema"), dict):
        return _json.dumps(schema_instance(fmt["schema"]))
    return "You said: %s" % (text if text is not None else _UNKNOWN_INPUT)


def _turn_events(server: Any, record: Dict[str, Any], text: Optional[str]) -> List[Dict[str, Any]]:
    """One whole turn of ``record``'s agent, as its events (the turn is remembered for its artifacts)."""
    record["turns"].append({"id": "turn_%s_%d" % (record["id"], len(record["turns"]) + 1), "inputs": []})
    turn_id = record["turns"][-1]["id"]
    session_id = record["id"]
    counter = [0]

    def event(kind: str, **fields: Any) -> Dict[str, Any]:
        counter[0] += 1
        return dict({"type": kind, "event_id": "evt_%s_%d" % (turn_id, counter[0])}, **fields)

    def turn(status: str) -> Dict[str, Any]:
        return {"id": turn_id, "object": "agent.session.turn", "session_id": session_id, "status": status,
                "created_at": _CREATED, "subagent_id": None}

    events = [event("agent.session.turn.created", session_id=session_id, turn_id=turn_id, turn=turn("in_progress"))]
    tools = [t for t in record["agent"].get("tools") or () if isinstance(t, dict) and t.get("type") == "function"]
    index = 0
    if tools:
        arguments = schema_instance(tools[0].get("parameters") or {"type": "object"})
        events.append(event("agent.session.turn.item.added", session_id=session_id, turn_id=turn_id,
                            output_index=index, item={
                                "type": "function_call", "id": "fc_%s" % turn_id, "call_id": "call_%s" % turn_id,
                                "name": tools[0].get("name"), "arguments": _json.dumps(arguments),
                                "status": "completed", "turn_id": turn_id}))
        index += 1
    events.append(event("agent.session.turn.item.done", session_id=session_id, turn_id=turn_id, output_index=index,
                        item={"type": "message", "id": "msg_%s" % turn_id, "role": "assistant",
                              "status": "completed", "phase": "final_answer", "turn_id": turn_id,
                              "content": [{"type": "output_text", "text": _reply(record["agent"], text),
                                           "annotations": []}]}))
    events.append(event("agent.session.turn.completed", session_id=session_id, turn_id=turn_id,
                        turn=turn("completed")))
    events.append(event("agent.session.idle", session=_public(record)))
    return events


def _create_session(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    data = _json_object(req)
    environment = data.get("environment")
    if not isinstance(environment, dict):
        raise HTTPError(400, "Missing required parameter: 'environment'.", param="environment")
    sessions = _sessions(server)
    session_id = "sess_%d" % (len(sessions) + 1)
    record = sessions[session_id] = {"id": session_id, "agent": dict(data.get("agent") or {}),
                                     "environment": environment, "metadata": data.get("metadata") or {},
                                     "turns": []}
    if data.get("stream") is not True:
        return Scripted(json=_public(record))
    events = [{"type": "agent.session.created", "event_id": "evt_%s_0" % session_id, "session": _public(record)}]
    if data.get("input") is not None:
        events += _turn_events(server, record, _input_text(data["input"]))
        record["turns"][-1]["inputs"].append(_input_text(data["input"]))
    else:
        events.append({"type": "agent.session.idle", "event_id": "evt_%s_1" % session_id, "session": _public(record)})
    return _sse(events)


def _retrieve_session(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    return Scripted(json=_public(_session(server, unquote(match.group("session")))))


def _subscribe(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    record = _session(server, unquote(match.group("session")))
    idle = {"type": "agent.session.idle", "event_id": "evt_%s_idle" % record["id"], "session": _public(record)}
    return _sse([idle] + _turn_events(server, record, None))


def _send_events(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    record = _session(server, unquote(match.group("session")))
    events = _json_object(req).get("events")
    if not isinstance(events, list) or not events:
        raise HTTPError(400, "Missing required parameter: 'events'.", param="events")
    for sent in events:
        if isinstance(sent, dict) and sent.get("type") == "agent.session.input.message" and record["turns"]:
            record["turns"][-1]["inputs"].append(_input_text(sent.get("input")))
    return Scripted(status=204, body=b"")


def _artifacts(record: Dict[str, Any]) -> List[Dict[str, Any]]:
    found = []
    for turn in record["turns"]:
        for text in turn["inputs"]:
            for path in sorted(set(_OUTPUT_PATH.findall(text))):
                found.append({"id": "art_%s_%d" % (turn["id"], len(found) + 1), "object": "agent.session.artifact",
                              "session_id": record["id"], "turn_id": turn["id"], "path": path,
                              "created_at": _CREATED, "_content": ("Written for: %s\n" % text).encode("utf-8")})
    return found


def _list_artifacts(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    record = _session(server, unquote(match.group("session")))
    data = [{k: v for k, v in a.items() if not k.startswith("_")} for a in _artifacts(record)]
    return Scripted(json={"object": "list", "data": data, "has_more": False,
                          "first_id": data[0]["id"] if data else None, "last_id": data[-1]["id"] if data else None})


def _artifact_content(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    record = _session(server, unquote(match.group("session")))
    wanted = unquote(match.group("artifact"))
    for artifact in _artifacts(record):
        if artifact["id"] == wanted:
            return Scripted(body=artifact["_content"], content_type="application/octet-stream")
    raise HTTPError(404, "No artifact found with id '%s'." % wanted, param="artifact_id")


def _stage_file(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    data = _json_object(req)
    path = data.get("path")
    if not isinstance(path, str) or not path.startswith("/workspace/"):
        raise HTTPError(400, "Invalid 'path': an absolute path under /workspace.", param="path")
    if data.get("type") == "file_id" and data.get("file_id") not in server.files:
        raise HTTPError(404, "No such File object: %s" % data.get("file_id"), param="file_id")
    return Scripted(json={"object": "agent.environment.file", "path": path, "type": "file",
                          "environment_id": unquote(match.group("environment")), "created_at": _CREATED})


#: ``(METHOD, path regex) -> handler``, merged into the default routes.
ROUTES = {
    ("POST", r"/v1/agents/sessions"): _create_session,
    ("GET", r"/v1/agents/sessions/(?P<session>[^/]+)"): _retrieve_session,
    ("GET", r"/v1/agents/sessions/(?P<session>[^/]+)/events"): _subscribe,
    ("POST", r"/v1/agents/sessions/(?P<session>[^/]+)/events"): _send_events,
    ("GET", r"/v1/agents/sessions/(?P<session>[^/]+)/artifacts"): _list_artifacts,
    ("GET", r"/v1/agents/sessions/(?P<session>[^/]+)/artifacts/(?P<artifact>[^/]+)/content"): _artifact_content,
    ("POST", r"/v1/agents/environments/(?P<environment>[^/]+)/files"): _stage_file,
}
