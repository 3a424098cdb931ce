"""Generated code is ordinary code: ``inspect``, tracebacks and grep understand it.

- every generated method is a ``def`` in its family's module file (``inspect.getsource`` shows it);
- a traceback through a generated method names that file and line, never ``<string>``;
- nothing in the package builds code at run time (no ``exec``/``eval``/``compile`` call, no
  compressed tables of code).
"""
from __future__ import annotations

import ast
import inspect
import os
import sys
import traceback
from typing import Any, List

import pytest

from openai_lite import OpenAI
from _operations import OPERATIONS

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(REPO, "openai_lite")


def _resolve(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def test_getsource_of_a_method_shows_its_def() -> None:
    with OpenAI(api_key="sk-readable") as client:
        method = client.chat.completions.create
        source = inspect.getsource(method)
        assert source.lstrip().startswith("def create(")
        assert "messages," in source and "stream=NOT_GIVEN," in source
        assert '_call(self, locals(), "POST", "/chat/completions"' in source
        assert inspect.getsourcefile(method) == os.path.join(PACKAGE, "resources", "chat.py")
        assert method.__qualname__ == "Completions.create" and method.__module__ == "openai_lite.resources.chat"


def test_every_generated_method_is_a_def_in_its_module_file() -> None:
    with OpenAI(api_key="sk-readable") as client:
        for op in OPERATIONS:
            function = _resolve(client, op.name).__func__
            module = sys.modules[function.__module__]
            assert function.__code__.co_filename == module.__file__, op.name
            tree = ast.parse(inspect.getsource(function).strip())
            assert isinstance(tree.body[0], ast.FunctionDef) and tree.body[0].name == op.name.rsplit(".", 1)[1]


def test_child_resources_are_properties_with_source() -> None:
    from openai_lite.resources.beta import BetaThreads as Threads

    source = inspect.getsource(Threads.runs.fget)
    assert 'return self._child("runs", Runs)' in source


def test_traceback_through_a_generated_method_names_its_file() -> None:
    with OpenAI(api_key="sk-readable", base_url="http://127.0.0.1:9/v1", max_retries=0) as client:
        with pytest.raises(ValueError) as info:
            client.files.retrieve("")  # an empty path parameter fails before anything is sent
    frames = traceback.extract_tb(info.value.__traceback__)
    files = [frame.filename for frame in frames]
    assert "<string>" not in files
    mine = [frame for frame in frames if frame.name == "retrieve"]
    assert mine and mine[0].filename == os.path.join(PACKAGE, "resources", "files.py")
    assert mine[0].line and mine[0].line.startswith("return _call(self, locals()")


def _python_files() -> List[str]:
    found = []
    for folder, dirs, names in os.walk(PACKAGE):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found += [os.path.join(folder, n) for n in names if n.endswith(".py")]
    return found


def test_no_code_is_built_at_run_time() -> None:
    calls = []
    for path in _python_files():
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read(), path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                    "exec", "eval", "compile", "__import__"):
                calls.append("%s:%d %s" % (os.path.relpath(path, REPO), node.lineno, node.func.id))
    assert calls == []
    resources = os.listdir(os.path.join(PACKAGE, "resources"))
    assert not [n for n in resources if n.endswith(".dat")]  # no packed tables of methods


def test_types_is_an_attribute_of_the_package_before_any_response() -> None:
    import subprocess

    code = ("import sys, openai_lite\n"
            "assert 'openai_lite.types' not in sys.modules\n"
            "print(openai_lite.types.__name__, 'openai_lite.types.chat' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, check=True,
                         universal_newlines=True, timeout=60).stdout
    assert out.split() == ["openai_lite.types", "False"]


def test_getsource_of_a_type_shows_its_class() -> None:
    from openai_lite.types.beta.threads import Run
    from openai_lite.types.chat import ChatCompletion

    source = inspect.getsource(ChatCompletion)
    assert source.startswith("class ChatCompletion(BaseModel):") and '"choices": "ChatCompletionChoice"' in source
    assert inspect.getsourcefile(ChatCompletion) == os.path.join(PACKAGE, "types", "chat.py")
    assert inspect.getsource(Run).startswith("class Run(BaseModel):")
    assert inspect.getsourcefile(Run) == os.path.join(PACKAGE, "types", "beta", "threads", "__init__.py")
    from openai_lite.types import CreateEmbeddingResponse  # openai_lite.types keeps its classes in _defs.py

    assert inspect.getsourcefile(CreateEmbeddingResponse) == os.path.join(PACKAGE, "types", "_defs.py")


def test_first_touch_of_a_resource_loads_its_module_and_no_type() -> None:
    import json
    import subprocess

    code = ("import sys, json, openai_lite\n"
            "client = openai_lite.OpenAI(api_key='k')\n"
            "client.chat.completions\n"
            "client.responses\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('openai_lite.types', "
            "'openai_lite.resources')))))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, check=True,
                         universal_newlines=True, timeout=60).stdout
    assert json.loads(out) == ["openai_lite.resources", "openai_lite.resources._client_resources",
                               "openai_lite.resources.chat", "openai_lite.resources.responses"]


def test_type_modules_are_attributes_of_their_package() -> None:
    import subprocess

    code = ("import openai_lite\n"
            "print(openai_lite.types.chat.ChatCompletion.__name__, openai_lite.types.beta.threads.runs.RunStep.__name__)\n"
            "try:\n"
            "    openai_lite.types.no_such_module\n"
            "except AttributeError as error:\n"
            "    print('AttributeError', 'no_such_module' in str(error))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, check=True,
                         universal_newlines=True, timeout=60).stdout
    assert out.split() == ["ChatCompletion", "RunStep", "AttributeError", "True"]


def test_generated_class_statements_are_wrapped_at_the_line_limit() -> None:
    # STYLE: 120 columns; a long base (``name="..."``, openai-python's class name) goes on a line of its own
    # (only a class name too long for the line keeps its statement whole), and the wrapped class still reads
    long: List[str] = []
    for folder in ("types", "resources"):
        for root, _, files in os.walk(os.path.join(PACKAGE, folder)):
            for name in files:
                if name.endswith(".py"):
                    with open(os.path.join(root, name), encoding="utf-8") as f:
                        long += [line for line in f.read().splitlines() if line.startswith("class ")
                                 and len(line) > 120 and len(line.split("(")[0]) + 1 <= 120]
    assert long == []
    from openai_lite.types.beta import AgentSessionItemComputerUseApprovalRequestRequest as Wrapped

    source = inspect.getsource(Wrapped)
    assert source.startswith("class AgentSessionItemComputerUseApprovalRequestRequest(\n    BaseModel, name=")
    assert Wrapped.__name__ == "BrowserAuthenticationRequestItemResourceRequest"
