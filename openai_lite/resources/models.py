from __future__ import annotations

from typing import Any, Mapping, Optional

from .._resource import SyncAPIResource
from .._types import NOT_GIVEN

__all__ = ["Models"]


class Models(SyncAPIResource):
    def retrieve(self, model: str, *, extra_headers: Optional[Mapping[str, Any]] = None,
                 extra_query: Optional[Mapping[str, Any]] = None, extra_body: Optional[Mapping[str, Any]] = None,
                 timeout: Any = NOT_GIVEN) -> Any:
        """Retrieves a model instance, providing basic information about the model such as the owner and permissioning."""
        return self._request("GET", "/models/{model}", path_params={"model": model}, cast_to="Model",
                             extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
                             timeout=timeout)

    def list(self, *, extra_headers: Optional[Mapping[str, Any]] = None,
             extra_query: Optional[Mapping[str, Any]] = None, extra_body: Optional[Mapping[str, Any]] = None,
             timeout: Any = NOT_GIVEN) -> Any:
        """Lists the currently available models, and provides basic information about each one such as the owner and availability."""
        return self._request("GET", "/models", cast_to="Model", page="SyncPage", extra_headers=extra_headers,
                             extra_query=extra_query, extra_body=extra_body, timeout=timeout)

    def delete(self, model: str, *, extra_headers: Optional[Mapping[str, Any]] = None,
               extra_query: Optional[Mapping[str, Any]] = None, extra_body: Optional[Mapping[str, Any]] = None,
               timeout: Any = NOT_GIVEN) -> Any:
        """Delete a fine-tuned model. You must have the Owner role in your organization to delete a model."""
        return self._request("DELETE", "/models/{model}", path_params={"model": model}, cast_to="ModelDeleted",
                             extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
                             timeout=timeout)
