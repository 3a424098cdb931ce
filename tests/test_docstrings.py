"""help() on any generated method shows what the operation does (the spec's summary)."""
import os

import pytest

from openai_lite import OpenAI

METHODS_TXT = os.path.join(os.path.dirname(__file__), "..", "spec", "methods.txt")


def _methods():
    with open(METHODS_TXT) as handle:
        return [line.split()[0] for line in handle if line.strip()]


@pytest.fixture(scope="module")
def client():
    with OpenAI(api_key="sk-doc", base_url="http://127.0.0.1:9/v1") as c:
        yield c


def _resolve(client, dotted):
    obj = client
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def test_every_method_has_a_runtime_docstring(client):
    missing = [name for name in _methods() if not (_resolve(client, name).__doc__ or "").strip()]
    assert missing == []


def test_docstrings_are_the_operation_summary_not_markup(client):
    bad = []
    for name in _methods():
        doc = _resolve(client, name).__doc__
        first = doc.split("(Parameters are documented")[0].strip()
        if len(first) < 8 or first.startswith(("**", "---", "[")) or "](" in first:
            bad.append((name, doc))
    assert bad == []


def test_chat_completions_create_says_what_it_does(client):
    assert client.chat.completions.create.__doc__.startswith(
        "Creates a model response for the given chat conversation.")
