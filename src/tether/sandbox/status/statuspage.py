"""Atlassian Statuspage v2 `/api/v2/summary.json` and `/api/v2/status.json`; the page root is HTML.

Field names as in Atlassian's public page API docs (e.g. https://confluence.status.atlassian.com/api):
page, status {indicator, description}, components[], incidents[] (unresolved), and
scheduled_maintenances[] (a maintenance in progress has status `in_progress`, impact
`maintenance`, and its components `under_maintenance`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tether.sandbox.http11 import Request, Response
from tether.sandbox.scenario import Incident
from tether.sandbox.status import html
from tether.sandbox.status.common import RANK, components, ident, iso

if TYPE_CHECKING:
    from tether.sandbox.server import Sandbox

IMPACT_COMPONENT = {
    "minor": "degraded_performance",
    "major": "partial_outage",
    "critical": "major_outage",
    "maintenance": "under_maintenance",
}
DESCRIPTIONS = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major Service Outage",
    "maintenance": "Service Under Maintenance",
}


def serve(sandbox: Sandbox, request: Request, vendor: str, rest: str, active: list[Incident]) -> Response:
    if rest not in ("/api/v2/summary.json", "/api/v2/status.json"):
        return html.page(f"{vendor.title()} Status", active)
    now = iso(sandbox.now())
    page_id = ident(vendor)
    page = {
        "id": page_id,
        "name": vendor.title(),
        "url": f"https://status.{vendor}.example",
        "time_zone": "Etc/UTC",
        "updated_at": now,
    }
    indicator = max((i.impact for i in active), key=RANK.index, default="none")
    status = {"indicator": indicator, "description": DESCRIPTIONS[indicator]}
    if rest.endswith("status.json"):
        return Response.json({"page": page, "status": status})
    listed = []
    for position, name in enumerate(components(vendor), 1):
        hit = [i for i in active if not i.components or name in i.components]
        worst = max((i.impact for i in hit), key=RANK.index, default="none")
        listed.append(
            {
                "id": ident(vendor, name),
                "name": name,
                "status": IMPACT_COMPONENT.get(worst, "operational"),
                "created_at": now,
                "updated_at": now,
                "position": position,
                "description": None,
                "showcase": True,
                "start_date": None,
                "group_id": None,
                "page_id": page_id,
                "group": False,
                "only_show_if_degraded": False,
            }
        )
    summary = {
        "page": page,
        "components": listed,
        "incidents": [_event(vendor, page_id, i, listed, now) for i in active if i.impact != "maintenance"],
        "scheduled_maintenances": [
            _event(vendor, page_id, i, listed, now) for i in active if i.impact == "maintenance"
        ],
        "status": status,
    }
    return Response.json(summary)


def _event(vendor: str, page_id: str, incident: Incident, listed: list[dict[str, Any]], now: str) -> dict[str, Any]:
    touched = [c for c in listed if not incident.components or c["name"] in incident.components]
    event_id = ident(vendor, incident.name)
    event: dict[str, Any] = {
        "id": event_id,
        "name": incident.name,
        "status": "in_progress" if incident.impact == "maintenance" else "investigating",
        "created_at": now,
        "updated_at": now,
        "monitoring_at": None,
        "resolved_at": None,
        "impact": incident.impact,
        "shortlink": f"https://stspg.io/{event_id[:9]}",
        "started_at": now,
        "page_id": page_id,
        "incident_updates": [],
        "components": touched,
    }
    if incident.impact == "maintenance":
        event.update(scheduled_for=now, scheduled_until=None)
    return event
