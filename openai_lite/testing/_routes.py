"""Routes beyond the core ones: text completions, images, audio, files, fine-tuning jobs, and
Azure's ``/openai/deployments/{deployment}/...`` paths.

Files and fine-tuning jobs are kept per server (``server.files``, ``server.fine_tuning_jobs``),
so a created file can be listed, retrieved, downloaded and deleted. Standard library only.
"""

from __future__ import annotations

import base64
import json as _json
import re
import dataclasses
from typing import Any, Dict, Optional, Tuple
from urllib.parse import unquote

from ._server import _CREATED, HTTPError, RecordedRequest, Scripted, _json_object, _words

# A 1x1 transparent PNG: what the image routes "generate".
_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def parse_multipart(req: RecordedRequest) -> Dict[str, Tuple[Optional[str], bytes]]:
    """A ``multipart/form-data`` body as ``{field: (filename or None, content)}`` (last part wins)."""
    ctype = req.headers.get("Content-Type") or ""
    match = re.search(r'boundary="?([^";]+)"?', ctype)
    if not ctype.startswith("multipart/form-data") or match is None:
        raise HTTPError(400, "Expected a multipart/form-data body, got %r." % (ctype or "no content type"))
    if req.body is None:
        raise HTTPError(413, "Request body of %d bytes is too large for OfflineServer routing." % req.body_len)
    delimiter = b"--" + match.group(1).encode("latin-1")
    fields = {}  # type: Dict[str, Tuple[Optional[str], bytes]]
    for part in req.body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.partition(b"\r\n\r\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        disposition = ""
        for line in head.decode("utf-8", "replace").split("\r\n"):
            if line.lower().startswith("content-disposition:"):
                disposition = line
        name = re.search(r'\bname="([^"]*)"', disposition)
        filename = re.search(r'\bfilename="([^"]*)"', disposition)
        if name is not None:
            fields[name.group(1)] = (filename.group(1) if filename else None, content)
    return fields


def _text(fields: Dict[str, Tuple[Optional[str], bytes]], name: str, default: Optional[str] = None) -> Optional[str]:
    value = fields.get(name)
    return default if value is None else value[1].decode("utf-8", "replace")


def _require_file(fields: Dict[str, Tuple[Optional[str], bytes]], name: str) -> Tuple[str, bytes]:
    value = fields.get(name)
    if value is None or value[0] is None:
        raise HTTPError(400, "Missing required parameter: '%s'." % name, param=name,
                        code="missing_required_parameter")
    return value[0], value[1]


def _completions(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    data = _json_object(req)
    model = data.get("model")
    if not isinstance(model, str) or not model:
        raise HTTPError(400, "you must provide a model parameter")
    prompt = data.get("prompt")
    if isinstance(prompt, list):
        prompt = " ".join(p for p in prompt if isinstance(p, str))
    if not isinstance(prompt, str):
        raise HTTPError(400, "Missing required parameter: 'prompt'.", param="prompt")
    text = " echo: " + prompt
    usage = {"prompt_tokens": _words(prompt), "completion_tokens": _words(text),
             "total_tokens": _words(prompt) + _words(text)}
    cid = "cmpl-%d" % req.index
    if data.get("stream") is True:
        events = [{"id": cid, "object": "text_completion", "created": _CREATED, "model": model,
                   "choices": [{"text": piece, "index": 0, "logprobs": None, "finish_reason": None}]}
                  for piece in re.findall(r"\s*\S+", text)]
        events.append({"id": cid, "object": "text_completion", "created": _CREATED, "model": model,
                       "choices": [{"text": "", "index": 0, "logprobs": None, "finish_reason": "stop"}]})
        sse = [("data: %s\n\n" % _json.dumps(e)).encode("utf-8") for e in events] + [b"data: [DONE]\n\n"]
        return Scripted(chunks=sse, chunked=True, content_type="text/event-stream; charset=utf-8")
    return Scripted(json={
        "id": cid, "object": "text_completion", "created": _CREATED, "model": model,
        "choices": [{"text": text, "index": 0, "logprobs": None, "finish_reason": "stop"}], "usage": usage,
    })


def _image_answer(n: Any, response_format: Optional[str], prompt: str) -> Scripted:
    if n is None:
        n = 1
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 10:
        raise HTTPError(400, "Invalid 'n': expected an integer between 1 and 10.", param="n")
    if response_format == "b64_json":
        item = {"b64_json": base64.b64encode(_PNG).decode("ascii")}  # type: Dict[str, Any]
    else:
        item = {"url": "https://images.invalid/offline.png"}
    item["revised_prompt"] = prompt
    return Scripted(json={"created": _CREATED, "data": [dict(item) for _ in range(n)]})


def _image_generations(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    data = _json_object(req)
    prompt = data.get("prompt")
    if not isinstance(prompt, str) or not prompt:
        raise HTTPError(400, "Missing required parameter: 'prompt'.", param="prompt")
    return _image_answer(data.get("n"), data.get("response_format"), prompt)


def _image_edits(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    fields = parse_multipart(req)
    _require_file(fields, "image")
    n = _text(fields, "n")
    return _image_answer(int(n) if n and n.isdigit() else None, _text(fields, "response_format"),
                         _text(fields, "prompt") or "")


_AUDIO_TEXT = "offline transcript of %s (%d bytes)"


def _audio(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    fields = parse_multipart(req)
    filename, content = _require_file(fields, "file")
    if not _text(fields, "model"):
        raise HTTPError(400, "Missing required parameter: 'model'.", param="model")
    text = _AUDIO_TEXT % (filename, len(content))
    fmt = _text(fields, "response_format") or "json"
    if fmt in ("text", "srt", "vtt"):
        return Scripted(body=text + "\n", content_type="text/plain; charset=utf-8")
    if fmt not in ("json", "verbose_json"):
        raise HTTPError(400, "Invalid value for 'response_format'.", param="response_format")
    answer = {"text": text}  # type: Dict[str, Any]
    if fmt == "verbose_json":
        answer.update(task="transcribe", language="english", duration=1.0, segments=[])
    return Scripted(json=answer)


def _file_object(server: Any, file_id: str) -> Dict[str, Any]:
    found = server.files.get(file_id)
    if found is None:
        raise HTTPError(404, "No such File object: %s" % file_id, param="id")
    return found


def _create_file(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    fields = parse_multipart(req)
    filename, content = _require_file(fields, "file")
    purpose = _text(fields, "purpose")
    if not purpose:
        raise HTTPError(400, "Missing required parameter: 'purpose'.", param="purpose")
    file_id = "file-%d" % req.index
    obj = {"id": file_id, "object": "file", "bytes": len(content), "created_at": _CREATED,
           "filename": filename, "purpose": purpose, "status": "processed", "status_details": None}
    server.files[file_id] = dict(obj, _content=content)
    return Scripted(json=obj)


def _public(obj: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _list_files(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    purpose = req.query.get("purpose", [None])[0]
    data = [_public(f) for f in server.files.values() if purpose is None or f["purpose"] == purpose]
    return Scripted(json={"object": "list", "data": data, "has_more": False})


def _retrieve_file(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    return Scripted(json=_public(_file_object(server, unquote(match.group("file")))))


def _delete_file(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    file_id = unquote(match.group("file"))
    _file_object(server, file_id)
    del server.files[file_id]
    return Scripted(json={"id": file_id, "object": "file", "deleted": True})


def _file_content(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    content = _file_object(server, unquote(match.group("file")))["_content"]
    return Scripted(body=content, content_type="application/octet-stream")


def _job(server: Any, job_id: str) -> Dict[str, Any]:
    found = server.fine_tuning_jobs.get(job_id)
    if found is None:
        raise HTTPError(404, "Could not find fine-tune: %s" % job_id, param="fine_tune_id")
    return found


def _create_job(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    data = _json_object(req)
    for name in ("model", "training_file"):
        if not isinstance(data.get(name), str) or not data[name]:
            raise HTTPError(400, "Missing required parameter: '%s'." % name, param=name,
                            code="missing_required_parameter")
    if data["training_file"] not in server.files:
        raise HTTPError(400, "invalid training_file: %s" % data["training_file"], param="training_file")
    job_id = "ftjob-%d" % req.index
    job = {"id": job_id, "object": "fine_tuning.job", "created_at": _CREATED, "model": data["model"],
           "training_file": data["training_file"], "validation_file": data.get("validation_file"),
           "hyperparameters": data.get("hyperparameters") or {"n_epochs": "auto"}, "status": "queued",
           "fine_tuned_model": None, "finished_at": None, "organization_id": "org-offline",
           "result_files": [], "trained_tokens": None, "error": None, "seed": 42, "suffix": data.get("suffix")}
    server.fine_tuning_jobs[job_id] = job
    return Scripted(json=job)


def _list_jobs(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    jobs = list(server.fine_tuning_jobs.values())
    limit = int(req.query.get("limit", ["20"])[0])
    return Scripted(json={"object": "list", "data": jobs[:limit], "has_more": len(jobs) > limit})


def _retrieve_job(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    return Scripted(json=_job(server, unquote(match.group("job"))))


def _cancel_job(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    job = _job(server, unquote(match.group("job")))
    job["status"] = "cancelled"
    return Scripted(json=job)


def _job_events(server: Any, req: RecordedRequest, match: Any) -> Scripted:
    job = _job(server, unquote(match.group("job")))
    events = [{"id": "ftevent-%d" % i, "object": "fine_tuning.job.event", "created_at": _CREATED + i,
               "level": "info", "message": message, "data": {}, "type": "message"}
              for i, message in enumerate(["Created fine-tuning job", "Job status: %s" % job["status"]])]
    limit = int(req.query.get("limit", ["20"])[0])
    return Scripted(json={"object": "list", "data": events[:limit], "has_more": len(events) > limit})


_V1 = {
    ("POST", r"/v1/completions"): _completions,
    ("POST", r"/v1/images/generations"): _image_generations,
    ("POST", r"/v1/images/edits"): _image_edits,
    ("POST", r"/v1/images/variations"): _image_edits,
    ("POST", r"/v1/audio/transcriptions"): _audio,
    ("POST", r"/v1/audio/translations"): _audio,
    ("POST", r"/v1/files"): _create_file,
    ("GET", r"/v1/files"): _list_files,
    ("GET", r"/v1/files/(?P<file>[^/]+)"): _retrieve_file,
    ("DELETE", r"/v1/files/(?P<file>[^/]+)"): _delete_file,
    ("GET", r"/v1/files/(?P<file>[^/]+)/content"): _file_content,
    ("POST", r"/v1/fine_tuning/jobs"): _create_job,
    ("GET", r"/v1/fine_tuning/jobs"): _list_jobs,
    ("GET", r"/v1/fine_tuning/jobs/(?P<job>[^/]+)"): _retrieve_job,
    ("POST", r"/v1/fine_tuning/jobs/(?P<job>[^/]+)/cancel"): _cancel_job,
    ("GET", r"/v1/fine_tuning/jobs/(?P<job>[^/]+)/events"): _job_events,
}

# Azure serves the model endpoints under /openai/deployments/{deployment}/ and the others under
# /openai/; the deployment name stands for the model.
_AZURE_DEPLOYMENT_PATHS = ("chat/completions", "completions", "embeddings", "images/generations",
                           "images/edits", "audio/transcriptions", "audio/translations")


def _deployment_as_model(handler: Any) -> Any:
    def routed(server: Any, req: RecordedRequest, match: Any) -> Scripted:
        ctype = req.headers.get("Content-Type") or ""
        if req.body is not None and ctype.startswith("application/json"):
            try:
                data = _json.loads(req.body.decode("utf-8"))
            except ValueError:
                data = None
            if isinstance(data, dict) and not data.get("model"):
                data["model"] = unquote(match.group("deployment"))
                req = dataclasses.replace(req, body=_json.dumps(data).encode("utf-8"))
        return handler(server, req, match)
    return routed


def azure_routes(core: Dict[Tuple[str, str], Any]) -> Dict[Tuple[str, str], Any]:
    """The Azure spellings of ``core``'s routes (``core`` holds /v1/... patterns)."""
    routes = {}  # type: Dict[Tuple[str, str], Any]
    for (method, pattern), handler in core.items():
        rest = pattern[len("/v1/"):]
        if rest in _AZURE_DEPLOYMENT_PATHS:
            routes[(method, r"/openai/deployments/(?P<deployment>[^/]+)/" + rest)] = _deployment_as_model(handler)
        else:
            routes[(method, r"/openai/" + rest)] = handler
    return routes


ROUTES = dict(_V1)  # type: Dict[Tuple[str, str], Any]

__all__ = ["ROUTES", "azure_routes", "parse_multipart"]
