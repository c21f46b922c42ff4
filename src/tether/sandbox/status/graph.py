"""Microsoft Graph service health and the v2.0 client-credentials token endpoint that guards it.

`/login/{tenant}/oauth2/v2.0/token` (login.microsoftonline.com) issues a token for any client
and secret; `/status/microsoft-365/v1.0/admin/serviceAnnouncement/{healthOverviews,issues}`
(graph.microsoft.com) answers only with one. Shapes from Microsoft's Graph v1.0 reference
samples; an incident's `components` are service names (e.g. "Microsoft Copilot (Microsoft 365)").
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from tether.sandbox.http11 import Request, Response
from tether.sandbox.scenario import Incident
from tether.sandbox.status import html
from tether.sandbox.status.common import RANK, ident, iso

if TYPE_CHECKING:
    from tether.sandbox.server import Sandbox

SERVICES = {
    "Exchange Online": "Exchange",
    "Microsoft Teams": "microsoftteams",
    "Microsoft Copilot (Microsoft 365)": "Copilot",
    "Microsoft 365 suite": "OSDPPlatform",
    "Identity Service": "OrgLiveID",
}
STATUS = {
    "minor": "serviceDegradation",
    "major": "serviceDegradation",
    "critical": "serviceInterruption",
    "maintenance": "serviceDegradation",
}
BASE = "/v1.0/admin/serviceAnnouncement"
_tokens = itertools.count(1)


def token(sandbox: Sandbox, request: Request, path: str) -> Response:
    """POST /{tenant}/oauth2/v2.0/token with a client-credentials form."""
    form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
    if not path.endswith("/oauth2/v2.0/token") or request.method != "POST":
        return Response.json({"error": "invalid_request", "error_description": "AADSTS900561: use POST"}, 400)
    if form.get("grant_type") != "client_credentials" or not form.get("client_id"):
        return Response.json(
            {
                "error": "invalid_request",
                "error_description": "AADSTS900144: The request body must contain the "
                "following parameter: 'client_id'.",
                "error_codes": [900144],
            },
            400,
        )
    issued = f"sbx-graph-{next(_tokens):06d}"
    sandbox.graph_tokens.add(issued)
    return Response.json({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": issued})


def serve(sandbox: Sandbox, request: Request, vendor: str, rest: str, active: list[Incident]) -> Response:
    if not rest.startswith(BASE):
        return html.page("Microsoft Graph", active)
    bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if bearer not in sandbox.graph_tokens:
        # Graph's answer to a request without a valid token.
        error = {
            "code": "InvalidAuthenticationToken",
            "message": "Access token is empty." if not bearer else "Access token validation failure. Invalid audience.",
        }
        return Response.json({"error": error}, 401)
    what = rest.removeprefix(BASE).split("?", 1)[0]
    now = iso(sandbox.now())
    if what == "/healthOverviews":
        value = [{"service": name, "status": _status(name, active), "id": sid} for name, sid in SERVICES.items()]
        return Response.json(
            {"@odata.context": f"https://graph.microsoft.com{BASE}/$metadata#healthOverviews", "value": value}
        )
    if what == "/issues":
        value = [_issue(i, now) for i in active]
        return Response.json({"@odata.context": f"https://graph.microsoft.com{BASE}/$metadata#issues", "value": value})
    return Response.json(
        {"error": {"code": "BadRequest", "message": f"Resource not found for the segment '{what}'."}}, 400
    )


def _hits(name: str, incident: Incident) -> bool:
    return not incident.components or name in incident.components


def _status(name: str, active: list[Incident]) -> str:
    worst = max((i.impact for i in active if _hits(name, i)), key=RANK.index, default="none")
    return STATUS.get(worst, "serviceOperational")


def _issue(incident: Incident, now: str) -> dict[str, Any]:
    service = incident.components[0] if incident.components else "Microsoft 365 suite"
    prefix = {"Exchange Online": "EX", "Microsoft Teams": "TM", "Microsoft Copilot (Microsoft 365)": "CP"}.get(
        service, "MO"
    )
    return {
        "startDateTime": now,
        "endDateTime": None,
        "lastModifiedDateTime": now,
        "title": incident.name,
        "id": f"{prefix}{int(ident(incident.name, size=6), 16) % 900000 + 100000}",
        "impactDescription": incident.name,
        "classification": "advisory" if incident.impact in ("minor", "maintenance") else "incident",
        "origin": "microsoft",
        "status": STATUS[incident.impact],
        "service": service,
        "feature": None,
        "featureGroup": None,
        "isResolved": False,
        "highImpact": None,
        "details": [],
        "posts": [],
    }
