"""Every error openai_lite raises, with the same names and attributes as openai-python.

    OpenAIError
    ├── APIError                        message, request, body, code, param, type
    │   ├── APIResponseValidationError  the server answered 2xx with data we cannot read
    │   ├── APIStatusError              status_code, response, request_id
    │   │   ├── BadRequestError             400
    │   │   ├── AuthenticationError         401
    │   │   │   └── OAuthError              a workload-identity token exchange was refused
    │   │   ├── PermissionDeniedError       403
    │   │   ├── NotFoundError               404
    │   │   ├── ConflictError               409
    │   │   ├── UnprocessableEntityError    422
    │   │   ├── RateLimitError              429
    │   │   └── InternalServerError         >= 500
    │   └── APIConnectionError          the request never got a complete answer
    │       └── APITimeoutError
    ├── LengthFinishReasonError / ContentFilterFinishReasonError   (structured outputs)
    ├── SubjectTokenProviderError      a workload-identity subject token could not be read or fetched
    └── InvalidWebhookSignatureError (also a ValueError)

Exceptions pickle (for multiprocessing and the like): what travels is the status,
the headers with credentials removed, the body and the message, never the request's
credentials. The message carries the server's error message, never the whole body.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Optional

__all__ = [
    "OpenAIError", "APIError", "APIStatusError", "APIConnectionError", "APITimeoutError",
    "APIResponseValidationError", "BadRequestError", "AuthenticationError", "PermissionDeniedError",
    "NotFoundError", "ConflictError", "UnprocessableEntityError", "RateLimitError",
    "InternalServerError", "LengthFinishReasonError", "ContentFilterFinishReasonError",
    "InvalidWebhookSignatureError", "OAuthError", "SubjectTokenProviderError", "WebSocketConnectionClosedError",
    "WebSocketQueueFullError", "status_error_from_response",
]

from ._logging import SECRET_HEADERS


class OpenAIError(Exception):
    pass


class APIError(OpenAIError):
    message: str
    request: Any
    body: Optional[object]
    code: Optional[str] = None
    param: Optional[str] = None
    type: Optional[str] = None

    def __init__(self, message: str, request: Any = None, *, body: Optional[object]) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body
        if isinstance(body, dict):
            self.code = _as_str(body.get("code"))
            self.param = _as_str(body.get("param"))
            self.type = _as_str(body.get("type"))
        else:
            self.code = self.param = self.type = None

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> Any:
        return (_rebuild_error, (type(self), self._pickle_state()))

    def _pickle_state(self) -> Dict[str, Any]:
        return {"message": self.message, "body": self.body, "request": _RequestSnapshot.of(self.request)}


class APIResponseValidationError(APIError):
    response: Any
    status_code: int

    def __init__(self, response: Any, body: Optional[object], *, message: Optional[str] = None) -> None:
        super().__init__(message or "Data returned by API invalid for expected schema.",
                         getattr(response, "request", None), body=body)
        self.response = response
        self.status_code = getattr(response, "status_code", 0)

    def _pickle_state(self) -> Dict[str, Any]:
        state = super()._pickle_state()
        state["response"] = _ResponseSnapshot.of(self.response)
        return state


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status."""

    response: Any
    status_code: int
    request_id: Optional[str]

    def __init__(self, message: str, *, response: Any, body: Optional[object]) -> None:
        super().__init__(message, getattr(response, "request", None), body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id = response.headers.get("x-request-id")

    def __str__(self) -> str:
        if self.request_id:
            return "%s (request id: %s)" % (self.message, self.request_id)
        return self.message

    def _pickle_state(self) -> Dict[str, Any]:
        state = super()._pickle_state()
        state["response"] = _ResponseSnapshot.of(self.response)
        return state


class BadRequestError(APIStatusError):
    status_code = 400


class AuthenticationError(APIStatusError):
    status_code = 401


class OAuthError(AuthenticationError):
    """The token issuer refused a workload-identity token exchange (400, 401 or 403); ``error`` is the
    OAuth error code (``invalid_grant``...), the message its ``error_description``."""

    error: Optional[str] = None

    def __init__(self, *, response: Any, body: Optional[object]) -> None:
        message = "OAuth authentication error."
        error = None
        if isinstance(body, dict):
            error = _as_str(body.get("error"))
            description = body.get("error_description")
            if isinstance(description, str) and description:
                message = description
        super().__init__(message, response=response, body=body)
        self.status_code = response.status_code
        self.error = error

    def _pickle_state(self) -> Dict[str, Any]:
        return dict(super()._pickle_state(), error=self.error)


class SubjectTokenProviderError(OpenAIError):
    """A workload-identity subject token could not be read (token file) or fetched (metadata service);
    ``response`` is the metadata service's answer when there was one."""

    def __init__(self, message: str, *, response: Any = None) -> None:
        super().__init__(message)
        self.response = response

    def __reduce__(self) -> Any:
        return (type(self), (str(self),))


class PermissionDeniedError(APIStatusError):
    status_code = 403


class NotFoundError(APIStatusError):
    status_code = 404


class ConflictError(APIStatusError):
    status_code = 409


class UnprocessableEntityError(APIStatusError):
    status_code = 422


class RateLimitError(APIStatusError):
    status_code = 429


class InternalServerError(APIStatusError):
    pass


class APIConnectionError(APIError):
    def __init__(self, *, message: str = "Connection error.", request: Any = None) -> None:
        super().__init__(message, request, body=None)

    def __reduce__(self) -> Any:
        return (_rebuild_error, (type(self), {"message": self.message, "request": _RequestSnapshot.of(self.request)}))


class APITimeoutError(APIConnectionError):
    def __init__(self, request: Any = None, *, message: str = "Request timed out.") -> None:
        super().__init__(message=message, request=request)


class LengthFinishReasonError(OpenAIError):
    def __init__(self, *, completion: Any) -> None:
        usage = getattr(completion, "usage", None)
        msg = "Could not parse response content as the length limit was reached"
        if usage is not None:
            msg += " - %s" % (usage,)
        super().__init__(msg)
        self.completion = completion

    def __reduce__(self) -> Any:
        return (_rebuild_finish, (type(self), self.completion))


class ContentFilterFinishReasonError(OpenAIError):
    def __init__(self, *, completion: Any = None) -> None:
        super().__init__("Could not parse response content as the request was rejected by the content filter")
        self.completion = completion

    def __reduce__(self) -> Any:
        return (_rebuild_finish, (type(self), self.completion))


class InvalidWebhookSignatureError(ValueError):
    """A webhook payload whose signature or timestamp does not check out."""


class WebSocketConnectionClosedError(OpenAIError):
    """openai-python's error for a WebSocket closed with messages unsent.

    openai_lite opens no WebSockets, so it never raises this; it exists so that ``except`` clauses
    written for openai-python still work. ``unsent_messages`` holds the text messages, ``unsent_frames``
    every frame in order (bytes included).
    """

    def __init__(self, message: str, *, unsent_messages: Any = ()) -> None:
        super().__init__(message)
        self.unsent_frames = list(unsent_messages)
        self.unsent_messages = []
        for frame in self.unsent_frames:
            if isinstance(frame, bytes):
                try:
                    frame = frame.decode("utf-8")
                except UnicodeDecodeError:
                    continue  # opaque binary stays in unsent_frames only
            self.unsent_messages.append(frame)

    def __repr__(self) -> str:  # the frames may hold anything the caller sent: keep them out of logs
        return "%s(%r)" % (type(self).__name__, str(self))

    def __reduce__(self) -> Any:  # the frames are a keyword: pickle rebuilds from the message, then the state
        return (type(self), (str(self),), self.__dict__)


class WebSocketQueueFullError(OpenAIError):
    """openai-python's error for a full WebSocket send queue; never raised here (no WebSockets)."""


_STATUS_ERRORS = {
    400: BadRequestError, 401: AuthenticationError, 403: PermissionDeniedError, 404: NotFoundError,
    409: ConflictError, 422: UnprocessableEntityError, 429: RateLimitError,
}


def _as_str(value: Any) -> Optional[str]:
    return value if value is None or isinstance(value, str) else str(value)


def error_class_for(status: int) -> type:
    if status >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status, APIStatusError)


