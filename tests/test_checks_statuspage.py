"""Vendor status pages: Statuspage v2 indicators and components, Slack's API, and never `down` for a broken page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox_fixtures import ProbeCheck
from tether.sandbox.scenario import Incident, Scenario
from tether.sandbox.server import Sandbox


def page(url: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "statuspage", "name": "vendor", "url": url, **extra}


@pytest.mark.parametrize(
    ("impact", "state", "category"),
    [
        (None, "healthy", "ok"),
        ("minor", "degraded", "vendor_minor"),
        ("maintenance", "degraded", "maintenance"),
        ("major", "down", "vendor_major"),
        ("critical", "down", "vendor_major"),
    ],
)
async def test_indicator_to_state(
    sandbox: Sandbox, probe_check: ProbeCheck, impact: str | None, state: str, category: str
) -> None:
    if impact:
        sandbox.set_scenario(Scenario(incidents=[Incident(vendor="hubspot", impact=impact, name="Scoring delays")]))
    row = await probe_check(page(f"{sandbox.url}/status/hubspot"))
    assert (row["state"], row["category"]) == (state, category), row["reason"]
    if impact and impact != "maintenance":
        assert "Scoring delays" in row["reason"]


async def test_component_filter_ignores_other_components(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    incident = Incident(vendor="notion", impact="major", components=["Integrations"])
    sandbox.set_scenario(Scenario(incidents=[incident]))
    unaffected = await probe_check(page(f"{sandbox.url}/status/notion", components=["AI features"]))
    assert (unaffected["state"], unaffected["reason"]) == ("healthy", "AI features operational")


async def test_component_filter_sees_its_component(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.set_scenario(Scenario(incidents=[Incident(vendor="notion", impact="major", components=["AI features"])]))
    row = await probe_check(page(f"{sandbox.url}/status/notion", components=["ai features"]))
    assert (row["state"], row["reason"]) == ("degraded", "AI features: partial outage")


async def test_unknown_component_is_unknown(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(page(f"{sandbox.url}/status/notion", components=["Einstein"]))
    assert (row["state"], row["category"]) == ("unknown", "config")
    assert "no component named 'Einstein'" in row["reason"]


async def test_host_mirroring_reaches_the_vendor(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.set_scenario(Scenario(incidents=[Incident(vendor="hubspot", impact="minor")]))
    row = await probe_check(page(f"{sandbox.url}/status.hubspot.com"))
    assert row["state"] == "degraded"


@pytest.mark.parametrize(
    ("fault", "category"),
    [
        ({"body": "html"}, "html"),
        ({"body": "redirect-html"}, "html"),
        ({"body": "malformed-json"}, "bad_json"),
        ({"status": 500}, "http_status"),
        ({"status": 429, "retry_after": 5}, "http_status"),
        ({"drop": "mid-body"}, "dropped"),
        ({"latency": 1.0}, "read_timeout"),
    ],
)
async def test_a_broken_status_page_is_unknown_never_down(
    sandbox: Sandbox, probe_check: ProbeCheck, fault: dict[str, Any], category: str
) -> None:
    sandbox.add_fault(route="/status/*", **fault)
    row = await probe_check(page(f"{sandbox.url}/status/hubspot"), timeout=0.4)
    assert (row["state"], row["category"]) == ("unknown", category), row["reason"]


async def test_unreachable_status_page_is_unknown(refused_url: str, probe_check: ProbeCheck) -> None:
    row = await probe_check(page(f"{refused_url}/status/hubspot"))
    assert (row["state"], row["category"]) == ("unknown", "refused")


async def test_slack_status_api(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    url = f"{sandbox.url}/status/slack/api/v2.0.0/current"
    assert (await probe_check(page(url)))["state"] == "healthy"


@pytest.mark.parametrize(("impact", "state"), [("minor", "degraded"), ("major", "down")])
async def test_slack_incidents(sandbox: Sandbox, probe_check: ProbeCheck, impact: str, state: str) -> None:
    sandbox.set_scenario(Scenario(incidents=[Incident(vendor="slack", impact=impact, name="Huddles")]))
    row = await probe_check(page(f"{sandbox.url}/status/slack/api/v2.0.0/current"))
    assert row["state"] == state
    assert "Huddles" in row["reason"]


async def test_openai_compatible_model_list(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    check = {"kind": "openai", "name": "models", "base_url": f"{sandbox.url}/openai", "model": "gpt-4o-mini"}
    row = await probe_check(check, env={"OPENAI_API_KEY": "k"})
    assert (row["state"], row["reason"]) == ("healthy", "key accepted, 2 models offered")


async def test_openai_model_not_offered(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    check = {"kind": "openai", "name": "models", "base_url": f"{sandbox.url}/openai", "model": "gpt-9"}
    row = await probe_check(check, env={"OPENAI_API_KEY": "k"})
    assert (row["state"], row["category"]) == ("down", "not_found")


@pytest.mark.parametrize(("fault", "category"), [({"status": 401}, "auth"), ({"body": "html"}, "html")])
async def test_openai_failures(sandbox: Sandbox, probe_check: ProbeCheck, fault: dict[str, Any], category: str) -> None:
    sandbox.add_fault(route="/openai/*", **fault)
    row = await probe_check(
        {"kind": "openai", "name": "m", "base_url": f"{sandbox.url}/openai"}, env={"OPENAI_API_KEY": "k"}
    )
    assert (row["state"], row["category"]) == ("down", category)
