"""Our own session's plain calls skip requests' prepare_request: the result must be the same request."""
import requests

from openai_lite import OpenAI
from openai_lite._client import _no_netrc
from openai_lite._options import Call


def _expected(client, prepared):
    session = client.http_session
    request = requests.Request(prepared.method, prepared.url, headers=dict(prepared.headers),
                               data=prepared.body, auth=_no_netrc)
    return session.prepare_request(request)


def _same(a, b):
    assert a.method == b.method
    assert a.url == b.url
    assert a.body == b.body
    assert dict((k.lower(), v) for k, v in a.headers.items()) == dict((k.lower(), v) for k, v in b.headers.items())


def test_json_post_get_and_delete_match_prepare_request():
    client = OpenAI(api_key="sk-prep", base_url="http://127.0.0.1:9/v1", default_query={"q": "1"})
    calls = [
        Call("POST", "/chat/completions", body={"model": "m", "messages": [{"role": "user", "content": "é"}]}),
        Call("GET", "/models", query={"limit": 2, "include": ["a", "b"]}),
        Call("DELETE", "/models/ft%3Ax"),
        Call("POST", "/empty"),
        Call("GET", "/x y"),  # a path requests re-quotes
    ]
    for call in calls:
        prepared = client._prepare(call)
        assert prepared._cookies is not None
        _same(prepared, _expected(client, prepared))
    assert client._prepare(calls[2]).headers.get("Content-Length") == "0"
    assert "Content-Length" not in client._prepare(calls[1]).headers
    assert client._prepare(calls[4]).url.endswith("/x%20y?q=1")


def test_sessions_with_cookies_hooks_or_auth_take_the_requests_path():
    session = requests.Session()
    seen = []
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r))
    client = OpenAI(api_key="sk-prep", base_url="http://127.0.0.1:9/v1", http_session=session)
    prepared = client._prepare(Call("GET", "/models"))
    assert prepared.hooks["response"], "the user's hooks must be kept"
    own = OpenAI(api_key="sk-prep", base_url="http://127.0.0.1:9/v1")
    own.http_session.cookies.set("c", "v")
    assert own._prepare(Call("GET", "/models")).headers.get("Cookie") == "c=v"


def test_bad_header_values_are_still_refused_before_sending():
    import pytest

    client = OpenAI(api_key="sk-prep", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ValueError, match="line break"):
        client._prepare(Call("GET", "/models", headers={"X-Bad": "a\r\nInjected: 1"}))
