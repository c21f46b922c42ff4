"""The engine's promises: bounded concurrency, no overlapping runs, jittered starts, batches that are
all-or-nothing, cancel-safety, and faults that never stop the other checks."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from typing import Any

import pytest

from tether.checks.result import CheckResult
from tether.checks.states import State, is_failing, worst
from tether.model.integration import Integration
from tether.monitor.engine import Engine, Job, first_delay, make_jobs
from tether.sandbox.server import Sandbox
from tether.store import Store
from tether.store.results import count_results, latest_per_check, latest_per_integration, record_results


def integration(name: str, checks: list[dict[str, Any]]) -> Integration:
    return Integration.model_validate({"name": name, "title": name, "pattern": "custom-app", "checks": checks})


def http_checks(url: str, n: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"kind": "http", "name": f"c{i}", "url": url, **extra} for i in range(n)]


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([], State.UNKNOWN),
        ([State.HEALTHY], State.HEALTHY),
        ([State.HEALTHY, State.DEGRADED], State.DEGRADED),
        ([State.DEGRADED, State.UNKNOWN], State.UNKNOWN),
        ([State.UNKNOWN, State.DOWN], State.DOWN),
        ([State.DOWN, State.UNKNOWN, State.HEALTHY], State.DOWN),
        (["healthy", "down"], State.DOWN),
    ],
)
def test_an_integration_is_the_worst_of_its_checks(states: list[State], expected: State) -> None:
    assert worst(states) is expected


def test_failing_states() -> None:
    assert [is_failing(s) for s in State] == [False, False, True, True]


def test_first_run_is_jittered_within_the_interval() -> None:
    rng = random.Random(7)
    delays = [first_delay(30.0, rng) for _ in range(2000)]
    assert all(0 <= d < 30.0 for d in delays)
    assert max(delays) > 25 and min(delays) < 5  # spread across the interval, not bunched at zero
    assert all(0 <= first_delay(30.0, rng, max_jitter=2.0) < 2.0 for _ in range(500))


def test_timeout_stays_below_the_interval() -> None:
    jobs = make_jobs([integration("a", [{"kind": "http", "name": "h", "url": "http://x", "interval": 5}])], 60, 10)
    assert jobs[0].timeout < jobs[0].interval == 5


def test_unknown_names_are_refused_with_a_suggestion() -> None:
    with pytest.raises(KeyError, match="did you mean 'app'"):
        make_jobs([integration("app", http_checks("http://x", 1))], 60, 10, ["apq"])
    jobs = make_jobs([integration("app", http_checks("http://x", 3))], 60, 10, ["app/c1"])
    assert [job.key for job in jobs] == ["app/c1"]


async def test_concurrency_is_bounded(sandbox: Sandbox, store: Store) -> None:
    # Each answer takes a second, so the first four are still in flight when the engine has started
    # them all, however slow the machine.
    sandbox.add_fault(route="/bench", latency=1.0)
    jobs = make_jobs([integration("load", http_checks(f"{sandbox.url}/bench", 12))], 60, 5)
    async with Engine(jobs, store=store, concurrency=4) as engine:
        results = await engine.run_once()
    assert [r.check for r in results] == [f"c{i}" for i in range(12)]
    assert all(r.state is State.HEALTHY for r in results)
    assert sandbox.max_in_flight["/bench"] == 4
    assert count_results(store) == 12


async def test_runs_of_one_check_never_overlap(sandbox: Sandbox, store: Store) -> None:
    # Each answer takes six intervals; the timeout is far wider still, so no run is cut short on a
    # slow machine. A fixed-rate schedule would have several requests in flight; ours has one.
    sandbox.add_fault(route="/app/health", latency=0.3)
    check = {"kind": "http", "name": "h", "url": f"{sandbox.url}/app/health", "interval": 60}
    [job] = make_jobs([integration("solo", [check])], 60, 10)
    jobs = [replace(job, interval=0.05, timeout=20.0)]  # past make_jobs' clamp, on purpose
    stop = asyncio.Event()
    seen: list[CheckResult] = []

    def sink(batch: list[CheckResult]) -> None:
        seen.extend(batch)
        if len(seen) >= 6:
            stop.set()

    async with Engine(jobs, store=store, on_batch=[sink], batch_size=1, max_jitter=0.01) as engine:
        await asyncio.wait_for(engine.watch(stop), timeout=20)
    assert len(seen) >= 6
    assert all(r.state is State.HEALTHY for r in seen), [r.reason for r in seen]
    assert sandbox.max_in_flight["/app/health"] == 1
    starts = [r.started_at for r in seen]
    assert starts == sorted(starts)


def _consistent(store: Store) -> None:
    assert store.integrity_ok()
    ids = {
        (row[0], row[1]): row[2]
        for row in store.conn.execute(
            "SELECT integration, check_name, max(id) FROM check_results GROUP BY integration, check_name"
        )
    }
    latest = latest_per_check(store)
    assert {(r["integration"], r["check"]): r["result_id"] for r in latest} == ids


@pytest.mark.parametrize("cancel_after_batches", [1, 2, 5])
async def test_cancelling_mid_run_leaves_whole_batches(
    sandbox: Sandbox, store: Store, cancel_after_batches: int
) -> None:
    sandbox.add_fault(route="/bench", latency=0.02)
    checks = http_checks(f"{sandbox.url}/bench", 25, interval=0.05, timeout=0.04)
    jobs = make_jobs([integration("load", checks)], 60, 10)
    committed: list[int] = []
    enough = asyncio.Event()

    def sink(batch: list[CheckResult]) -> None:
        committed.append(len(batch))
        if len(committed) >= cancel_after_batches:
            enough.set()

    async with Engine(jobs, store=store, on_batch=[sink], batch_size=7, concurrency=10, max_jitter=0.02) as engine:
        task = asyncio.create_task(engine.watch())
        await asyncio.wait_for(enough.wait(), timeout=20)
        await asyncio.sleep(0.013)  # land the cancel while probes are in flight
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert engine.committed == sum(committed) == count_results(store)
    _consistent(store)
    assert all(size <= 7 for size in committed)


async def test_a_failed_batch_writes_nothing(store: Store) -> None:
    good = CheckResult("a", "c", "http", State.HEALTHY, "ok", "ok", 1.0, 5.0)
    bad = CheckResult(None, "c", "http", State.HEALTHY, "ok", "ok", 2.0, 5.0)  # type: ignore[arg-type]
    with pytest.raises(Exception, match="NOT NULL"):
        record_results(store, [good, good, bad])
    assert count_results(store) == 0
    assert latest_per_check(store) == []


async def test_latest_state_keeps_since_and_streak(store: Store) -> None:
    def result(state: State, at: float) -> CheckResult:
        return CheckResult("a", "c", "http", state, str(state), "ok", at, 5.0)

    record_results(store, [result(State.HEALTHY, 1), result(State.HEALTHY, 2)])
    record_results(store, [result(State.DOWN, 3), result(State.DOWN, 4)])
    (row,) = latest_per_check(store)
    assert (row["state"], row["since"], row["streak"], row["started_at"]) == ("down", 3, 2, 4)
    record_results(store, [result(State.HEALTHY, 0.5)])  # a late, older result never overwrites the latest
    assert latest_per_check(store)[0]["state"] == "down"


async def test_faults_never_stop_the_other_checks(
    sandbox: Sandbox, store: Store, refused_url: str, dns_fail_url: str
) -> None:
    sandbox.add_fault(route="/app/health", drop="mid-body")
    ok = integration("ok", [{"kind": "http", "name": "h", "url": f"{sandbox.url}/crm/health"}])
    broken = integration(
        "broken",
        [
            {"kind": "http", "name": "refused", "url": refused_url},
            {"kind": "http", "name": "dns", "url": dns_fail_url},
            {"kind": "http", "name": "dropped", "url": f"{sandbox.url}/app/health"},
            {"kind": "anthropic", "name": "nokey", "model": "claude-haiku-4-5", "base_url": sandbox.url},
        ],
    )
    jobs = make_jobs([ok, broken], 60, 2)
    failures: list[int] = []

    def failing_sink(batch: list[CheckResult]) -> None:
        failures.append(len(batch))
        raise RuntimeError("a sink bug")

    async with Engine(jobs, store=store, env={}, on_batch=[failing_sink]) as engine:
        results = await engine.run_once()
    assert [(r.check, r.state, r.category) for r in results] == [
        ("h", State.HEALTHY, "ok"),
        ("refused", State.DOWN, "refused"),
        ("dns", State.DOWN, "dns"),
        ("dropped", State.DOWN, "dropped"),
        ("nokey", State.UNKNOWN, "config"),
    ]
    grouped = latest_per_integration(store)
    assert worst(r["state"] for r in grouped["broken"]) is State.DOWN
    assert worst(r["state"] for r in grouped["ok"]) is State.HEALTHY
    assert failures == [5]


async def test_jobs_keep_their_own_interval(sandbox: Sandbox) -> None:
    fast = {"kind": "http", "name": "fast", "url": f"{sandbox.url}/crm/health", "interval": 0.05, "timeout": 0.04}
    slow = {"kind": "http", "name": "slow", "url": f"{sandbox.url}/app/health", "interval": 30, "timeout": 1}
    jobs: list[Job] = make_jobs([integration("mix", [fast, slow])], 60, 10)
    stop = asyncio.Event()
    counts: dict[str, int] = {}

    def sink(batch: list[CheckResult]) -> None:
        for r in batch:
            counts[r.check] = counts.get(r.check, 0) + 1
        if counts.get("fast", 0) >= 5:
            stop.set()

    async with Engine(jobs, on_batch=[sink], batch_size=1, max_jitter=0.01) as engine:
        await asyncio.wait_for(engine.watch(stop), timeout=20)
    assert counts["fast"] >= 5
    assert counts.get("slow", 0) <= 1
