from __future__ import annotations

from typing import Any, List, Mapping, Optional, Union

from .._resource import SyncAPIResource
from .._types import NOT_GIVEN, NotGiven

__all__ = ["Moderations"]


class Moderations(SyncAPIResource):
    def create(
        self,
        *,
        input: Union[str, List[str], List[Any]],
        model: Union[str, NotGiven] = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, Any]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Classifies if text and/or image inputs are potentially harmful."""
        return self._request("POST", "/moderations", body={"input": input, "model": model},
                             cast_to="CreateModerationResponse", extra_headers=extra_headers,
                             extra_query=extra_query, extra_body=extra_body, timeout=timeout)
