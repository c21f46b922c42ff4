"""Which adapter reads a check: `platform:`, else the URL, else the workspace's rules/systems.yaml, else Statuspage v2.

A URL whose platform nobody knows is tried as Statuspage v2 (the most common platform), and
`tether check` warns about it; an answer of any other shape is `unknown`, naming what came back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache

from tether.checks.result import Outcome
from tether.checks.statuspage import StatuspageCheck
from tether.model.status_platform import StatusPlatform, host_of
from tether.model.systems import SystemCatalogue
from tether.monitor.context import ProbeContext
from tether.monitor.faults import ProbeFault
from tether.monitor.status import (
    google_cloud,
    google_workspace,
    html_only,
    incident_io,
    microsoft_graph,
    salesforce_trust,
    slack,
    statuspage_v2,
)

Read = Callable[[StatuspageCheck, ProbeContext, str], Awaitable[Outcome]]

ADAPTERS: dict[StatusPlatform, Read] = {
    StatusPlatform.STATUSPAGE: statuspage_v2.read,
    StatusPlatform.INCIDENT_IO: incident_io.read,
    StatusPlatform.SLACK: slack.read,
    StatusPlatform.GOOGLE_WORKSPACE: google_workspace.read,
    StatusPlatform.GOOGLE_CLOUD: google_cloud.read,
    StatusPlatform.SALESFORCE_TRUST: salesforce_trust.read,
    StatusPlatform.MICROSOFT_GRAPH: microsoft_graph.read,
    StatusPlatform.HTML_ONLY: html_only.read,
}


@cache
def _catalogue() -> SystemCatalogue:
    from tether.workspace.rules import load_rules

    return load_rules("systems.yaml", SystemCatalogue)


async def read(check: StatuspageCheck, ctx: ProbeContext, url: str) -> Outcome:
    platform = check.platform_in(ctx.systems or _catalogue())
    if platform is not None:
        return await ADAPTERS[platform](check, ctx, url)
    try:
        return await statuspage_v2.read(check, ctx, url)
    except ProbeFault as fault:
        fault.reason = (
            f"{fault.reason} — the status platform of {host_of(check.url)} is not recognised: "
            "set `platform:` on the check"
        )
        raise
