"""``client.beta.agents.environments.files``: ``prepare``, ``prepare_directory`` and ``upload``.

Local files go to the Files API (purpose ``user_data``), one at a time, streamed from disk; the uploads
stay the caller's (delete them with ``client.files.delete`` when done). Destinations are absolute POSIX
paths under ``/workspace`` outside the environment's reserved folders. Only regular files are sent:
symlinks are refused, so that a path cannot lead outside what the caller chose.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ...._exceptions import OpenAIError
from ...._types import NOT_GIVEN, NotGiven, Omit

__all__ = ["AgentEnvironmentFilesMixin", "PreparedAgentFiles", "StagedAgentFile", "AgentFilePreparationError",
           "AgentFileStagingError"]

_RESERVED_TOP = (".codex", ".managed-agents")


class PreparedAgentFiles:
    """The environment ``files`` entries to create a session with, and the Files API uploads behind them
    (``uploaded_file_ids``: the caller's to delete)."""

    def __init__(self, files: Optional[List[Dict[str, str]]] = None,
                 uploaded_file_ids: Optional[List[str]] = None) -> None:
        self.files: List[Dict[str, str]] = files if files is not None else []
        self.uploaded_file_ids: List[str] = uploaded_file_ids if uploaded_file_ids is not None else []

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, PreparedAgentFiles) and (self.files, self.uploaded_file_ids) == (
            other.files, other.uploaded_file_ids)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "PreparedAgentFiles(files=%r, uploaded_file_ids=%r)" % (self.files, self.uploaded_file_ids)


class StagedAgentFile:
    """A file staged in an environment (``file``: the ``EnvironmentFile``) and its Files API upload."""

    __slots__ = ("uploaded_file_id", "file")

    def __init__(self, uploaded_file_id: str, file: Any) -> None:
        self.uploaded_file_id = uploaded_file_id
        self.file = file

    def __repr__(self) -> str:
        return "StagedAgentFile(uploaded_file_id=%r, file=%r)" % (self.uploaded_file_id, self.file)


class AgentFilePreparationError(OpenAIError):
    """``prepare`` failed part way; ``prepared`` holds the uploads that succeeded (the caller's to delete).
    The cause is chained."""

    def __init__(self, prepared: PreparedAgentFiles) -> None:
        super().__init__("Could not prepare every agent file; the %d upload(s) that succeeded are in "
                         "error.prepared (yours to delete)" % len(prepared.uploaded_file_ids))
        self.prepared = prepared

    def __reduce__(self) -> Any:  # pickles (multiprocessing): rebuilt from what it carries
        return (type(self), (self.prepared,))


class AgentFileStagingError(OpenAIError):
    """``upload`` sent the file to the Files API but could not stage it; ``uploaded_file_id`` is yours to
    delete. The cause is chained."""

    def __init__(self, uploaded_file_id: str) -> None:
        super().__init__("Could not stage the agent file; its upload %s remains (yours to delete)" % uploaded_file_id)
        self.uploaded_file_id = uploaded_file_id

    def __reduce__(self) -> Any:
        return (type(self), (self.uploaded_file_id,))


def check_destination(value: Any) -> str:
    """``value`` if it is an absolute POSIX file path under ``/workspace`` that may be written, else
    ``ValueError`` saying why."""
    if not isinstance(value, str) or not value.startswith("/workspace/") or "\x00" in value or "\\" in value:
        raise ValueError("Agent file destinations must be absolute POSIX file paths under /workspace, not %r"
                         % (value,))
    parts = value.split("/")[1:]
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError("Agent file destination %r has an empty, '.' or '..' component" % (value,))
    if parts[1] in _RESERVED_TOP or parts[1].startswith(".managed-agents-") or value == "/workspace/outputs":
        raise ValueError("Agent file destination %r is a reserved environment path" % (value,))
    return value


def _regular_file(source: Any) -> Path:
    path = Path(source).absolute()
    if path.is_symlink():
        raise ValueError("Agent files must not be symlinks: %s" % path)
    if not path.is_file():
        raise ValueError("Agent files must be regular files: %s" % path)
    return path


def _has_idempotency_key(*header_maps: Optional[Mapping[str, Any]]) -> bool:
    return any(name.lower() == "idempotency-key" and not isinstance(value, (NotGiven, Omit))
               for headers in header_maps if headers for name, value in headers.items())


def _selection(files: Mapping[str, Any], default_headers: Optional[Mapping[str, Any]],
               extra_headers: Optional[Mapping[str, Any]]) -> List[Tuple[str, Path]]:
    if not isinstance(files, Mapping):
        raise TypeError("prepare() takes a mapping of destination path -> local file, not %s"
                        % type(files).__name__)
    if len(files) > 1 and _has_idempotency_key(default_headers, extra_headers):
        raise ValueError("One Idempotency-Key cannot be used for several file uploads")
    destinations = {check_destination(destination) for destination in files}
    for destination in destinations:
        if any(str(parent) in destinations for parent in PurePosixPath(destination).parents):
            raise ValueError("Agent file destination %r is inside another selected file's path" % destination)
    return [(destination, _regular_file(source)) for destination, source in files.items()]


