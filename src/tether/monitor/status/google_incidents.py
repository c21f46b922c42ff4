"""The incidents feed Google's status dashboards share (Google Workspace and Google Cloud).

Both dashboards publish `incidents.json`: a JSON list of incidents, newest first, history
included, each {id, begin, end (absent or empty while ongoing), external_desc, severity: low |
medium | high, status_impact: SERVICE_INFORMATION | SERVICE_DISRUPTION | SERVICE_OUTAGE,
service_name, affected_products[] {title, id}, most_recent_update {text, status}, uri}. There
is no "all clear" field: healthy means no ongoing incident touches the products watched.
Sources: docs/adr/0003 (public clients reading the live feeds, with recorded samples).
"""

from __future__ import annotations

from typing import Any

from tether.checks.result import Outcome
from tether.checks.states import State
from tether.checks.statuspage import StatuspageCheck
from tether.model.status_platform import StatusPlatform, host_of
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category
from tether.monitor.status.feed import Finding, Reading, get_json, json_kind, picked, shape_changed

IMPACT = {
    "SERVICE_OUTAGE": (State.DOWN, Category.VENDOR_MAJOR, "Service outage"),
    "SERVICE_DISRUPTION": (State.DEGRADED, Category.VENDOR_MINOR, "Service disruption"),
}
SEVERITY_ONLY = {
    "high": (State.DOWN, Category.VENDOR_MAJOR, "High-severity incident"),
    "medium": (State.DEGRADED, Category.VENDOR_MINOR, "Incident"),
    "low": (State.DEGRADED, Category.VENDOR_MINOR, "Incident"),
}


def ongoing(incident: dict[str, Any]) -> bool:
    return not incident.get("end")


def products(incident: dict[str, Any]) -> list[str]:
    titles = [str(p.get("title")) for p in incident.get("affected_products") or [] if isinstance(p, dict)]
    # Older entries carry only `service_name`; "Multiple Products" is not a product.
    name = incident.get("service_name")
    if not titles and isinstance(name, str) and name != "Multiple Products":
        titles = [name]
    return titles


async def read(
    check: StatuspageCheck, ctx: ProbeContext, url: str, platform: StatusPlatform, dashboard: str
) -> Outcome:
    host = host_of(check.url)
    data, got = await get_json(ctx, url, platform, host)
    if not isinstance(data, list) or not all(isinstance(i, dict) and "begin" in i for i in data[:20]):
        raise shape_changed(host, platform, json_kind(data))
    which = ", ".join(check.components)
    reading = Reading(
        platform, got.url, healthy_reason=f"{which}: no ongoing incident" if which else "no ongoing incident"
    )
    information: list[str] = []
    for incident in [i for i in data if ongoing(i)]:
        touched = products(incident)
        mine = picked(check, touched)
        if check.components and not mine:
            continue  # an incident on products this integration does not use
        desc = str(incident.get("external_desc") or "an incident").strip().splitlines()[0]
        found = IMPACT.get(str(incident.get("status_impact"))) or (
            None if incident.get("status_impact") else SEVERITY_ONLY.get(str(incident.get("severity")))
        )
        if found is None:
            information.append(desc)  # SERVICE_INFORMATION: a notice, not an outage
            continue
        state, category, label = found
        uri = incident.get("uri")
        link = dashboard + str(uri) if isinstance(uri, str) and uri else None
        reading.findings.append(
            Finding(state, category, f"{', '.join(mine) or 'Google'}: {label} — {desc}", mine, desc, link)
        )
    if information and not reading.findings:
        reading.healthy_reason = f"information: {'; '.join(information[:3])}"
    return reading.outcome()
