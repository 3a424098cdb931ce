"""Test helpers for code that uses ``openai_lite``.

This package is *not* imported by ``import openai_lite``; import it explicitly::

    from openai_lite.testing import OfflineServer, Scripted

    with OfflineServer() as server:
        server.enqueue(Scripted(status=500, json={"error": {"message": "boom"}}))
        client = OpenAI(api_key="sk-test", base_url=server.url)
        ...

It only uses the Python standard library.
"""

from ._server import (
    DEFAULT_ROUTES,
    FAULTS,
    HTTPError,
    OfflineServer,
    RecordedRequest,
    Scripted,
    error_body,
)
from ._batches import BatchAPI

__all__ = [
    "BatchAPI",
    "DEFAULT_ROUTES",
    "FAULTS",
    "HTTPError",
    "OfflineServer",
    "RecordedRequest",
    "Scripted",
    "error_body",
]
