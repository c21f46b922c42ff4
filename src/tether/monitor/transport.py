"""The engine's httpx transport: every response body, redirect hops included, decoded through the capped reader.

httpx reads (and inflates) a redirect's body whole before following it, out of `fetch`'s sight;
decoding at the transport means no byte reaches httpx that the cap has not counted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpcore
import httpx

from tether.monitor import body as capped
from tether.monitor.network import Backend, trust


class CappedStream(httpx.AsyncByteStream):
    def __init__(self, raw: httpx.AsyncByteStream, content_encoding: str, cap: int) -> None:
        self._raw, self._encoding, self.cap = raw, content_encoding, cap

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for piece in capped.decoded(self._raw, self._encoding, self.cap):
            yield piece

    async def aclose(self) -> None:
        await self._raw.aclose()


def decoded_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    """The headers of the decoded body: its encoding and wire length no longer apply."""
    if not headers.get("content-encoding"):
        return list(headers.multi_items())
    return [(k, v) for k, v in headers.multi_items() if k.lower() not in ("content-encoding", "content-length")]


class CappedTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, cap: int = capped.MAX_BODY) -> None:
        self._inner, self._cap = inner, cap

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["accept-encoding"] = capped.ACCEPT_ENCODING
        response = await self._inner.handle_async_request(request)
        if not isinstance(response.stream, httpx.AsyncByteStream):
            return response  # a sync stream is not one a network transport gives: nothing to decode here
        return httpx.Response(
            response.status_code,
            headers=decoded_headers(response.headers),
            stream=CappedStream(response.stream, response.headers.get("content-encoding", ""), self._cap),
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


def engine_transport(limits: httpx.Limits) -> CappedTransport:
    """One of the engine's pools: capped bodies, the shared TLS context, sockets that stamp their bytes."""
    inner = httpx.AsyncHTTPTransport(limits=limits, verify=trust())
    # httpx has no door for a network backend; its pool is rebuilt with the same settings and ours.
    inner._pool = httpcore.AsyncConnectionPool(
        ssl_context=trust(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=Backend(),
    )
    return CappedTransport(inner)
