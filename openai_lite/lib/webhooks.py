"""``client.webhooks``: check that a webhook request came from OpenAI, then read its event.

OpenAI signs webhooks the Standard Webhooks way. Three headers: ``webhook-id``,
``webhook-timestamp`` (Unix seconds) and ``webhook-signature``, a space-separated list of
``v1,<base64>`` entries (several during a secret rotation; any one matching is enough). Each is
the base64 HMAC-SHA256 of ``"{webhook-id}.{webhook-timestamp}.{raw body}"`` keyed with the
secret: for a ``whsec_...`` secret the base64-decoded rest, otherwise the secret's own bytes.

Pass the raw body exactly as received (``request.get_data()``, ``await request.body()``):
a re-serialised JSON body does not match its signature.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from typing import Any, List, Mapping, Optional, Union

from .._exceptions import InvalidWebhookSignatureError
from .._models import BaseModel, construct, resolve_model
from .._resource import SyncAPIResource

__all__ = ["Webhooks", "WebhooksMixin"]

_NO_SECRET = (
    "The webhook secret must either be set using the env var, OPENAI_WEBHOOK_SECRET, "
    "on the client class, OpenAI(webhook_secret='123'), or passed to this function"
)


class WebhooksMixin:
    """``verify_signature`` and ``unwrap``; the secret defaults to the client's ``webhook_secret`` (mixed
    into the generated ``client.webhooks`` resource, which also manages webhook endpoints)."""

    _client: Any

    def unwrap(self, payload: Union[str, bytes], headers: Any, *, secret: Optional[str] = None) -> Any:
        """Verify the signature, then return the event (``event.type``, ``event.data.id`` ...).

        Raises ``InvalidWebhookSignatureError`` when the request is not a genuine, fresh webhook.
        """
        self.verify_signature(payload, headers, secret=secret)
        event = json.loads(_payload_bytes(payload).decode("utf-8"))
        event_type = event.get("type") if isinstance(event, dict) else None
        return construct(_event_class(event_type), event)

    def verify_signature(self, payload: Union[str, bytes], headers: Any, *, secret: Optional[str] = None,
                         tolerance: int = 300) -> None:
        """Raise ``InvalidWebhookSignatureError`` unless ``payload`` carries a valid signature made
        with ``secret`` at most ``tolerance`` seconds from now (either way).

        A missing secret raises ``ValueError``; missing or malformed headers, a stale or future
        timestamp and a wrong signature raise ``InvalidWebhookSignatureError`` (a ``ValueError``).
        """
        if secret is None:
            secret = self._client.webhook_secret
        if secret is None:
            raise ValueError(_NO_SECRET)
        key = _secret_key(secret)
        body = _payload_bytes(payload)
        signatures = _header(headers, "webhook-signature")
        timestamp = _header(headers, "webhook-timestamp")
        webhook_id = _header(headers, "webhook-id")

        try:
            sent_at = int(timestamp)
        except ValueError:
            raise InvalidWebhookSignatureError("Invalid webhook timestamp format: %r" % (timestamp,)) from None
        now = int(time.time())
        if now - sent_at > tolerance:
            raise InvalidWebhookSignatureError("Webhook timestamp is too old")
        if sent_at - now > tolerance:
            raise InvalidWebhookSignatureError("Webhook timestamp is too new")

        signed = ("%s.%s." % (webhook_id, timestamp)).encode("utf-8") + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
        # Compare every candidate (no early exit) so timing says nothing about which one matched.
        matched = False
        for candidate in _candidates(signatures):
            matched |= hmac.compare_digest(expected, candidate)
        if not matched:
            raise InvalidWebhookSignatureError("The given webhook signature does not match the expected signature")


def _secret_key(secret: str) -> bytes:
    if not isinstance(secret, str) or not secret:
        raise ValueError("The webhook secret must be a non-empty string")
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret[6:])
        except (binascii.Error, ValueError):
            raise ValueError("A webhook secret starting with 'whsec_' must be followed by base64") from None
    return secret.encode("utf-8")


def _payload_bytes(payload: Any) -> bytes:
    if isinstance(payload, str):
        return payload.encode("utf-8")
    if isinstance(payload, (bytes, bytearray, memoryview)):
        return bytes(payload)
    raise TypeError("payload must be the raw request body as str or bytes, not %s" % type(payload).__name__)


def _header(headers: Any, name: str) -> str:
    """A header by case-insensitive name from a dict, ``requests``/``werkzeug``/``email`` headers
    or ``(name, value)`` pairs; repeated headers are joined with spaces."""
    values: List[Any] = []
    if isinstance(headers, Mapping) or hasattr(headers, "items"):
        items = headers.items()
    else:
        items = headers or ()
    for key, value in items:
        if isinstance(key, bytes):
            key = key.decode("latin-1")
        if isinstance(key, str) and key.lower() == name:
            values.extend(value if isinstance(value, (list, tuple)) else [value])
    text = " ".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in values).strip()
    if not text:
        raise InvalidWebhookSignatureError("Missing required header: %s" % name)
    return text


def _candidates(header: str) -> List[bytes]:
    """The base64 signatures of a ``webhook-signature`` header: ``v1,`` entries, and bare
    values (accepted as openai-python does); entries of other schemes are skipped."""
    found = []
    for entry in header.split():
        version, sep, value = entry.partition(",")
        if not sep:
            value = entry
        elif version != "v1":
            continue
        found.append(value.encode("utf-8"))
    return found


def _event_class(event_type: Any) -> Any:
    """The model class of an event type ("response.completed" -> ResponseCompletedWebhookEvent,
    or the spec's WebhookResponseCompleted), or ``BaseModel`` until such types exist."""
    if isinstance(event_type, str) and event_type:
        camel = "".join(word[:1].upper() + word[1:] for word in re.split(r"[._]", event_type) if word)
        for name in (camel + "WebhookEvent", "Webhook" + camel):
            cls = resolve_model(name)
            if cls is not BaseModel:
                return cls
    return BaseModel


class Webhooks(WebhooksMixin, SyncAPIResource):
    """The signature helpers alone, on a client (``client.webhooks`` adds the endpoint methods)."""
