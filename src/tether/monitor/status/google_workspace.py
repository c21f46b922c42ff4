"""Google Workspace (Gmail, Docs, Gemini, ...): the Status Dashboard's `incidents.json`.

https://www.google.com/appsstatus/dashboard/ is an HTML page; its machine-readable twin is
`/appsstatus/dashboard/incidents.json`, filtered here by the products the check names.
"""

from __future__ import annotations

from tether.checks.result import Outcome
from tether.checks.statuspage import StatuspageCheck
from tether.model.status_platform import StatusPlatform
from tether.monitor.context import ProbeContext
from tether.monitor.status import google_incidents

PLATFORM = StatusPlatform.GOOGLE_WORKSPACE
DASHBOARD = "https://www.google.com/appsstatus/dashboard/"


def feed_url(url: str) -> str:
    if url.endswith(".json"):
        return url
    base = url.split("/appsstatus", 1)[0] if "/appsstatus" in url else url.rstrip("/")
    return base + "/appsstatus/dashboard/incidents.json"


async def read(check: StatuspageCheck, ctx: ProbeContext, url: str) -> Outcome:
    return await google_incidents.read(check, ctx, feed_url(url), PLATFORM, DASHBOARD)
