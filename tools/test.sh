#!/usr/bin/env bash
# The project's test command (README.rst and .ci/run call exactly this).
# Builds three virtual environments and runs the whole suite in the first two:
#   newest: the newest requests and urllib3 2.x
#   oldest: the oldest supported, requests 2.25.1 with urllib3 1.26.x
#   next:   pre-releases of requests and urllib3 (or the minor before the newest); transport tests only
#   olddiff: urllib3 1.26.x with requests 2.26.0 and the pinned openai release beside them; only the
#            tests that compare against openai (the differential test and its kin)
# then checks that the package's syntax needs nothing newer than Python 3.8 (vermin).
# Extra arguments go to pytest, e.g. `bash tools/test.sh -k retry` or `bash tools/test.sh tests/test_streaming.py`.
# SUITES picks the suites (default: all), e.g. `SUITES=oldest bash tools/test.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

suite() {
  local name="$1"; shift
  local venv=".venv-$name"
  [ -x "$venv/bin/python" ] || "$PY" -m venv "$venv"
  "$venv/bin/python" -m pip install -q -e ".[${EXTRAS:-test}]" "$@"
  echo "== $name: $("$venv/bin/python" -c 'import requests, urllib3, sys; print("python", sys.version.split()[0], "requests", requests.__version__, "urllib3", urllib3.__version__)')"
  "$venv/bin/python" -m pytest -q -p no:cacheprovider "${PYTEST_ARGS[@]}"
}

# Prism mocks the API from the spec for tests/test_conformance_prism.py (needs node + npm).
PRISM_VERSION=5.16.0
if ! grep -qs "\"version\": \"$PRISM_VERSION\"" .prism/node_modules/@stoplight/prism-cli/package.json; then
  if command -v npm >/dev/null 2>&1; then
    npm install --prefix .prism --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$PRISM_VERSION"
  else
    echo "== npm not found: Prism not installed (the conformance test fails under CI, skips otherwise)"
  fi
fi
export PRISM_BIN="$PWD/.prism/node_modules/.bin/prism"

PYTEST_ARGS=("$@")
# pydantic and jsonschema only in the newest suite: the oldest proves nothing needs them.
# botocore (the bedrock extra, SigV4) only in the newest suite: the oldest proves bearer tokens need nothing more.
# The type checks (pyright and mypy from the typecheck extra; tests/test_types.py) run in the newest only.
# The official openai package, pinned in tools/openai-release.txt, is the differential test's reference
# (tests/test_differential.py): newest suite only, never a runtime dependency; required there.
OPENAI_RELEASE="$(grep -v '^#' tools/openai-release.txt | tr -d '[:space:]')"
SUITES="${SUITES:-newest oldest olddiff next}"
wants() { case " $SUITES " in *" $1 "*) return 0;; *) return 1;; esac; }
# (`if`, not `wants X && suite X`: a function called inside && runs with `set -e` switched off.)
if wants newest; then
  OPENAI_LITE_REQUIRE_OPENAI=1 EXTRAS=test,typecheck,bedrock suite newest --upgrade "requests" "urllib3>=2" "pydantic>=2" \
    jsonschema "openai==$OPENAI_RELEASE"
fi
if wants oldest; then
  EXTRAS=test OPENAI_LITE_SKIP_TYPECHECK=1 suite oldest "requests==2.25.1" "urllib3>=1.26,<1.27"
fi

# The third set (next): requests and urllib3 at their newest pre-releases, or at the newest release of
# the minor before the newest when there are none (tools/next_pins.py asks pip), so an upstream change
# shows before users see it. Only the transport-facing tests run there, to keep it quick.
if wants next; then
  [ -x .venv-next/bin/python ] || "$PY" -m venv .venv-next
  NEXT_PINS="$(.venv-next/bin/python tools/next_pins.py requests urllib3)"
  PYTEST_ARGS=(tests/test_faults.py tests/test_hardening.py tests/test_deadline.py tests/test_compat.py
               tests/test_streaming.py tests/test_retries.py tests/test_timeouts.py "$@")
  # shellcheck disable=SC2086 # the pins are separate words
  EXTRAS=test OPENAI_LITE_SKIP_TYPECHECK=1 suite next $NEXT_PINS
fi

# The fourth set (olddiff): the differential test again on the oldest end, so "same request, same objects
# as openai" is proved on urllib3 1.26 too. openai brings pydantic 2 and httpx, which the oldest suite
# must not have, hence a set of its own; it runs only the tests that read openai. requests is 2.26.0 here,
# not 2.25.1: 2.25 pins idna<3 and openai's httpx2 needs idna>=3.18, so no environment holds both.
if wants olddiff; then
  PYTEST_ARGS=(tests/test_differential.py tests/test_differential_helpers.py tests/test_union_picking.py
               tests/test_client_keywords.py tests/test_openai_snippets.py tests/test_type_paths.py
               tests/test_helper_params.py "$@")
  OPENAI_LITE_REQUIRE_OPENAI=1 EXTRAS=test OPENAI_LITE_SKIP_TYPECHECK=1 suite olddiff "requests==2.26.0" \
    "urllib3>=1.26,<1.27" "openai==$OPENAI_RELEASE"
fi

if ! wants newest; then echo "suites passed: $SUITES"; exit 0; fi
echo "== vermin: Python 3.8 syntax"
.venv-newest/bin/vermin --target=3.8- --violations --no-tips --eval-annotations --backport typing openai_lite examples
echo "all suites passed"
