"""Helpers for the Agents API (beta): turn results, typed tools, staged files, artifacts.

``client.beta.agents.sessions.stream(...)`` / ``create(..., stream=True)`` give streams whose
``get_final_result()`` is an ``AgentTurnResult``; ``function_tool`` / ``pydantic_function_tool`` make
tool handlers (pydantic needed for those); ``client.beta.agents.environments.files.prepare(...)`` gives
``PreparedAgentFiles``. The names load on first use.
"""
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as type checkers see them (at run time: __getattr__ below)
    from ._artifacts import AgentResultArtifacts
    from ._files import AgentFilePreparationError, AgentFileStagingError, PreparedAgentFiles, StagedAgentFile
    from ._results import AgentOutputParseError, AgentTurnResult, AgentTurnResultError, agent_text_format
    from ._sessions import AgentSessionEventStream, AgentSessionStream
    from ._tools import AgentToolError, FunctionTool, function_tool, pydantic_function_tool

__all__ = [
    "StagedAgentFile", "PreparedAgentFiles", "AgentFileStagingError", "AgentFilePreparationError",
    "FunctionTool", "function_tool", "pydantic_function_tool", "agent_text_format",
    "AgentTurnResult", "AgentTurnResultError", "AgentOutputParseError",
    "AgentSessionEventStream", "AgentSessionStream", "AgentResultArtifacts", "AgentToolError",
]

_HOMES = {
    "StagedAgentFile": "_files", "PreparedAgentFiles": "_files", "AgentFileStagingError": "_files",
    "AgentFilePreparationError": "_files",
    "FunctionTool": "_tools", "function_tool": "_tools", "pydantic_function_tool": "_tools",
    "AgentToolError": "_tools",
    "AgentTurnResult": "_results", "AgentTurnResultError": "_results", "AgentOutputParseError": "_results",
    "agent_text_format": "_results",
    "AgentSessionEventStream": "_sessions", "AgentSessionStream": "_sessions",
    "AgentResultArtifacts": "_artifacts",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    import importlib

    value = getattr(importlib.import_module("%s.%s" % (__name__, home)), name)
    globals()[name] = value
    return value


def __dir__() -> Any:
    return sorted(list(globals()) + __all__)
