"""The model-facing part of the API, as :class:`~openai_lite.testing.OfflineServer` imitates it.

The Responses API (create, stream, background retrieval and resumed streams, input tokens),
structured outputs and function calling in chat and Responses (answers shaped by the request's
JSON schema), Assistants runs (streamed too) and image generation as GPT image models answer it
(base64, partial-image streams).  With ``_routes.py`` (files, fine-tuning, audio, Azure paths) and
``_batches.py`` (uploads, batches), enough for openai-python's documented code to run offline
(tests/test_openai_snippets.py); answers are deterministic, never clever.

How the imitated model decides:

- a JSON schema in ``text.format`` / ``response_format`` is answered with the smallest instance
  of the schema (:func:`schema_instance`); ``json_object`` with ``{"reply": ...}``;
- function tools are called (with arguments built from their parameters schema) unless
  ``tool_choice`` is ``"none"`` or the input already ends with a tool's result;
- otherwise the reply is ``"You said: <last user text>"``.
"""
from __future__ import annotations

import base64
import json as _json
import threading
from typing import Any, Dict, List, Optional, Tuple

from ._routes import _PNG as _PNG_BYTES, _image_answer
from ._server import _CREATED, HTTPError, RecordedRequest, Scripted, _chat_completions, _content_text, _json_object

_STATE_LOCK = threading.Lock()
_PNG = base64.b64encode(_PNG_BYTES).decode("ascii")


def _state(server: Any, name: str) -> Dict[str, Any]:
    """Per-server storage of one family (responses, runs), created on first use."""
    with _STATE_LOCK:
        return server.state.setdefault(name, {})


def _sse(events: List[Dict[str, Any]], chat: bool = False) -> Scripted:
    """An event stream: named events (Responses, images), or chat's unnamed ones ending in [DONE]."""
    if chat:
        chunks = [("data: %s\n\n" % _json.dumps(e)).encode("utf-8") for e in events] + [b"data: [DONE]\n\n"]
    else:
        chunks = [("event: %s\ndata: %s\n\n" % (e["type"], _json.dumps(e))).encode("utf-8") for e in events]
    return Scripted(chunks=chunks, chunked=True, content_type="text/event-stream; charset=utf-8",
                    headers={"Cache-Control": "no-cache"})


# -- answers shaped by a JSON schema -----------------------------------------------------------

