"""Start `tether serve`: uvicorn on 127.0.0.1 by default, optionally with the probe loop inside."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable

import uvicorn

from tether.monitor.session import Watching, monitoring, plan_jobs
from tether.server.app import ServerConfig, create_app
from tether.server.protocol import HEADER_TIMEOUT, with_header_timeout
from tether.store.db import Store


def probe_loop(watching: Watching, store_path: str, location: str | None = None) -> Callable[[], Awaitable[None]]:
    """The probe schedule as a background task: a monitoring session on its own store connection."""

    async def run() -> None:
        store = Store(store_path)
        try:
            async with monitoring(watching, store, plan_jobs(watching.file), location=location) as engine:
                await engine.watch()
        finally:
            store.close()

    return run


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one (read it back with getsockname)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


KEEP_ALIVE_TIMEOUT = 5.0
"""An idle keep-alive connection is closed after this many seconds (uvicorn's own default, made explicit)."""
MAX_CONNECTIONS = 1024
"""Past this many open connections (or requests in progress) a request is answered 503 at once."""


def make_server(
    config: ServerConfig, sock: socket.socket, log_level: str = "warning", header_timeout: float = HEADER_TIMEOUT
) -> uvicorn.Server:
    app = create_app(config)
    host, port = sock.getsockname()[:2]
    uv = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        http=with_header_timeout(header_timeout),
        timeout_keep_alive=int(KEEP_ALIVE_TIMEOUT),
        limit_concurrency=MAX_CONNECTIONS,
    )
    return uvicorn.Server(uv)


class ServerThread:
    """`tether serve`'s app on its own event loop in a daemon thread (tests and benchmarks)."""

    def __init__(
        self, config: ServerConfig, host: str = "127.0.0.1", port: int = 0, header_timeout: float = HEADER_TIMEOUT
    ) -> None:
        self.sock = bind(host, port)
        self.server = make_server(config, self.sock, header_timeout=header_timeout)
        self.thread = threading.Thread(target=self._run, name="tether-serve", daemon=True)
        self.error: BaseException | None = None

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def _run(self) -> None:
        try:
            asyncio.run(self.server.serve(sockets=[self.sock]))
        except BaseException as exc:  # surfaced by start()/stop()
            self.error = exc

    def start(self, timeout: float = 30.0) -> str:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if self.error is not None or not self.thread.is_alive():
                raise RuntimeError(f"tether serve did not start: {self.error!r}")
            if time.monotonic() > deadline:
                raise TimeoutError("tether serve did not start in time")
            time.sleep(0.01)
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()
        if self.error is not None:
            raise self.error
