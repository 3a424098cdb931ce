"""Top-level resources of the client, each imported the first time it is read."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .chat import Chat
    from .embeddings import Embeddings
    from .models import Models
    from .moderations import Moderations


class ClientResources:
    _resources: Any

    def _resource(self, name: str, module: str, cls: str) -> Any:
        found = self._resources.get(name)
        if found is None:
            import importlib

            found = self._resources[name] = getattr(importlib.import_module(module, __package__), cls)(self)
        return found

    @property
    def chat(self) -> "Chat":
        return self._resource("chat", ".chat", "Chat")

    @property
    def embeddings(self) -> "Embeddings":
        return self._resource("embeddings", ".embeddings", "Embeddings")

    @property
    def models(self) -> "Models":
        return self._resource("models", ".models", "Models")

    @property
    def moderations(self) -> "Moderations":
        return self._resource("moderations", ".moderations", "Moderations")
