"""Microsoft 365 through Microsoft Graph: a client-credentials token, then service health by service.

Credentials are ${ENV} references; their values never reach a reason or the store.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.sandbox_fixtures import ProbeCheck
from tests.status_support import env, sample
from tether.sandbox.scenario import Incident, Scenario
from tether.sandbox.server import Sandbox

COPILOT = "Microsoft Copilot (Microsoft 365)"
SECRET = "s3cr3t-value-never-shown"


def graph(*components: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "statuspage",
        "name": "m365",
        "url": "${TETHER_SANDBOX_URL:-https:/}/graph.microsoft.com",
        "authority": "${TETHER_SANDBOX_URL:-https:/}/login.microsoftonline.com",
        "tenant_id": "${M365_TENANT_ID}",
        "client_id": "${M365_CLIENT_ID}",
        "client_secret": "${M365_CLIENT_SECRET}",
        "components": list(components),
        **extra,
    }


def creds(sandbox: Sandbox) -> dict[str, str]:
    return env(sandbox, M365_TENANT_ID="contoso-tenant", M365_CLIENT_ID="app-123", M365_CLIENT_SECRET=SECRET)


@pytest.mark.parametrize(
    ("impact", "state", "category", "reason"),
    [
        (None, "healthy", "ok", f"{COPILOT} operational"),
        ("minor", "degraded", "vendor_minor", f"{COPILOT}: service degradation — Copilot answers slowly"),
        ("major", "degraded", "vendor_minor", f"{COPILOT}: service degradation — Copilot answers slowly"),
        ("critical", "down", "vendor_major", f"{COPILOT}: service interruption — Copilot answers slowly"),
        # Graph has no maintenance state; planned work is an advisory: degraded, never down.
        ("maintenance", "degraded", "vendor_minor", f"{COPILOT}: service degradation — Copilot answers slowly"),
    ],
)
async def test_copilot_service_health(
    sandbox: Sandbox, probe_check: ProbeCheck, impact: str | None, state: str, category: str, reason: str
) -> None:
    if impact:
        incident = Incident(vendor="microsoft-365", impact=impact, name="Copilot answers slowly", components=[COPILOT])
        sandbox.set_scenario(Scenario(incidents=[incident]))
    row = await probe_check(graph(COPILOT), env=creds(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (state, category, reason)
    assert row["metrics"]["platform"] == "microsoft-graph"
    if impact:
        assert row["metrics"]["link"].startswith("https://graph.microsoft.com/v1.0/admin/serviceAnnouncement/issues/CP")
    assert SECRET not in json.dumps(row)


async def test_an_issue_on_another_service_stays_healthy(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    incident = Incident(vendor="microsoft-365", impact="critical", name="Mail down", components=["Exchange Online"])
    sandbox.set_scenario(Scenario(incidents=[incident]))
    row = await probe_check(graph(COPILOT, "Microsoft Teams"), env=creds(sandbox))
    assert (row["state"], row["reason"]) == ("healthy", f"{COPILOT}, Microsoft Teams operational")


async def test_services_by_id_too(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    incident = Incident(vendor="microsoft-365", impact="critical", name="Mail down", components=["Exchange Online"])
    sandbox.set_scenario(Scenario(incidents=[incident]))
    row = await probe_check(graph("Exchange"), env=creds(sandbox))
    assert (row["state"], row["reason"]) == ("down", "Exchange Online: service interruption — Mail down")


async def test_a_refused_secret_is_named_without_its_value(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.add_fault(route="/login/*", status=401)
    row = await probe_check(graph(COPILOT), env=creds(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (
        "unknown",
        "auth",
        "Microsoft Entra: the client secret (or client id) was refused (invalid_client, AADSTS7000215); "
        "check the app registration and ${M365_CLIENT_SECRET}",
    )
    assert SECRET not in json.dumps(row)


async def test_a_token_without_the_permission(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.add_fault(route="/status/microsoft-365/v1.0/*", status=403)
    row = await probe_check(graph(COPILOT), env=creds(sandbox))
    assert (row["state"], row["category"]) == ("unknown", "auth")
    assert "ServiceHealth.Read.All" in row["reason"]


async def test_an_unknown_service_lists_the_tenants(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(graph("Copilot Studio"), env=creds(sandbox))
    assert (row["state"], row["category"]) == ("unknown", "config")
    assert row["reason"].startswith("the tenant has no service named 'Copilot Studio' (it has: Exchange Online, ")


async def test_missing_credentials_are_unknown(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(graph(COPILOT), env=env(sandbox))
    assert (row["state"], row["category"], row["reason"]) == ("unknown", "config", "M365_TENANT_ID is not set")


@pytest.mark.parametrize(
    ("components", "state", "reason"),
    [
        (["Exchange Online"], "healthy", "Exchange Online operational"),
        ([], "healthy", "all services operational"),
    ],
)
async def test_the_docs_samples(
    sandbox: Sandbox, probe_check: ProbeCheck, components: list[str], state: str, reason: str
) -> None:
    base = "/status/microsoft-365/v1.0/admin/serviceAnnouncement"
    sandbox.can(f"{base}/healthOverviews", sample("graph-healthoverviews.json"))
    sandbox.can(f"{base}/issues", sample("graph-issues.json"))
    row = await probe_check(graph(*components), env=creds(sandbox))
    assert (row["state"], row["reason"]) == (state, reason)
    assert row["metrics"]["services"]["Exchange Online"] == "ServiceOperational"
