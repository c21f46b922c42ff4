"""Vendors' status feeds in their own platforms' shapes, driven by the scenario's incidents.

Each vendor in rules/systems.yaml is served on the platform its status really runs on: Slack's
API under Slack's host, Google's `incidents.json` under Google's, Graph under Graph, and an
HTML page where the vendor publishes only HTML (docs/adr/0003 names each shape's source).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from tether.model.status_platform import StatusPlatform
from tether.sandbox.http11 import Request, Response
from tether.sandbox.scenario import Incident
from tether.sandbox.status import google, graph, html, incident_io, salesforce, slack, statuspage

if TYPE_CHECKING:
    from tether.sandbox.server import Sandbox

SERVERS = {
    StatusPlatform.STATUSPAGE: statuspage.serve,
    StatusPlatform.INCIDENT_IO: incident_io.serve,
    StatusPlatform.SLACK: slack.serve,
    StatusPlatform.GOOGLE_WORKSPACE: google.serve_workspace,
    StatusPlatform.GOOGLE_CLOUD: google.serve_cloud,
    StatusPlatform.SALESFORCE_TRUST: salesforce.serve,
    StatusPlatform.MICROSOFT_GRAPH: graph.serve,
    StatusPlatform.HTML_ONLY: html.serve,
}


@cache
def platforms() -> dict[str, StatusPlatform]:
    """Each catalogue vendor's status platform, by system id."""
    from tether.model.systems import SystemCatalogue
    from tether.workspace.rules import load_rules

    return {s.id: s.platform for s in load_rules("systems.yaml", SystemCatalogue).systems if s.platform}


def active(sandbox: Sandbox, vendor: str) -> list[Incident]:
    elapsed = sandbox.elapsed()
    return [i for i in sandbox.scenario.incidents if i.vendor == vendor and i.active(elapsed)]


async def serve(sandbox: Sandbox, request: Request, vendor: str, rest: str) -> Response:
    """`/status/<vendor>/<rest>`: a vendor outside the catalogue is on Statuspage v2."""
    platform = platforms().get(vendor, StatusPlatform.STATUSPAGE)
    return SERVERS[platform](sandbox, request, vendor, rest, active(sandbox, vendor))
