"""Salesforce Trust: one instance's status; incidents elsewhere leave it healthy; maintenance is maintenance."""

from __future__ import annotations

import pytest

from tests.sandbox_fixtures import ProbeCheck
from tests.status_support import env, sample, status_check
from tether.sandbox.scenario import Incident, Scenario
from tether.sandbox.server import Sandbox

TRUST = "status.salesforce.com"


@pytest.mark.parametrize(
    ("impact", "state", "category", "reason"),
    [
        (None, "healthy", "ok", "instance NA123 OK"),
        ("minor", "degraded", "vendor_minor", "instance NA123: minor incident on core services"),
        ("major", "down", "vendor_major", "instance NA123: major incident on core services"),
        ("maintenance", "degraded", "maintenance", "instance NA123: maintenance on core services"),
    ],
)
async def test_instance_status(
    sandbox: Sandbox, probe_check: ProbeCheck, impact: str | None, state: str, category: str, reason: str
) -> None:
    if impact:
        sandbox.set_scenario(Scenario(incidents=[Incident(vendor="salesforce", impact=impact, instance="NA123")]))
    row = await probe_check(status_check(TRUST, instance="NA123"), env=env(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (state, category, reason)
    assert row["metrics"]["feed"].endswith("/api.status.salesforce.com/v1/instances/NA123/status")
    if impact:
        assert row["metrics"]["link"] == "https://status.salesforce.com/status/NA123"


async def test_an_incident_on_another_instance_stays_healthy(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.set_scenario(Scenario(incidents=[Incident(vendor="salesforce", impact="critical", instance="EU45")]))
    row = await probe_check(status_check(TRUST, instance="na123"), env=env(sandbox))
    assert (row["state"], row["reason"]) == ("healthy", "instance NA123 OK")


async def test_an_unknown_instance_is_a_config_problem(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(status_check(TRUST, instance="XX9"), env=env(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (
        "unknown",
        "config",
        "Salesforce Trust knows no instance 'XX9'; check `instance:`",
    )


async def test_the_vendors_own_sample(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.can("/status/salesforce/v1/instances/P1/status", sample("salesforce-instance.json"))
    row = await probe_check(status_check(TRUST, instance="P1"), env=env(sandbox))
    assert (row["state"], row["reason"], row["metrics"]["status"]) == ("healthy", "instance P1 OK", "OK")
