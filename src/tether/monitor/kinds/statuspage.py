"""Vendor status pages: Statuspage v2 summaries (and incident.io's compatible API), and Slack's status API.

Anything that is not a status API answer (an HTML page, a redirect to one, an error, broken JSON)
is `unknown`, never `down`: the vendor may be fine while its status page is not.
"""

from __future__ import annotations

from typing import Any

from tether.checks.result import Outcome
from tether.checks.states import SEVERITY, State
from tether.checks.statuspage import StatuspageCheck
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault
from tether.monitor.fetch import fetch

INDICATORS = {
    "none": (State.HEALTHY, Category.OK),
    "minor": (State.DEGRADED, Category.VENDOR_MINOR),
    "maintenance": (State.DEGRADED, Category.MAINTENANCE),
    "major": (State.DOWN, Category.VENDOR_MAJOR),
    "critical": (State.DOWN, Category.VENDOR_MAJOR),
}
COMPONENT_STATUS = {
    "operational": (State.HEALTHY, Category.OK),
    "degraded_performance": (State.DEGRADED, Category.VENDOR_MINOR),
    "under_maintenance": (State.DEGRADED, Category.MAINTENANCE),
    "partial_outage": (State.DEGRADED, Category.VENDOR_MINOR),
    "major_outage": (State.DOWN, Category.VENDOR_MAJOR),
}


def summary_url(url: str) -> str:
    """A page's root gets `/api/v2/summary.json`; a URL that already names an API is used as is."""
    if url.endswith(".json") or "/api/" in url:
        return url
    return url.rstrip("/") + "/api/v2/summary.json"


async def probe(check: StatuspageCheck, ctx: ProbeContext) -> Outcome:
    url = summary_url(ctx.expand(check.url))
    try:
        got = await fetch(ctx.client, "GET", url, timeout=ctx.timeout, follow_redirects=True)
    except ProbeFault as fault:
        raise ProbeFault(State.UNKNOWN, fault.category, f"status page unreachable: {fault.reason}") from None
    if got.status >= 400:
        raise ProbeFault(State.UNKNOWN, Category.HTTP_STATUS, f"status page answered HTTP {got.status}")
    data = got.json(state=State.UNKNOWN, what="the status page")
    if not isinstance(data, dict):
        raise ProbeFault(State.UNKNOWN, Category.BAD_JSON, "the status page is not a status API answer")
    status = data.get("status")
    if isinstance(status, dict):
        outcome = _statuspage(check, data, status)
    elif isinstance(status, str) and "active_incidents" in data:
        outcome = _slack(data, status)
    else:
        raise ProbeFault(
            State.UNKNOWN, Category.BAD_JSON, "the status page's JSON is neither Statuspage v2 nor Slack's"
        )
    outcome.metrics["url"] = got.url
    return outcome


def _statuspage(check: StatuspageCheck, data: dict[str, Any], status: dict[str, Any]) -> Outcome:
    incidents = [i.get("name", "?") for i in data.get("incidents", []) if isinstance(i, dict)]
    metrics: dict[str, Any] = {"indicator": status.get("indicator"), "incidents": incidents}
    if check.components:
        components = {str(c.get("name", "")).lower(): c for c in data.get("components", []) if isinstance(c, dict)}
        missing = [name for name in check.components if name.lower() not in components]
        if missing:
            known = ", ".join(sorted(components)) or "none"
            raise ProbeFault(
                State.UNKNOWN, Category.CONFIG, f"no component named {missing[0]!r} (the page has: {known})"
            )
        picked = [components[name.lower()] for name in check.components]
        worst = (State.HEALTHY, Category.OK)
        notes = []
        for component in picked:
            found = COMPONENT_STATUS.get(str(component.get("status")), (State.UNKNOWN, Category.BAD_JSON))
            if found[0] is not State.HEALTHY:
                notes.append(f"{component.get('name')}: {str(component.get('status')).replace('_', ' ')}")
            if SEVERITY[found[0]] > SEVERITY[worst[0]]:
                worst = found
        metrics["components"] = {c.get("name"): c.get("status") for c in picked}
        reason = "; ".join(notes) or f"{', '.join(check.components)} operational"
        return Outcome(worst[0], reason, worst[1], metrics=metrics)
    indicator = str(status.get("indicator", ""))
    state, category = INDICATORS.get(indicator, (State.UNKNOWN, Category.BAD_JSON))
    description = str(status.get("description") or indicator)
    reason = description if not incidents else f"{description}: {'; '.join(incidents[:3])}"
    return Outcome(state, reason, category, metrics=metrics)


def _slack(data: dict[str, Any], status: str) -> Outcome:
    incidents = [i for i in data.get("active_incidents", []) if isinstance(i, dict)]
    metrics: dict[str, Any] = {"status": status, "incidents": [i.get("title", "?") for i in incidents]}
    if status == "ok" and not incidents:
        return Outcome(State.HEALTHY, "all Slack services operational", Category.OK, metrics=metrics)
    if status == "broken":
        return Outcome(State.UNKNOWN, "Slack's status API reports itself broken", Category.BAD_JSON, metrics=metrics)
    kinds = {str(i.get("type")) for i in incidents}
    titles = "; ".join(str(i.get("title", "?")) for i in incidents[:3])
    if "outage" in kinds:
        return Outcome(State.DOWN, f"outage: {titles}", Category.VENDOR_MAJOR, metrics=metrics)
    if "incident" in kinds:
        return Outcome(State.DEGRADED, f"incident: {titles}", Category.VENDOR_MINOR, metrics=metrics)
    return Outcome(State.HEALTHY, f"notice: {titles}" if titles else "operational", Category.OK, metrics=metrics)
