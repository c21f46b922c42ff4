"""A small HTTP/1.1 load generator on asyncio streams: keep-alive connections, one request in flight each.

httpx's connection pool spends more time choosing a connection than the server spends answering
when hundreds of requests are queued, so floods and benchmarks drive the server with this instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from urllib.parse import urlsplit


async def _one_connection(host: str, port: int, requests: list[bytes], statuses: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for request in requests:
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            statuses.append(int(lines[0].split(" ")[1]))
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
    finally:
        writer.close()
        await writer.wait_closed()


def post(path: str, host: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def flood(url: str, total: int, connections: int, request: Callable[[int], bytes]) -> list[int]:
    """Send `total` requests (request(i) gives the bytes of the i-th) over `connections` connections."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    statuses: list[int] = []
    shares: list[list[bytes]] = [[] for _ in range(connections)]
    for i in range(total):
        shares[i % connections].append(request(i))
    await asyncio.gather(*(_one_connection(host, port, share, statuses) for share in shares if share))
    return statuses
