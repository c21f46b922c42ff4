"""Google Workspace and Google Cloud: the dashboards' incidents.json, filtered by product; history ignored."""

from __future__ import annotations

import pytest

from tests.sandbox_fixtures import ProbeCheck
from tests.status_support import env, sample, status_check
from tether.sandbox.scenario import Incident, Scenario
from tether.sandbox.server import Sandbox

WORKSPACE = "www.google.com/appsstatus/dashboard/"
CLOUD = "status.cloud.google.com"


@pytest.mark.parametrize(
    ("impact", "state", "category", "reason"),
    [
        (None, "healthy", "ok", "Gemini: no ongoing incident"),
        ("minor", "degraded", "vendor_minor", "Gemini: Service disruption — Gemini replies slowly"),
        ("major", "down", "vendor_major", "Gemini: Service outage — Gemini replies slowly"),
        ("maintenance", "healthy", "ok", "information: Gemini replies slowly"),
    ],
)
async def test_workspace_by_product(
    sandbox: Sandbox, probe_check: ProbeCheck, impact: str | None, state: str, category: str, reason: str
) -> None:
    if impact:
        incident = Incident(
            vendor="google-workspace", impact=impact, name="Gemini replies slowly", components=["Gemini"]
        )
        sandbox.set_scenario(Scenario(incidents=[incident]))
    row = await probe_check(status_check(WORKSPACE, components=["Gemini"]), env=env(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (state, category, reason)
    assert row["metrics"]["feed"].endswith("/www.google.com/appsstatus/dashboard/incidents.json")
    if impact in ("minor", "major"):
        assert row["metrics"]["link"].startswith("https://www.google.com/appsstatus/dashboard/incidents/")


async def test_workspace_incident_on_another_product_stays_healthy(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    incident = Incident(vendor="google-workspace", impact="major", name="Mail delayed", components=["Gmail"])
    sandbox.set_scenario(Scenario(incidents=[incident]))
    row = await probe_check(status_check(WORKSPACE, components=["Gemini", "Google Docs"]), env=env(sandbox))
    assert (row["state"], row["reason"]) == ("healthy", "Gemini, Google Docs: no ongoing incident")


@pytest.mark.parametrize(
    ("components", "state", "reason"),
    [
        (["Gemini"], "healthy", "Gemini: no ongoing incident"),
        (["Google Chat"], "down", "Google Chat: Service outage — Chat caído"),
    ],
)
async def test_workspace_sample(
    sandbox: Sandbox, probe_check: ProbeCheck, components: list[str], state: str, reason: str
) -> None:
    sandbox.can(
        "/status/google-workspace/appsstatus/dashboard/incidents.json", sample("google-workspace-incidents.json")
    )
    row = await probe_check(status_check(WORKSPACE, components=components), env=env(sandbox))
    assert (row["state"], row["reason"]) == (state, reason)


@pytest.mark.parametrize(
    ("impact", "state", "reason"),
    [
        (None, "healthy", "Vertex AI: no ongoing incident"),
        ("minor", "degraded", "Vertex AI: Service disruption — Vertex AI latency"),
        ("critical", "down", "Vertex AI: Service outage — Vertex AI latency"),
        ("maintenance", "healthy", "information: Vertex AI latency"),
    ],
)
async def test_cloud_vertex_ai(
    sandbox: Sandbox, probe_check: ProbeCheck, impact: str | None, state: str, reason: str
) -> None:
    if impact:
        incident = Incident(vendor="vertex-ai", impact=impact, name="Vertex AI latency", components=["Vertex AI"])
        sandbox.set_scenario(Scenario(incidents=[incident]))
    row = await probe_check(status_check(CLOUD, components=["Vertex AI"]), env=env(sandbox))
    assert (row["state"], row["reason"], row["metrics"]["platform"]) == (state, reason, "google-cloud")


async def test_cloud_incident_on_another_product_stays_healthy(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.can("/status/vertex-ai/incidents.json", sample("google-cloud-incidents.json"))
    row = await probe_check(status_check(CLOUD, components=["Vertex AI"]), env=env(sandbox))
    assert (row["state"], row["reason"]) == ("healthy", "Vertex AI: no ongoing incident")


async def test_cloud_sample_on_a_watched_product(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.can("/status/vertex-ai/incidents.json", sample("google-cloud-incidents.json"))
    row = await probe_check(status_check(CLOUD, components=["Media CDN"]), env=env(sandbox))
    assert (row["state"], row["category"]) == ("degraded", "vendor_minor")
    assert row["reason"].startswith("Media CDN: Service disruption — Network traffic to Google Cloud")
    assert row["metrics"]["link"] == "https://status.cloud.google.com/incidents/5fGQt4VbkDnr3Yp8PXPr"


async def test_the_html_dashboard_is_not_the_feed(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.can(
        "/status/google-workspace/appsstatus/dashboard/incidents.json",
        "<!doctype html><title>Google</title>",
        content_type="text/html",
    )
    row = await probe_check(status_check(WORKSPACE), env=env(sandbox))
    assert (row["state"], row["category"]) == ("unknown", "html")
    assert "www.google.com/appsstatus/dashboard/incidents.json is an HTML page titled 'Google'" in row["reason"]
