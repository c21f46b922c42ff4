"""Google's dashboards' `incidents.json` (Workspace under www.google.com/appsstatus, Cloud under
status.cloud.google.com): a JSON list, history included, `end` absent while ongoing. Roots are HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tether.sandbox.http11 import Request, Response
from tether.sandbox.scenario import Incident
from tether.sandbox.status import html
from tether.sandbox.status.common import components, ident, iso

if TYPE_CHECKING:
    from tether.sandbox.server import Sandbox

IMPACT = {
    "minor": ("SERVICE_DISRUPTION", "medium"),
    "major": ("SERVICE_OUTAGE", "high"),
    "critical": ("SERVICE_OUTAGE", "high"),
    "maintenance": ("SERVICE_INFORMATION", "low"),
}


def serve_workspace(sandbox: Sandbox, request: Request, vendor: str, rest: str, active: list[Incident]) -> Response:
    if rest != "/appsstatus/dashboard/incidents.json":
        return html.page("Google Workspace Status Dashboard", active)
    return Response.json(_feed(sandbox, vendor, active))


def serve_cloud(sandbox: Sandbox, request: Request, vendor: str, rest: str, active: list[Incident]) -> Response:
    if rest != "/incidents.json":
        return html.page("Google Cloud Service Health", active)
    return Response.json(_feed(sandbox, vendor, active))


def _feed(sandbox: Sandbox, vendor: str, active: list[Incident]) -> list[dict[str, Any]]:
    now = iso(sandbox.now())
    feed = [_incident(vendor, i, now) for i in active]
    # The feed is history: one long-resolved incident, so "ongoing" has to be told by `end`.
    resolved = _incident(vendor, Incident(vendor=vendor, name="Resolved: delayed delivery", impact="major"), now)
    resolved["end"] = resolved["begin"]
    return [*feed, resolved]


def _incident(vendor: str, incident: Incident, now: str) -> dict[str, Any]:
    impact, severity = IMPACT[incident.impact]
    products = incident.components or components(vendor)[:1]
    number = ident(vendor, incident.name, size=20)
    return {
        "id": number,
        "number": str(int(number[:8], 16) % 10**17),
        "begin": now,
        "created": now,
        "modified": now,
        "external_desc": incident.name,
        "updates": [],
        "most_recent_update": {"created": now, "modified": now, "when": now, "text": incident.name, "status": impact},
        "status_impact": impact,
        "severity": severity,
        "service_key": ident(products[0], size=20),
        "service_name": products[0] if len(products) == 1 else "Multiple Products",
        "affected_products": [{"title": p, "id": ident(p, size=20)} for p in products],
        "uri": f"incidents/{number}",
    }
