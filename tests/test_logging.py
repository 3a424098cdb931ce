"""Logging: retries with reasons and waits, secrets never logged, OPENAI_LOG turns on a stderr handler."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from conftest import ADMIN_KEY, API_KEY, CHAT, chat
from openai_lite import APIConnectionError, AzureOpenAI, NotFoundError, OpenAI
from openai_lite._logging import redact_headers
from openai_lite.testing import Scripted

AZURE_KEY = "azure-LOGKEY-0123456789abcdef"
AD_TOKEN = "eyJ-LOG-AD-TOKEN-0123456789"
SECRETS = (API_KEY, ADMIN_KEY, AZURE_KEY, AD_TOKEN)
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def debug_log(caplog):
    caplog.set_level(logging.DEBUG, logger="openai_lite")
    return caplog


def _texts(caplog):
    out = []
    for record in caplog.records:
        out.append(record.getMessage())
        out.append(repr(record.args))
        out.append(str(record.msg))
        if record.exc_info:
            out.append(logging.Formatter().formatException(record.exc_info))
    return out


def assert_no_secret(caplog):
    for text in _texts(caplog):
        for secret in SECRETS:
            assert secret not in text, text


def test_call_and_retried_call_are_logged(client, server, debug_log):
    chat(client)
    server.enqueue(Scripted.error(503, "busy", headers={"retry-after-ms": "20"}))
    chat(client)
    messages = [r.getMessage() for r in debug_log.records if r.name == "openai_lite"]
    requests_logged = [m for m in messages if m.startswith("Request: POST")]
    assert len(requests_logged) == 2
    assert "/v1/chat/completions" in requests_logged[0]
    assert "<redacted>" in requests_logged[0]
    assert any(m.startswith("Response: POST") and " 200 " in m for m in messages)
    retries = [r for r in debug_log.records if r.name == "openai_lite" and "Retrying" in r.getMessage()]
    assert len(retries) == 1
    line = retries[0].getMessage()
    assert "status 503" in line  # the reason
    assert "0.020 seconds" in line  # the wait
    assert retries[0].levelno == logging.INFO
    assert_no_secret(debug_log)


def test_connection_error_retries_logged_with_reason(closed_port, debug_log):
    with OpenAI(api_key=API_KEY, base_url="http://127.0.0.1:%d/v1" % closed_port) as client:
        with pytest.raises(APIConnectionError):
            chat(client)
    retries = [r.getMessage() for r in debug_log.records if r.name == "openai_lite" and "Retrying" in r.getMessage()]
    assert len(retries) == 2
    assert all("Error" in line for line in retries)  # the error type is the reason
    assert_no_secret(debug_log)


def test_no_secret_in_any_record(server, debug_log):
    with OpenAI(api_key=API_KEY, admin_api_key=ADMIN_KEY, base_url=server.url,
                default_headers={"X-Other": "fine"}) as client:
        server.enqueue(Scripted.error(500, "boom", headers={"retry-after-ms": "1"}))
        chat(client)
        with pytest.raises(NotFoundError):
            client._request("GET", "/organization/users", auth="admin")
        server.enqueue(Scripted(fault="reset_mid_body"))
        chat(client)
        client.with_options(api_key=lambda: API_KEY).models.list()
    for kwargs in ({"api_key": AZURE_KEY}, {"azure_ad_token": AD_TOKEN}, {"azure_ad_token_provider": lambda: AD_TOKEN}):
        with AzureOpenAI(azure_endpoint=server.root_url, api_version="2024-10-21", **kwargs) as azure:
            server.enqueue(Scripted.error(503, "busy", headers={"retry-after-ms": "1"}))
            server.enqueue(Scripted(json={"id": "x"}), path="/openai/deployments/gpt-4o-mini/chat/completions")
            azure.chat.completions.create(**CHAT)
    assert any("Retrying" in t for t in _texts(debug_log))
    assert any("Request: GET" in t for t in _texts(debug_log))
    assert_no_secret(debug_log)


def test_redact_headers():
    headers = {"Authorization": "Bearer " + API_KEY, "api-key": AZURE_KEY, "Cookie": "c=1",
               "Proxy-Authorization": "Basic x", "x-api-key": "gateway-key", "X-Fine": "visible"}
    redacted = redact_headers(headers)
    assert redacted["X-Fine"] == "visible"
    assert all(redacted[k] == "<redacted>" for k in headers if k != "X-Fine")
    assert headers["Authorization"] == "Bearer " + API_KEY  # the input is not changed


def _run_logged(server, level):
    code = (
        "from openai_lite import OpenAI\n"
        "c = OpenAI(api_key=%r, base_url=%r)\n"
        "c.chat.completions.create(model='gpt-4o-mini', messages=[{'role': 'user', 'content': 'hi'}])\n"
        "c.chat.completions.create(model='gpt-4o-mini', messages=[{'role': 'user', 'content': 'hi'}])\n"
        "print('done')\n" % (API_KEY, server.url)
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "HTTP", "http", "NO_PROXY", "no_proxy"))}
    env["PYTHONPATH"] = REPO + os.pathsep + os.environ.get("PYTHONPATH", "")
    if level is not None:
        env["OPENAI_LOG"] = level
    server.enqueue(Scripted.error(429, "slow down", headers={"retry-after-ms": "1"}), path="/v1/chat/completions")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "done" in result.stdout
    return result.stderr


def test_openai_log_debug_prints_to_stderr(server):
    stderr = _run_logged(server, "debug")
    assert "Request: POST %s/chat/completions" % server.url in stderr
    assert "Retrying" in stderr and "status 429" in stderr
    assert API_KEY not in stderr
    assert "openai_lite" in stderr


def test_openai_log_info_prints_retries_only(server):
    stderr = _run_logged(server, "info")
    assert "Retrying" in stderr
    assert "Request: POST" not in stderr
    assert API_KEY not in stderr


def test_no_openai_log_prints_nothing(server):
    stderr = _run_logged(server, None)
    assert "Request:" not in stderr and "Retrying" not in stderr
