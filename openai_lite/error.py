"""openai 0.28's exceptions, for code that catches ``openai.error.*``.

    OpenAIError                 http_status, http_body, json_body, headers, code, request_id,
    │                           organization, error, user_message  (also openai_lite.OpenAIError)
    ├── APIError                any other status (500, 502, ...), an unreadable body, a stream error
    ├── TryAgain                409
    ├── Timeout                 the request timed out
    ├── APIConnectionError      the request never got an answer
    ├── InvalidRequestError     400, 404, 415 (with ``param``)
    ├── AuthenticationError     401, or no API key
    ├── PermissionError         403
    ├── RateLimitError          429
    ├── ServiceUnavailableError 503
    ├── InvalidAPIType          an ``api_type`` that is not open_ai, azure or azure_ad
    └── SignatureVerificationError

The statuses map to classes as 0.28 mapped them. An error raised by the 0.28-style API
(``openai_lite.ChatCompletion.create`` ...) is an instance of both its 0.28 class and the
1.x class the client raised (``openai_lite.RateLimitError`` ...), so ``except`` clauses of
either generation catch it. Its message is the server's own; keys never appear in it.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Optional, Tuple

from . import _exceptions as _v1
from ._logging import SECRET_HEADERS

__all__ = [
    "OpenAIError", "APIError", "TryAgain", "Timeout", "APIConnectionError", "InvalidRequestError",
    "AuthenticationError", "PermissionError", "RateLimitError", "ServiceUnavailableError", "InvalidAPIType",
    "SignatureVerificationError",
]


class OpenAIError(_v1.OpenAIError):
    """Base of 0.28's errors; ``str()`` is ``"Request <id>: <message>"`` when the server gave a request id."""

    def __init__(self, message: Optional[str] = None, http_body: Any = None, http_status: Optional[int] = None,
                 json_body: Any = None, headers: Any = None, code: Optional[str] = None) -> None:
        # Not super(): in a class that is also a 1.x error the next __init__ wants a response.
        Exception.__init__(self, message)
        if isinstance(http_body, (bytes, bytearray)):
            http_body = bytes(http_body).decode("utf-8", "replace")
        self._message = message
        self.http_body = http_body
        self.http_status = http_status
        self.json_body = json_body
        self.headers = headers or {}
        self.code = code
        self.request_id = self.headers.get("x-request-id") or self.headers.get("request-id")
        self.organization = self.headers.get("openai-organization")
        self.error = _error_object(json_body)

    def __str__(self) -> str:
        message = self._message or "<empty message>"
        if self.request_id is not None:
            return "Request %s: %s" % (self.request_id, message)
        return message

    @property
    def user_message(self) -> Optional[str]:
        """The server's message without the request id."""
        return self._message

    def __repr__(self) -> str:
        return "%s(message=%r, http_status=%r, request_id=%r)" % (
            type(self).__name__, self._message, self.http_status, self.request_id)

    def __reduce__(self) -> Any:
        state = dict(self.__dict__)
        for name, snapshot in (("response", _v1._ResponseSnapshot.of), ("request", _v1._RequestSnapshot.of)):
            if name in state:
                state[name] = snapshot(state[name])
        state["headers"] = {k: v for k, v in dict(self.headers).items() if k.lower() not in SECRET_HEADERS}
        return (_rebuild, (_class_key(type(self)), self.args, state))


class APIError(OpenAIError):
    pass


class TryAgain(OpenAIError):
    pass


class Timeout(OpenAIError):
    pass


class APIConnectionError(OpenAIError):
    def __init__(self, message: Optional[str] = None, http_body: Any = None, http_status: Optional[int] = None,
                 json_body: Any = None, headers: Any = None, code: Optional[str] = None,
                 should_retry: bool = False) -> None:
        super().__init__(message, http_body, http_status, json_body, headers, code)
        self.should_retry = should_retry


class InvalidRequestError(OpenAIError):
    def __init__(self, message: Optional[str], param: Optional[str], code: Optional[str] = None,
                 http_body: Any = None, http_status: Optional[int] = None, json_body: Any = None,
                 headers: Any = None) -> None:
        super().__init__(message, http_body, http_status, json_body, headers, code)
        self.param = param

    def __repr__(self) -> str:
        return "%s(message=%r, param=%r, code=%r, http_status=%r, request_id=%r)" % (
            type(self).__name__, self._message, self.param, self.code, self.http_status, self.request_id)


