"""A loopback fake of the API parts openai-python's examples call, for tests/test_openai_examples.py.

Answers are made from the request: structured outputs get a value made from the JSON schema, a
request with function tools gets a call of the first one (until a tool result comes back), the
Responses API streams its events (and replays them after ``starting_after``), images come as tiny
PNGs. Nothing here is true to the model: it only has the shapes the API documents.
"""
from __future__ import annotations

import base64
import itertools
import json
from typing import Any, Dict, List, Optional

from openai_lite.testing import DEFAULT_ROUTES, OfflineServer, Scripted

# a 1x1 PNG
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
SSE = "text/event-stream"
_ids = itertools.count(1)


def fake_value(schema: Any, defs: Optional[Dict[str, Any]] = None, depth: int = 0) -> Any:
    """A value that fits a (strict) JSON schema."""
    if not isinstance(schema, dict) or depth > 12:
        return None
    defs = dict(defs or {}, **schema.get("$defs", {}), **schema.get("definitions", {}))
    if "$ref" in schema:
        return fake_value(defs.get(schema["$ref"].rsplit("/", 1)[-1], {}), defs, depth + 1)
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return fake_value(schema[key][0], defs, depth + 1)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        return {name: fake_value(sub, defs, depth + 1) for name, sub in (schema.get("properties") or {}).items()}
    if kind == "array":
        return [fake_value(schema.get("items", {}), defs, depth + 1)]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "2024-01-01" if schema.get("format") == "date" else "text"


def _sse(events: List[Any], done: bool = False) -> Scripted:
    pieces = [("data: %s\n\n" % json.dumps(e)).encode() for e in events]
    if done:
        pieces.append(b"data: [DONE]\n\n")
    return Scripted(chunks=pieces, chunked=True, content_type=SSE)


