"""``BedrockOpenAI``: openai-python's older client class for Amazon Bedrock, kept for code that uses it.

It is ``OpenAI(provider=bedrock(...))`` with the keyword names that class had (``aws_region``,
``aws_profile``, ``aws_access_key_id``..., ``bedrock_token_provider``); new code should use the provider.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Optional

from .._client import OpenAI
from .._exceptions import OpenAIError
from .._transport import DEFAULT_POOL_MAXSIZE
from .._types import DEFAULT_MAX_RETRIES, NOT_GIVEN

__all__ = ["BedrockOpenAI", "AsyncBedrockOpenAI"]


class BedrockOpenAI(OpenAI):
    """A client for Amazon Bedrock's OpenAI-compatible endpoint (openai-python's legacy class);
    ``aws_region`` is the region it talks to."""

    aws_region: Optional[str] = None

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        bedrock_token_provider: Optional[Callable[[], str]] = None,
        aws_region: Optional[str] = None,
        aws_profile: Optional[str] = None,
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        aws_credentials_provider: Optional[Callable[[], object]] = None,
        organization: Optional[str] = None,
        project: Optional[str] = None,
        webhook_secret: Optional[str] = None,
        base_url: Optional[str] = None,
        websocket_base_url: Optional[str] = None,
        timeout: Any = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        http_client: Any = None,
        http_session: Any = None,
        proxies: Optional[Mapping[str, str]] = None,
        verify: Any = None,
        cert: Any = None,
        pool_maxsize: int = DEFAULT_POOL_MAXSIZE,
        _strict_response_validation: bool = False,
        _enforce_credentials: bool = True,
    ) -> None:
        from ..providers.bedrock import bedrock, parse_endpoint_host

        if callable(api_key):
            raise OpenAIError("Pass refreshable Bedrock credentials via `bedrock_token_provider`, not `api_key`.")
        if api_key == "":
            raise OpenAIError("The `api_key` argument must not be empty.")
        provider = bedrock(
            region=aws_region,
            base_url=base_url if isinstance(base_url, str) and base_url.strip() else NOT_GIVEN,
            api_key=api_key if api_key is not None else NOT_GIVEN,
            token_provider=bedrock_token_provider,
            access_key_id=aws_access_key_id,
            secret_access_key=aws_secret_access_key,
            session_token=aws_session_token,
            profile=aws_profile,
            credential_provider=aws_credentials_provider,
        )
        super().__init__(provider=provider, organization=organization, project=project,
                         webhook_secret=webhook_secret, websocket_base_url=websocket_base_url, timeout=timeout,
                         max_retries=max_retries, default_headers=default_headers, default_query=default_query,
                         http_client=http_client, http_session=http_session, proxies=proxies, verify=verify,
                         cert=cert, pool_maxsize=pool_maxsize,
                         _strict_response_validation=_strict_response_validation)
        canonical = parse_endpoint_host(self._base_url.split("/")[2].split(":")[0])
        self.aws_region = (getattr(self._credentials, "region", None) or provider.region  # type: ignore[attr-defined]
                           or (canonical[1] if canonical is not None else None))

    def _copy_extra(self, clone: OpenAI) -> None:
        clone.aws_region = self.aws_region  # type: ignore[attr-defined]

    def _pickle_extra(self) -> Any:
        return {"aws_region": self.aws_region}


class AsyncBedrockOpenAI:
    """openai-python's asyncio Bedrock client. openai_lite is synchronous: use ``BedrockOpenAI`` or
    ``OpenAI(provider=bedrock(...))``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise OpenAIError("AsyncBedrockOpenAI is not available: openai_lite is a synchronous client. Use "
                          "OpenAI(provider=openai_lite.providers.bedrock(...)) (or BedrockOpenAI), from threads if "
                          "you need concurrency.")
