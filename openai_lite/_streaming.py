"""Server-sent events as a generator of response objects (placeholder: full version in the streaming work)."""
from __future__ import annotations

import json
from typing import Any, Iterator

from sseclient import SSEClient

from ._exceptions import APIError
from ._models import construct
from ._transport import translate

__all__ = ["Stream"]


class Stream:
    def __init__(self, *, response: Any, client: Any, cast_to: Any) -> None:
        self.response = response
        self._client = client
        self._cast_to = cast_to
        self._iterator = self._events()

    def _events(self) -> Iterator[Any]:
        response = self.response
        request_id = response.headers.get("x-request-id")
        try:
            for event in SSEClient(response.iter_content(None)).events():
                if event.data.startswith("[DONE]"):
                    break
                data = json.loads(event.data)
                if isinstance(data, dict) and data.get("error"):
                    raise APIError(str(data["error"].get("message", data["error"])), response.request, body=data["error"])
                yield construct(self._cast_to, data, request_id)
        except APIError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise translate(exc, response.request) from exc
        finally:
            response.close()

    def __iter__(self) -> Iterator[Any]:
        return self._iterator

    def __next__(self) -> Any:
        return next(self._iterator)

    def close(self) -> None:
        self._iterator.close()
        self.response.close()

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
