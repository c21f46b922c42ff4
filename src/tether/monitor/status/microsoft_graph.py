"""Microsoft 365 (Copilot, Exchange, Teams, ...): service health through Microsoft Graph.

status.cloud.microsoft is an HTML page; what a tenant can read is Graph's service health, as an
app registration with the ServiceHealth.Read.All application permission:

1. `POST {authority}/{tenant}/oauth2/v2.0/token` (client credentials: client_id, client_secret,
   scope https://graph.microsoft.com/.default) → {token_type, expires_in, access_token}; errors
   are {error: invalid_client | unauthorized_client | invalid_request, error_description: "AADSTS..."}.
2. `GET /v1.0/admin/serviceAnnouncement/healthOverviews` → {value: [{service, status, id}]}.
3. `GET /v1.0/admin/serviceAnnouncement/issues?$filter=isResolved eq false` → {value: [{id,
   title, classification: incident | advisory, status, service, isResolved}]}.

Shapes from Microsoft's Graph reference (microsoftgraph/microsoft-graph-docs-contrib, v1.0
serviceannouncement-list-healthoverviews.md and -list-issues.md). The docs' enum values are
camelCase (serviceOperational) and their samples PascalCase (ServiceOperational): compared
without case. Credentials are `${ENV}` references; their values never reach a reason.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlencode

from tether.checks.result import Outcome
from tether.checks.states import State
from tether.checks.statuspage import StatuspageCheck
from tether.model.status_platform import StatusPlatform, host_of
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault
from tether.monitor.fetch import fetch
from tether.monitor.status.feed import Finding, Reading, get_json, json_kind, shape_changed

PLATFORM = StatusPlatform.MICROSOFT_GRAPH
SCOPE = "https://graph.microsoft.com/.default"
ISSUE_LINK = "https://graph.microsoft.com/v1.0/admin/serviceAnnouncement/issues/"
HEALTHY = {
    "serviceoperational",
    "servicerestored",
    "postincidentreviewpublished",
    "falsepositive",
    "investigationsuspended",
    "resolved",
    "mitigatedexternal",
    "mitigated",
    "resolvedexternal",
}
STATUS = {
    "serviceinterruption": (State.DOWN, Category.VENDOR_MAJOR),
    "servicedegradation": (State.DEGRADED, Category.VENDOR_MINOR),
    "restoringservice": (State.DEGRADED, Category.VENDOR_MINOR),
    "extendedrecovery": (State.DEGRADED, Category.VENDOR_MINOR),
    "verifyingservice": (State.DEGRADED, Category.VENDOR_MINOR),
    "investigating": (State.DEGRADED, Category.VENDOR_MINOR),
    "confirmed": (State.DEGRADED, Category.VENDOR_MINOR),
    "reported": (State.DEGRADED, Category.VENDOR_MINOR),
}
TOKEN_ERRORS = {
    "invalid_client": "the client secret (or client id) was refused",
    "unauthorized_client": "the app registration is not allowed in this tenant",
    "invalid_request": "the tenant id or request was refused",
}
_AADSTS = re.compile(r"AADSTS\d+")


def graph_root(url: str) -> str:
    return url.split("/v1.0", 1)[0].rstrip("/")


async def read(check: StatuspageCheck, ctx: ProbeContext, url: str) -> Outcome:
    host = host_of(check.url)
    token = await _token(check, ctx)
    headers = {"authorization": f"Bearer {token}"}
    base = graph_root(url) + "/v1.0/admin/serviceAnnouncement"
    overviews, got = await _graph(ctx, base + "/healthOverviews", headers, host)
    services = overviews.get("value") if isinstance(overviews, dict) else None
    if not isinstance(services, list):
        raise shape_changed(host, PLATFORM, json_kind(overviews))
    by_name = {}
    for service in [s for s in services if isinstance(s, dict)]:
        by_name[str(service.get("service", "")).lower()] = service
        by_name[str(service.get("id", "")).lower()] = service
    watched = _watched(check, services, by_name)
    issues_data, _ = await _graph(ctx, base + "/issues?" + urlencode({"$filter": "isResolved eq false"}), headers, host)
    issues = [i for i in (issues_data.get("value") or []) if isinstance(i, dict) and not i.get("isResolved")]
    which = ", ".join(str(s.get("service")) for s in watched)
    reading = Reading(
        PLATFORM, got.url, healthy_reason=f"{which} operational" if check.components else "all services operational"
    )
    reading.extra["services"] = {str(s.get("service")): s.get("status") for s in watched}
    for service in watched:
        _judge(service, issues, reading, host)
    return reading.outcome()


def _watched(check: StatuspageCheck, services: list[Any], by_name: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    if not check.components:
        return [s for s in services if isinstance(s, dict)]
    missing = [c for c in check.components if c.lower() not in by_name]
    if missing:
        known = ", ".join(sorted(str(s.get("service")) for s in services if isinstance(s, dict))) or "none"
        raise ProbeFault(
            State.UNKNOWN, Category.CONFIG, f"the tenant has no service named {missing[0]!r} (it has: {known})"
        )
    return list({id(by_name[c.lower()]): by_name[c.lower()] for c in check.components}.values())


def _judge(service: dict[str, Any], issues: list[dict[str, Any]], reading: Reading, host: str) -> None:
    name, status = str(service.get("service")), str(service.get("status", ""))
    if status.lower() in HEALTHY:
        return
    found = STATUS.get(status.lower())
    if found is None:
        raise shape_changed(host, PLATFORM, f"a service status {status!r} for {name}")
    state, category = found
    issue = next((i for i in issues if str(i.get("service", "")).lower() == name.lower()), None)
    if issue is not None and str(issue.get("classification", "")).lower() == "advisory":
        # An advisory ("users may experience delays") is degraded service, never an outage.
        state, category = State.DEGRADED, Category.VENDOR_MINOR
    title = str(issue.get("title")) if issue else None
    link = ISSUE_LINK + str(issue.get("id")) if issue and issue.get("id") else None
    words = re.sub(r"(?<!^)([A-Z])", r" \1", status).lower()
    what = f"{name}: {words}" + (f" — {title}" if title else "")
    reading.findings.append(Finding(state, category, what, [name], title, link))


async def _graph(ctx: ProbeContext, url: str, headers: dict[str, str], host: str) -> tuple[Any, Any]:
    try:
        return await get_json(ctx, url, PLATFORM, host, headers=headers, what="Microsoft Graph service health")
    except ProbeFault as fault:
        if "HTTP 401" in fault.reason or "HTTP 403" in fault.reason:
            raise ProbeFault(
                State.UNKNOWN,
                Category.AUTH,
                "Microsoft Graph refused the token: the app needs the ServiceHealth.Read.All application "
                "permission, with admin consent",
            ) from None
        raise


async def _token(check: StatuspageCheck, ctx: ProbeContext) -> str:
    tenant = ctx.expand(check.tenant_id or "")
    client = ctx.expand(check.client_id or "")
    secret = ctx.expand(check.client_secret or "")
    authority = ctx.expand(check.authority).rstrip("/")
    ident = hashlib.sha256(f"{authority}|{tenant}|{client}|{secret}".encode()).hexdigest()
    cached = ctx.shared.get(f"graph-token:{ident}")
    if isinstance(cached, tuple) and cached[1] > ctx.now():
        return str(cached[0])
    form = urlencode({"client_id": client, "client_secret": secret, "scope": SCOPE, "grant_type": "client_credentials"})
    try:
        got = await fetch(
            ctx.client,
            "POST",
            f"{authority}/{tenant}/oauth2/v2.0/token",
            timeout=ctx.timeout,
            headers={"content-type": "application/x-www-form-urlencoded"},
            content=form.encode(),
        )
    except ProbeFault as fault:
        raise ProbeFault(State.UNKNOWN, fault.category, f"the Microsoft token endpoint: {fault.reason}") from None
    try:
        data = got.json(state=State.UNKNOWN, what="the token endpoint's answer")
    except ProbeFault:
        if got.status >= 400:
            raise ProbeFault(State.UNKNOWN, Category.AUTH, f"token request refused (HTTP {got.status})") from None
        raise
    if got.status >= 400 or not isinstance(data, dict) or not data.get("access_token"):
        error = str(data.get("error", "")) if isinstance(data, dict) else ""
        code = _AADSTS.search(str(data.get("error_description", ""))) if isinstance(data, dict) else None
        what = TOKEN_ERRORS.get(error, "the token request was refused")
        detail = ", ".join(x for x in (error, code.group(0) if code else "") if x)
        raise ProbeFault(
            State.UNKNOWN,
            Category.AUTH,
            f"Microsoft Entra: {what} ({detail or f'HTTP {got.status}'}); check the app registration "
            f"and {check.client_secret}",
        )
    expires = float(data.get("expires_in") or 3599)
    ctx.shared[f"graph-token:{ident}"] = (str(data["access_token"]), ctx.now() + max(0.0, expires - 60))
    return str(data["access_token"])
