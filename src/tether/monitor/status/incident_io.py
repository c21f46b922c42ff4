"""incident.io status pages (OpenAI, Replicate, ...): the widget feed `GET <page>/api/v1/summary`.

incident.io pages serve their own JSON, not Statuspage's; some add an Atlassian-compatible
`/api/v2/status.json` shim with no components, too thin to scope by component. The widget feed
(shape from public clients: MaterializeInc/materialize console `StatusSummary`, OneUptime's
external status page monitor, the FitNudge setup guide sample; see docs/adr/0003) is
`ongoing_incidents[]` {name, url, status, current_worst_impact: degraded_performance |
partial_outage | full_outage, affected_components[] {name, group_name, current_status}},
`in_progress_maintenances[]` and `scheduled_maintenances[]` of the same form.
"""

from __future__ import annotations

from typing import Any

from tether.checks.result import Outcome
from tether.checks.states import SEVERITY, State
from tether.checks.statuspage import StatuspageCheck
from tether.model.status_platform import StatusPlatform, host_of
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category
from tether.monitor.status.feed import Finding, Reading, get_json, json_kind, picked, shape_changed

PLATFORM = StatusPlatform.INCIDENT_IO
IMPACT = {
    "operational": (State.HEALTHY, Category.OK),
    "degraded_performance": (State.DEGRADED, Category.VENDOR_MINOR),
    "partial_outage": (State.DEGRADED, Category.VENDOR_MINOR),
    "full_outage": (State.DOWN, Category.VENDOR_MAJOR),
    "under_maintenance": (State.DEGRADED, Category.MAINTENANCE),
}


def feed_url(url: str) -> str:
    if "/api/v1/summary" in url or "/proxy/" in url:
        return url
    return url.rstrip("/") + "/api/v1/summary"


async def read(check: StatuspageCheck, ctx: ProbeContext, url: str) -> Outcome:
    host = host_of(check.url)
    data, got = await get_json(ctx, feed_url(url), PLATFORM, host)
    summary = data.get("summary", data) if isinstance(data, dict) else None
    if not isinstance(summary, dict) or not isinstance(summary.get("ongoing_incidents"), list):
        raise shape_changed(host, PLATFORM, json_kind(data))
    reading = Reading(PLATFORM, got.url, healthy_reason=_healthy(check))
    for incident in _events(summary, "ongoing_incidents"):
        _add(check, reading, incident, IMPACT.get(str(incident.get("current_worst_impact")), IMPACT["partial_outage"]))
    for maintenance in _events(summary, "in_progress_maintenances"):
        _add(check, reading, maintenance, (State.DEGRADED, Category.MAINTENANCE), prefix="maintenance: ")
    return reading.outcome()


def _healthy(check: StatuspageCheck) -> str:
    return f"{', '.join(check.components)} operational" if check.components else "no ongoing incidents"


def _events(summary: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [e for e in summary.get(key) or [] if isinstance(e, dict)]


def _add(
    check: StatuspageCheck,
    reading: Reading,
    event: dict[str, Any],
    impact: tuple[State, Category],
    prefix: str = "",
) -> None:
    affected = [c for c in event.get("affected_components") or [] if isinstance(c, dict)]
    names = [str(c.get("name", "")) for c in affected]
    groups = {str(c.get("name", "")): str(c.get("group_name") or "") for c in affected}
    mine = picked(check, names) + [n for n in names if groups[n] and picked(check, [groups[n]])]
    if check.components and not mine:
        return  # an incident on components this integration does not use
    state, category = impact
    if check.components and category is not Category.MAINTENANCE:
        # The watched components' own statuses, where the feed gives them, beat the incident's worst.
        own = [IMPACT.get(str(c.get("current_status"))) for c in affected if str(c.get("name")) in mine]
        known = [i for i in own if i is not None]
        if known:
            state, category = max(known, key=lambda i: SEVERITY[i[0]])
    name = str(event.get("name", "an incident"))
    reading.findings.append(Finding(state, category, prefix + name, sorted(set(mine or names)), name, event.get("url")))
