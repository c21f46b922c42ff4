"""Slack's status API: the root URL resolved to it, incidents and outages, services scoped, notices informational."""

from __future__ import annotations

import pytest

from tests.sandbox_fixtures import ProbeCheck
from tests.status_support import env, sample, status_check
from tether.sandbox.scenario import Incident, Scenario
from tether.sandbox.server import Sandbox


@pytest.mark.parametrize(
    ("impact", "state", "category", "reason"),
    [
        (None, "healthy", "ok", "all Slack services ok"),
        ("minor", "degraded", "vendor_minor", "incident: Huddles failing"),
        ("major", "down", "vendor_major", "outage: Huddles failing"),
        ("maintenance", "healthy", "ok", "notice: Huddles failing"),
    ],
)
async def test_the_root_url_reads_the_api(
    sandbox: Sandbox, probe_check: ProbeCheck, impact: str | None, state: str, category: str, reason: str
) -> None:
    if impact:
        sandbox.set_scenario(Scenario(incidents=[Incident(vendor="slack", impact=impact, name="Huddles failing")]))
    row = await probe_check(status_check("slack-status.com"), env=env(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (state, category, reason)
    assert row["metrics"]["feed"].endswith("/slack-status.com/api/v2.0.0/current")
    assert row["metrics"]["platform"] == "slack"


async def test_an_incident_on_another_service_stays_healthy(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    incident = Incident(vendor="slack", impact="major", name="Huddles failing", components=["Huddles"])
    sandbox.set_scenario(Scenario(incidents=[incident]))
    row = await probe_check(status_check("slack-status.com", components=["Messaging"]), env=env(sandbox))
    assert (row["state"], row["reason"]) == ("healthy", "Messaging operational")


@pytest.mark.parametrize(
    ("file", "components", "state", "reason"),
    [
        ("slack-ok.json", [], "healthy", "all Slack services ok"),
        (
            "slack-incident.json",
            [],
            "degraded",
            "incident: Slack’s forwarding email feature is failing for some customers",
        ),
        ("slack-incident.json", ["Messaging"], "healthy", "Messaging operational"),
    ],
)
async def test_the_vendors_own_samples(
    sandbox: Sandbox, probe_check: ProbeCheck, file: str, components: list[str], state: str, reason: str
) -> None:
    sandbox.can("/status/slack/api/v2.0.0/current", sample(file))
    row = await probe_check(
        status_check("slack-status.com/api/v2.0.0/current", components=components), env=env(sandbox)
    )
    assert (row["state"], row["reason"]) == (state, reason)
    if state == "degraded":
        assert (row["metrics"]["link"], row["metrics"]["affected"]) == (
            "https://slack-status.com/2018-09/7dea1cd14cd0f657",
            ["Apps/Integrations/APIs"],
        )