def directory_selection(root: Any, destination: str, include: Sequence[str]) -> Dict[str, Path]:
    """The files under ``root`` that the ``include`` glob patterns select, by destination path."""
    if isinstance(include, str) or not include:
        raise ValueError("Select a directory's files with a list of include patterns (e.g. ['**/*.md'])")
    directory = Path(root).absolute()
    try:
        root_stat = directory.lstat()
    except (FileNotFoundError, NotADirectoryError):
        root_stat = None
    if root_stat is None or not stat.S_ISDIR(root_stat.st_mode):
        raise ValueError("%s is not a directory (or is a symlink)" % directory)
    directory = directory.resolve()  # aliases above the root (macOS /tmp) are fine
    if not os.path.samestat(root_stat, directory.lstat()):
        raise ValueError("The directory %s changed while its path was resolved" % directory)
    check_destination(destination + "/a")
    for pattern in include:
        if not pattern or PurePosixPath(pattern).is_absolute() or ".." in PurePosixPath(pattern).parts:
            raise ValueError("Include pattern %r must stay inside the directory" % (pattern,))
    selected: Dict[str, Path] = {}
    for pattern in include:
        for source in sorted(directory.glob(pattern)):
            step = source
            while step != directory:
                if step.is_symlink():
                    raise ValueError("Agent files must not be symlinks: %s" % step)
                step = step.parent
            if source.is_dir():
                continue
            relative = source.relative_to(directory).as_posix()
            selected[str(PurePosixPath(destination) / relative)] = source
    if not selected:
        raise ValueError("The include patterns %r select no file under %s" % (list(include), directory))
    return selected


class AgentEnvironmentFilesMixin:
    """Adds ``prepare``, ``prepare_directory`` and ``upload`` to ``client.beta.agents.environments.files``."""

    def prepare(self, files: Mapping[str, Any], *, extra_headers: Optional[Mapping[str, Any]] = None,
                extra_query: Optional[Mapping[str, Any]] = None, extra_body: Optional[Mapping[str, Any]] = None,
                timeout: Any = NOT_GIVEN) -> PreparedAgentFiles:
        """Upload local files for a new hosted environment: ``{"/workspace/a.pdf": Path("a.pdf")}``.

        Returns ``PreparedAgentFiles``: pass ``.files`` as the environment's ``files``. Bad destinations
        or sources are a ``ValueError`` before anything is sent; a failed upload is an
        ``AgentFilePreparationError`` whose ``prepared`` lists the uploads made (beta)."""
        client = self._client  # type: ignore[attr-defined]
        options = {"extra_headers": extra_headers, "extra_query": extra_query, "extra_body": extra_body,
                   "timeout": timeout}
        selection = _selection(files, getattr(client, "default_headers", None), extra_headers)
        prepared = PreparedAgentFiles()
        try:
            for destination, source in selection:
                with source.open("rb") as handle:
                    uploaded = client.files.create(file=(source.name, handle), purpose="user_data", **options)
                prepared.uploaded_file_ids.append(uploaded.id)
                prepared.files.append({"type": "file_id", "file_id": uploaded.id, "path": destination})
        except Exception as error:
            raise AgentFilePreparationError(prepared) from error
        return prepared

    def prepare_directory(self, root: Any, *, destination: str, include: Sequence[str],
                          extra_headers: Optional[Mapping[str, Any]] = None,
                          extra_query: Optional[Mapping[str, Any]] = None,
                          extra_body: Optional[Mapping[str, Any]] = None,
                          timeout: Any = NOT_GIVEN) -> PreparedAgentFiles:
        """``prepare`` the files under ``root`` that the ``include`` glob patterns select, each placed under
        ``destination`` at its path relative to ``root`` (beta)."""
        return self.prepare(directory_selection(root, destination, include), extra_headers=extra_headers,
                            extra_query=extra_query, extra_body=extra_body, timeout=timeout)

    def upload(self, environment_id: str, *, file: Any, path: str,
               extra_headers: Optional[Mapping[str, Any]] = None, extra_query: Optional[Mapping[str, Any]] = None,
               extra_body: Optional[Mapping[str, Any]] = None, timeout: Any = NOT_GIVEN) -> StagedAgentFile:
        """Upload ``file`` (any upload form) and stage it at ``path`` in an existing environment.

        A failure after the upload is an ``AgentFileStagingError`` naming the upload (beta)."""
        if not isinstance(environment_id, str) or not environment_id:
            raise ValueError("Expected a non-empty value for `environment_id` but received %r" % (environment_id,))
        destination = check_destination(path)
        client = self._client  # type: ignore[attr-defined]
        options = {"extra_headers": extra_headers, "extra_query": extra_query, "extra_body": extra_body,
                   "timeout": timeout}
        content = file[1] if isinstance(file, tuple) else file
        if isinstance(content, os.PathLike):
            local = _regular_file(content)
            with local.open("rb") as handle:
                part = (file[0], handle) + tuple(file[2:]) if isinstance(file, tuple) else (local.name, handle)
                uploaded = client.files.create(file=part, purpose="user_data", **options)
        else:
            uploaded = client.files.create(file=file, purpose="user_data", **options)
        try:
            staged = self.create(environment_id, type="file_id", file_id=uploaded.id,  # type: ignore[attr-defined]
                                 path=destination, **options)
        except Exception as error:
            raise AgentFileStagingError(uploaded.id) from error
        return StagedAgentFile(uploaded.id, staged)
