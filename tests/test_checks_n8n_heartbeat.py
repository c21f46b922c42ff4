"""n8n execution history (success rate, run time, cursor paging) and heartbeats (ping age vs period + grace)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox_fixtures import ProbeCheck
from tether import clock
from tether.sandbox.scenario import Scenario, Workflow
from tether.sandbox.server import Sandbox
from tether.store import Store
from tether.store.heartbeats import PingRecord, record_pings

ENV = {"N8N_API_KEY": "k"}


def n8n(sandbox: Sandbox, **extra: Any) -> dict[str, Any]:
    return {"kind": "n8n", "name": "runs", "base_url": f"{sandbox.url}/n8n", "workflow_id": "lead-intake", **extra}


async def test_success_rate_and_durations(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(n8n(sandbox, window="24h"), env=ENV)
    metrics = row["metrics"]
    assert (row["state"], metrics["runs"], metrics["successes"], metrics["success_rate"]) == ("healthy", 48, 48, 1.0)
    assert 0 < metrics["p50_ms"] <= metrics["p95_ms"] <= 1200 * 1.5
    assert row["reason"] == "48/48 runs succeeded in the last 24h (100%)"


async def test_cursor_paging_covers_the_window(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.set_scenario(Scenario(workflows=[Workflow(id="lead-intake", runs_per_day=600)]))
    row = await probe_check(n8n(sandbox), env=ENV)
    assert row["metrics"]["runs"] == 600
    assert row["metrics"]["pages"] == 3
    assert sandbox.requests["/n8n/api/v1/executions"] == 3


@pytest.mark.parametrize(("every", "state"), [(10, "degraded"), (2, "degraded"), (1, "down")])
async def test_failures_lower_the_state(sandbox: Sandbox, probe_check: ProbeCheck, every: int, state: str) -> None:
    sandbox.set_scenario(Scenario(workflows=[Workflow(id="lead-intake", failure_every=every)]))
    row = await probe_check(n8n(sandbox), env=ENV)
    assert (row["state"], row["category"]) == (state, "low_success_rate")
    assert row["metrics"]["successes"] == 48 - 48 // every


async def test_other_workflows_only_is_unknown(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(n8n(sandbox, workflow_id="nope"), env=ENV)
    assert (row["state"], row["category"]) == ("unknown", "no_data")


@pytest.mark.parametrize(("fault", "category"), [({"status": 401}, "auth"), ({"body": "malformed-json"}, "bad_json")])
async def test_n8n_api_failures(
    sandbox: Sandbox, probe_check: ProbeCheck, fault: dict[str, Any], category: str
) -> None:
    sandbox.add_fault(route="/n8n/*", **fault)
    row = await probe_check(n8n(sandbox), env=ENV)
    assert (row["state"], row["category"]) == ("down", category)


async def test_missing_n8n_key(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(n8n(sandbox), env={})
    assert f"{row['state']}: {row['reason']}" == "unknown: N8N_API_KEY is not set"


HEARTBEAT = {"kind": "heartbeat", "name": "zap-ran", "period": "1h", "grace": "15m"}


async def test_heartbeat_never_pinged_is_unknown(probe_check: ProbeCheck) -> None:
    row = await probe_check(HEARTBEAT)
    assert (row["state"], row["category"]) == ("unknown", "no_data")
    assert row["reason"] == "no ping received yet (expected every 1h, grace 15m)"
    assert row["latency_ms"] is None


@pytest.mark.parametrize(
    ("age", "ok", "state", "category", "reason"),
    [
        (600, True, "healthy", "ok", "last ping at {at}"),
        (3600 + 800, True, "healthy", "ok", "last ping at {at}"),
        (3600 + 1000, True, "down", "missed_ping", "no ping since {at} (expected every 1h, grace 15m)"),
        (60, False, "down", "failed_run", "the last run, at {at}, reported a failure"),
    ],
)
async def test_heartbeat_age_against_period_and_grace(
    store: Store, probe_check: ProbeCheck, age: float, ok: bool, state: str, category: str, reason: str
) -> None:
    at = clock.now() - age
    record_pings(store, [PingRecord("subject", "zap-ran", at, ok, duration_s=4.2)], lambda _i, _t: False, clock.now())
    row = await probe_check(HEARTBEAT)
    assert (row["state"], row["category"]) == (state, category), row["reason"]
    # A stored reason names the ping's time, not its age, which would go stale.
    assert row["reason"] == reason.format(at=clock.iso(at))
    assert row["metrics"]["duration_s"] == 4.2
