"""Vendors whose status is only an HTML page (Google AI Studio, status.cloud.microsoft): always unknown.

The page is fetched, so the reason says what is there, and how to watch the vendor instead.
"""

from __future__ import annotations

from tether.checks.result import Outcome
from tether.checks.states import State
from tether.checks.statuspage import StatuspageCheck
from tether.model.status_platform import StatusPlatform, host_of
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault
from tether.monitor.fetch import fetch
from tether.monitor.status.feed import describe_body

PLATFORM = StatusPlatform.HTML_ONLY
INSTEAD = {
    "aistudio.google.com": "watch the Gemini API itself with a `gemini` check (model list and token count)",
    "status.cloud.microsoft": "read your tenant's service health with `url: https://graph.microsoft.com` "
    "(platform microsoft-graph, with tenant_id, client_id and client_secret)",
}


async def read(check: StatuspageCheck, ctx: ProbeContext, url: str) -> Outcome:
    host = host_of(check.url)
    try:
        got = await fetch(ctx.client, "GET", url, timeout=ctx.timeout, follow_redirects=True)
        found = describe_body(got) if got.status < 400 else f"HTTP {got.status}"
    except ProbeFault as fault:
        found = f"no answer ({fault.reason})"
    instead = INSTEAD.get(host, "point `url:` at a machine-readable feed or set `platform:`")
    raise ProbeFault(
        State.UNKNOWN,
        Category.HTML,
        f"{host} publishes its status only as a web page (found {found}); tether cannot read it: {instead}",
    )
