"""openai 0.28's module API on today's client: ``openai_lite.ChatCompletion.create(...)`` and friends.

Every class method here is one call into the client's request funnel (so retries, timeouts,
proxies and logging are today's), with 0.28's keywords taken off first:

- ``api_key``, ``api_base``, ``api_type``, ``api_version``, ``organization``: per-call settings
  over the module's (``_module_client.legacy_client``);
- ``request_timeout`` (seconds or ``(connect, read)``), ``request_id``, ``headers``;
- ``engine`` / ``deployment_id``: the Azure deployment; on OpenAI, where the ``/engines`` endpoints
  are gone, an ``engine`` stands for the ``model`` when none is given;
- ``timeout`` on ``create`` of the model endpoints: how long to keep trying while the server
  answers 409 (0.28's TryAgain), as 0.28 did.

Results are ``OpenAIObject`` dicts, streams yield them, errors are ``openai_lite.error``'s.
Loaded on first use of one of these names; ``import openai_lite`` does not import it.
"""
from __future__ import annotations

import time
from typing import Any, Dict, Iterator, Optional, Tuple
from urllib.parse import quote

from . import _exceptions as _v1
from . import error
from ._module_client import legacy_client
from .openai_object import OpenAIObject, convert

__all__ = [
    "ChatCompletion", "Completion", "Embedding", "Image", "Audio", "File", "FineTuningJob", "Moderation", "Model",
    "Edit", "FineTune", "Engine", "Customer", "Deployment", "ErrorObject",
]

_SETTINGS = ("api_key", "api_base", "api_type", "api_version", "organization")


class _Options:
    """A call's 0.28 control keywords, taken off its parameters."""

    __slots__ = ("overrides", "request_id", "request_timeout", "headers")

    def __init__(self, params: Dict[str, Any], given: Optional[Dict[str, Any]] = None) -> None:
        self.overrides = {name: params.pop(name, None) for name in _SETTINGS}
        for name, value in (given or {}).items():
            if value is not None:
                self.overrides[name] = value
        self.request_id = params.pop("request_id", None)
        self.request_timeout = params.pop("request_timeout", None)
        self.headers = params.pop("headers", None)

    def client(self) -> Any:
        return legacy_client(self.overrides)


def _is_azure(client: Any) -> bool:
    return hasattr(client, "_azure_endpoint")


def _id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise error.InvalidRequestError("Could not determine which URL to request: %s has an invalid ID: %r"
                                        % (what, value), "id")
    return quote(value, safe="")


def _call(options: _Options, method: str, path: str, *, client: Any = None, body: Any = None, files: Any = None,
          query: Any = None, stream: bool = False, binary: bool = False, text: bool = False) -> Any:
    from ._types import NOT_GIVEN

    client = client if client is not None else options.client()
    headers = dict(options.headers or {})
    if options.request_id is not None:
        headers["X-Request-Id"] = options.request_id
    if options.overrides.get("api_version") and not _is_azure(client):
        headers["OpenAI-Version"] = options.overrides["api_version"]  # as 0.28 sent it
    timeout = NOT_GIVEN if options.request_timeout is None else options.request_timeout
    try:
        result = client._request(method, path, body=body, files=files, query=query or None,
                                 headers=headers or None, stream=stream, binary=binary,
                                 cast_to=str if text else None, timeout=timeout)
        if binary:
            return result.content
    except _v1.OpenAIError as exc:
        raise error.from_v1(exc) from None
    if stream:
        return _chunks(result)
    return convert(getattr(result, "_data", result))


def _chunks(stream: Any) -> Iterator[OpenAIObject]:
    try:
        for chunk in stream:
            yield convert(getattr(chunk, "_data", chunk))
    except _v1.OpenAIError as exc:
        raise error.from_v1(exc) from None
    finally:
        stream.close()  # a loop left early gives the connection back


def _async_form(owner: str, name: str) -> Any:
    def refuse(cls: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "openai_lite is synchronous: %s.%s is not available. Call %s.%s(...) (run it in a thread, e.g. "
            "asyncio.to_thread, from async code)." % (owner, name, owner, name[1:]))

    refuse.__name__ = name
    refuse.__doc__ = "Not available: openai_lite is synchronous (use %s)." % name[1:]
    return classmethod(refuse)


class _Resource:
    """Base of the 0.28 resource classes; ``a<name>`` forms of their methods refuse clearly."""

    _methods: Tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls._methods:
            setattr(cls, "a" + name, _async_form(cls.__name__, "a" + name))


# --- model endpoints (0.28's EngineAPIResource) -------------------------------------------------