class AuthenticationError(OpenAIError):
    pass


class PermissionError(OpenAIError):  # noqa: A001  (0.28's name)
    pass


class RateLimitError(OpenAIError):
    pass


class ServiceUnavailableError(OpenAIError):
    pass


class InvalidAPIType(OpenAIError):
    pass


class SignatureVerificationError(OpenAIError):
    def __init__(self, message: Optional[str], sig_header: Any, http_body: Any = None) -> None:
        super().__init__(message, http_body)
        self.sig_header = sig_header


def _error_object(json_body: Any) -> Any:
    if isinstance(json_body, dict) and isinstance(json_body.get("error"), dict):
        from .openai_object import OpenAIObject

        return OpenAIObject.construct_from(json_body["error"])
    return None


# --- from the client's (1.x) errors -----------------------------------------------------------


def _class_for_status(status: int) -> type:
    # The order 0.28 checked them in: 503 before anything else, then 429, 400/404/415, 401, 403, 409.
    if status == 503:
        return ServiceUnavailableError
    if status == 429:
        return RateLimitError
    if status in (400, 404, 415):
        return InvalidRequestError
    return {401: AuthenticationError, 403: PermissionError, 409: TryAgain}.get(status, APIError)


_both: Dict[Tuple[type, type], type] = {}


def _combined(legacy: type, v1: type) -> type:
    """A class that is both ``legacy`` (0.28) and ``v1`` (the client's), named as the 0.28 one."""
    cls = _both.get((legacy, v1))
    if cls is None:
        cls = type(legacy.__name__, (legacy, v1), {"__module__": __name__, "__qualname__": legacy.__name__,
                                                    "_pair": (legacy, v1)})
        _both[(legacy, v1)] = cls
    return cls


def _class_key(cls: type) -> Any:
    pair = cls.__dict__.get("_pair")
    return pair if pair is not None else cls


def _rebuild(key: Any, args: Tuple[Any, ...], state: Dict[str, Any]) -> OpenAIError:
    cls = _combined(*key) if isinstance(key, tuple) else key
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


def from_v1(exc: BaseException) -> BaseException:
    """The 0.28 error for an error the client raised (anything else is returned as it is)."""
    if isinstance(exc, OpenAIError) or not isinstance(exc, _v1.OpenAIError):
        return exc
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None) if response is not None else None
    body = getattr(exc, "body", None)
    message = str(getattr(exc, "message", None) or exc)
    http_body = json_body = None
    headers: Any = {}
    if isinstance(exc, _v1.APITimeoutError):
        legacy: type = Timeout
    elif isinstance(exc, _v1.APIConnectionError):
        legacy = APIConnectionError
    elif isinstance(exc, _v1.APIStatusError) and status is not None:
        legacy = _class_for_status(status)
        headers = response.headers
        content = getattr(response, "_content", None)
        if isinstance(content, bytes):
            http_body = content.decode("utf-8", "replace")
            try:
                json_body = json.loads(http_body)
            except ValueError:
                json_body = None
        if isinstance(body, dict) and body.get("message"):
            message = str(body["message"])
    elif isinstance(exc, _v1.APIError):
        legacy = APIError  # a 2xx the client could not read, or an error event inside a stream
        if isinstance(body, dict) and body.get("message"):
            message = str(body["message"])
        if not isinstance(exc, _v1.APIResponseValidationError):
            message += " (Error occurred while streaming.)"
    else:
        return exc  # e.g. a missing key or a structured-outputs error: not an API error
    cls = _combined(legacy, type(exc))
    err = cls.__new__(cls)
    err.__dict__.update(exc.__dict__)  # the 1.x attributes: message, body, status_code, response...
    OpenAIError.__init__(err, message, http_body, status, json_body, headers,
                         getattr(exc, "code", None))
    if isinstance(err, InvalidRequestError):
        err.param = getattr(exc, "param", None)
    err.__traceback__ = exc.__traceback__
    return err
