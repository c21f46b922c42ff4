"""The probe engine's sockets: an httpcore network backend on plain non-blocking sockets.

Two things the stock (anyio) backend cannot give a monitor:

- **When the bytes moved.** Each socket asks the kernel to stamp what it receives
  (`SO_TIMESTAMPNS`, read back with `recvmsg`), and notes when a request's first byte was
  written. A probe's latency is the span from that write to the kernel's stamp on the answer's
  last byte (`Exchange`): waiting for a pooled connection, or for the probe's task to be resumed
  on a busy event loop, never lands in `[RESPONSE_TIME]` (docs/adr/0014).
- **A cheap idle check.** httpcore asks every pooled connection "is it readable?" on each
  request it assigns; here that is one poll of a socket we hold, not a walk through anyio's
  typed attributes.

TLS runs in memory (`ssl.SSLObject` over two BIOs) on the same socket, so its records are stamped
too, with one shared client context (`trust`) whose CA bundle is read at the first handshake:
probing only http:// URLs never pays for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import struct
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpcore
from httpcore._utils import is_socket_readable

LINUX = sys.platform.startswith("linux")
SO_TIMESTAMPNS = 35
"""Linux's receive stamps in nanoseconds (socket(7); Python names no constant for it). Other
systems number their options otherwise, so there reads are stamped when the loop makes them."""
STAMP_SPACE = socket.CMSG_SPACE(16) if LINUX and hasattr(socket, "CMSG_SPACE") else 0
READ = 64 * 1024
PAUSE_AT = 256 * 1024
"""Bytes held unread before the socket stops being read (the body reader drains them at once)."""


@dataclass(frozen=True)
class Exchange:
    """One request/answer on a connection (perf_counter seconds): written, first and last byte in."""

    sent_at: float
    first_byte_at: float | None
    last_byte_at: float | None
    connect_ms: float
    """The TCP (and TLS) set-up this request paid for, 0 on a reused connection."""

    @property
    def latency_ms(self) -> float | None:
        """From the first byte written to the last byte received, plus any connection set-up."""
        if self.last_byte_at is None:
            return None
        return max(0.0, (self.last_byte_at - self.sent_at) * 1000) + self.connect_ms


async def _writable(sock: socket.socket) -> None:
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not waiter.done():
            waiter.set_result(None)

    loop.add_writer(sock.fileno(), wake)
    try:
        await waiter
    finally:
        loop.remove_writer(sock.fileno())


class Stream(httpcore.AsyncNetworkStream):
    """One connection. The loop reads the socket as bytes come (as asyncio's own transports do),
    with `recvmsg`, so each piece keeps the kernel's stamp of when it arrived."""

    def __init__(self, sock: socket.socket, connect_ms: float) -> None:
        self._sock = sock
        self._fd = sock.fileno()
        self._loop = asyncio.get_running_loop()
        self._stamped = STAMP_SPACE > 0
        self._buffer = bytearray()
        self._eof = False
        self._error: OSError | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._reading = False
        self._tls: ssl.SSLObject | None = None
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._connect_ms = connect_ms
        self._setup_ms = connect_ms
        self._sent_at = 0.0
        self._first_at: float | None = None
        self._last_at: float | None = None
        self._answered = True
        """The last request's answer has started to be read: the next write starts a new exchange."""
        self._resume()

    @property
    def exchange(self) -> Exchange:
        """The newest request on this connection and its answer so far."""
        return Exchange(self._sent_at, self._first_at, self._last_at, self._setup_ms)

    def _resume(self) -> None:
        if not self._reading and not self._eof:
            self._loop.add_reader(self._fd, self._on_readable)
            self._reading = True

    def _pause(self) -> None:
        if self._reading:
            self._loop.remove_reader(self._fd)
            self._reading = False

    def _on_readable(self) -> None:
        try:
            if self._stamped:
                data, ancillary, _flags, _addr = self._sock.recvmsg(READ, STAMP_SPACE)
            else:
                data, ancillary = self._sock.recv(READ), []
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            data, ancillary, self._error = b"", [], exc
        if data:
            arrived = time.perf_counter()
            for level, kind, value in ancillary:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
                    seconds, nanos = struct.unpack("qq", value[:16])
                    # The kernel stamps in wall-clock time; how long ago that was moves it onto ours.
                    arrived -= max(0.0, time.time() - (seconds + nanos / 1e9))
            self._last_at = arrived
            if self._first_at is None:
                self._first_at = arrived
            self._buffer += data
            if len(self._buffer) >= PAUSE_AT:
                self._pause()
        else:
            self._pause()
            self._eof = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def _recv(self, size: int, timeout: float | None = None) -> bytes:
        """What has arrived, up to `size` bytes; b"" once the peer has closed. A deadline is armed
        only when there is nothing to hand out yet (most reads of a body find bytes waiting)."""
        while not self._buffer:
            if self._eof:
                if self._error is not None:
                    raise httpcore.ReadError(str(self._error)) from self._error
                return b""
            self._waiter = self._loop.create_future()
            try:
                async with asyncio.timeout(timeout):
                    await self._waiter
            except TimeoutError:
                raise httpcore.ReadTimeout("timed out while reading") from None
            finally:
                self._waiter = None
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        if len(self._buffer) < PAUSE_AT // 2:
            self._resume()
        return data

    async def _send(self, data: bytes, timeout: float | None = None) -> None:
        view = memoryview(data)
        while view:
            try:
                sent = self._sock.send(view)
            except (BlockingIOError, InterruptedError):
                try:
                    async with asyncio.timeout(timeout):
                        await _writable(self._sock)
                except TimeoutError:
                    raise httpcore.WriteTimeout("timed out while writing") from None
                continue
            except OSError as exc:
                raise httpcore.WriteError(str(exc)) from exc
            view = view[sent:]

    async def _flush(self, timeout: float | None = None) -> None:
        pending = self._outgoing.read()
        if pending:
            await self._send(pending, timeout)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = await (self._recv(max_bytes, timeout) if self._tls is None else self._read_tls(max_bytes, timeout))
        self._answered = True
        return data

    async def _read_tls(self, max_bytes: int, timeout: float | None) -> bytes:
        assert self._tls is not None
        while True:
            try:
                return self._tls.read(max_bytes)
            except ssl.SSLWantReadError:
                await self._flush(timeout)
                raw = await self._recv(READ, timeout)
                if raw:
                    self._incoming.write(raw)
                else:
                    self._incoming.write_eof()
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                return b""  # a close_notify, or a server that just closed: the end either way
            except ssl.SSLError as exc:
                raise httpcore.ReadError(str(exc)) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._answered:  # the first write of a new request
            self._answered = False
            # Set-up is charged to the first request on a connection only.
            self._setup_ms, self._connect_ms = self._connect_ms, 0.0
            self._sent_at = time.perf_counter()
            self._first_at = self._last_at = None
        if self._tls is None:
            await self._send(buffer, timeout)
            return
        try:
            self._tls.write(buffer)
        except ssl.SSLError as exc:
            raise httpcore.WriteError(str(exc)) from exc
        await self._flush(timeout)

    async def aclose(self) -> None:
        self._pause()
        self._sock.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        start = time.perf_counter()
        tls = ssl_context.wrap_bio(self._incoming, self._outgoing, server_hostname=server_hostname)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    try:
                        tls.do_handshake()
                        break
                    except ssl.SSLWantReadError:
                        await self._flush()
                        raw = await self._recv(READ)
                        if not raw:
                            raise httpcore.ConnectError(
                                "the server closed the connection during the TLS handshake"
                            ) from None
                        self._incoming.write(raw)
                await self._flush()
        except TimeoutError:
            await self.aclose()
            raise httpcore.ConnectTimeout("timed out during the TLS handshake") from None
        except (ssl.SSLError, httpcore.ReadError, httpcore.WriteError) as exc:
            await self.aclose()
            raise httpcore.ConnectError(str(exc)) from exc
        self._tls = tls
        self._connect_ms += (time.perf_counter() - start) * 1000
        self._setup_ms = self._connect_ms
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            pending = bool(self._buffer) or self._eof or (self._tls is not None and self._tls.pending() > 0)
            return pending or is_socket_readable(self._sock)
        if info == "ssl_object":
            return self._tls
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "socket":
            return self._sock
        return None


def _stamping(sock: socket.socket) -> None:
    if not STAMP_SPACE:
        return
    # A kernel without receive stamps leaves reads stamped as they are made.
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)


class Backend(httpcore.AsyncNetworkBackend):
    """TCP only: the engine's pools never dial a Unix socket (httpcore's base refuses one)."""

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
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                sock = await _connect(loop, infos, local_address)
        except TimeoutError:
            raise httpcore.ConnectTimeout("timed out while connecting") from None
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        _stamping(sock)
        for option in socket_options or ():
            sock.setsockopt(*option)
        return Stream(sock, (time.perf_counter() - start) * 1000)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _connect(loop: asyncio.AbstractEventLoop, infos: list[Any], local_address: str | None) -> socket.socket:
    """The first address that accepts, in the resolver's order; the last error if none does."""
    error: OSError = OSError("the host name resolved to no address")
    for family, kind, proto, _name, address in infos:
        sock = socket.socket(family, kind, proto)
        sock.setblocking(False)
        try:
            if local_address:
                sock.bind((local_address, 0))
            await loop.sock_connect(sock, address)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
        except BaseException:
            sock.close()
            raise
    raise error


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
