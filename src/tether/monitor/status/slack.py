"""Slack's own status API: `GET https://slack-status.com/api/v2.0.0/current`.

Shape (https://docs.slack.dev/reference/slack-status-api): `status` ("ok" when all is well,
"active" during an incident), `active_incidents[]` {title, type: incident | notice | outage,
status, url, services[] e.g. "Messaging", "Apps/Integrations/APIs"}. Slack has no maintenance
type: planned work arrives as a `notice`, which is information, not an outage. The root URL
https://slack-status.com (an HTML page) is resolved to the API.
"""

from __future__ import annotations

from tether.checks.result import Outcome
from tether.checks.states import State
from tether.checks.statuspage import StatuspageCheck
from tether.model.status_platform import StatusPlatform, host_of
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault
from tether.monitor.status.feed import Finding, Reading, get_json, json_kind, picked, shape_changed

PLATFORM = StatusPlatform.SLACK
TYPES = {
    "outage": (State.DOWN, Category.VENDOR_MAJOR),
    "incident": (State.DEGRADED, Category.VENDOR_MINOR),
}
API = "/api/v2.0.0/current"


def feed_url(url: str) -> str:
    return url if "/api/" in url else url.rstrip("/") + API


async def read(check: StatuspageCheck, ctx: ProbeContext, url: str) -> Outcome:
    host = host_of(check.url)
    data, got = await get_json(ctx, feed_url(url), PLATFORM, host)
    if not isinstance(data, dict) or not isinstance(data.get("status"), str) or "active_incidents" not in data:
        raise shape_changed(host, PLATFORM, json_kind(data))
    if data["status"] == "broken":
        raise ProbeFault(State.UNKNOWN, Category.BAD_JSON, "Slack's status API reports itself broken")
    which = ", ".join(check.components)
    reading = Reading(PLATFORM, got.url, healthy_reason=f"{which} operational" if which else "all Slack services ok")
    notices: list[str] = []
    for incident in [i for i in data.get("active_incidents") or [] if isinstance(i, dict)]:
        services = [str(s) for s in incident.get("services") or []]
        mine = picked(check, services)
        if check.components and not mine:
            continue  # an incident on services this integration does not use
        title = str(incident.get("title") or "an incident")
        kind = str(incident.get("type"))
        if kind not in TYPES:
            notices.append(title)
            continue
        state, category = TYPES[kind]
        reading.findings.append(Finding(state, category, f"{kind}: {title}", mine, title, incident.get("url")))
    if notices and not reading.findings:
        reading.healthy_reason = f"notice: {'; '.join(notices[:3])}"
    reading.extra["status"] = data["status"]
    return reading.outcome()
