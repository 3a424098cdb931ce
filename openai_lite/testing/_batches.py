"""The Uploads and Batch APIs of :class:`~openai_lite.testing.OfflineServer`.

Files live where the file routes keep them (``server.files``, see ``_routes``): an upload completes
into one, a batch reads its input from one and writes its output and error files as new ones.

A batch moves one step each time it is retrieved (or listed), so tests decide the pace and never
depend on timing: ``validating -> in_progress -> finalizing -> completed`` (``polls_per_status``
retrievals per step). Its requests are answered by the server's own routes when it reaches
``finalizing``; the answers go to an output file (2xx) and an error file (the rest), as the real
API writes them. What a test can arrange, on ``server.batch_api``:

``fail_once[custom_id] = status``
    that request answers ``status`` (500 by default in :meth:`BatchAPI.fail`) the first time it runs,
    and normally after that: what a retry of the failures needs.
``expire_after = n``
    the next batch to run stops after ``n`` requests and ends ``expired``; the others are written to
    its error file with code ``batch_expired``.
``poll_after_ms = n``
    batch retrievals carry ``openai-poll-after-ms: n``.
``reverse_output = True``
    output and error files list the records in reverse input order (the API promises no order).
``max_requests_per_batch`` / ``max_bytes_per_file``
    the limits the server enforces (the API's documented ones by default); a batch over them fails
    validation.

A cancelled batch (``POST /v1/batches/{id}/cancel``) goes ``cancelling`` then ``cancelled`` without
running the requests that had not run; they appear in neither file.
"""
from __future__ import annotations

import http.client
import itertools
import json as _json
import threading
from typing import Any, Dict, List, Optional, Tuple

from ._routes import parse_multipart
from ._server import HTTPError, RecordedRequest, Scripted, _json_object

__all__ = ["BatchAPI", "ROUTES"]

_NOW = 1700000000
MiB = 1024 * 1024
BATCH_ENDPOINTS = ("/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/moderations")


class BatchAPI:
    """Files, uploads and batches held by one server (see the module docstring)."""

    def __init__(self, server: Any) -> None:
        self.lock = threading.RLock()
        self.server = server
        self.uploads: Dict[str, Dict[str, Any]] = {}
        self.parts: Dict[str, bytes] = {}
        self.batches: Dict[str, Dict[str, Any]] = {}
        self.polls_per_status = 1
        self.max_requests_per_batch = 50_000
        self.max_bytes_per_file = 200 * MiB
        self.fail_once: Dict[str, int] = {}
        self.expire_after: Optional[int] = None
        self.reverse_output = False
        self.poll_after_ms: Optional[int] = None
        self._ids = itertools.count(1)

    def fail(self, *custom_ids: str, status: int = 500) -> None:
        """Make these requests fail with ``status`` the first time they run."""
        with self.lock:
            for custom_id in custom_ids:
                self.fail_once[custom_id] = status

    def new_id(self, prefix: str) -> str:
        return "%s_%06d" % (prefix, next(self._ids))

    def add_file(self, filename: str, purpose: str, data: bytes) -> Dict[str, Any]:
        """A new file in the server's file store (what the file routes serve); its public fields."""
        with self.lock:
            file_id = self.new_id("file-batch")
            meta = {"id": file_id, "object": "file", "bytes": len(data), "created_at": _NOW, "expires_at": None,
                    "filename": filename, "purpose": purpose, "status": "processed", "status_details": None}
            self.server.files[file_id] = dict(meta, _content=data)
            return meta

    def content(self, file_id: str) -> bytes:
        """The bytes of a file in the server's store (404 when there is none)."""
        found = self.server.files.get(file_id)
        if found is None:
            raise HTTPError(404, "No such File object: %s" % file_id, param="input_file_id")
        return found["_content"]


def api_of(server: Any) -> BatchAPI:
    return server.batch_api


# -- uploads -------------------------------------------------------------------------------------

