"""The anthropic SDK's HTTP client (httpx2) with every body read through the capped reader, as `fetch` reads.

The SDK otherwise reads and inflates whole bodies itself: a 50 MB model list or a gzip bomb would
sit in memory before anything could refuse it. Imported only with the anthropic check kind.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import anthropic
import httpx2

from tether.monitor import body as capped
from tether.monitor.faults import ProbeFault


class BodyRefused(anthropic.AnthropicError):
    """A body the capped reader refused. An SDK error type, so the SDK neither wraps nor retries it."""

    def __init__(self, fault: ProbeFault) -> None:
        super().__init__(fault.reason)
        self.fault = fault


class _CappedStream(httpx2.AsyncByteStream):
    def __init__(self, raw: httpx2.AsyncByteStream, content_encoding: str, cap: int) -> None:
        self._raw, self._encoding, self._cap = raw, content_encoding, cap

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for piece in capped.decoded(self._raw, self._encoding, self._cap):
                yield piece
        except ProbeFault as fault:
            raise BodyRefused(fault) from None

    async def aclose(self) -> None:
        await self._raw.aclose()


class _CappedTransport(httpx2.AsyncBaseTransport):
    def __init__(self, inner: httpx2.AsyncBaseTransport, cap: int) -> None:
        self._inner, self._cap = inner, cap

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        request.headers["accept-encoding"] = capped.ACCEPT_ENCODING
        response = await self._inner.handle_async_request(request)
        if not isinstance(response.stream, httpx2.AsyncByteStream):
            return response
        encoding = response.headers.get("content-encoding", "")
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if not encoding or k.lower() not in ("content-encoding", "content-length")
        ]
        return httpx2.Response(
            response.status_code,
            headers=headers,
            stream=_CappedStream(response.stream, encoding, self._cap),
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


def capped_client(cap: int = capped.MAX_BODY) -> httpx2.AsyncClient:
    """The SDK's default client (its timeouts, limits, redirects), over a capped transport."""
    inner = httpx2.AsyncHTTPTransport(limits=anthropic.DEFAULT_CONNECTION_LIMITS)
    return anthropic.DefaultAsyncHttpxClient(transport=_CappedTransport(inner, cap))