_MAX_ERROR_TEXT = 500


def status_error_from_response(response: Any, content: bytes) -> APIStatusError:
    """One table from status to class; the message is the server's own, not its whole body."""
    text = content.decode("utf-8", "replace").strip()
    try:
        body: Any = json.loads(text) if text else None
    except (ValueError, RecursionError):  # RecursionError: nested too deeply to parse; kept as text
        body = text or None
    data = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(data, dict) and data.get("message"):
        detail = str(data["message"])
    elif isinstance(data, dict) or isinstance(data, list):
        detail = json.dumps(data)[:_MAX_ERROR_TEXT]
    elif isinstance(data, str):
        detail = data if len(data) <= _MAX_ERROR_TEXT else data[:_MAX_ERROR_TEXT] + "..."
        if data.lstrip().startswith("<"):
            detail = "%s (HTML body)" % (response.reason or "error",)
    else:
        detail = response.reason or "no body"
    message = "Error code: %d - %s" % (response.status_code, detail)
    return error_class_for(response.status_code)(message, response=response, body=data)


# --- pickling -------------------------------------------------------------------------------------


class _RequestSnapshot:
    """What survives pickling of a request: method and URL, no headers, no body."""

    def __init__(self, method: Optional[str], url: Optional[str]) -> None:
        self.method = method
        self.url = url
        self.headers: Dict[str, str] = {}
        self.body = None

    @classmethod
    def of(cls, request: Any) -> Optional["_RequestSnapshot"]:
        if request is None:
            return None
        return cls(getattr(request, "method", None), getattr(request, "url", None))

    def __repr__(self) -> str:
        return "<Request [%s]>" % (self.method,)


