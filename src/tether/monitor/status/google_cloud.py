"""Google Cloud (Vertex AI, ...): the Service Health dashboard's `incidents.json`.

The Gemini API on AI Studio (generativelanguage.googleapis.com) is not a Google Cloud product
and publishes no machine-readable status; watch it with a `gemini` check instead.
"""

from __future__ import annotations

from tether.checks.result import Outcome
from tether.checks.statuspage import StatuspageCheck
from tether.model.status_platform import StatusPlatform
from tether.monitor.context import ProbeContext
from tether.monitor.status import google_incidents

PLATFORM = StatusPlatform.GOOGLE_CLOUD
DASHBOARD = "https://status.cloud.google.com/"


def feed_url(url: str) -> str:
    return url if url.endswith(".json") else url.rstrip("/") + "/incidents.json"


async def read(check: StatuspageCheck, ctx: ProbeContext, url: str) -> Outcome:
    return await google_incidents.read(check, ctx, feed_url(url), PLATFORM, DASHBOARD)
