"""Atlassian Statuspage v2: `GET <page>/api/v2/summary.json` (HubSpot, Zapier, Notion, Anthropic, ...).

Shape (Atlassian's public API docs, e.g. https://confluence.status.atlassian.com/api): `status`
{indicator: none|minor|major|critical, description}, `components[]` {name, status:
operational|degraded_performance|partial_outage|major_outage|under_maintenance}, unresolved
`incidents[]` {name, impact, shortlink, components[]}, and `scheduled_maintenances[]` {name,
status: scheduled|in_progress|verifying|completed, shortlink, components[]}. A maintenance in
progress is maintenance (degraded), never down.
"""

from __future__ import annotations

from typing import Any

from tether.checks.result import Outcome
from tether.checks.states import State
from tether.checks.statuspage import StatuspageCheck
from tether.model.status_platform import StatusPlatform, host_of
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault
from tether.monitor.status.feed import Finding, Reading, get_json, json_kind, shape_changed

PLATFORM = StatusPlatform.STATUSPAGE
IMPACT = {
    "none": (State.HEALTHY, Category.OK),  # an incident posted as "no impact": information
    "minor": (State.DEGRADED, Category.VENDOR_MINOR),
    "major": (State.DOWN, Category.VENDOR_MAJOR),
    "critical": (State.DOWN, Category.VENDOR_MAJOR),
    "maintenance": (State.DEGRADED, Category.MAINTENANCE),
}
COMPONENT_STATUS = {
    "operational": (State.HEALTHY, Category.OK),
    "degraded_performance": (State.DEGRADED, Category.VENDOR_MINOR),
    "under_maintenance": (State.DEGRADED, Category.MAINTENANCE),
    "partial_outage": (State.DEGRADED, Category.VENDOR_MINOR),
    "major_outage": (State.DOWN, Category.VENDOR_MAJOR),
}
MAINTENANCE_ACTIVE = {"in_progress", "verifying"}
UNRESOLVED = {"investigating", "identified", "monitoring"}


def feed_url(url: str) -> str:
    """A page's root gets `/api/v2/summary.json`; status.json is widened to the summary."""
    if url.endswith("/api/v2/status.json"):
        return url.removesuffix("status.json") + "summary.json"
    if url.endswith(".json") or "/api/" in url:
        return url
    return url.rstrip("/") + "/api/v2/summary.json"


async def read(check: StatuspageCheck, ctx: ProbeContext, url: str) -> Outcome:
    host = host_of(check.url)
    data, got = await get_json(ctx, feed_url(url), PLATFORM, host)
    status = data.get("status") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(status, dict) or not isinstance(status.get("indicator"), str):
        raise shape_changed(host, PLATFORM, json_kind(data))
    reading = Reading(PLATFORM, got.url, extra={"indicator": status["indicator"]})
    incidents = [i for i in _list(data, "incidents") if str(i.get("status", "investigating")) in UNRESOLVED]
    maintenances = [m for m in _list(data, "scheduled_maintenances") if m.get("status") in MAINTENANCE_ACTIVE]
    reading.extra["incidents"] = [str(i.get("name", "?")) for i in incidents]
    if check.components:
        _by_component(check, data, incidents, maintenances, reading)
    else:
        _whole_page(status, incidents, maintenances, reading)
    return reading.outcome()


def _list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    return [i for i in value if isinstance(i, dict)] if isinstance(value, list) else []


def _labels(event: dict[str, Any]) -> list[str]:
    return sorted({str(c.get("name", "")) for c in event.get("components") or [] if isinstance(c, dict)})


def _names(event: dict[str, Any]) -> set[str]:
    return {name.lower() for name in _labels(event)}


def _whole_page(
    status: dict[str, Any], incidents: list[dict[str, Any]], maintenances: list[dict[str, Any]], reading: Reading
) -> None:
    for incident in incidents:
        state, category = IMPACT.get(str(incident.get("impact")), IMPACT["minor"])
        name = str(incident.get("name", "an incident"))
        impact = str(incident.get("impact") or "minor")
        reading.findings.append(
            Finding(state, category, f"{impact}: {name}", _labels(incident), name, incident.get("shortlink"))
        )
    for maintenance in maintenances:
        name = str(maintenance.get("name", "scheduled maintenance"))
        reading.findings.append(
            Finding(
                State.DEGRADED,
                Category.MAINTENANCE,
                f"maintenance: {name}",
                _labels(maintenance),
                name,
                maintenance.get("shortlink"),
            )
        )
    indicator = str(status.get("indicator"))
    description = str(status.get("description") or indicator)
    if not reading.findings and indicator != "none":
        # Components degraded with no incident posted (yet): the page-level indicator is all there is.
        state, category = IMPACT.get(indicator, (State.UNKNOWN, Category.BAD_JSON))
        reading.findings.append(Finding(state, category, description))
    reading.healthy_reason = description


def _by_component(
    check: StatuspageCheck,
    data: dict[str, Any],
    incidents: list[dict[str, Any]],
    maintenances: list[dict[str, Any]],
    reading: Reading,
) -> None:
    components = {str(c.get("name", "")).lower(): c for c in _list(data, "components")}
    missing = [name for name in check.components if name.lower() not in components]
    if missing:
        known = ", ".join(sorted(components)) or "none"
        raise ProbeFault(State.UNKNOWN, Category.CONFIG, f"no component named {missing[0]!r} (the page has: {known})")
    reading.extra["components"] = {}
    for wanted in check.components:
        component = components[wanted.lower()]
        name, status = str(component.get("name")), str(component.get("status"))
        reading.extra["components"][name] = status
        state, category = COMPONENT_STATUS.get(status, (State.UNKNOWN, Category.BAD_JSON))
        if state is State.HEALTHY:
            continue
        events = maintenances if category is Category.MAINTENANCE else incidents
        event = next((e for e in events if name.lower() in _names(e)), None)
        title = str(event.get("name")) if event else None
        reading.findings.append(
            Finding(
                state,
                category,
                f"{name}: {status.replace('_', ' ')}",
                [name],
                title,
                event.get("shortlink") if event else None,
            )
        )
    reading.healthy_reason = f"{', '.join(check.components)} operational"
