"""``client.beta.agents.sessions.artifacts.for_result(result)``: the files one completed turn published."""
from __future__ import annotations

from typing import Any, Mapping, Optional

from ...._types import NOT_GIVEN

__all__ = ["AgentResultArtifacts", "AgentArtifactsMixin"]


class AgentResultArtifacts:
    """The artifacts of one turn (an ``AgentTurnResult``), found by their path (beta)."""

    def __init__(self, resource: Any, result: Any) -> None:
        self._resource = resource
        self._session_id = result.session_id
        self._turn_id = result.turn_id

    def content(self, path: str, *, extra_headers: Optional[Mapping[str, Any]] = None,
                extra_query: Optional[Mapping[str, Any]] = None, extra_body: Optional[Mapping[str, Any]] = None,
                timeout: Any = NOT_GIVEN) -> Any:
        """The bytes of the turn's artifact at ``path`` (a binary response: ``.content``, ``.write_to_file``)."""
        options = {"extra_headers": extra_headers, "extra_query": extra_query, "extra_body": extra_body,
                   "timeout": timeout}
        artifact = self._find(path, options)
        return self._resource.content(artifact.id, session_id=self._session_id, **options)

    def download(self, path: str, *, to: Any, extra_headers: Optional[Mapping[str, Any]] = None,
                 extra_query: Optional[Mapping[str, Any]] = None, extra_body: Optional[Mapping[str, Any]] = None,
                 timeout: Any = NOT_GIVEN) -> Any:
        """Stream the turn's artifact at ``path`` to the local file ``to``; returns its ``SessionArtifact``."""
        options = {"extra_headers": extra_headers, "extra_query": extra_query, "extra_body": extra_body,
                   "timeout": timeout}
        artifact = self._find(path, options)
        with self._resource.with_streaming_response.content(artifact.id, session_id=self._session_id,
                                                             **options) as response:
            response.stream_to_file(to)
        return artifact

    def _find(self, path: str, options: Mapping[str, Any]) -> Any:
        found = None
        for artifact in self._resource.list(self._session_id, **options):
            if artifact.session_id == self._session_id and artifact.turn_id == self._turn_id and artifact.path == path:
                if found is not None:
                    raise ValueError("More than one artifact of turn %s has the path %r" % (self._turn_id, path))
                found = artifact
        if found is None:
            raise ValueError("Turn %s published no artifact at %r" % (self._turn_id, path))
        return found


class AgentArtifactsMixin:
    """Adds ``for_result`` to ``client.beta.agents.sessions.artifacts``."""

    def for_result(self, result: Any) -> AgentResultArtifacts:
        """The artifacts of the completed turn ``result`` (from ``get_final_result()``), read by path (beta)."""
        return AgentResultArtifacts(self, result)
