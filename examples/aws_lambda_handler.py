"""An AWS Lambda handler on openai_lite: one client per execution environment, streaming by event flag.

Lambda keeps the module loaded between invocations of the same execution environment, so the
client (and with it the pooled keep-alive connection to the API) is built once, on the first
invocation, and reused by every later one. Nothing here runs at import time except the import
itself, which is cheap: a missing key shows up as a clear error in the invocation, not as a
failed init.

Event (a direct invocation, or API Gateway / a function URL with the same JSON as the body)::

    {"prompt": "Say hello", "stream": true, "model": "gpt-4o-mini"}

With ``"stream": true`` the completion is read as it is generated (chunk by chunk) and the
reply says how long the first token took; either way the reply is one JSON document.

Packaging (see "AWS Lambda" in README.rst): install pure-Python wheels only, so the same zip
runs on x86_64 and arm64::

    pip install --target package --only-binary=:all: --platform any --implementation py \\
        --abi none --python-version 3.12 openai_lite
    cp examples/aws_lambda_handler.py package/
    (cd package && zip -qr ../function.zip .)

Handler: ``aws_lambda_handler.handler``. Set ``OPENAI_API_KEY`` in the function's environment
(or fetch it from Secrets Manager and pass ``api_key=``).

Run it locally with ``python examples/aws_lambda_handler.py``: with ``OPENAI_API_KEY`` set it
calls the real API, otherwise openai_lite's offline server.
"""
import json
import os
import time
from typing import TYPE_CHECKING, List

from openai_lite import OpenAI

if TYPE_CHECKING:  # types only: nothing more is imported at run time
    from openai_lite.types.chat import ChatCompletionMessageParam

DEFAULT_MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
# Leave this much of the invocation's time for building the reply when a call is cut short.
SAFETY_MARGIN_S = 1.0

_client = None


def get_client():
    """The client of this execution environment, built on first use and reused afterwards."""
    global _client
    if _client is None:
        # Lambda bills by the millisecond: fail fast on a dead connection, retry twice (the default).
        _client = OpenAI(timeout=60.0, max_retries=2)
    return _client


def _request_of(event):
    """The JSON request, from a direct invocation or from an API Gateway / function URL event."""
    if isinstance(event, dict) and isinstance(event.get("body"), str):
        body = event["body"]
        if event.get("isBase64Encoded"):
            import base64

            body = base64.b64decode(body).decode("utf-8")
        return json.loads(body or "{}")
    return event or {}


def _time_left(context):
    """Seconds this invocation may still spend on the API (None outside Lambda)."""
    if context is None or not hasattr(context, "get_remaining_time_in_millis"):
        return None
    return max(context.get_remaining_time_in_millis() / 1000.0 - SAFETY_MARGIN_S, 1.0)


def _reply(status, payload):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(payload)}


def handler(event, context=None):
    request = _request_of(event)
    prompt = request.get("prompt")
    if not isinstance(prompt, str) or not prompt:
        return _reply(400, {"error": "'prompt' must be a non-empty string"})
    model = request.get("model") or DEFAULT_MODEL
    messages: "List[ChatCompletionMessageParam]" = [{"role": "user", "content": prompt}]
    client = get_client()
    time_left = _time_left(context)
    if time_left is not None:
        # one budget for the whole call: connecting, every read, retries and their waits, the stream
        client = client.with_options(deadline=time_left)
    started = time.monotonic()

    from openai_lite import APIError

    try:
        if request.get("stream"):
            parts = []
            first_token_s = None
            chunks = 0
            stream = client.chat.completions.create(model=model, messages=messages, stream=True)
            for chunk in stream:
                chunks += 1
                if chunk.choices and chunk.choices[0].delta.content:
                    if first_token_s is None:
                        first_token_s = time.monotonic() - started
                    parts.append(chunk.choices[0].delta.content)
            return _reply(200, {
                "text": "".join(parts), "model": model, "stream": True, "chunks": chunks,
                "first_token_s": None if first_token_s is None else round(first_token_s, 3),
                "total_s": round(time.monotonic() - started, 3),
            })
        completion = client.chat.completions.create(model=model, messages=messages)
        return _reply(200, {
            "text": completion.choices[0].message.content, "model": completion.model, "stream": False,
            "request_id": completion._request_id,
            "total_tokens": completion.usage.total_tokens if completion.usage else None,
            "total_s": round(time.monotonic() - started, 3),
        })
    except APIError as exc:
        status = getattr(exc, "status_code", None) or 502
        return _reply(status if 400 <= status < 600 else 502, {"error": str(exc)})


if __name__ == "__main__":
    def _run_both():
        for flag in (False, True):
            result = handler({"prompt": "Say hello in five words.", "stream": flag})
            print(result["statusCode"], result["body"])

    if os.environ.get("OPENAI_API_KEY"):
        _run_both()
    else:
        from openai_lite.testing import OfflineServer

        with OfflineServer() as server:
            os.environ["OPENAI_API_KEY"] = "sk-offline"
            os.environ["OPENAI_BASE_URL"] = server.url
            _run_both()
