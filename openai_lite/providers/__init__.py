"""Providers: the OpenAI API served by another cloud, configured with ``OpenAI(provider=...)``.

``bedrock(...)`` (Amazon Bedrock, ``openai_lite.providers.bedrock``) and ``vertex(...)`` (Google Vertex AI,
``openai_lite.providers.vertex``). Loaded only when imported: ``import openai_lite`` does not load them.
"""
from .bedrock import bedrock as bedrock
from .vertex import vertex as vertex

__all__ = ["bedrock", "vertex"]
