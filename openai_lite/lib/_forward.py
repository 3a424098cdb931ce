"""Helpers (``stream``, ``parse``) hand their API parameters to the generated ``create``.

A helper's signature follows openai-python's, which may name a parameter the generated
``create`` does not take yet (``verbosity`` on ``responses.parse``; a parameter of a newer
release). Such a parameter still goes out, as a top-level body field through ``extra_body``
(a key the caller put in ``extra_body`` wins), instead of failing as an unexpected keyword.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, Mapping, Optional, Tuple

__all__ = ["split_for_create"]

_accepted: Dict[Any, frozenset] = {}


def _parameters(create: Any) -> frozenset:
    function = getattr(create, "__func__", create)
    found = _accepted.get(function)
    if found is None:
        found = _accepted[function] = frozenset(inspect.signature(function).parameters)
    return found


def split_for_create(create: Any, params: Mapping[str, Any],
                     extra_body: Optional[Mapping[str, Any]]) -> Tuple[Dict[str, Any], Optional[Mapping[str, Any]]]:
    """``(keywords create takes, extra_body carrying the others)``."""
    accepted = _parameters(create)
    direct = {k: v for k, v in params.items() if k in accepted}
    if len(direct) == len(params):
        return direct, extra_body
    body = {k: v for k, v in params.items() if k not in accepted}
    body.update(extra_body or {})
    return direct, body
