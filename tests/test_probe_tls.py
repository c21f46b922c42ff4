"""https probes on the engine's own sockets: TLS in memory over a stamped socket, one shared
context, the certificate checked. The server is a local one with a test certificate
(tests/fixtures/tls, for 127.0.0.1 and localhost, made with openssl, valid a hundred years)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tether.checks.states import State
from tether.model.integration import Integration
from tether.monitor import network
from tether.monitor.engine import Engine, make_jobs

TLS = Path(__file__).parent / "fixtures" / "tls"
ANSWER = b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n{"ok": true}'


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while await reader.readuntil(b"\r\n\r\n"):
            writer.write(ANSWER)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


@pytest.fixture
async def https_url() -> AsyncIterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(TLS / "cert.pem", TLS / "key.pem")
    server = await asyncio.start_server(_serve, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"https://127.0.0.1:{port}/health"


@pytest.fixture
def fresh_trust(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The shared context built anew for this test (it is built once a process, at first use)."""
    network.trust.cache_clear()
    yield monkeypatch
    network.trust.cache_clear()


def jobs(url: str, n: int) -> list[object]:
    checks = [{"kind": "http", "name": f"c{i}", "url": url, "conditions": ["[BODY].ok == true"]} for i in range(n)]
    integration = Integration.model_validate({"name": "a", "title": "A", "pattern": "custom-app", "checks": checks})
    return make_jobs([integration], 60.0, 10.0)  # type: ignore[return-value]


async def test_a_trusted_certificate_is_probed_over_tls(https_url: str, fresh_trust: pytest.MonkeyPatch) -> None:
    fresh_trust.setenv("SSL_CERT_FILE", str(TLS / "cert.pem"))
    async with Engine(jobs(https_url, 3), concurrency=1) as engine:  # type: ignore[arg-type]
        results = await engine.run_once()
    assert [(r.state, r.reason) for r in results] == [(State.HEALTHY, "1/1 conditions hold")] * 3
    assert all(r.latency_ms is not None and r.latency_ms > 0 for r in results)


async def test_an_untrusted_certificate_is_refused(https_url: str, fresh_trust: pytest.MonkeyPatch) -> None:
    fresh_trust.delenv("SSL_CERT_FILE", raising=False)
    fresh_trust.delenv("SSL_CERT_DIR", raising=False)
    async with Engine(jobs(https_url, 1), concurrency=1) as engine:  # type: ignore[arg-type]
        [result] = await engine.run_once()
    assert result.state == State.DOWN
    assert "certificate verify failed" in result.reason, result.reason


def test_one_context_serves_every_pool() -> None:
    assert network.trust() is network.trust()
    assert network.trust().verify_mode == ssl.CERT_REQUIRED and network.trust().check_hostname
