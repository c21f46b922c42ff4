"""incident.io's widget feed `/api/v1/summary` (fields as its public clients read them; docs/adr/0003).

incident.io pages also answer an Atlassian-compatible `/api/v2/status.json` without components;
the root is HTML.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tether.sandbox.http11 import Request, Response
from tether.sandbox.scenario import Incident
from tether.sandbox.status import html
from tether.sandbox.status.common import RANK, components, ident, iso

if TYPE_CHECKING:
    from tether.sandbox.server import Sandbox

IMPACT = {"minor": "degraded_performance", "major": "partial_outage", "critical": "full_outage"}
COMPAT = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major Service Outage",
    "maintenance": "Service Under Maintenance",
}


def serve(sandbox: Sandbox, request: Request, vendor: str, rest: str, active: list[Incident]) -> Response:
    if rest == "/api/v2/status.json":
        indicator = max((i.impact for i in active), key=RANK.index, default="none")
        page = {"id": ident(vendor), "name": vendor.title(), "url": f"https://status.{vendor}.example"}
        return Response.json({"page": page, "status": {"indicator": indicator, "description": COMPAT[indicator]}})
    if rest != "/api/v1/summary":
        return html.page(f"{vendor.title()} Status", active)
    now = iso(sandbox.now())
    summary = {
        "page_title": f"{vendor.title()} Status",
        "page_url": f"https://status.{vendor}.example",
        "ongoing_incidents": [_event(vendor, i, now) for i in active if i.impact != "maintenance"],
        "in_progress_maintenances": [_event(vendor, i, now) for i in active if i.impact == "maintenance"],
        "scheduled_maintenances": [],
    }
    return Response.json(summary)


def _event(vendor: str, incident: Incident, now: str) -> dict[str, Any]:
    event_id = ident(vendor, incident.name, size=26).upper()
    status = IMPACT.get(incident.impact, "under_maintenance")
    affected = [
        {"id": ident(vendor, name, size=26).upper(), "name": name, "group_name": None, "current_status": status}
        for name in (incident.components or components(vendor))
    ]
    event: dict[str, Any] = {
        "id": event_id,
        "name": incident.name,
        "url": f"https://status.{vendor}.example/incidents/{event_id}",
        "last_update_at": now,
        "last_update_message": "We are investigating.",
        "affected_components": affected,
    }
    if incident.impact == "maintenance":
        event.update(status="maintenance_in_progress", started_at=now, scheduled_end_at=now)
    else:
        event.update(status="investigating", current_worst_impact=status)
    return event
