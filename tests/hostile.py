"""A loopback server that misbehaves the way the audit's did: huge bodies, gzip bombs, redirect loops, echoes.

The first path segment picks the behaviour, so an SDK's `base_url` can point at one:

    /huge/...   a 50 MB JSON body (identity), streamed in 64 KiB chunks
    /bomb/...   a gzip bomb: a few hundred KB on the wire, 256 MB decoded
    /loop/...   302 to itself, for ever
    /hop/...    302 to /echo/, the redirect itself carrying the gzip bomb
    /echo/...   the request as JSON: {"path": ..., "headers": {...}}

Bodies are made once and streamed from shared chunks, so the server adds almost nothing to the
memory of the process the probe runs in.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Iterator
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

CHUNK = 64 * 1024
HUGE = 50 * 1024 * 1024
BOMB = 256 * 1024 * 1024


@cache
def gzip_bomb() -> bytes:
    """BOMB zero bytes, gzip-encoded (about 250 KB), compressed piece by piece to stay small while made."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(BOMB // len(zeros))]
    parts.append(packer.flush())
    return b"".join(parts)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        mode = self.path.lstrip("/").split("/", 1)[0].split("?", 1)[0]
        if mode == "huge":
            self._stream(HUGE, "application/json")
        elif mode in ("bomb", "hop"):
            body = gzip_bomb()
            self.send_response(200 if mode == "bomb" else 302)
            if mode == "hop":
                self.send_header("location", "/echo/")
            self.send_header("content-type", "application/json")
            self.send_header("content-encoding", "gzip")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif mode == "loop":
            self.send_response(302)
            self.send_header("location", self.path)
            self.send_header("content-length", "0")
            self.end_headers()
        else:
            body = json.dumps({"path": self.path, "headers": dict(self.headers.items())}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def _stream(self, size: int, content_type: str) -> None:
        chunk = b"[" + b"1," * (CHUNK // 2 - 1) + b"1"  # a valid JSON opening, so only the size is wrong
        self.send_response(200)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(size))
        self.end_headers()
        sent = 0
        try:
            while sent < size:
                piece = chunk if size - sent >= len(chunk) else chunk[: size - sent]
                self.wfile.write(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a probe hanging up mid-body is the point, not an error


class Hostile:
    def __init__(self) -> None:
        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def hostile() -> Iterator[Hostile]:
    gzip_bomb()  # made before any test measures memory
    server = Hostile()
    yield server
    server.close()
