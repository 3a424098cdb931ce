"""The ``openai_lite`` logger (the package's one logger), ``OPENAI_LOG``, and redaction.

Nothing here ever formats a credential: headers pass through ``redact_headers`` before they
reach a log record, and every exception leaving the client passes through ``scrub``, which
replaces each credential the client knows wherever it shows (our messages, a server echoing the
key in its error body, a proxy quoting its password), whatever put it there.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Dict, Iterable, List, Mapping

log = logging.getLogger("openai_lite")

# The one list of header names whose values are secret (logs, pickles, exception text).
SECRET_HEADERS = frozenset((
    "authorization", "api-key", "x-api-key", "proxy-authorization", "cookie", "set-cookie", "openai-admin-key",
    "x-amz-security-token",
))
REDACTED = "<redacted>"
_MIN_SECRET = 8  # shorter strings are not treated as secrets: replacing them would garble messages
_configured = False


def setup_from_env() -> None:
    """``OPENAI_LOG=debug|info`` attaches a stderr handler once (as openai-python does)."""
    global _configured
    if _configured:
        return
    _configured = True
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(os.environ.get("OPENAI_LOG", "").lower())
    if level is None:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s"))
    handler._openai_lite_console = True  # type: ignore[attr-defined]  # console_log adds no second one
    log.addHandler(handler)
    log.setLevel(level)


def console_log(level_name: Any) -> None:
    """openai 0.28's ``openai.log = "debug" | "info"``: log to stderr at that level (once)."""
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(str(level_name).lower())
    if level is None:
        raise ValueError("openai_lite.log must be 'debug', 'info' or None, got %r" % (level_name,))
    if not any(getattr(h, "_openai_lite_console", False) for h in log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s"))
        handler._openai_lite_console = True  # type: ignore[attr-defined]
        log.addHandler(handler)
    log.setLevel(level)


def redact_headers(headers: Mapping[str, Any]) -> Dict[str, Any]:
    return {k: (REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def secrets_in_headers(headers: Any) -> List[str]:
    """The secret header values of a request, and the credential inside each (after ``Bearer ``)."""
    found: List[str] = []
    if headers is None:
        return found
    for name, value in headers.items():
        if isinstance(value, str) and name.lower() in SECRET_HEADERS:
            found.append(value)
            scheme, _, credential = value.partition(" ")
            if credential and scheme.isalpha():
                found.append(credential.strip())
    return found


def scrub(exc: BaseException, secrets: Iterable[Any]) -> BaseException:
    """Remove every secret from ``exc``'s text (args, ``message``, ``body``), in place; when a linked
    exception (``__cause__`` / ``__context__``, which tracebacks print) shows one, the link is cut."""
    known = sorted({s for s in secrets if isinstance(s, str) and len(s) >= _MIN_SECRET}, key=len, reverse=True)
    if not known:
        return exc

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            for secret in known:
                if secret in value:
                    value = value.replace(secret, REDACTED)
            return value
        if isinstance(value, dict):
            return {clean(k): clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(clean(v) for v in value)
        return value

    try:
        exc.args = tuple(clean(arg) for arg in exc.args)
        for attr in ("message", "body"):
            if attr in vars(exc):
                setattr(exc, attr, clean(getattr(exc, attr)))
    except Exception:  # noqa: BLE001 - an exception type that refuses new attributes: cut below anyway
        pass
    link: Any = exc.__cause__ or exc.__context__
    depth = 0
    while link is not None and depth < 16:
        depth += 1
        try:
            text = "%s %r" % (link, link)
        except Exception:  # noqa: BLE001
            text = ""
        if any(secret in text for secret in known):
            exc.__cause__ = None
            exc.__suppress_context__ = True
            break
        link = link.__cause__ or link.__context__
    return exc
