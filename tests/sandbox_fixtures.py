"""Pytest fixtures for the loopback sandbox: real sockets on 127.0.0.1, no keys, no internet.

    def test_x(sandbox):                    # a running Sandbox, reset to the default scenario
        sandbox.add_fault(route="/app/health", status=503)
        ... probe f"{sandbox.url}/app/health" ...

Also: `refused_url` (nothing listens there), `blackhole_url` (connects hang: a connect timeout),
`dns_fail_url` (a .invalid name, which never resolves), and `probe_check` to run one check
through the real engine into a scratch store and read back what was recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tether.model.integration import Integration
from tether.monitor.engine import Engine, make_jobs
from tether.sandbox.server import Sandbox, SandboxThread
from tether.store import Store, open_store
from tether.store.results import results_for


@pytest.fixture(scope="session")
def _sandbox_server() -> Iterator[Sandbox]:
    runner = SandboxThread()
    box = runner.start()
    yield box
    runner.stop()


@pytest.fixture
def sandbox(_sandbox_server: Sandbox) -> Iterator[Sandbox]:
    """The shared in-process sandbox, reset before and after each test."""
    _sandbox_server.reset()
    yield _sandbox_server
    _sandbox_server.reset()


@pytest.fixture
def refused_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def blackhole_url() -> Iterator[str]:
    """A port whose accept queue is full, so a new connection's SYN is dropped: connect times out."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield f"http://127.0.0.1:{port}"
    for filler in fillers:
        filler.close()
    server.close()


@pytest.fixture
def dns_fail_url() -> str:
    return "http://tether-sandbox.invalid"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "tether.db") as db:
        yield db


ProbeCheck = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def probe_check(store: Store) -> ProbeCheck:
    """Run one check (a dict as in integrations.yaml) through the engine; return the stored result."""

    async def run(
        check: dict[str, Any],
        *,
        env: dict[str, str] | None = None,
        ai_model: str | None = "claude-haiku-4-5",
        timeout: float = 2.0,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"name": "subject", "title": "Subject", "pattern": "direct-api", "checks": [check]}
        if ai_model:
            data["ai"] = {"provider": "anthropic", "model": ai_model}
        integration = Integration.model_validate(data)
        jobs = make_jobs([integration], 60.0, timeout)
        async with Engine(jobs, store=store, env=env if env is not None else {}) as engine:
            await asyncio.wait_for(engine.run_once(), timeout=timeout + 10)
        rows = results_for(store, "subject")
        assert len(rows) == 1
        return rows[0]

    return run
