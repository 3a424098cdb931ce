"""The client a command uses, from the command-line options and the environment (read by the
library itself, as for any client), ``--verbose`` logging, and keeping keys out of what is printed."""
from __future__ import annotations

import logging
import os
import sys
from typing import Any, Dict, List

#: variables holding credentials: their values are masked in error lines and logs
_SECRET_VARIABLES = ("OPENAI_API_KEY", "OPENAI_ADMIN_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN",
                     "OPENAI_WEBHOOK_SECRET")


def secrets(args: Any) -> List[str]:
    """Every credential the command could use (the longest first, so none is masked half-way)."""
    found = [os.environ.get(name) for name in _SECRET_VARIABLES]
    found += [getattr(args, "api_key", None), getattr(args, "azure_ad_token", None)]
    return sorted({value for value in found if value and len(value) >= 4}, key=len, reverse=True)


def scrub(text: str, args: Any) -> str:
    """``text`` with every credential replaced by ``<redacted>``."""
    for secret in secrets(args):
        text = text.replace(secret, "<redacted>")
    return text


class _Scrubber(logging.Filter):
    """Formats each record and masks credentials in it (the library already redacts headers;
    this also covers anything a hook or a dependency might log)."""

    def __init__(self, args: Any) -> None:
        super().__init__()
        self.args = args

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage(), self.args)
        record.args = None
        return True


def setup_logging(args: Any) -> None:
    """``-v``: the library's log (requests, answers, retries) on stderr; ``-vv``: urllib3's as well."""
    verbosity = getattr(args, "verbose", 0) or 0
    if not verbosity:
        return
    from .. import _logging

    _logging._configured = True  # one handler: ours, rather than OPENAI_LOG's as well
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    handler.addFilter(_Scrubber(args))
    for name in ("openai_lite", "urllib3")[:verbosity]:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)


def _proxies(urls: List[str]) -> Dict[str, str]:
    """``--proxy URL [URL]``: one URL serves both schemes; with two, an https:// proxy serves https."""
    if len(urls) == 1:
        return {"http": urls[0], "https": urls[0]}
    return {("https" if url.startswith("https") else "http"): url for url in urls}


def make_client(args: Any) -> Any:
    """An ``OpenAI`` (or ``AzureOpenAI``) client built as the library builds one, with the options given."""
    setup_logging(args)
    kwargs: Dict[str, Any] = {}
    for option in ("api_key", "organization", "project", "base_url"):
        value = getattr(args, option, None)
        if value is not None:
            kwargs[option] = value
    if getattr(args, "timeout", None) is not None:
        kwargs["timeout"] = args.timeout
    if getattr(args, "max_retries", None) is not None:
        kwargs["max_retries"] = args.max_retries
    if getattr(args, "proxy", None):
        kwargs["proxies"] = _proxies(args.proxy)
    api_type = getattr(args, "api_type", None) or os.environ.get("OPENAI_API_TYPE") or None
    azure_endpoint = getattr(args, "azure_endpoint", None)
    if api_type == "azure" or (api_type is None and (azure_endpoint or os.environ.get("AZURE_OPENAI_ENDPOINT"))):
        from .._azure import AzureOpenAI

        for option in ("api_version", "azure_endpoint", "azure_ad_token"):
            value = getattr(args, option, None)
            if value is not None:
                kwargs[option] = value
        return AzureOpenAI(**kwargs)
    from .._client import OpenAI

    return OpenAI(**kwargs)