def _create_upload(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    api = api_of(server)
    data = _json_object(req)
    for name in ("bytes", "filename", "mime_type", "purpose"):
        if name not in data:
            raise HTTPError(400, "Missing required parameter: '%s'." % name, param=name)
    with api.lock:
        upload = {"id": api.new_id("upload"), "object": "upload", "bytes": data["bytes"], "created_at": _NOW,
                  "expires_at": _NOW + 3600, "filename": data["filename"], "purpose": data["purpose"],
                  "status": "pending", "file": None, "part_ids": []}
        api.uploads[upload["id"]] = upload
    return Scripted(json={k: v for k, v in upload.items() if k != "part_ids"})


def _upload(api: BatchAPI, upload_id: str) -> Dict[str, Any]:
    found = api.uploads.get(upload_id)
    if found is None:
        raise HTTPError(404, "No such Upload: %s" % upload_id, param="upload_id")
    if found["status"] != "pending":
        raise HTTPError(400, "Upload %s is already %s." % (upload_id, found["status"]))
    return found


def _add_part(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    api = api_of(server)
    fields = parse_multipart(req)
    if "data" not in fields:
        raise HTTPError(400, "Missing required parameter: 'data'.", param="data")
    with api.lock:
        upload = _upload(api, match.group("upload_id"))
        part_id = api.new_id("part")
        api.parts[part_id] = fields["data"][1]
    return Scripted(json={"id": part_id, "object": "upload.part", "created_at": _NOW, "upload_id": upload["id"]})


def _complete_upload(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    api = api_of(server)
    data = _json_object(req)
    with api.lock:
        upload = _upload(api, match.group("upload_id"))
        part_ids = data.get("part_ids")
        if not isinstance(part_ids, list) or any(p not in api.parts for p in part_ids):
            raise HTTPError(400, "Invalid 'part_ids'.", param="part_ids")
        content = b"".join(api.parts.pop(p) for p in part_ids)
        if len(content) != upload["bytes"]:
            raise HTTPError(400, "The upload has %d bytes; %d were declared." % (len(content), upload["bytes"]))
        upload["status"] = "completed"
        upload["file"] = api.add_file(upload["filename"], upload["purpose"], content)
    return Scripted(json={k: v for k, v in upload.items() if k != "part_ids"})


# -- batches -------------------------------------------------------------------------------------

_STEPS = {"validating": "in_progress", "in_progress": "finalizing", "finalizing": "completed",
          "cancelling": "cancelled"}
_STAMPS = {"in_progress": "in_progress_at", "finalizing": "finalizing_at", "completed": "completed_at",
           "failed": "failed_at", "expired": "expired_at", "cancelling": "cancelling_at", "cancelled": "cancelled_at"}


def _validate(api: BatchAPI, batch: Dict[str, Any]) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """The input file's requests, and the validation errors (the batch fails if there are any)."""
    data = api.content(batch["input_file_id"])
    errors: List[Dict[str, Any]] = []
    lines: List[Dict[str, Any]] = []
    seen = set()
    if len(data) > api.max_bytes_per_file:
        errors.append({"code": "file_too_large", "line": None, "param": None,
                       "message": "The input file is larger than %d bytes." % api.max_bytes_per_file})
    for number, raw in enumerate(data.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            line = _json.loads(raw)
        except ValueError:
            errors.append({"code": "invalid_json_line", "line": number, "param": None,
                           "message": "This line is not parseable as valid JSON."})
            continue
        if line.get("url") != batch["endpoint"]:
            errors.append({"code": "mismatched_endpoint", "line": number, "param": "url",
                           "message": "The provided endpoint does not match the batch's endpoint."})
        if line.get("custom_id") in seen:
            errors.append({"code": "duplicate_custom_id", "line": number, "param": "custom_id",
                           "message": "The custom_id for this request is a duplicate of another request."})
        seen.add(line.get("custom_id"))
        lines.append(line)
    if len(lines) > api.max_requests_per_batch:
        errors.append({"code": "too_many_requests", "line": None, "param": None,
                       "message": "The batch has %d requests; the limit is %d." % (len(lines),
                                                                                   api.max_requests_per_batch)})
    return lines, errors


def _run_one(server: Any, api: BatchAPI, batch: Dict[str, Any], line: Dict[str, Any]) -> Dict[str, Any]:
    custom_id = line.get("custom_id")
    request_id = "req_batch_%s" % next(api._ids)
    status = api.fail_once.pop(custom_id, None) if custom_id in api.fail_once else None
    if status is not None:
        body = {"error": {"message": "Scripted failure of %s" % custom_id, "type": "server_error",
                          "param": None, "code": None}}
    else:
        fake = RecordedRequest(method="POST", path=line["url"], query={}, headers=http.client.HTTPMessage(),
                               body=_json.dumps(line.get("body")).encode("utf-8"), connection_id=0)
        answer = server._route(fake)
        status, body = answer.status, answer.json
    return {"id": api.new_id("batch_req"), "custom_id": custom_id,
            "response": {"status_code": status, "request_id": request_id, "body": body}, "error": None}


def _finish(server: Any, api: BatchAPI, batch: Dict[str, Any]) -> None:
    """Run the batch's requests (as many as it may) and write its output and error files."""
    lines = batch.pop("_lines")
    limit = api.expire_after
    api.expire_after = None
    out: List[bytes] = []
    err: List[bytes] = []
    for number, line in enumerate(lines):
        if limit is not None and number >= limit:
            record = {"id": api.new_id("batch_req"), "custom_id": line.get("custom_id"), "response": None,
                      "error": {"code": "batch_expired",
                                "message": "This request could not be executed before the completion window "
                                           "expired."}}
            err.append(_json.dumps(record).encode("utf-8"))
            continue
        record = _run_one(server, api, batch, line)
        ok = 200 <= record["response"]["status_code"] < 300
        (out if ok else err).append(_json.dumps(record).encode("utf-8"))
    if api.reverse_output:
        out.reverse()
        err.reverse()
    counts = batch["request_counts"]
    counts["completed"] = len(out)
    counts["failed"] = len(err) if limit is None else len(err) - max(0, len(lines) - limit)
    if out:
        batch["output_file_id"] = api.add_file("batch_%s_output.jsonl" % batch["id"], "batch_output",
                                               b"\n".join(out) + b"\n")["id"]
    if err:
        batch["error_file_id"] = api.add_file("batch_%s_error.jsonl" % batch["id"], "batch_output",
                                              b"\n".join(err) + b"\n")["id"]
    if limit is not None:
        batch["_final"] = "expired"


def _advance(server: Any, api: BatchAPI, batch: Dict[str, Any]) -> None:
    status = batch["status"]
    if status not in _STEPS:
        return
    batch["_polls"] = batch.get("_polls", 0) + 1
    if batch["_polls"] < api.polls_per_status:
        return
    batch["_polls"] = 0
    nxt = _STEPS[status]
    if status == "validating":
        lines, errors = _validate(api, batch)
        if errors:
            batch["errors"] = {"object": "list", "data": errors}
            nxt = "failed"
        else:
            batch["_lines"] = lines
            batch["request_counts"]["total"] = len(lines)
    elif status == "in_progress":
        _finish(server, api, batch)
    elif status == "finalizing":
        nxt = batch.pop("_final", "completed")
    elif status == "cancelling":
        batch.pop("_lines", None)
    batch["status"] = nxt
    batch[_STAMPS[nxt]] = _NOW + 1


def _public(batch: Dict[str, Any]) -> Dict[str, Any]:
    return _json.loads(_json.dumps({k: v for k, v in batch.items() if not k.startswith("_")}))


def _create_batch(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    api = api_of(server)
    data = _json_object(req)
    endpoint = data.get("endpoint")
    if endpoint not in BATCH_ENDPOINTS:
        raise HTTPError(400, "Invalid 'endpoint': %r is not supported." % (endpoint,), param="endpoint")
    if data.get("completion_window") != "24h":
        raise HTTPError(400, "Invalid 'completion_window': only '24h' is supported.", param="completion_window")
    with api.lock:
        api.content(data.get("input_file_id") or "")
        meta = server.files[data["input_file_id"]]
        if meta["purpose"] != "batch":
            raise HTTPError(400, "The input file must be uploaded with purpose 'batch'.", param="input_file_id")
        batch = {"id": api.new_id("batch"), "object": "batch", "endpoint": endpoint, "errors": None,
                 "input_file_id": meta["id"], "completion_window": "24h", "status": "validating",
                 "output_file_id": None, "error_file_id": None, "created_at": _NOW, "in_progress_at": None,
                 "expires_at": _NOW + 86400, "finalizing_at": None, "completed_at": None, "failed_at": None,
                 "expired_at": None, "cancelling_at": None, "cancelled_at": None,
                 "request_counts": {"total": 0, "completed": 0, "failed": 0},
                 "metadata": data.get("metadata")}
        api.batches[batch["id"]] = batch
        return Scripted(json=_public(batch))


def _batch(api: BatchAPI, batch_id: str) -> Dict[str, Any]:
    found = api.batches.get(batch_id)
    if found is None:
        raise HTTPError(404, "No batch found with id '%s'." % batch_id, param="batch_id")
    return found


def _retrieve_batch(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    api = api_of(server)
    with api.lock:
        batch = _batch(api, match.group("batch_id"))
        _advance(server, api, batch)
        headers: Optional[Dict[str, Optional[str]]] = None
        if api.poll_after_ms is not None:
            headers = {"openai-poll-after-ms": str(api.poll_after_ms)}
        return Scripted(json=_public(batch), headers=headers)


def _cancel_batch(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    api = api_of(server)
    with api.lock:
        batch = _batch(api, match.group("batch_id"))
        if batch["status"] in ("validating", "in_progress", "finalizing"):
            batch["status"] = "cancelling"
            batch["cancelling_at"] = _NOW + 1
            batch["_polls"] = 0
        elif batch["status"] not in ("cancelling", "cancelled"):
            raise HTTPError(409, "Cannot cancel a batch with status '%s'." % batch["status"])
        return Scripted(json=_public(batch))


def _list_batches(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    api = api_of(server)
    with api.lock:
        for batch in api.batches.values():
            _advance(server, api, batch)
        data = [_public(b) for b in api.batches.values()]
    return Scripted(json={"object": "list", "data": data, "has_more": False,
                          "first_id": data[0]["id"] if data else None, "last_id": data[-1]["id"] if data else None})


ROUTES = {
    ("POST", r"/v1/uploads"): _create_upload,
    ("POST", r"/v1/uploads/(?P<upload_id>[^/]+)/parts"): _add_part,
    ("POST", r"/v1/uploads/(?P<upload_id>[^/]+)/complete"): _complete_upload,
    ("POST", r"/v1/batches"): _create_batch,
    ("GET", r"/v1/batches"): _list_batches,
    ("GET", r"/v1/batches/(?P<batch_id>[^/]+)"): _retrieve_batch,
    ("POST", r"/v1/batches/(?P<batch_id>[^/]+)/cancel"): _cancel_batch,
}