def _split(text: str, size: int = 6) -> List[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


# -- chat completions ------------------------------------------------------------------------------------


def _chat(server: OfflineServer, request: Any, match: Any) -> Scripted:
    body = request.json()
    fmt = body.get("response_format") or {}
    tools = [t for t in body.get("tools") or () if t.get("type") == "function"]
    last = (body.get("messages") or [{}])[-1]
    wants_tool = tools and body.get("tool_choice") != "none" and last.get("role") != "tool"
    if fmt.get("type") != "json_schema" and not wants_tool:
        return DEFAULT_ROUTES[("POST", r"/v1/chat/completions")](server, request, match)
    message: Dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    finish = "stop"
    if wants_tool:
        function = tools[0]["function"]
        arguments = json.dumps(fake_value(function.get("parameters") or {}))
        message["tool_calls"] = [{"id": "call_%d" % next(_ids), "type": "function",
                                  "function": {"name": function["name"], "arguments": arguments}}]
        finish = "tool_calls"
    else:
        message["content"] = json.dumps(fake_value(fmt["json_schema"].get("schema") or {}))
    base = {"id": "chatcmpl-%d" % next(_ids), "created": 1700000000, "model": body.get("model", "m")}
    if not body.get("stream"):
        return Scripted(json=dict(base, object="chat.completion", choices=[
            {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            usage={"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}))
    chunk = dict(base, object="chat.completion.chunk")
    deltas: List[Dict[str, Any]] = [{"role": "assistant", "content": ""}]
    if message.get("tool_calls"):
        call = message["tool_calls"][0]
        deltas.append({"tool_calls": [{"index": 0, "id": call["id"], "type": "function",
                                       "function": {"name": call["function"]["name"], "arguments": ""}}]})
        deltas += [{"tool_calls": [{"index": 0, "function": {"arguments": part}}]}
                   for part in _split(call["function"]["arguments"])]
    else:
        deltas += [{"content": part} for part in _split(message["content"])]
    events = [dict(chunk, choices=[{"index": 0, "delta": d, "finish_reason": None, "logprobs": None}]) for d in deltas]
    events.append(dict(chunk, choices=[{"index": 0, "delta": {}, "finish_reason": finish, "logprobs": None}]))
    return _sse(events, done=True)


# -- the Responses API -----------------------------------------------------------------------------------


def _input_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    texts = []
    for item in value or ():
        content = item.get("content") if isinstance(item, dict) else None
        if isinstance(content, str):
            texts.append(content)
    return " ".join(texts)


class ResponsesFake:
    """``POST /responses`` (streamed or not, background), ``GET /responses/{id}`` (and its stream)."""

    def __init__(self) -> None:
        self.events: Dict[str, List[Dict[str, Any]]] = {}
        self.final: Dict[str, Dict[str, Any]] = {}

    def install(self, server: OfflineServer) -> None:
        server.add_route("POST", r"/v1/responses", self.create)
        server.add_route("POST", r"/v1/responses/input_tokens",
                         lambda s, r, m: Scripted(json={"object": "response.input_tokens", "input_tokens": 7}))
        server.add_route("GET", r"/v1/responses/(?P<id>[^/]+)", self.retrieve)

    def _build(self, body: Dict[str, Any]) -> Dict[str, Any]:
        rid = "resp_%d" % next(_ids)
        fmt = (body.get("text") or {}).get("format") or {}
        tools = [t for t in body.get("tools") or () if t.get("type") == "function"]
        answered = any(isinstance(i, dict) and i.get("type") == "function_call_output" for i in body.get("input") or ())
        output: List[Dict[str, Any]] = []
        if tools and not answered and body.get("tool_choice") != "none":
            output.append({"type": "function_call", "id": "fc_%d" % next(_ids), "call_id": "call_%d" % next(_ids),
                           "name": tools[0]["name"], "status": "completed",
                           "arguments": json.dumps(fake_value(tools[0].get("parameters") or {}))})
        else:
            text = (json.dumps(fake_value(fmt.get("schema") or {})) if fmt.get("type") == "json_schema"
                    else "You said: %s" % _input_text(body.get("input")))
            output.append({"type": "message", "id": "msg_%d" % next(_ids), "role": "assistant", "status": "completed",
                           "content": [{"type": "output_text", "text": text, "annotations": []}]})
        response = {"id": rid, "object": "response", "created_at": 1700000000, "status": "completed",
                    "model": body.get("model", "m"), "output": output, "tools": body.get("tools") or [],
                    "tool_choice": body.get("tool_choice", "auto"), "parallel_tool_calls": True,
                    "text": body.get("text") or {"format": {"type": "text"}}, "error": None,
                    "incomplete_details": None, "background": bool(body.get("background")),
                    "usage": {"input_tokens": 5, "output_tokens": 5, "total_tokens": 10}}
        self.final[rid] = response
        self.events[rid] = self._events(response)
        return response

    @staticmethod
    def _events(response: Dict[str, Any]) -> List[Dict[str, Any]]:
        start = dict(response, status="in_progress", output=[])
        events: List[Dict[str, Any]] = [{"type": "response.created", "response": start},
                                        {"type": "response.in_progress", "response": start}]
        for i, item in enumerate(response["output"]):
            if item["type"] == "message":
                text = item["content"][0]["text"]
                where = {"output_index": i, "content_index": 0, "item_id": item["id"]}
                events.append({"type": "response.output_item.added", "output_index": i,
                               "item": dict(item, status="in_progress", content=[])})
                events.append(dict(where, type="response.content_part.added",
                                   part={"type": "output_text", "text": "", "annotations": []}))
                events += [dict(where, type="response.output_text.delta", delta=part, logprobs=[])
                           for part in _split(text)]
                events.append(dict(where, type="response.output_text.done", text=text, logprobs=[]))
                events.append(dict(where, type="response.content_part.done", part=item["content"][0]))
            else:
                where = {"output_index": i, "item_id": item["id"]}
                events.append({"type": "response.output_item.added", "output_index": i,
                               "item": dict(item, status="in_progress", arguments="")})
                events += [dict(where, type="response.function_call_arguments.delta", delta=part)
                           for part in _split(item["arguments"])]
                events.append(dict(where, type="response.function_call_arguments.done", arguments=item["arguments"],
                                   name=item["name"]))
            events.append({"type": "response.output_item.done", "output_index": i, "item": item})
        events.append({"type": "response.completed", "response": response})
        return [dict(e, sequence_number=n) for n, e in enumerate(events)]

    def create(self, server: OfflineServer, request: Any, match: Any) -> Scripted:
        body = request.json()
        response = self._build(body)
        if body.get("stream"):
            return _sse(self.events[response["id"]])
        if body.get("background"):
            return Scripted(json=dict(response, status="queued", output=[]))
        return Scripted(json=response)

    def retrieve(self, server: OfflineServer, request: Any, match: Any) -> Scripted:
        rid = match["id"]
        if rid not in self.final:
            return Scripted(status=404, json={"error": {"message": "No response %s" % rid, "type": "not_found"}})
        if request.query.get("stream") == ["true"]:
            after = int(request.query.get("starting_after", ["-1"])[0])
            return _sse([e for e in self.events[rid] if e["sequence_number"] > after])
        return Scripted(json=self.final[rid])


# -- images --------------------------------------------------------------------------------------------------


def _images(server: OfflineServer, request: Any, match: Any) -> Scripted:
    body = request.json()
    image = base64.b64encode(PNG).decode()
    if not body.get("stream"):
        return Scripted(json={"created": 1700000000, "data": [{"b64_json": image}]})
    events = [{"type": "image_generation.partial_image", "partial_image_index": i, "b64_json": image,
               "created_at": 1700000000, "size": "1024x1024", "quality": "auto", "background": "auto",
               "output_format": "png"} for i in range(int(body.get("partial_images") or 0))]
    events.append({"type": "image_generation.completed", "b64_json": image, "created_at": 1700000000,
                   "size": "1024x1024", "quality": "auto", "background": "auto", "output_format": "png",
                   "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2,
                             "input_tokens_details": {"image_tokens": 0, "text_tokens": 1}}})
    return _sse(events)


# -- uploads (upload_file_chunked) ---------------------------------------------------------------------


class UploadsFake:
    """``POST /uploads``, ``/uploads/{id}/parts`` and ``/uploads/{id}/complete``: the parts' bytes add up."""

    def __init__(self) -> None:
        self.uploads: Dict[str, Dict[str, Any]] = {}
        self.parts: Dict[str, int] = {}

    def install(self, server: OfflineServer) -> None:
        server.add_route("POST", r"/v1/uploads", self.create)
        server.add_route("POST", r"/v1/uploads/(?P<id>[^/]+)/parts", self.part)
        server.add_route("POST", r"/v1/uploads/(?P<id>[^/]+)/complete", self.complete)

    def create(self, server: OfflineServer, request: Any, match: Any) -> Scripted:
        body = request.json()
        upload = {"id": "upload_%d" % next(_ids), "object": "upload", "bytes": body["bytes"], "created_at": 1700000000,
                  "expires_at": 1700003600, "filename": body["filename"], "purpose": body["purpose"],
                  "status": "pending", "file": None}
        self.uploads[upload["id"]] = upload
        return Scripted(json=upload)

    def part(self, server: OfflineServer, request: Any, match: Any) -> Scripted:
        part_id = "part_%d" % next(_ids)
        self.parts[part_id] = len(request.body or b"")
        return Scripted(json={"id": part_id, "object": "upload.part", "created_at": 1700000000,
                              "upload_id": match["id"]})

    def complete(self, server: OfflineServer, request: Any, match: Any) -> Scripted:
        upload = dict(self.uploads[match["id"]], status="completed")
        upload["file"] = {"id": "file-%d" % next(_ids), "object": "file", "bytes": upload["bytes"],
                          "created_at": 1700000000, "filename": upload["filename"], "purpose": upload["purpose"],
                          "status": "processed"}
        return Scripted(json=upload)


# -- an Assistants run, streamed (a recorded stream of the API) ------------------------------------------


def _run_stream(server: OfflineServer, request: Any, match: Any) -> Scripted:
    from pathlib import Path

    body = (Path(__file__).parent / "fixtures" / "streams" / "assistants_run.sse").read_bytes()
    return Scripted(chunks=[piece + b"\n\n" for piece in body.split(b"\n\n") if piece], chunked=True,
                    content_type=SSE)


def install(server: OfflineServer) -> ResponsesFake:
    """Add the fake's routes to ``server`` (the offline server's own routes answer the rest)."""
    server.add_route("POST", r"/v1/chat/completions", _chat)
    server.add_route("POST", r"/v1/images/generations", _images)
    UploadsFake().install(server)
    server.add_route("POST", r"/v1/threads/(?P<thread>[^/]+)/runs", _run_stream)
    fake = ResponsesFake()
    fake.install(server)
    return fake
