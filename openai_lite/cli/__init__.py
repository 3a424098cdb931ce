"""The ``openai-lite`` command (also ``python -m openai_lite``): the API from a shell, configured
as the library is (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ...).

    openai-lite chat "Say hi"                      # streamed to stdout
    openai-lite api chat.completions.create -m gpt-4o-mini -g user "Hello"
    openai-lite files upload data.jsonl --purpose batch

Exit codes: 0 done, 1 the API answered with an error, 2 usage or configuration error (bad option,
missing key, unreadable input file), 3 connection failure or timeout, 130 interrupted (Ctrl-C).

Start-up is kept short: reading the options imports only ``argparse``; a command imports the
library (and, for ``api``, the one resource family) when it runs.
"""
from __future__ import annotations

from typing import List, Optional

__all__ = ["main", "EXIT_OK", "EXIT_API_ERROR", "EXIT_USAGE", "EXIT_CONNECTION", "EXIT_INTERRUPTED"]

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_CONNECTION = 3
EXIT_INTERRUPTED = 130


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); the exit code."""
    from ._main import run

    return run(argv)
