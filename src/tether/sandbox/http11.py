"""A small HTTP/1.1 server on asyncio streams, so faults can do what real servers do wrong.

Keep-alive, Content-Length bodies (chunked request bodies too), and full control over the bytes
on the wire: a dropped connection, half a body, a body trickled slowly.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    529: "Overloaded",
}
MAX_REQUEST_BODY = 32 * 1024 * 1024


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: str | None = None
    """before-response or mid-body."""
    slow_body: float | None = None

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(data).encode()
        return cls(status, body, {"content-type": "application/json", **(headers or {})})

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode(), {"content-type": "text/html; charset=utf-8"})


Handler = Callable[[Request], Awaitable[Response]]


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readline()).strip().split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            parts.append(await reader.readexactly(size))
            await reader.readline()
        body = b"".join(parts)
    elif "content-length" in headers:
        length = int(headers["content-length"])
        if length > MAX_REQUEST_BODY:
            return None
        body = await reader.readexactly(length)
    url = urlsplit(target)
    query = {k: v[-1] for k, v in parse_qs(url.query).items()}
    return Request(method.upper(), url.path or "/", query, headers, body)


async def _write(writer: asyncio.StreamWriter, response: Response, keep_alive: bool) -> bool:
    """Write the response; False when the connection must close."""
    if response.drop == "before-response":
        writer.transport.abort()
        return False
    headers = {"content-length": str(len(response.body)), "server": "tether-sandbox", **response.headers}
    if not keep_alive:
        headers["connection"] = "close"
    head = f"HTTP/1.1 {response.status} {REASONS.get(response.status, 'Status')}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    writer.write(head.encode("latin-1"))
    body = response.body
    if response.drop == "mid-body":
        writer.write(body[: max(1, len(body) // 2)])
        await writer.drain()
        await asyncio.sleep(0.01)
        writer.transport.abort()
        return False
    if response.slow_body and body:
        steps = 10
        size = max(1, -(-len(body) // steps))
        for i in range(0, len(body), size):
            writer.write(body[i : i + size])
            await writer.drain()
            await asyncio.sleep(response.slow_body / steps)
    else:
        writer.write(body)
    await writer.drain()
    return keep_alive


async def serve_connection(handler: Handler, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            request = await _read_request(reader)
            if request is None:
                break
            keep_alive = request.headers.get("connection", "").lower() != "close"
            response = await handler(request)
            if not await _write(writer, response, keep_alive):
                break
    except (ConnectionError, asyncio.IncompleteReadError, ValueError):
        pass
    finally:
        if not writer.transport.is_closing():
            writer.close()
