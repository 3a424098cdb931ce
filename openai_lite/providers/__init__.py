"""Providers: the OpenAI API served by another cloud, configured with ``OpenAI(provider=...)``.

``bedrock(...)`` (Amazon Bedrock) is here; see ``openai_lite.providers.bedrock``. Loaded only when
imported: ``import openai_lite`` does not load it.
"""
from .bedrock import bedrock as bedrock

__all__ = ["bedrock"]
