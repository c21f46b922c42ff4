"""True latency (docs/adr/0014): a result's latency is the request on the wire, not tether's own
waiting, and a prober too busy to time its target says so instead of blaming the target.

The sandbox answers after a scripted 1.5 s; every margin below is a second or more.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from tether.checks.states import State
from tether.model.integration import Integration
from tether.monitor import network
from tether.monitor.engine import Engine, make_jobs
from tether.sandbox.server import Sandbox

ANSWER = 1.5
"""What the sandbox waits before answering."""


def jobs(url: str, n: int, **extra: Any) -> list[Any]:
    checks = [{"kind": "http", "name": f"c{i}", "url": url, **extra} for i in range(n)]
    integration = Integration.model_validate({"name": "a", "title": "A", "pattern": "custom-app", "checks": checks})
    return make_jobs([integration], 60.0, 10.0)


async def test_waiting_for_a_connection_is_not_the_targets_latency(sandbox: Sandbox) -> None:
    sandbox.add_fault(route="/app/health", latency=ANSWER)
    # Two probes, one connection: the second waits a whole answer for it before it can send.
    one_connection = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with (
        httpx.AsyncClient(limits=one_connection) as client,
        Engine(jobs(f"{sandbox.url}/app/health", 2), client=client, concurrency=2) as engine,
    ):
        results = await engine.run_once()
    assert [r.state for r in results] == [State.HEALTHY, State.HEALTHY]
    latencies = sorted(r.latency_ms or 0 for r in results)
    # The wall time of the second probe is two answers (3 s); its request took one.
    assert ANSWER * 1000 <= latencies[1] < (ANSWER + 1.0) * 1000, latencies
    waited = [r.metrics.get("probe_overloaded", {}).get("waited_ms", 0) for r in results]
    assert max(waited) >= (ANSWER - 0.5) * 1000, waited


async def test_the_engines_own_connections_time_the_request_alone(sandbox: Sandbox) -> None:
    sandbox.add_fault(route="/app/health", latency=ANSWER)
    async with Engine(jobs(f"{sandbox.url}/app/health", 1), concurrency=1) as engine:
        start = time.perf_counter()
        [result] = await engine.run_once()
        wall = (time.perf_counter() - start) * 1000
    assert result.state == State.HEALTHY
    assert ANSWER * 1000 <= (result.latency_ms or 0) <= wall
    assert result.metrics.get("probe_overloaded", {}).get("waited_ms", 0) < 1000  # nothing made it wait


async def _block_the_loop(after: float, seconds: float) -> None:
    await asyncio.sleep(after)
    time.sleep(seconds)  # a blocking call on the loop: every task on it is held up


async def test_a_blocked_loop_is_reported_as_tethers_delay_not_the_targets(sandbox: Sandbox) -> None:
    sandbox.add_fault(route="/app/health", latency=ANSWER)
    async with Engine(jobs(f"{sandbox.url}/app/health", 1, timeout=3), concurrency=1) as engine:
        blocker = asyncio.create_task(_block_the_loop(0.3, 5.0))
        [result] = await engine.run_once()
        await blocker
    # The target answered at 1.5 s; the loop could not read it before the 3 s deadline passed.
    assert result.state != State.DOWN, result.reason
    assert result.metrics["probe_overloaded"]["loop_lag_ms"] >= 3000, result.metrics
    if result.state == State.UNKNOWN:
        assert result.category == "probe_overloaded"
        assert result.reason.startswith("probe overloaded: tether's own delay (loop ")


async def test_a_busy_loop_flags_a_result_that_still_arrived(sandbox: Sandbox) -> None:
    sandbox.add_fault(route="/app/health", latency=ANSWER)
    async with Engine(jobs(f"{sandbox.url}/app/health", 1, timeout=20), concurrency=1) as engine:
        blocker = asyncio.create_task(_block_the_loop(0.3, 4.0))
        [result] = await engine.run_once()
        await blocker
    assert result.state == State.HEALTHY
    assert result.metrics["probe_overloaded"]["loop_lag_ms"] >= 2000, result.metrics
    # The answer was read 4 s late; the kernel's stamp says when it came: 1.5 s after the request
    # (Linux stamps what it receives; elsewhere a read is stamped when made, and the flag above says why).
    if network.STAMP_SPACE:
        assert ANSWER * 1000 <= (result.latency_ms or 0) < (ANSWER + 1.0) * 1000, result.latency_ms


async def test_a_due_check_kept_waiting_for_a_slot_says_the_engine_is_saturated(sandbox: Sandbox) -> None:
    sandbox.add_fault(route="/app/health", latency=ANSWER)
    seen: list[Any] = []
    stop = asyncio.Event()

    def collect(batch: list[Any]) -> None:
        seen.extend(batch)
        if len(seen) >= 2:
            stop.set()

    # One slot, two checks due at once: the second waits a whole answer for the first.
    engine = Engine(jobs(f"{sandbox.url}/app/health", 2), concurrency=1, max_jitter=0, on_batch=[collect], batch_size=1)
    async with engine:
        await asyncio.wait_for(engine.watch(stop), timeout=20)
    first, second = seen[:2]
    assert first.metrics.get("probe_overloaded", {}).get("queued_ms", 0) < 500  # it had the slot at once
    assert second.metrics["probe_overloaded"]["queued_ms"] >= (ANSWER - 0.5) * 1000, second.metrics
    assert second.state == State.HEALTHY and ANSWER * 1000 <= (second.latency_ms or 0) < (ANSWER + 1.0) * 1000
