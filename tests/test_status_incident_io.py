"""incident.io status pages (OpenAI): the widget feed, scoped by component, maintenance as maintenance."""

from __future__ import annotations

import pytest

from tests.sandbox_fixtures import ProbeCheck
from tests.status_support import env, sample, status_check
from tether.sandbox.scenario import Incident, Scenario
from tether.sandbox.server import Sandbox

OPENAI = "status.openai.com"


@pytest.mark.parametrize(
    ("impact", "state", "category", "reason"),
    [
        (None, "healthy", "ok", "no ongoing incidents"),
        ("minor", "degraded", "vendor_minor", "Elevated errors"),
        ("major", "degraded", "vendor_minor", "Elevated errors"),
        ("critical", "down", "vendor_major", "Elevated errors"),
        ("maintenance", "degraded", "maintenance", "maintenance: Elevated errors"),
    ],
)
async def test_whole_page(
    sandbox: Sandbox, probe_check: ProbeCheck, impact: str | None, state: str, category: str, reason: str
) -> None:
    if impact:
        sandbox.set_scenario(Scenario(incidents=[Incident(vendor="openai", impact=impact, name="Elevated errors")]))
    row = await probe_check(status_check(OPENAI), env=env(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (state, category, reason)
    assert (row["metrics"]["platform"], row["metrics"]["feed"].endswith("/api/v1/summary")) == ("incident-io", True)
    if impact:
        assert row["metrics"]["link"].startswith("https://status.openai.example/incidents/")


async def test_an_incident_on_another_component_stays_healthy(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    incident = Incident(vendor="openai", impact="critical", name="Sora down", components=["Sora"])
    sandbox.set_scenario(Scenario(incidents=[incident]))
    row = await probe_check(status_check(OPENAI, components=["API"]), env=env(sandbox))
    assert (row["state"], row["reason"]) == ("healthy", "API operational")


async def test_an_incident_on_the_watched_component(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    incident = Incident(vendor="openai", impact="critical", name="API down", components=["API", "Sora"])
    sandbox.set_scenario(Scenario(incidents=[incident]))
    row = await probe_check(status_check(OPENAI, components=["api"]), env=env(sandbox))
    assert (row["state"], row["reason"], row["metrics"]["affected"]) == ("down", "API down", ["API"])


@pytest.mark.parametrize(
    ("components", "state", "category", "reason"),
    [
        ([], "degraded", "vendor_minor", "Login failing for some users; maintenance: Database upgrade"),
        (["Login"], "degraded", "vendor_minor", "Login failing for some users"),
        (["Authentication"], "degraded", "vendor_minor", "Login failing for some users"),
        (["Billing"], "healthy", "ok", "Billing operational"),
    ],
)
async def test_the_vendors_own_sample(
    sandbox: Sandbox, probe_check: ProbeCheck, components: list[str], state: str, category: str, reason: str
) -> None:
    sandbox.can("/status/openai/api/v1/summary", sample("incident-io-summary.json"))
    row = await probe_check(status_check(OPENAI, components=components), env=env(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (state, category, reason)


async def test_a_page_serving_statuspage_json_has_moved(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.can("/status/openai/api/v1/summary", sample("statuspage-summary.json"))
    row = await probe_check(status_check(OPENAI), env=env(sandbox))
    assert (row["state"], row["category"]) == ("unknown", "bad_json")
    assert row["reason"].startswith("status.openai.com no longer serves incident.io's status feed (found a JSON")
