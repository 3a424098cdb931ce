from __future__ import annotations

from typing import Any, List, Mapping, Optional, Union

from .._resource import SyncAPIResource
from .._types import NOT_GIVEN, NotGiven

__all__ = ["Embeddings"]


class Embeddings(SyncAPIResource):
    def create(
        self,
        *,
        input: Union[str, List[str], List[int], List[List[int]]],
        model: str,
        dimensions: Union[int, NotGiven] = NOT_GIVEN,
        encoding_format: Union[str, NotGiven] = NOT_GIVEN,
        user: Union[str, NotGiven] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, Any]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Creates an embedding vector representing the input text."""
        return self._request(
            "POST", "/embeddings",
            body={"input": input, "model": model, "dimensions": dimensions, "encoding_format": encoding_format,
                  "user": user},
            cast_to="CreateEmbeddingResponse",
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )
