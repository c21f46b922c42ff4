"""Vendor status: the check's status platform picks the adapter (tether.monitor.status).

Anything that is not the platform's feed (an HTML page, an error, another JSON shape) is
`unknown`, never `down`: the vendor may be fine while its status page is not.
"""

from __future__ import annotations

from tether.checks.result import Outcome
from tether.checks.statuspage import StatuspageCheck
from tether.monitor.context import ProbeContext
from tether.monitor.status.platforms import read


async def probe(check: StatuspageCheck, ctx: ProbeContext) -> Outcome:
    outcome = await read(check, ctx, ctx.expand(check.url))
    outcome.metrics.setdefault("url", outcome.metrics.get("feed"))
    return outcome