class _EngineResource(_Resource):
    _path = ""
    _methods = ("create",)

    @classmethod
    def create(cls, api_key: Optional[str] = None, api_base: Optional[str] = None, api_type: Optional[str] = None,
               request_id: Optional[str] = None, api_version: Optional[str] = None,
               organization: Optional[str] = None, **params: Any) -> Any:
        """POST the parameters as they are; ``stream=True`` gives a generator of chunks."""
        options = _Options(params, dict(api_key=api_key, api_base=api_base, api_type=api_type,
                                        api_version=api_version, organization=organization))
        options.request_id = request_id or options.request_id
        deployment_id = params.pop("deployment_id", None)
        engine = params.pop("engine", deployment_id)
        retry_window = params.pop("timeout", None)
        client = options.client()
        if _is_azure(client):
            if engine is None:
                raise error.InvalidRequestError("Must provide an 'engine' or 'deployment_id' parameter to create "
                                                "a %s" % cls.__name__, "engine")
            path = "/deployments/%s/%s" % (quote(str(engine), safe=""), cls._path)
        else:
            if params.get("model") is None:
                if engine is None:
                    raise error.InvalidRequestError("Must provide an 'engine' or 'model' parameter to create a %s"
                                                    % cls.__name__, "engine")
                params["model"] = engine  # the /engines endpoints are retired; the engine names a model
            path = "/" + cls._path
        start = time.monotonic()
        while True:
            try:
                return _call(options, "POST", path, client=client, body=params, stream=params.get("stream") is True)
            except error.TryAgain:
                # 0.28: keep trying while the model "warms up", until ``timeout`` seconds have passed
                if retry_window is None or time.monotonic() > start + retry_window:
                    raise
                time.sleep(min(1.0, max(0.0, start + retry_window - time.monotonic())))

class ChatCompletion(_EngineResource):
    """``POST /chat/completions``."""

    _path = "chat/completions"


class Completion(_EngineResource):
    """``POST /completions``."""

    _path = "completions"


class Embedding(_EngineResource):
    """``POST /embeddings``; as 0.28, asks for base64 and hands back lists of floats."""

    _path = "embeddings"

    @classmethod
    def create(cls, *args: Any, **params: Any) -> Any:  # noqa: D102  (documented on the class)
        decode = not params.get("encoding_format")
        if decode:
            params["encoding_format"] = "base64"
        result = super().create(*args, **params)
        if decode and isinstance(result, dict):
            import array
            import base64
            import sys

            for item in result.get("data") or []:
                if isinstance(item, dict) and isinstance(item.get("embedding"), str):
                    floats = array.array("f", base64.b64decode(item["embedding"]))
                    if sys.byteorder != "little":
                        floats.byteswap()
                    item["embedding"] = floats.tolist()
        return result


class Moderation(_Resource):
    _methods = ("create",)

    @classmethod
    def create(cls, input: Any, model: Optional[str] = None, api_key: Optional[str] = None,
               **params: Any) -> Any:
        """``POST /moderations``."""
        options = _Options(params, dict(api_key=api_key))
        body = dict(params, input=input)
        if model is not None:
            body["model"] = model
        return _call(options, "POST", "/moderations", body=body)


# --- images and audio ---------------------------------------------------------------------------


