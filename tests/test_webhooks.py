"""``client.webhooks``: signature checks (Standard Webhooks, HMAC-SHA256) and unwrapping.

Signatures are made here with hmac/hashlib directly, independently of the code under test.
"""
import base64
import hashlib
import hmac
import json
import time

import pytest
import requests

import openai_lite
from openai_lite import InvalidWebhookSignatureError, OpenAI

KEY = b"\x01\x02 secret key bytes \xff"
WHSEC = "whsec_" + base64.b64encode(KEY).decode()
RAW = "plain-text-secret"
EVENT = {"id": "evt_1", "object": "event", "type": "response.completed", "created_at": 1719168000,
         "data": {"id": "resp_1"}}
PAYLOAD = json.dumps(EVENT)


def sign(key, webhook_id, timestamp, payload):
    body = payload.encode() if isinstance(payload, str) else payload
    message = ("%s.%s." % (webhook_id, timestamp)).encode() + body
    return "v1," + base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def headers_for(payload=PAYLOAD, key=KEY, timestamp=None, webhook_id="wh_1"):
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {"webhook-id": webhook_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(key, webhook_id, timestamp, payload)}


@pytest.fixture
def client():
    return OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1", webhook_secret=WHSEC)


def test_valid_signature_with_a_whsec_secret(client):
    assert client.webhooks.verify_signature(PAYLOAD, headers_for()) is None


def test_valid_signature_with_a_raw_secret(client):
    headers = headers_for(key=RAW.encode())
    client.webhooks.verify_signature(PAYLOAD, headers, secret=RAW)
    with pytest.raises(InvalidWebhookSignatureError):  # the raw secret is not base64-decoded
        client.webhooks.verify_signature(PAYLOAD, headers_for(key=base64.b64decode(RAW + "==")), secret=RAW)


def test_bytes_and_str_payloads(client):
    raw = PAYLOAD.encode()
    client.webhooks.verify_signature(raw, headers_for(raw))
    client.webhooks.verify_signature(PAYLOAD, headers_for(raw))  # the same bytes either way
    unicode_payload = json.dumps({"type": "x", "text": "h\u00e9llo \u2603"}, ensure_ascii=False)
    client.webhooks.verify_signature(unicode_payload.encode("utf-8"), headers_for(unicode_payload))
    with pytest.raises(TypeError):
        client.webhooks.verify_signature(EVENT, headers_for())


def test_any_of_several_signatures_passes(client):
    good = headers_for()
    now = good["webhook-timestamp"]
    rotated = "v1,%s %s v1a,ignored" % (base64.b64encode(b"x" * 32).decode(), good["webhook-signature"])
    client.webhooks.verify_signature(PAYLOAD, dict(good, **{"webhook-signature": rotated}))
    only_wrong = "v1,%s v1,%s" % (base64.b64encode(b"x" * 32).decode(), base64.b64encode(b"y" * 32).decode())
    with pytest.raises(InvalidWebhookSignatureError):
        client.webhooks.verify_signature(PAYLOAD, {"webhook-id": "wh_1", "webhook-timestamp": now,
                                                   "webhook-signature": only_wrong})


def test_a_bare_signature_without_version_is_accepted_as_openai_python_does(client):
    headers = headers_for()
    headers["webhook-signature"] = headers["webhook-signature"][3:]
    client.webhooks.verify_signature(PAYLOAD, headers)


def test_other_schemes_never_match(client):
    headers = headers_for()
    headers["webhook-signature"] = "v2," + headers["webhook-signature"][3:]
    with pytest.raises(InvalidWebhookSignatureError):
        client.webhooks.verify_signature(PAYLOAD, headers)


