"""openai 0.28's ``openai.util`` helpers that code outside the library used."""
from __future__ import annotations

from typing import Any, Dict

__all__ = ["convert_to_dict", "convert_to_openai_object", "merge_dicts"]


def convert_to_dict(obj: Any) -> Any:
    """An OpenAIObject (or any dict/list of them) as plain dicts and lists, recursively."""
    if isinstance(obj, list):
        return [convert_to_dict(item) for item in obj]
    if isinstance(obj, dict):
        return {key: convert_to_dict(value) for key, value in obj.items()}
    return obj


def convert_to_openai_object(resp: Any, api_key: Any = None, api_version: Any = None, organization: Any = None,
                             engine: Any = None, plain_old_data: bool = False) -> Any:
    """Decoded JSON (or a 1.x response object) as OpenAIObjects; ``plain_old_data`` leaves it as it is."""
    from ._models import BaseModel
    from .openai_object import convert

    if isinstance(resp, BaseModel):
        resp = resp.to_dict()
    if plain_old_data:
        return resp
    return convert(resp)


def merge_dicts(x: Dict[Any, Any], y: Dict[Any, Any]) -> Dict[Any, Any]:
    merged = dict(x)
    merged.update(y)
    return merged