def _form(params: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


class Image(_Resource):
    _methods = ("create", "create_edit", "create_variation")

    @classmethod
    def create(cls, api_key: Optional[str] = None, api_base: Optional[str] = None, api_type: Optional[str] = None,
               api_version: Optional[str] = None, organization: Optional[str] = None, **params: Any) -> Any:
        """``POST /images/generations``."""
        options = _Options(params, dict(api_key=api_key, api_base=api_base, api_type=api_type,
                                        api_version=api_version, organization=organization))
        client = options.client()
        path = _deployment_path(client, params, "/images/generations")
        return _call(options, "POST", path, client=client, body=params)

    @classmethod
    def create_edit(cls, image: Any, mask: Any = None, api_key: Optional[str] = None, api_base: Optional[str] = None,
                    api_type: Optional[str] = None, api_version: Optional[str] = None,
                    organization: Optional[str] = None, **params: Any) -> Any:
        """``POST /images/edits`` (multipart: ``image``, ``mask`` and the other parameters)."""
        options = _Options(params, dict(api_key=api_key, api_base=api_base, api_type=api_type,
                                        api_version=api_version, organization=organization))
        files: Dict[str, Any] = {"image": image}
        if mask is not None:
            files["mask"] = mask
        client = options.client()
        path = _deployment_path(client, params, "/images/edits")
        return _call(options, "POST", path, client=client, body=_form(params), files=files)

    @classmethod
    def create_variation(cls, image: Any, api_key: Optional[str] = None, api_base: Optional[str] = None,
                         api_type: Optional[str] = None, api_version: Optional[str] = None,
                         organization: Optional[str] = None, **params: Any) -> Any:
        """``POST /images/variations`` (multipart)."""
        options = _Options(params, dict(api_key=api_key, api_base=api_base, api_type=api_type,
                                        api_version=api_version, organization=organization))
        return _call(options, "POST", "/images/variations", body=_form(params), files={"image": image})


def _deployment_path(client: Any, params: Dict[str, Any], path: str) -> str:
    """Azure: ``deployment_id=`` (or ``engine=``) goes in the path; elsewhere it names the model."""
    deployment = params.pop("deployment_id", None) or params.pop("engine", None)
    if deployment is not None and _is_azure(client):
        return "/deployments/%s%s" % (quote(str(deployment), safe=""), path)
    if deployment is not None and params.get("model") is None:
        params["model"] = deployment
    return path


class Audio(_Resource):
    _methods = ("transcribe", "translate", "transcribe_raw", "translate_raw")

    @classmethod
    def _send(cls, action: str, model: Any, upload: Any, params: Dict[str, Any],
              given: Dict[str, Any]) -> Any:
        options = _Options(params, given)
        client = options.client()
        path = _deployment_path(client, params, "/audio/" + action)
        body = _form(dict(params, model=model))
        text = str(body.get("response_format") or "json") not in ("json", "verbose_json")
        return _call(options, "POST", path, client=client, body=body, files={"file": upload}, text=text)

    @classmethod
    def transcribe(cls, model: str, file: Any, api_key: Optional[str] = None, api_base: Optional[str] = None,
                   api_type: Optional[str] = None, api_version: Optional[str] = None,
                   organization: Optional[str] = None, **params: Any) -> Any:
        """``POST /audio/transcriptions`` with an open file; text formats answer a ``str``."""
        return cls._send("transcriptions", model, file, params, dict(api_key=api_key, api_base=api_base,
                         api_type=api_type, api_version=api_version, organization=organization))

    @classmethod
    def translate(cls, model: str, file: Any, api_key: Optional[str] = None, api_base: Optional[str] = None,
                  api_type: Optional[str] = None, api_version: Optional[str] = None,
                  organization: Optional[str] = None, **params: Any) -> Any:
        """``POST /audio/translations`` with an open file."""
        return cls._send("translations", model, file, params, dict(api_key=api_key, api_base=api_base,
                         api_type=api_type, api_version=api_version, organization=organization))

    @classmethod
    def transcribe_raw(cls, model: str, file: bytes, filename: str, api_key: Optional[str] = None,
                       api_base: Optional[str] = None, api_type: Optional[str] = None,
                       api_version: Optional[str] = None, organization: Optional[str] = None, **params: Any) -> Any:
        """``transcribe`` with the audio as bytes and its file name."""
        return cls._send("transcriptions", model, (filename, file), params, dict(api_key=api_key,
                         api_base=api_base, api_type=api_type, api_version=api_version, organization=organization))

    @classmethod
    def translate_raw(cls, model: str, file: bytes, filename: str, api_key: Optional[str] = None,
                      api_base: Optional[str] = None, api_type: Optional[str] = None,
                      api_version: Optional[str] = None, organization: Optional[str] = None, **params: Any) -> Any:
        """``translate`` with the audio as bytes and its file name."""
        return cls._send("translations", model, (filename, file), params, dict(api_key=api_key,
                         api_base=api_base, api_type=api_type, api_version=api_version, organization=organization))


# --- listable resources -------------------------------------------------------------------------


class _Listable(_Resource):
    _path = ""
    _methods = ("list", "retrieve")

    @classmethod
    def list(cls, api_key: Optional[str] = None, request_id: Optional[str] = None,
             api_version: Optional[str] = None, organization: Optional[str] = None, api_base: Optional[str] = None,
             api_type: Optional[str] = None, **params: Any) -> Any:
        """``GET`` the collection; the result has ``data``. Other keywords go in the query."""
        options = _Options(params, dict(api_key=api_key, api_version=api_version, organization=organization,
                                        api_base=api_base, api_type=api_type))
        options.request_id = request_id or options.request_id
        return _call(options, "GET", cls._path, query=params)

    @classmethod
    def retrieve(cls, id: str, api_key: Optional[str] = None, request_id: Optional[str] = None,
                 request_timeout: Any = None, **params: Any) -> Any:
        options = _Options(params, dict(api_key=api_key))
        options.request_id = request_id or options.request_id
        options.request_timeout = request_timeout or options.request_timeout
        return _call(options, "GET", "%s/%s" % (cls._path, _id(id, cls.__name__)), query=params)


class _Deletable(_Listable):
    _methods = ("list", "retrieve", "delete")

    @classmethod
    def delete(cls, sid: str, api_type: Optional[str] = None, api_version: Optional[str] = None,
               request_id: Optional[str] = None, request_timeout: Any = None, **params: Any) -> Any:
        options = _Options(params, dict(api_type=api_type, api_version=api_version))
        options.request_id = request_id or options.request_id
        options.request_timeout = request_timeout or options.request_timeout
        return _call(options, "DELETE", "%s/%s" % (cls._path, _id(sid, cls.__name__)), query=params)


class Model(_Deletable):
    """``/models``: ``list``, ``retrieve``, ``delete``."""

    _path = "/models"


class File(_Deletable):
    """``/files``: ``create``, ``list``, ``retrieve``, ``delete``, ``download``."""

    _path = "/files"
    _methods = ("create", "list", "retrieve", "delete", "download")

    @classmethod
    def create(cls, file: Any, purpose: str, model: Optional[str] = None, api_key: Optional[str] = None,
               api_base: Optional[str] = None, api_type: Optional[str] = None, api_version: Optional[str] = None,
               organization: Optional[str] = None, user_provided_filename: Optional[str] = None,
               **params: Any) -> Any:
        """Upload an open (binary) file, bytes or a path; ``user_provided_filename`` names it."""
        options = _Options(params, dict(api_key=api_key, api_base=api_base, api_type=api_type,
                                        api_version=api_version, organization=organization))
        upload = (user_provided_filename, file) if user_provided_filename is not None else file
        body = _form(dict(params, purpose=purpose, model=model))
        return _call(options, "POST", cls._path, body=body, files={"file": upload})

    @classmethod
    def download(cls, id: str, api_key: Optional[str] = None, api_base: Optional[str] = None,
                 api_type: Optional[str] = None, api_version: Optional[str] = None,
                 organization: Optional[str] = None, **params: Any) -> bytes:
        """The file's content as bytes."""
        options = _Options(params, dict(api_key=api_key, api_base=api_base, api_type=api_type,
                                        api_version=api_version, organization=organization))
        return _call(options, "GET", "%s/%s/content" % (cls._path, _id(id, "File")), binary=True)


class FineTuningJob(_Listable):
    """``/fine_tuning/jobs``: ``create``, ``list``, ``retrieve``, ``cancel``, ``list_events``."""

    _path = "/fine_tuning/jobs"
    _methods = ("create", "list", "retrieve", "cancel", "list_events")

    @classmethod
    def create(cls, api_key: Optional[str] = None, api_base: Optional[str] = None, api_type: Optional[str] = None,
               request_id: Optional[str] = None, api_version: Optional[str] = None,
               organization: Optional[str] = None, **params: Any) -> Any:
        options = _Options(params, dict(api_key=api_key, api_base=api_base, api_type=api_type,
                                        api_version=api_version, organization=organization))
        options.request_id = request_id or options.request_id
        return _call(options, "POST", cls._path, body=params)

    @classmethod
    def cancel(cls, id: str, api_key: Optional[str] = None, api_type: Optional[str] = None,
               request_id: Optional[str] = None, api_version: Optional[str] = None, **params: Any) -> Any:
        options = _Options(params, dict(api_key=api_key, api_type=api_type, api_version=api_version))
        options.request_id = request_id or options.request_id
        return _call(options, "POST", "%s/%s/cancel" % (cls._path, _id(id, "FineTuningJob")))

    @classmethod
    def list_events(cls, id: str, **params: Any) -> Any:
        """The job's events (``limit=``, ``after=`` go in the query); the result has ``data``."""
        options = _Options(params)
        return _call(options, "GET", "%s/%s/events" % (cls._path, _id(id, "FineTuningJob")), query=params)


# --- what the API retired ---------------------------------------------------------------------------

_RETIRED = {
    "Edit": ("/v1/edits", "ChatCompletion.create (or client.chat.completions.create) with an instruction"),
    "FineTune": ("/v1/fine-tunes", "FineTuningJob (or client.fine_tuning.jobs)"),
    "Engine": ("/v1/engines", "Model (or client.models); pass model= instead of engine="),
    "Customer": ("the /customer endpoints", "nothing: the API has no such endpoint any more"),
    "Deployment": ("Azure's /openai/deployments management API", "the Azure portal, CLI or management SDK"),
}


class _RetiredMeta(type):
    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        endpoint, replacement = _RETIRED[cls.__name__]

        def retired(*args: Any, **kwargs: Any) -> Any:
            raise error.InvalidRequestError(
                "openai.%s.%s: the API retired %s; use %s instead." % (cls.__name__, name, endpoint, replacement),
                None)

        return retired


def _retired(name: str) -> type:
    endpoint, replacement = _RETIRED[name]
    doc = "Retired: the API no longer serves %s. Use %s." % (endpoint, replacement)
    return _RetiredMeta(name, (), {"__doc__": doc, "__module__": __name__})


Edit = _retired("Edit")
FineTune = _retired("FineTune")
Engine = _retired("Engine")
Customer = _retired("Customer")
Deployment = _retired("Deployment")


class ErrorObject(OpenAIObject):
    """0.28's error object (``err.error``): ``message``, ``type``, ``param``, ``code``."""
