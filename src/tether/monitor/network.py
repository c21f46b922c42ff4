"""The probe engine's sockets: an httpcore network backend on plain asyncio protocols.

Two things the stock (anyio) backend cannot give a monitor:

- **When the bytes moved.** Each connection notes when a request's first byte was written and
  when each answer byte arrived, in the event loop's own read callback. A probe's latency is
  the span between the two (`Exchange`), so waiting for a pooled connection or for the probe's
  task to be resumed on a busy loop never lands in `[RESPONSE_TIME]` (docs/adr/0014).
- **A cheap idle check.** httpcore asks every pooled connection "is it readable?" on each
  request it assigns; here that is a flag and one poll of a socket we already hold, not a walk
  through anyio's typed attributes.

TLS is asyncio's own (`loop.start_tls`) over one shared client context (`trust`), whose CA
bundle is read at the first handshake, so probing only http:// URLs never pays for it.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpcore
from httpcore._utils import is_socket_readable

PAUSE_AT = 256 * 1024
"""Bytes buffered before the socket stops being read (the body reader drains far faster)."""


@dataclass(frozen=True)
class Exchange:
    """One request/answer on a connection, by the loop's clock: written, first and last byte in."""

    sent_at: float
    first_byte_at: float | None
    last_byte_at: float | None
    connect_ms: float
    """The TCP (and TLS) set-up this request paid for, 0 on a reused connection."""

    @property
    def latency_ms(self) -> float | None:
        """From the first byte written to the last byte read, plus any connection set-up."""
        if self.last_byte_at is None:
            return None
        return (self.last_byte_at - self.sent_at) * 1000 + self.connect_ms


class _Protocol(asyncio.Protocol):
    """Buffers what arrives and stamps when it arrived; `read` hands it out."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.paused = False
        self.arrived_at: float | None = None
        """When the newest bytes arrived (the loop's read callback)."""
        self.first_at: float | None = None
        """When the first bytes since the last reset arrived."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        self.arrived_at = now
        if self.first_at is None:
            self.first_at = now
        self.buffer += data
        if len(self.buffer) > PAUSE_AT and self.transport is not None and not self.paused:
            self.transport.pause_reading()
            self.paused = True
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def take(self, max_bytes: int) -> bytes:
        data = bytes(self.buffer[:max_bytes])
        del self.buffer[:max_bytes]
        if self.paused and len(self.buffer) < PAUSE_AT // 2 and self.transport is not None:
            self.transport.resume_reading()
            self.paused = False
        return data


class Stream(httpcore.AsyncNetworkStream):
    def __init__(self, transport: asyncio.Transport, protocol: _Protocol, connect_ms: float) -> None:
        self._transport, self._protocol = transport, protocol
        self._sock: socket.socket | None = transport.get_extra_info("socket")
        self._connect_ms = connect_ms
        self._setup_ms = connect_ms
        self._sent_at = 0.0
        self._answered = True
        """The last request's answer has started to be read: the next write starts a new exchange."""

    @property
    def exchange(self) -> Exchange:
        """The newest request on this connection and its answer so far."""
        p = self._protocol
        return Exchange(self._sent_at, p.first_at, p.arrived_at, self._setup_ms)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        p = self._protocol
        while not p.buffer:
            if p.eof:
                if p.error is not None:
                    raise httpcore.ReadError(str(p.error))
                return b""
            p.waiter = asyncio.get_running_loop().create_future()
            try:
                async with asyncio.timeout(timeout):
                    await p.waiter
            except TimeoutError:
                raise httpcore.ReadTimeout("timed out while reading") from None
            finally:
                p.waiter = None
        self._answered = True
        return p.take(max_bytes)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        if self._answered:  # the first write of a new request
            self._answered = False
            # Set-up is charged to the first request on a connection only.
            self._setup_ms, self._connect_ms = self._connect_ms, 0.0
            self._sent_at = time.perf_counter()
            self._protocol.first_at = None
            self._protocol.arrived_at = None
        # A write on a loopback or LAN socket goes out at once; the kernel's buffer takes the rest.
        self._transport.write(buffer)

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        start = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                tls = await loop.start_tls(
                    self._transport, self._protocol, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError:
            self._transport.close()
            raise httpcore.ConnectTimeout("timed out during the TLS handshake") from None
        except (OSError, ssl.SSLError) as exc:
            self._transport.close()
            raise httpcore.ConnectError(str(exc)) from None
        if tls is None:
            raise httpcore.ConnectError("the TLS handshake did not complete")
        assert isinstance(tls, asyncio.Transport)
        self._protocol.transport = tls
        return Stream(tls, self._protocol, self._connect_ms + (time.perf_counter() - start) * 1000)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            p = self._protocol
            return bool(p.buffer) or p.eof or is_socket_readable(self._sock)
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._sock
        return None


class Backend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        start = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol, host, port, local_addr=(local_address, 0) if local_address else None
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout("timed out while connecting") from None
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from None
        assert isinstance(transport, asyncio.Transport)
        sock = transport.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return Stream(transport, protocol, (time.perf_counter() - start) * 1000)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        start = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_unix_connection(_Protocol, path)
        except TimeoutError:
            raise httpcore.ConnectTimeout("timed out while connecting") from None
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from None
        assert isinstance(transport, asyncio.Transport)
        return Stream(transport, protocol, (time.perf_counter() - start) * 1000)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class _LazyTrust(ssl.SSLContext):
    """A verifying client context that reads its CA bundle at the first handshake, once."""

    _loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        # The same trust store httpx would pick: SSL_CERT_FILE / SSL_CERT_DIR, else certifi's bundle.
        if os.environ.get("SSL_CERT_FILE"):
            self.load_verify_locations(cafile=os.environ["SSL_CERT_FILE"])
        elif os.environ.get("SSL_CERT_DIR"):
            self.load_verify_locations(capath=os.environ["SSL_CERT_DIR"])
        else:
            import certifi

            self.load_verify_locations(cafile=certifi.where())
        self._loaded = True

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        self._load()
        return super().wrap_bio(*args, **kwargs)

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        self._load()
        return super().wrap_socket(*args, **kwargs)


@cache
def trust() -> ssl.SSLContext:
    """The one client TLS context every pool of the process shares (hostname checked, certificate verified)."""
    return _LazyTrust(ssl.PROTOCOL_TLS_CLIENT)
