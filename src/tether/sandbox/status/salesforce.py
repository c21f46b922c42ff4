"""Salesforce Trust's status API `/v1/instances/{key}/status` (shape from salesforce/refocus-sgt-trust1).

status.salesforce.com and api.status.salesforce.com both land here; everything but the API is HTML.
An incident names its `instance` (NA123, EU45); one without an instance hits every instance.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tether.sandbox.http11 import Request, Response
from tether.sandbox.scenario import Incident
from tether.sandbox.status import html
from tether.sandbox.status.common import RANK, iso

if TYPE_CHECKING:
    from tether.sandbox.server import Sandbox

INSTANCES = {"NA123": "NA", "NA224": "NA", "EU45": "EMEA", "AP27": "APAC"}
STATUS = {
    "minor": "MINOR_INCIDENT_CORE",
    "major": "MAJOR_INCIDENT_CORE",
    "critical": "MAJOR_INCIDENT_CORE",
    "maintenance": "MAINTENANCE_CORE",
}
_PATH = re.compile(r"^/v1/instances/(?P<key>[A-Za-z0-9]+)/status(/preview)?$")


def serve(sandbox: Sandbox, request: Request, vendor: str, rest: str, active: list[Incident]) -> Response:
    match = _PATH.match(rest)
    if not match:
        return html.page("Salesforce Status", active)
    key = match.group("key").upper()
    if key not in INSTANCES:
        return Response(404, b"Not Found", {"content-type": "text/plain"})
    mine = [i for i in active if i.instance is None or i.instance.upper() == key]
    worst = max((i.impact for i in mine), key=RANK.index, default="none")
    now = iso(sandbox.now())
    incidents = [
        {
            "id": 40000 + n,
            "message": {"rootCause": None, "actionPlan": i.name, "pathToResolution": None},
            "additionalInformation": i.name,
            "isCore": True,
            "affectsAll": False,
            "createdAt": now,
            "updatedAt": now,
            "IncidentImpacts": [],
            "IncidentEvents": [],
            "instanceKeys": [key],
            "serviceKeys": [],
        }
        for n, i in enumerate(mine, 1)
        if i.impact != "maintenance"
    ]
    maintenances = [
        {
            "id": 50000 + n,
            "message": {"name": i.name},
            "plannedStartTime": now,
            "plannedEndTime": now,
            "instanceKeys": [key],
        }
        for n, i in enumerate(mine, 1)
        if i.impact == "maintenance"
    ]
    body = {
        "key": key,
        "location": INSTANCES[key],
        "environment": "production",
        "releaseVersion": "Winter '27 Patch 11.4",
        "releaseNumber": "250.11.4",
        "status": STATUS.get(worst, "OK"),
        "isActive": True,
        "Products": [],
        "Incidents": incidents,
        "Maintenances": maintenances,
    }
    return Response.json(body)
