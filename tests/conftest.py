"""Shared fixtures for the test suite.

- Every test starts from a clean environment: no OPENAI_*/AZURE_* variables, no proxy
  or CA-bundle variables, so the machine's settings never leak into a test.
- Retry backoff is pinned near zero (the pure policy functions are tested with the real
  numbers in tests/test_retries.py, marked ``real_backoff``); waits the *server* asks for
  (``retry-after-ms``, ``Retry-After``) are still honoured as sent.
- ``server`` is a fresh ``OfflineServer`` on loopback; the test fails if the server hit an
  internal error while serving.
"""
from __future__ import annotations

import socket
import time
from typing import Any, Callable, Iterator

import pytest

from openai_lite import _retry
from openai_lite.testing import OfflineServer

API_KEY = "sk-test-SECRETKEY-0123456789abcdef"
ADMIN_KEY = "sk-admin-ADMINSECRET-0123456789"
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hello there"}]}

_ENV_VARS = (
    "OPENAI_API_KEY", "OPENAI_ADMIN_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID",
    "OPENAI_WEBHOOK_SECRET", "OPENAI_LOG", "OPENAI_API_VERSION", "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN", "AZURE_OPENAI_ENDPOINT",
    "OPENAI_API_TYPE", "OPENAI_API_BASE", "OPENAI_API_KEY_PATH", "OPENAI_ORGANIZATION",  # what openai 0.28 read
    "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy",
    "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "NETRC",
)


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "real_backoff: keep the library's real retry backoff numbers")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _fast_backoff(request: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("real_backoff"):
        return
    monkeypatch.setattr(_retry, "INITIAL_RETRY_DELAY", 0.001)
    monkeypatch.setattr(_retry, "MAX_RETRY_DELAY", 0.004)
    monkeypatch.setattr(_retry.RetryPolicy, "random", staticmethod(lambda: 0.0))


@pytest.fixture
def server() -> Iterator[OfflineServer]:
    with OfflineServer() as srv:
        yield srv
        assert srv.errors == []


@pytest.fixture
def client(server: OfflineServer) -> Iterator[Any]:
    from openai_lite import OpenAI

    with OpenAI(api_key=API_KEY, base_url=server.url) as c:
        yield c


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (connections to it are refused)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def chat(c: Any, content: str = "hello there", **kwargs: Any) -> Any:
    return c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": content}], **kwargs)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll ``predicate`` until it is true (not a timing assertion: a generous bound)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()

