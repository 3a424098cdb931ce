from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from ..._resource import SyncAPIResource
from ..._types import NOT_GIVEN, NotGiven

__all__ = ["Completions"]


class Completions(SyncAPIResource):
    def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]],
        model: str,
        audio: Any = NOT_GIVEN,
        frequency_penalty: Union[Optional[float], NotGiven] = NOT_GIVEN,
        function_call: Any = NOT_GIVEN,
        functions: Any = NOT_GIVEN,
        logit_bias: Union[Optional[Dict[str, int]], NotGiven] = NOT_GIVEN,
        logprobs: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        max_completion_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        max_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        metadata: Union[Optional[Dict[str, str]], NotGiven] = NOT_GIVEN,
        modalities: Union[Optional[List[str]], NotGiven] = NOT_GIVEN,
        n: Union[Optional[int], NotGiven] = NOT_GIVEN,
        parallel_tool_calls: Union[bool, NotGiven] = NOT_GIVEN,
        prediction: Any = NOT_GIVEN,
        presence_penalty: Union[Optional[float], NotGiven] = NOT_GIVEN,
        prompt_cache_key: Union[str, NotGiven] = NOT_GIVEN,
        reasoning_effort: Union[Optional[str], NotGiven] = NOT_GIVEN,
        response_format: Any = NOT_GIVEN,
        safety_identifier: Union[str, NotGiven] = NOT_GIVEN,
        seed: Union[Optional[int], NotGiven] = NOT_GIVEN,
        service_tier: Union[Optional[str], NotGiven] = NOT_GIVEN,
        stop: Union[Optional[str], List[str], None, NotGiven] = NOT_GIVEN,
        store: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        stream: Union[Optional[bool], NotGiven] = NOT_GIVEN,
        stream_options: Any = NOT_GIVEN,
        temperature: Union[Optional[float], NotGiven] = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        tools: Any = NOT_GIVEN,
        top_logprobs: Union[Optional[int], NotGiven] = NOT_GIVEN,
        top_p: Union[Optional[float], NotGiven] = NOT_GIVEN,
        user: Union[str, NotGiven] = NOT_GIVEN,
        verbosity: Union[Optional[str], NotGiven] = NOT_GIVEN,
        web_search_options: Any = NOT_GIVEN,
        extra_headers: Optional[Mapping[str, Any]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Creates a model response for the given chat conversation."""
        return self._request(
            "POST",
            "/chat/completions",
            body={
                "messages": messages, "model": model, "audio": audio, "frequency_penalty": frequency_penalty,
                "function_call": function_call, "functions": functions, "logit_bias": logit_bias,
                "logprobs": logprobs, "max_completion_tokens": max_completion_tokens, "max_tokens": max_tokens,
                "metadata": metadata, "modalities": modalities, "n": n, "parallel_tool_calls": parallel_tool_calls,
                "prediction": prediction, "presence_penalty": presence_penalty, "prompt_cache_key": prompt_cache_key,
                "reasoning_effort": reasoning_effort, "response_format": response_format,
                "safety_identifier": safety_identifier, "seed": seed, "service_tier": service_tier, "stop": stop,
                "store": store, "stream": stream, "stream_options": stream_options, "temperature": temperature,
                "tool_choice": tool_choice, "tools": tools, "top_logprobs": top_logprobs, "top_p": top_p,
                "user": user, "verbosity": verbosity, "web_search_options": web_search_options,
            },
            cast_to="ChatCompletion",
            stream=stream,
            stream_cls=None,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
