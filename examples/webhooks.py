"""Webhooks: verify that a request came from OpenAI, then read its event.

Runs entirely locally: it signs a sample event the way OpenAI does (with OPENAI_WEBHOOK_SECRET
if set, else a made-up secret) and checks it with client.webhooks. In your web app, pass the
raw request body and headers instead, e.g. in Flask:

    event = client.webhooks.unwrap(request.get_data(), request.headers)
"""
import base64
import hashlib
import hmac
import json
import os
import time

from openai_lite import InvalidWebhookSignatureError, OpenAI


def sign_like_openai(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret[len("whsec_"):]) if secret.startswith("whsec_") else secret.encode()
    signed = ("%s.%d." % (webhook_id, timestamp)).encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def handle(client: OpenAI, body: bytes, headers: dict) -> int:
    """What a webhook endpoint does: 200 for a genuine event, 400 otherwise."""
    try:
        event = client.webhooks.unwrap(body, headers)
    except InvalidWebhookSignatureError as error:
        print("rejected:", error)
        return 400
    if event.type == "response.completed":
        print("response %s completed (event %s)" % (event.data.id, event.id))
    else:
        print("event of type", event.type)
    return 200


def main() -> None:
    secret = os.environ.get("OPENAI_WEBHOOK_SECRET") or "whsec_" + base64.b64encode(b"example secret key").decode()
    # The client reads webhook_secret (or OPENAI_WEBHOOK_SECRET); no API call is made here.
    client = OpenAI(api_key=os.environ.get("OPENAI_API_KEY") or "sk-unused", webhook_secret=secret)

    event = {"id": "evt_123", "object": "event", "type": "response.completed", "created_at": int(time.time()),
             "data": {"id": "resp_abc"}}
    body = json.dumps(event).encode()
    now = int(time.time())
    headers = {"webhook-id": "wh_1", "webhook-timestamp": str(now),
               "webhook-signature": sign_like_openai(secret, "wh_1", now, body)}

    print("genuine ->", handle(client, body, headers))
    print("tampered ->", handle(client, body.replace(b"resp_abc", b"resp_xyz"), headers))
    stale = dict(headers, **{"webhook-timestamp": str(now - 3600)})
    print("replayed an hour later ->", handle(client, body, stale))
    client.webhooks.verify_signature(body, headers)  # just the check, raising on failure
    print("verify_signature: ok")


if __name__ == "__main__":
    main()