@pytest.mark.parametrize("change", ["payload", "id", "timestamp", "signature", "secret"])
def test_tampering_is_detected(client, change):
    headers = headers_for()
    payload = PAYLOAD
    secret = None
    if change == "payload":
        payload = PAYLOAD.replace("resp_1", "resp_2")
    elif change == "id":
        headers["webhook-id"] = "wh_2"
    elif change == "timestamp":
        headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) - 1)
    elif change == "signature":
        sig = headers["webhook-signature"]
        headers["webhook-signature"] = sig[:-5] + ("A" if sig[-5] != "A" else "B") + sig[-4:]
    else:
        secret = "whsec_" + base64.b64encode(b"another key").decode()
    with pytest.raises(InvalidWebhookSignatureError, match="signature"):
        client.webhooks.verify_signature(payload, headers, secret=secret)


def test_stale_and_future_timestamps(client):
    now = int(time.time())
    with pytest.raises(InvalidWebhookSignatureError, match="too old"):
        client.webhooks.verify_signature(PAYLOAD, headers_for(timestamp=now - 301))
    with pytest.raises(InvalidWebhookSignatureError, match="too new"):
        client.webhooks.verify_signature(PAYLOAD, headers_for(timestamp=now + 301))
    client.webhooks.verify_signature(PAYLOAD, headers_for(timestamp=now - 290))
    client.webhooks.verify_signature(PAYLOAD, headers_for(timestamp=now + 290))
    client.webhooks.verify_signature(PAYLOAD, headers_for(timestamp=now - 3000), tolerance=3600)
    with pytest.raises(InvalidWebhookSignatureError, match="too old"):
        client.webhooks.verify_signature(PAYLOAD, headers_for(timestamp=now - 20), tolerance=10)
    bad = headers_for()
    bad["webhook-timestamp"] = "yesterday"
    with pytest.raises(InvalidWebhookSignatureError, match="timestamp"):
        client.webhooks.verify_signature(PAYLOAD, bad)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_headers(client, missing):
    headers = headers_for()
    del headers[missing]
    with pytest.raises(InvalidWebhookSignatureError, match=missing):
        client.webhooks.verify_signature(PAYLOAD, headers)
    with pytest.raises(InvalidWebhookSignatureError):
        client.webhooks.unwrap(PAYLOAD, headers)


def test_header_lookup_is_case_insensitive_and_takes_other_header_types(client):
    headers = {k.title(): v for k, v in headers_for().items()}
    client.webhooks.verify_signature(PAYLOAD, headers)
    client.webhooks.verify_signature(PAYLOAD, requests.structures.CaseInsensitiveDict(headers_for()))
    client.webhooks.verify_signature(PAYLOAD, list(headers_for().items()))


def test_missing_secret_is_a_value_error(monkeypatch):
    monkeypatch.delenv("OPENAI_WEBHOOK_SECRET", raising=False)
    bare = OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ValueError, match="webhook secret") as info:
        bare.webhooks.verify_signature(PAYLOAD, headers_for())
    assert not isinstance(info.value, InvalidWebhookSignatureError)
    bare.webhooks.verify_signature(PAYLOAD, headers_for(), secret=WHSEC)  # passed explicitly: fine


def test_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", RAW)
    env_client = OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    env_client.webhooks.verify_signature(PAYLOAD, headers_for(key=RAW.encode()))


def test_unwrap_verifies_then_returns_the_event(client):
    event = client.webhooks.unwrap(PAYLOAD.encode(), headers_for())
    assert (event.id, event.type, event.data.id) == ("evt_1", "response.completed", "resp_1")
    assert event.to_dict() == EVENT
    with pytest.raises(InvalidWebhookSignatureError):
        client.webhooks.unwrap(PAYLOAD, headers_for(key=b"wrong"))


def test_module_level_client(monkeypatch):
    monkeypatch.setattr(openai_lite, "api_key", "sk-test")
    monkeypatch.setattr(openai_lite, "webhook_secret", WHSEC)
    event = openai_lite.webhooks.unwrap(PAYLOAD, headers_for())
    assert event.type == "response.completed"