def schema_instance(schema: Any, root: Optional[Dict[str, Any]] = None, depth: int = 0) -> Any:
    """The smallest value valid against ``schema`` (refs, unions, enums, formats of pydantic's schemas)."""
    root = schema if root is None else root
    if not isinstance(schema, dict) or depth > 20:
        return None
    if "$ref" in schema:
        target = root  # type: Any
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return schema_instance(target, root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return schema_instance(schema[key][0], root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        return {name: schema_instance(sub, root, depth + 1) for name, sub in (schema.get("properties") or {}).items()}
    if kind == "array":
        return [schema_instance(schema.get("items") or {}, root, depth + 1)
                for _ in range(max(1, schema.get("minItems", 1)))]
    if kind == "string":
        return {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "time": "00:00:00",
                "email": "user@example.com", "uri": "https://example.com/"}.get(schema.get("format"), "text")
    if kind == "integer":
        return max(0, schema.get("minimum", 0))
    if kind == "number":
        return float(max(0, schema.get("minimum", 0)))
    if kind == "boolean":
        return False
    return None


def _format_text(fmt: Any, reply: str) -> str:
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        schema = fmt.get("schema", fmt.get("json_schema", {}).get("schema") if isinstance(fmt.get("json_schema"),
                                                                                         dict) else None)
        return _json.dumps(schema_instance(schema or {}))
    if isinstance(fmt, dict) and fmt.get("type") == "json_object":
        return _json.dumps({"reply": reply})
    return reply


# -- chat completions with structured outputs and tools ----------------------------------------

def _chat(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    """Chat completions: the core route, plus answers to ``response_format`` schemas and tools."""
    data = _json_object(req)
    tools = _check_tools(data.get("tools"), "chat")
    messages = data.get("messages") if isinstance(data.get("messages"), list) else []
    ends_with_result = bool(messages) and isinstance(messages[-1], dict) and messages[-1].get("role") == "tool"
    fmt = data.get("response_format")
    plain = _chat_completions(server, req, match)
    if not (tools and data.get("tool_choice") != "none" and not ends_with_result) and \
            not (isinstance(fmt, dict) and fmt.get("type") in ("json_schema", "json_object")):
        return plain
    if tools and data.get("tool_choice") != "none" and not ends_with_result:
        function = _chosen(tools, data.get("tool_choice"), lambda t: t.get("function") or {})
        calls = [{"id": "call_%d" % req.index, "type": "function", "function": {
            "name": function.get("name"), "arguments": _json.dumps(schema_instance(function.get("parameters") or {}))}}]
        message = {"role": "assistant", "content": None, "refusal": None, "tool_calls": calls}
        finish = "tool_calls"
    else:
        last_user = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
        reply = "You said: " + (_content_text(last_user[-1].get("content")) if last_user else "")
        message = {"role": "assistant", "content": _format_text(fmt, reply), "refusal": None}
        finish = "stop"
    base = {"id": "chatcmpl-%d" % req.index, "created": _CREATED, "model": data.get("model"),
            "system_fingerprint": "fp_offline"}
    if data.get("stream") is True:
        delta = {"role": "assistant", "content": message["content"]}
        if finish == "tool_calls":
            delta = {"role": "assistant", "content": None,
                     "tool_calls": [dict(message["tool_calls"][0], index=0)]}
        return _sse([dict(base, object="chat.completion.chunk",
                          choices=[{"index": 0, "delta": delta, "finish_reason": None}]),
                     dict(base, object="chat.completion.chunk",
                          choices=[{"index": 0, "delta": {}, "finish_reason": finish}])], chat=True)
    return Scripted(json=dict(base, object="chat.completion", choices=[
        {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}))


def _chosen(tools: List[Dict[str, Any]], choice: Any, function_of: Any) -> Dict[str, Any]:
    """The function tool ``tool_choice`` names, else the first."""
    wanted = None
    if isinstance(choice, dict):
        wanted = choice.get("name") or (choice.get("function") or {}).get("name")
    for tool in tools:
        if wanted is None or function_of(tool).get("name") == wanted:
            return function_of(tool)
    return function_of(tools[0])


# -- the Responses API -------------------------------------------------------------------------

def _last_user_text(items: Any) -> Tuple[str, bool]:
    """The last user text of a Responses ``input``, and whether the input ends with a tool result."""
    if isinstance(items, str):
        return items, False
    text, ends_with_result = "", False
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        ends_with_result = item.get("type") == "function_call_output"
        if item.get("role") == "user":
            text = _content_text(item.get("content"))
    return text, ends_with_result


def _check_tools(tools: Any, shape: str) -> List[Dict[str, Any]]:
    """The function tools of a request, refused as the API refuses them when misshapen.

    ``shape`` is ``"responses"`` (``{"type": "function", "name": ...}``) or ``"chat"``
    (``{"type": "function", "function": {"name": ...}}``): each API rejects the other's shape.
    """
    found = []
    for index, tool in enumerate(tools if isinstance(tools, list) else []):
        if not isinstance(tool, dict) or tool.get("type") != "function":
            continue
        named = tool if shape == "responses" else tool.get("function")
        if not isinstance(named, dict) or not isinstance(named.get("name"), str):
            param = "tools[%d].%s" % (index, "name" if shape == "responses" else "function")
            raise HTTPError(400, "Missing required parameter: '%s'." % param, param=param,
                            code="missing_required_parameter")
        found.append(tool)
    return found


def _response_object(req: RecordedRequest, data: Dict[str, Any]) -> Dict[str, Any]:
    text, ends_with_result = _last_user_text(data.get("input"))
    tools = _check_tools(data.get("tools"), "responses")
    rid = "resp_%d" % req.index
    if tools and data.get("tool_choice") != "none" and not ends_with_result:
        function = _chosen(tools, data.get("tool_choice"), lambda t: t)
        output = [{"type": "function_call", "id": "fc_%d" % req.index, "call_id": "call_%d" % req.index,
                   "name": function.get("name"), "status": "completed",
                   "arguments": _json.dumps(schema_instance(function.get("parameters") or {}))}]
    else:
        fmt = (data.get("text") or {}).get("format") if isinstance(data.get("text"), dict) else None
        output = [{"type": "message", "id": "msg_%d" % req.index, "role": "assistant", "status": "completed",
                   "content": [{"type": "output_text", "text": _format_text(fmt, "You said: " + text),
                                "annotations": [], "logprobs": []}]}]
    return {"id": rid, "object": "response", "created_at": _CREATED, "status": "completed", "model": data.get("model"),
            "output": output, "instructions": data.get("instructions"), "tools": data.get("tools") or [],
            "tool_choice": data.get("tool_choice", "auto"), "parallel_tool_calls": True, "error": None,
            "incomplete_details": None, "previous_response_id": data.get("previous_response_id"),
            "background": bool(data.get("background")), "text": data.get("text") or {"format": {"type": "text"}},
            "metadata": data.get("metadata") or {},
            "usage": {"input_tokens": len(text.split()), "output_tokens": 3, "total_tokens": len(text.split()) + 3,
                      "input_tokens_details": {"cached_tokens": 0},
                      "output_tokens_details": {"reasoning_tokens": 0}}}


def _response_events(response: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The event stream the API sends for ``response``, numbered by ``sequence_number``."""
    started = dict(response, status="in_progress", output=[], usage=None)
    events = [{"type": "response.created", "response": started},
              {"type": "response.in_progress", "response": started}]
    for index, item in enumerate(response["output"]):
        at = {"output_index": index, "item_id": item["id"]}
        if item["type"] == "function_call":
            events.append({"type": "response.output_item.added", "output_index": index,
                           "item": dict(item, arguments="", status="in_progress")})
            events.append(dict(at, type="response.function_call_arguments.delta", delta=item["arguments"]))
            events.append(dict(at, type="response.function_call_arguments.done", arguments=item["arguments"],
                               name=item["name"]))
        else:
            part = item["content"][0]
            events.append({"type": "response.output_item.added", "output_index": index,
                           "item": dict(item, content=[], status="in_progress")})
            events.append(dict(at, type="response.content_part.added", content_index=0,
                               part=dict(part, text="")))
            words = part["text"].split(" ")
            for number, word in enumerate(words):
                events.append(dict(at, type="response.output_text.delta", content_index=0, logprobs=[],
                                   delta=word + (" " if number < len(words) - 1 else "")))
            events.append(dict(at, type="response.output_text.done", content_index=0, text=part["text"],
                               logprobs=[]))
            events.append(dict(at, type="response.content_part.done", content_index=0, part=part))
        events.append({"type": "response.output_item.done", "output_index": index, "item": item})
    events.append({"type": "response.completed", "response": response})
    for number, event in enumerate(events):
        event["sequence_number"] = number
    return events


def _responses_create(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    data = _json_object(req)
    if not isinstance(data.get("model"), str) or not data["model"]:
        raise HTTPError(400, "Missing required parameter: 'model'.", param="model", code="missing_required_parameter")
    response = _response_object(req, data)
    _state(server, "responses")[response["id"]] = response
    if data.get("stream") is True:
        return _sse(_response_events(response))
    return Scripted(json=response)


def _responses_retrieve(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    response = _state(server, "responses").get(match["id"])
    if response is None:
        raise HTTPError(404, "Response with id '%s' not found." % match["id"], param="response_id")
    if req.query.get("stream") == ["true"]:
        after = int((req.query.get("starting_after") or ["-1"])[0])
        return _sse([e for e in _response_events(response) if e["sequence_number"] > after])
    return Scripted(json=response)


def _responses_delete(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    if _state(server, "responses").pop(match["id"], None) is None:
        raise HTTPError(404, "Response with id '%s' not found." % match["id"], param="response_id")
    return Scripted(json={"id": match["id"], "object": "response.deleted", "deleted": True})


def _input_tokens(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    text, _ = _last_user_text(_json_object(req).get("input"))
    return Scripted(json={"object": "response.input_tokens", "input_tokens": max(1, len(text.split()))})


# -- Assistants runs --------------------------------------------------------------------------

def _run_object(req: RecordedRequest, thread_id: str, data: Dict[str, Any], status: str) -> Dict[str, Any]:
    return {"id": "run_%d" % req.index, "object": "thread.run", "created_at": _CREATED, "thread_id": thread_id,
            "assistant_id": data.get("assistant_id"), "status": status, "model": data.get("model") or "gpt-4o",
            "instructions": data.get("instructions") or "", "tools": data.get("tools") or [],
            "required_action": None, "last_error": None, "usage": None, "metadata": {}}


def _run(server: Any, req: RecordedRequest, thread_id: str, data: Dict[str, Any]) -> Scripted:
    """A run that completes at once with one message (``You said: <last message of the thread>``)."""
    if not data.get("assistant_id"):
        raise HTTPError(400, "Missing required parameter: 'assistant_id'.", param="assistant_id",
                        code="missing_required_parameter")
    run = _run_object(req, thread_id, data, "completed")
    _state(server, "runs")[run["id"]] = run
    if data.get("stream") is not True:
        return Scripted(json=run)
    extra = data.get("additional_messages") or []  # the thread's own messages are not kept
    said = _content_text(extra[-1].get("content")) if extra and isinstance(extra[-1], dict) else ""
    text = "You said: " + said if said else "Hello from the offline server."
    message = {"id": "msg_%d" % req.index, "object": "thread.message", "created_at": _CREATED,
               "thread_id": thread_id, "run_id": run["id"], "assistant_id": run["assistant_id"],
               "role": "assistant", "status": "in_progress", "content": [], "attachments": [], "metadata": {}}
    done = dict(message, status="completed",
                content=[{"type": "text", "text": {"value": text, "annotations": []}}])
    started = dict(run, status="queued")
    events = [("thread.run.created", started), ("thread.run.in_progress", dict(run, status="in_progress")),
              ("thread.message.created", message), ("thread.message.in_progress", message)]
    for word in text.split(" "):
        events.append(("thread.message.delta", {"id": message["id"], "object": "thread.message.delta", "delta": {
            "content": [{"index": 0, "type": "text", "text": {"value": word + " ", "annotations": []}}]}}))
    events += [("thread.message.completed", done), ("thread.run.completed", run)]
    chunks = [("event: %s\ndata: %s\n\n" % (name, _json.dumps(body))).encode("utf-8") for name, body in events]
    chunks.append(b"event: done\ndata: [DONE]\n\n")
    return Scripted(chunks=chunks, chunked=True, content_type="text/event-stream; charset=utf-8")


def _runs_create(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    return _run(server, req, match["thread"], _json_object(req))


def _create_and_run(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    return _run(server, req, "thread_%d" % req.index, _json_object(req))


def _runs_retrieve(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    run = _state(server, "runs").get(match["run"])
    if run is None or run["thread_id"] != match["thread"]:
        raise HTTPError(404, "No run found with id '%s'." % match["run"], param="run_id")
    return Scripted(json=run)


# -- images -----------------------------------------------------------------------------------

def _images_generate(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    """Image generation: GPT image models answer base64 (as the API does), streamed as partial images too."""
    data = _json_object(req)
    prompt = data.get("prompt")
    if not isinstance(prompt, str) or not prompt:
        raise HTTPError(400, "Missing required parameter: 'prompt'.", param="prompt")
    gpt_image = str(data.get("model") or "").startswith("gpt-image")
    if data.get("stream") is not True:
        return _image_answer(data.get("n"), "b64_json" if gpt_image else data.get("response_format"), prompt)
    words = len(prompt.split())
    shape = {"created_at": _CREATED, "size": data.get("size", "1024x1024"), "quality": "auto",
             "background": "opaque", "output_format": data.get("output_format", "png"), "b64_json": _PNG}
    events = [dict(shape, type="image_generation.partial_image", partial_image_index=i)
              for i in range(int(data.get("partial_images") or 0))]
    events.append(dict(shape, type="image_generation.completed", usage={
        "input_tokens": words, "output_tokens": 1, "total_tokens": words + 1,
        "input_tokens_details": {"image_tokens": 0, "text_tokens": words}}))
    return _sse(events)


#: ``(METHOD, path regex) -> handler``, merged into the default routes.
ROUTES = {
    ("POST", r"/v1/chat/completions"): _chat,
    ("POST", r"/v1/responses"): _responses_create,
    ("POST", r"/v1/responses/input_tokens"): _input_tokens,
    ("GET", r"/v1/responses/(?P<id>[^/]+)"): _responses_retrieve,
    ("DELETE", r"/v1/responses/(?P<id>[^/]+)"): _responses_delete,
    ("POST", r"/v1/threads/(?P<thread>[^/]+)/runs"): _runs_create,
    ("POST", r"/v1/threads/runs"): _create_and_run,
    ("GET", r"/v1/threads/(?P<thread>[^/]+)/runs/(?P<run>[^/]+)"): _runs_retrieve,
    ("POST", r"/v1/images/generations"): _images_generate,
}
