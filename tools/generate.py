#!/usr/bin/env python3
"""Generate ``openai_lite/resources/`` and ``openai_lite/types/`` from the OpenAPI spec and ``methods.txt``.

    python tools/generate.py              # write the generated files
    python tools/generate.py --check      # exit 1 if the committed output is not what we would write
    python tools/generate.py --spec PATH  # openapi.yaml (or its directory; methods.txt is read beside it)

Inputs: ``spec/openapi.yaml`` and ``spec/methods.txt`` (copies kept in the repository; see spec/README).
``methods.txt`` names every method the way openai-python does (``client.beta.threads.runs.create
POST /threads/{thread_id}/runs``); the spec supplies parameters, bodies, responses and docs.
The generator itself is the ``tools/gen`` package (its docstring maps the stages to the files they write).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gen.run import main  # noqa: E402
from gen.spec import Spec  # noqa: E402,F401  (tests build types from the spec with these)
from gen.typegen import TypeGen  # noqa: E402,F401

if __name__ == "__main__":
    sys.exit(main())
