"""The top of the command line: the option parser, which command runs, and how a failure becomes
one line on stderr and an exit code.

Only ``argparse`` is imported before a command runs: each command names its module and function
(``"module:function"``), imported after the options are read.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any, List, Optional, Tuple

from . import EXIT_API_ERROR, EXIT_CONNECTION, EXIT_INTERRUPTED, EXIT_USAGE

PROG = "openai-lite"
DESCRIPTION = """Call the OpenAI API from a shell, configured as the openai_lite library is
(OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID, Azure settings, proxies, OPENAI_LOG)."""
EPILOG = """exit codes: 0 done, 1 API error, 2 usage or configuration error, 3 connection failure or
timeout, 130 interrupted.

`openai-lite COMMAND --help` for a command; `openai-lite api` lists every RESOURCE.METHOD."""


class UsageError(Exception):
    """A mistake on the command line or in its input (exit code 2)."""


def common_options(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """Options accepted before and after the command name (after it, they are only set when given)."""
    default = (lambda value: value) if top else (lambda value: argparse.SUPPRESS)
    group = parser.add_argument_group("connection and output")
    base = ["--base-url"] + (["-b", "--api-base"] if top else [])
    group.add_argument(*base, dest="base_url", metavar="URL", default=default(None),
                       help="API base URL (default: OPENAI_BASE_URL, else https://api.openai.com/v1)")
    group.add_argument("--timeout", type=float, metavar="SECONDS", default=default(None),
                       help="timeout of each request (default 600)")
    group.add_argument("--max-retries", type=int, metavar="N", default=default(None),
                       help="retries of a failed request (default 2)")
    group.add_argument("-q", "--quiet", action="store_true", default=default(False),
                       help="no progress on stderr")
    group.add_argument("-v", "--verbose", action="count", default=default(0),
                       help="log requests, answers and retries on stderr (-vv: urllib3's log too); keys never appear")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, epilog=EPILOG, allow_abbrev=False,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-V", "--version", action="store_true", help="print the version and exit")
    auth = parser.add_argument_group("credentials and Azure (before the command)")
    auth.add_argument("-k", "--api-key", help="API key (default: OPENAI_API_KEY; prefer the variable: "
                                              "a command line is visible to other users)")
    auth.add_argument("-o", "--organization", help="organization (default: OPENAI_ORG_ID)")
    auth.add_argument("--project", help="project (default: OPENAI_PROJECT_ID)")
    auth.add_argument("-p", "--proxy", nargs="+", metavar="URL", help="proxy for http and https requests "
                                                                       "(default: HTTP(S)_PROXY)")
    auth.add_argument("-t", "--api-type", choices=("openai", "azure"),
                      help="azure for Azure OpenAI (default: OPENAI_API_TYPE; azure when an Azure endpoint is set)")
    auth.add_argument("--api-version", help="Azure API version (default: OPENAI_API_VERSION)")
    auth.add_argument("--azure-endpoint", help="Azure endpoint (default: AZURE_OPENAI_ENDPOINT)")
    auth.add_argument("--azure-ad-token", help="Azure AD token (default: AZURE_OPENAI_AD_TOKEN)")
    common_options(parser, top=True)

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(parent: Any, name: str, handler: str, help: str, **kwargs: Any) -> argparse.ArgumentParser:
        sub = parent.add_parser(name, help=help, description=help, allow_abbrev=False, **kwargs)
        sub.set_defaults(handler=handler)
        common_options(sub)
        return sub

    api = command(commands, "api", "_api:run", "call any method of the library: api RESOURCE.METHOD [options] "
                                               "(`api RESOURCE.METHOD --help` for its options; `api` alone "
                                               "lists the methods)")
    api.add_argument("method", nargs="?", metavar="RESOURCE.METHOD", help="e.g. chat.completions.create")
    api.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)

    chat = command(commands, "chat", "_commands:chat", "ask a model; the answer is printed as it arrives")
    chat.add_argument("prompt", nargs="*", help="the prompt (default, or '-': read standard input)")
    chat.add_argument("-m", "--model", default="gpt-4o-mini", help="model (default: %(default)s)")
    chat.add_argument("-s", "--system", help="a system message")
    chat.add_argument("--max-tokens", type=int, metavar="N", help="most tokens to generate")
    chat.add_argument("--temperature", type=float, help="sampling temperature")
    chat.add_argument("--json", action="store_true", help="print the whole completion as JSON (not streamed)")

    files = commands.add_parser("files", help="upload, download and list files", allow_abbrev=False)
    files_commands = files.add_subparsers(dest="files_command", metavar="COMMAND")
    files_commands.required = True
    upload = command(files_commands, "upload", "_commands:files_upload", "upload a file; prints its id")
    upload.add_argument("path", metavar="PATH", help="the file ('-': standard input)")
    upload.add_argument("--purpose", required=True,
                        help="assistants, batch, fine-tune, vision, user_data or evals")
    upload.add_argument("--filename", help="the name the API sees (default: the file's name)")
    upload.add_argument("--json", action="store_true", help="print the file object as JSON")
    download = command(files_commands, "download", "_commands:files_download", "download a file's content")
    download.add_argument("file_id", metavar="ID")
    download.add_argument("-o", "--output", metavar="PATH", help="where to write it ('-' or none: standard output)")
    listing = command(files_commands, "list", "_commands:files_list", "list files: id, bytes, purpose, filename")
    listing.add_argument("--purpose", help="only files with this purpose")
    listing.add_argument("--json", action="store_true", help="one JSON object a line")

    models = commands.add_parser("models", help="list models", allow_abbrev=False)
    models_commands = models.add_subparsers(dest="models_command", metavar="COMMAND")
    models_commands.required = True
    listing = command(models_commands, "list", "_commands:models_list", "list model ids")
    listing.add_argument("--json", action="store_true", help="one JSON object a line")

    batch = commands.add_parser("batch", help="run many requests through the Batch API", allow_abbrev=False)
    batch_commands = batch.add_subparsers(dest="batch_command", metavar="COMMAND")
    batch_commands.required = True
    submit = command(batch_commands, "submit", "_batch:submit",
                     "submit a JSONL file of requests; saves the job's state (its JOB file) and prints its path")
    submit.add_argument("input", metavar="INPUT.jsonl", help="one request a line ('-': standard input)")
    submit.add_argument("--endpoint", default="/v1/chat/completions", help="default: %(default)s")
    submit.add_argument("--completion-window", default="24h", help="default: %(default)s")
    submit.add_argument("--metadata", metavar="JSON", help="metadata object (JSON or @file.json)")
    submit.add_argument("--job", metavar="JOB", help="where to save the job's state (default: INPUT.job.json)")
    status = command(batch_commands, "status", "_batch:status", "print a job's state")
    status.add_argument("job", metavar="JOB", help="the job file written by submit")
    status.add_argument("--json", action="store_true", help="print it as JSON")
    wait = command(batch_commands, "wait", "_batch:wait", "wait until a job has finished; exit 0 if it completed, "
                                                          "1 if any batch failed, expired or was cancelled")
    wait.add_argument("job", metavar="JOB")
    wait.add_argument("--max-wait", type=float, metavar="SECONDS", help="give up after this long (exit 3)")
    results = command(batch_commands, "results", "_batch:results", "write a finished job's results as JSONL")
    results.add_argument("job", metavar="JOB")
    results.add_argument("-o", "--output", metavar="OUT.jsonl", help="default: standard output")
    results.add_argument("--unordered", action="store_true", help="as they come, not in input order")
    return parser


def run(argv: Optional[List[str]] = None) -> int:
    args: Any = None
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.version:
            from .._version import __version__

            sys.stdout.write("%s %s\n" % (PROG, __version__))
            return 0
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return EXIT_USAGE
        module, _, function = handler.partition(":")
        import importlib

        return getattr(importlib.import_module("." + module, __package__), function)(args) or 0
    except KeyboardInterrupt:
        _flush()
        sys.stderr.write("\n%s: interrupted\n" % PROG)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()  # the reader went away (``| head``): nothing more to say
        return 0
    except UsageError as exc:
        _error(args, str(exc))
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line and an exit code
        code, text = describe_error(exc)
        _error(args, text, exc if code not in (EXIT_USAGE,) else None)
        return code


def describe_error(exc: BaseException) -> Tuple[int, str]:
    """(exit code, one line) for an exception raised while a command ran."""
    from .. import _exceptions as errors
    from .._files import FileUploadError

    if isinstance(exc, errors.APIStatusError):
        detail = exc.message
        prefix = "Error code: %d - " % exc.status_code
        if detail.startswith(prefix):
            detail = detail[len(prefix):]
        text = "%d %s: %s" % (exc.status_code, type(exc).__name__, detail)
        if exc.request_id:
            text += " (request id: %s)" % exc.request_id
        return EXIT_API_ERROR, text
    if isinstance(exc, errors.APIConnectionError):
        return EXIT_CONNECTION, "%s: %s" % (type(exc).__name__, exc)
    if isinstance(exc, (FileUploadError, OSError, ValueError, TypeError)) or type(exc) is errors.OpenAIError:
        # unreadable input, a value the library refuses, a missing key: the caller's to fix
        return EXIT_USAGE, "%s: %s" % (type(exc).__name__, exc)
    if isinstance(exc, errors.OpenAIError):
        return EXIT_API_ERROR, "%s: %s" % (type(exc).__name__, exc)
    if type(exc).__name__ == "PollTimeoutError":
        return EXIT_CONNECTION, "%s: %s" % (type(exc).__name__, exc)
    return EXIT_API_ERROR, "%s: %s" % (type(exc).__name__, exc)


def _error(args: Any, text: str, exc: Optional[BaseException] = None) -> None:
    from ._config import scrub

    _flush()
    text = " ".join(scrub(text, args).split())  # one line, whatever the server sent
    if exc is not None and getattr(args, "verbose", 0):
        import traceback

        sys.stderr.write(scrub("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)), args))
    sys.stderr.write("%s: error: %s\n" % (PROG, text))


def _flush() -> None:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _quiet_stdout()


def _quiet_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
