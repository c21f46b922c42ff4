"""Atlassian Statuspage v2: indicators, components, maintenance as maintenance, and never `down` for a broken page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox_fixtures import ProbeCheck
from tests.status_support import env, sample, status_check
from tether.sandbox.scenario import Incident, Scenario
from tether.sandbox.server import Sandbox

HUBSPOT = "status.hubspot.com"


@pytest.mark.parametrize(
    ("impact", "state", "category", "reason"),
    [
        (None, "healthy", "ok", "All Systems Operational"),
        ("minor", "degraded", "vendor_minor", "minor: Scoring delays"),
        ("major", "down", "vendor_major", "major: Scoring delays"),
        ("critical", "down", "vendor_major", "critical: Scoring delays"),
        ("maintenance", "degraded", "maintenance", "maintenance: Scoring delays"),
    ],
)
async def test_whole_page(
    sandbox: Sandbox, probe_check: ProbeCheck, impact: str | None, state: str, category: str, reason: str
) -> None:
    if impact:
        sandbox.set_scenario(Scenario(incidents=[Incident(vendor="hubspot", impact=impact, name="Scoring delays")]))
    row = await probe_check(status_check(HUBSPOT), env=env(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (state, category, reason)
    assert row["metrics"]["platform"] == "statuspage"
    if impact:
        assert row["metrics"]["incident"] == "Scoring delays"
        assert row["metrics"]["link"].startswith("https://stspg.io/")


@pytest.mark.parametrize(
    ("impact", "state", "category", "reason"),
    [
        ("minor", "degraded", "vendor_minor", "AI features: degraded performance"),
        ("major", "degraded", "vendor_minor", "AI features: partial outage"),
        ("critical", "down", "vendor_major", "AI features: major outage"),
        ("maintenance", "degraded", "maintenance", "AI features: under maintenance"),
    ],
)
async def test_watched_component(
    sandbox: Sandbox, probe_check: ProbeCheck, impact: str, state: str, category: str, reason: str
) -> None:
    incident = Incident(vendor="notion", impact=impact, name="AI answers slow", components=["AI features"])
    sandbox.set_scenario(Scenario(incidents=[incident]))
    row = await probe_check(status_check("www.notion-status.com", components=["ai features"]), env=env(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (state, category, reason)
    assert (row["metrics"]["affected"], row["metrics"]["incident"]) == (["AI features"], "AI answers slow")


async def test_an_incident_on_another_component_stays_healthy(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    incident = Incident(vendor="notion", impact="critical", name="Sync down", components=["Integrations"])
    sandbox.set_scenario(Scenario(incidents=[incident]))
    row = await probe_check(status_check("www.notion-status.com", components=["AI features"]), env=env(sandbox))
    assert (row["state"], row["reason"]) == ("healthy", "AI features operational")


async def test_unknown_component_is_unknown(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(status_check("www.notion-status.com", components=["Einstein"]), env=env(sandbox))
    assert (row["state"], row["category"]) == ("unknown", "config")
    assert "no component named 'Einstein'" in row["reason"]


@pytest.mark.parametrize(
    ("components", "state", "reason", "incident"),
    [
        ([], "down", "major: Search results are delayed", "Search results are delayed"),
        (["Editor"], "healthy", "Editor operational", None),
        (["Search"], "degraded", "Search: partial outage", "Search results are delayed"),
    ],
)
async def test_the_vendors_own_sample(
    sandbox: Sandbox, probe_check: ProbeCheck, components: list[str], state: str, reason: str, incident: str | None
) -> None:
    sandbox.can("/status/hubspot/api/v2/summary.json", sample("statuspage-summary.json"))
    row = await probe_check(status_check(HUBSPOT, components=components), env=env(sandbox))
    assert (row["state"], row["reason"], row["metrics"]["incident"]) == (state, reason, incident)
    if incident:
        assert row["metrics"]["link"] == "http://stspg.io/cp306tmz"


async def test_a_page_that_moved_platforms_says_so(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    # HubSpot's page answering incident.io's widget JSON at the Statuspage path: the vendor moved.
    sandbox.can("/status/hubspot/api/v2/summary.json", sample("incident-io-summary.json"))
    row = await probe_check(status_check(HUBSPOT), env=env(sandbox))
    assert (row["state"], row["category"]) == ("unknown", "bad_json")
    assert row["reason"].startswith("status.hubspot.com no longer serves Statuspage v2 JSON (found a JSON object")


async def test_a_feed_gone_404_says_the_vendor_moved(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.can("/status/hubspot/api/v2/summary.json", "<html><title>Not found</title></html>", 404, "text/html")
    row = await probe_check(status_check(HUBSPOT), env=env(sandbox))
    assert (row["state"], row["category"]) == ("unknown", "http_status")
    assert row["reason"].startswith("status.hubspot.com no longer serves Statuspage v2 JSON: HTTP 404 at /api/v2/")


@pytest.mark.parametrize(
    ("fault", "category"),
    [
        ({"body": "html"}, "html"),
        ({"body": "redirect-html"}, "html"),
        ({"body": "malformed-json"}, "bad_json"),
        ({"status": 500}, "http_status"),
        ({"status": 429, "retry_after": 5}, "http_status"),
        ({"drop": "mid-body"}, "dropped"),
        ({"latency": 30.0}, "read_timeout"),
    ],
)
async def test_a_broken_status_page_is_unknown_never_down(
    sandbox: Sandbox, probe_check: ProbeCheck, fault: dict[str, Any], category: str
) -> None:
    sandbox.add_fault(route="/status/*", **fault)
    # 1 s against a 30 s delay for the timeout, 10 s for answers: margins a slow machine meets.
    row = await probe_check(status_check(HUBSPOT), env=env(sandbox), timeout=1.0 if "latency" in fault else 10.0)
    assert (row["state"], row["category"]) == ("unknown", category), row["reason"]


async def test_html_names_what_was_found_and_the_fix(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.add_fault(route="/status/*", body="html")
    row = await probe_check(status_check(HUBSPOT), env=env(sandbox))
    assert row["reason"] == (
        "the status feed at status.hubspot.com/api/v2/summary.json is an HTML page titled 'Status', not "
        "Statuspage v2 JSON (the vendor may have moved status platforms); point `url:` at its machine-readable "
        "feed or set `platform:`"
    )


async def test_unreachable_status_page_is_unknown(refused_url: str, probe_check: ProbeCheck) -> None:
    row = await probe_check(status_check(HUBSPOT), env={"TETHER_SANDBOX_URL": refused_url})
    assert (row["state"], row["category"]) == ("unknown", "refused")


async def test_an_unrecognised_platform_is_tried_as_statuspage_and_says_so(
    sandbox: Sandbox, probe_check: ProbeCheck
) -> None:
    sandbox.can("/status/example-vendor/api/v2/summary.json", b'{"overall": "fine"}')
    sandbox.hosts["status.example-vendor.com"] = "/status/example-vendor"
    try:
        odd = await probe_check(status_check("status.example-vendor.com"), env=env(sandbox))
    finally:
        del sandbox.hosts["status.example-vendor.com"]
    assert odd["state"] == "unknown"
    assert odd["reason"].endswith(
        "the status platform of status.example-vendor.com is not recognised: set `platform:` on the check"
    )


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
