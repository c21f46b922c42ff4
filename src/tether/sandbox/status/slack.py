"""Slack's status API `/api/v2.0.0/current` (https://docs.slack.dev/reference/slack-status-api); the root is HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tether.sandbox.http11 import Request, Response
from tether.sandbox.scenario import Incident
from tether.sandbox.status import html
from tether.sandbox.status.common import components, iso

if TYPE_CHECKING:
    from tether.sandbox.server import Sandbox

TYPE = {"minor": "incident", "major": "outage", "critical": "outage", "maintenance": "notice"}


def serve(sandbox: Sandbox, request: Request, vendor: str, rest: str, active: list[Incident]) -> Response:
    if not rest.startswith("/api/v2.0.0/current"):
        return html.page("Slack System Status", active)
    now = iso(sandbox.now())
    incidents = [
        {
            "id": str(540 + n),
            "date_created": now,
            "date_updated": now,
            "title": i.name,
            "type": TYPE[i.impact],
            "status": "active",
            "url": f"https://slack-status.com/2026-12/{540 + n:016x}",
            "services": i.components or components(vendor)[:1],
            "notes": [{"date_created": now, "body": "We're investigating."}],
        }
        for n, i in enumerate(active, 1)
    ]
    status = "active" if incidents else "ok"
    return Response.json({"status": status, "active_incidents": incidents, "date_created": now, "date_updated": now})
