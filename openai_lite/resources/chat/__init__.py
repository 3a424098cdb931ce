from __future__ import annotations

from ..._resource import SyncAPIResource
from .completions import Completions

__all__ = ["Chat", "Completions"]


class Chat(SyncAPIResource):
    @property
    def completions(self) -> Completions:
        return self._child("completions", Completions)