class _ResponseSnapshot:
    """A read-only stand-in for the HTTP response after unpickling."""

    def __init__(self, status_code: int, headers: Dict[str, str], content: bytes, url: Optional[str],
                 reason: Optional[str], request: Optional[_RequestSnapshot]) -> None:
        from requests.structures import CaseInsensitiveDict

        self.status_code = status_code
        self.headers = CaseInsensitiveDict(headers)
        self.content = content
        self.url = url
        self.reason = reason
        self.request = request

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)

    @classmethod
    def of(cls, response: Any) -> Optional["_ResponseSnapshot"]:
        if response is None or isinstance(response, _ResponseSnapshot):
            return response  # an unpickled error pickled again keeps its body
        headers = {k: v for k, v in getattr(response, "headers", {}).items() if k.lower() not in SECRET_HEADERS}
        from ._compat import read_content

        content = read_content(response) or b""
        return cls(response.status_code, headers, content, getattr(response, "url", None),
                   getattr(response, "reason", None), _RequestSnapshot.of(getattr(response, "request", None)))

    def __reduce__(self) -> Any:
        return (_ResponseSnapshot, (self.status_code, dict(self.headers), self.content, self.url, self.reason, self.request))


def _rebuild_error(cls: type, state: Dict[str, Any]) -> APIError:
    err = cls.__new__(cls)
    Exception.__init__(err, state["message"])
    response = state.get("response")
    body = state.get("body")
    err.message = state["message"]
    err.request = state.get("request")
    err.body = body
    if isinstance(body, dict):
        err.code, err.param, err.type = _as_str(body.get("code")), _as_str(body.get("param")), _as_str(body.get("type"))
    else:
        err.code = err.param = err.type = None
    if "error" in state:
        err.error = state["error"]
    if response is not None:
        err.response = response
        err.status_code = response.status_code
        if isinstance(err, APIStatusError):
            err.request_id = response.headers.get("x-request-id")
    return err


def _rebuild_finish(cls: type, completion: Any) -> OpenAIError:
    return cls(completion=completion)
