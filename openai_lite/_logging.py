"""The ``openai_lite`` logger, ``OPENAI_LOG`` and header redaction.

Nothing here ever formats a credential: headers pass through ``redact_headers``
before they reach a log record.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Dict, Mapping

log = logging.getLogger("openai_lite")

SECRET_HEADERS = frozenset((
    "authorization", "api-key", "x-api-key", "proxy-authorization", "cookie", "openai-admin-key",
    "x-amz-security-token",
))
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
    return {k: ("<redacted>" if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}
