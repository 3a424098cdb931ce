"""openai-python's own examples, and the snippets of its README.md and helpers.md, run unchanged
here, only the import line changed.

They come from the pinned release's sdist at test time (``OPENAI_SDIST``: its .tar.gz or
unpacked folder; otherwise ``pip download`` fetches it, and the test skips when it cannot); nothing
of them is copied into this repository. Each sync example runs in a subprocess against the offline
server plus ``tests/_api_fake.py``, with ``from openai`` / ``import openai`` rewritten to
``openai_lite``. The ones that cannot run here are listed with the reason (README.rst says the same).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Dict

import pytest

from openai_lite.testing import OfflineServer

import _api_fake

ROOT = Path(__file__).resolve().parent.parent

# Examples that run, and what each needs beside the server.
RUN = {
    "azure.py": {}, "bedrock.py": {}, "demo.py": {}, "httpx2_client.py": {}, "image_stream.py": {},
    "module_client.py": {}, "parsing.py": {}, "parsing_stream.py": {}, "parsing_tools.py": {},
    "parsing_tools_stream.py": {}, "picture.py": {}, "responses_input_tokens.py": {},
    "bedrock_runtime.py": {"env": {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"},
                           "needs": "botocore"},
    "uploads.py": {"args": ["{file}", "disk"]},
    "responses/background.py": {}, "responses/background_streaming.py": {},
    "responses/multi_agent_streaming.py": {}, "responses/streaming.py": {}, "responses/streaming_tools.py": {},
    "responses/structured_outputs.py": {}, "responses/structured_outputs_tools.py": {},
}
# Examples that do not run here, and why (README.rst "Differences" lists the same).
NOT_RUN = {
    "async_demo.py": "asyncio client (AsyncOpenAI): openai_lite is synchronous",
    "speech_to_text.py": "asyncio client (AsyncOpenAI) and a microphone",
    "streaming.py": "its second half uses AsyncOpenAI (the sync half runs in demo.py's form)",
    "azure_ad.py": "needs azure-identity and AsyncAzureOpenAI",
    "mtls_httpx.py": "configures an httpx transport (mTLS here: OpenAI(cert=...))",
    "mtls_httpx2.py": "configures an httpx2 transport (mTLS here: OpenAI(cert=...))",
    "mtls_httpx_async.py": "asyncio and httpx", "mtls_httpx2_async.py": "asyncio and httpx2",
    "x509_workload_identity.py": "needs a client certificate the identity provider trusts",
    "x509_workload_identity_async.py": "asyncio client",
    "responses_websocket.py": "websockets are not supported",
    "responses/background_async.py": "asyncio client", "responses/background_streaming_async.py": "asyncio client",
    "responses/websocket.py": "websockets are not supported",
    "responses/multi_agent_websocket.py": "websockets are not supported",
}
SKIPPED_FOLDERS = ("realtime", "live", "browser", "browser-use-demo", "computer-desktop")  # websockets, GUIs


def _pinned_version() -> str:
    """The pinned openai release (tools/openai-release.txt, its one home)."""
    with open(ROOT / "tools" / "openai-release.txt", encoding="utf-8") as fh:
        return next(line.strip() for line in fh if line.strip() and not line.startswith("#"))


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    version = _pinned_version()
    given = os.environ.get("OPENAI_SDIST")
    if given and Path(given).is_dir():
        return Path(given) / "examples"
    where = tmp_path_factory.mktemp("openai-sdist")
    archive = Path(given) if given else None
    if archive is None:
        try:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                            "openai==%s" % version, "-d", str(where), "-q"], check=True, timeout=180,
                           capture_output=True)
        except (subprocess.SubprocessError, OSError) as exc:
            pytest.skip("the openai %s sdist is not available (set OPENAI_SDIST): %s" % (version, exc))
        archive = next(where.glob("openai-*.tar.gz"))
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and (
            "/examples/" in m.name or m.name.count("/") == 1 and m.name.endswith(("/README.md", "/helpers.md")))]
        tar.extractall(where, members=members)  # noqa: S202 - the package index's own archive
    return next(where.glob("openai-*/examples"))


@pytest.fixture(scope="module")
def fake_api() -> OfflineServer:
    with OfflineServer() as server:
        _api_fake.install(server)
        yield server


def _rewritten(source: str) -> str:
    source = re.sub(r"^(\s*)from openai(\.| )", r"\1from openai_lite\2", source, flags=re.M)
    return re.sub(r"^(\s*)import openai\b", r"\1import openai_lite as openai", source, flags=re.M)


def test_every_sync_example_is_run_or_listed(examples: Path) -> None:
    found = {str(p.relative_to(examples)) for p in examples.rglob("*.py")
             if p.parts[len(examples.parts)] not in SKIPPED_FOLDERS and p.name not in ("__init__.py",
                                                                                      "test_examples.py")}
    assert found == set(RUN) | set(NOT_RUN), (sorted(found - set(RUN) - set(NOT_RUN)),
                                               sorted((set(RUN) | set(NOT_RUN)) - found))


@pytest.mark.parametrize("name", sorted(RUN))
def test_example_runs(name: str, examples: Path, fake_api: OfflineServer, tmp_path: Path) -> None:
    for module in ("pydantic", "rich") + ((RUN[name]["needs"],) if "needs" in RUN[name] else ()):
        pytest.importorskip(module)
    script = tmp_path / Path(name).name
    script.write_text(_rewritten((examples / name).read_text(encoding="utf-8")), encoding="utf-8")
    upload = tmp_path / "upload.txt"
    upload.write_bytes(b"openai_lite example upload\n" * 4096)
    env: Dict[str, str] = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(examples)]), OPENAI_API_KEY="sk-example",
        OPENAI_BASE_URL=fake_api.url, AZURE_OPENAI_ENDPOINT=fake_api.root_url, AZURE_OPENAI_API_KEY="azure-key",
        OPENAI_API_VERSION="2024-10-21", AZURE_OPENAI_DEPLOYMENT_NAME="deployment", AWS_REGION="us-east-1",
        AWS_BEARER_TOKEN_BEDROCK="bedrock-token", AWS_BEDROCK_BASE_URL=fake_api.url, BEDROCK_MODEL="model",
        BEDROCK_RESPONSES_MODEL="model", AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        **RUN[name].get("env", {}))
    args = [a.format(file=upload) for a in RUN[name].get("args", [])]
    result = subprocess.run([sys.executable, str(script)] + args, env=env, cwd=str(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]


# -- README.md and helpers.md ------------------------------------------------------------------------------

# Code blocks (by position in the pinned release's file) that import openai and run without await.
DOC_BLOCKS = {"README.md": 32, "helpers.md": 24}  # how many python blocks each has (a new release: review)
DOC_NOT_RUN = {
    ("README.md", 1): "needs a Kubernetes pod (its service-account token file)",
    ("README.md", 6): "mTLS through an httpx2 transport and certificates from the environment",
    ("README.md", 14): "asyncio client (AsyncOpenAI)",
    ("README.md", 20): "a Flask app (webhooks)", ("README.md", 21): "a Flask app (webhooks)",
    ("README.md", 28): "an httpx2 transport (local_address): requests has no counterpart",
    ("README.md", 30): "mTLS through an httpx2 transport", ("README.md", 31): "mTLS through an httpx2 transport",
}
# The snippet uses ``openai.OpenAI()`` without importing openai: the test adds the import.
DOC_PRELUDE = {("helpers.md", 0): "import openai\n"}


def _doc_blocks(root: Path, name: str) -> list:
    return re.findall(r"```python\n(.*?)```", (root / name).read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("doc", sorted(DOC_BLOCKS))
def test_doc_snippets_run(doc: str, examples: Path, fake_api: OfflineServer, tmp_path: Path) -> None:
    pytest.importorskip("pydantic")
    blocks = _doc_blocks(examples.parent, doc)
    assert len(blocks) == DOC_BLOCKS[doc], "the %s of this release has other snippets: review the lists" % doc
    (tmp_path / "path" / "to").mkdir(parents=True)
    (tmp_path / "path" / "to" / "image.png").write_bytes(_api_fake.PNG)
    (tmp_path / "input.jsonl").write_bytes(b'{"custom_id": "1", "method": "POST", "url": "/v1/responses"}\n')
    env = dict(os.environ, PYTHONPATH=str(ROOT), OPENAI_API_KEY="sk-example", OPENAI_BASE_URL=fake_api.url)
    failed = []
    ran = 0
    for index, block in enumerate(blocks):
        if (doc, index) in DOC_NOT_RUN or not re.search(r"^(from openai|import openai)", block, re.M) \
                or "await " in block:
            continue
        script = tmp_path / ("%s_%d.py" % (doc[:-3], index))
        script.write_text(_rewritten(DOC_PRELUDE.get((doc, index), "") + block), encoding="utf-8")
        result = subprocess.run([sys.executable, str(script)], env=env, cwd=str(tmp_path), capture_output=True,
                                text=True, timeout=120)
        ran += 1
        if result.returncode != 0:
            failed.append("%s block %d: %s" % (doc, index, (result.stderr.strip().splitlines() or [""])[-1]))
    assert failed == [] and ran > 0
