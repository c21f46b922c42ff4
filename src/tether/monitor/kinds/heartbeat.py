"""Heartbeat: the last ping's age against the period plus grace.

A reason is stored and read later, so it names the ping's time, never its age ("2.3m ago" would
be wrong by the next morning); a view may add the age when it shows the reason.
"""

from __future__ import annotations

from tether.checks.heartbeat import HeartbeatCheck
from tether.checks.result import Outcome
from tether.checks.states import State
from tether.clock import iso
from tether.model.common import format_duration
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category


async def probe(check: HeartbeatCheck, ctx: ProbeContext) -> Outcome:
    ping = ctx.last_ping(ctx.integration.name, check.name)
    expected = f"expected every {format_duration(check.period)}, grace {format_duration(check.grace)}"
    if ping is None:
        return Outcome(State.UNKNOWN, f"no ping received yet ({expected})", Category.NO_DATA, timed=False)
    age = max(0.0, ctx.now() - ping.at)
    metrics: dict[str, object] = {"last_ping_at": ping.at, "age_s": round(age, 1), "last_ok": ping.ok}
    if ping.duration_s is not None:
        metrics["duration_s"] = ping.duration_s
    if age > check.period + check.grace:
        return Outcome(
            State.DOWN, f"no ping since {iso(ping.at)} ({expected})", Category.MISSED_PING, metrics=metrics, timed=False
        )
    if not ping.ok:
        return Outcome(
            State.DOWN,
            f"the last run, at {iso(ping.at)}, reported a failure",
            Category.FAILED_RUN,
            metrics=metrics,
            timed=False,
        )
    return Outcome(State.HEALTHY, f"last ping at {iso(ping.at)}", Category.OK, metrics=metrics, timed=False)
