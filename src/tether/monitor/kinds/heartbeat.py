"""Heartbeat: the last ping's age against the period plus grace."""

from __future__ import annotations

from tether.checks.heartbeat import HeartbeatCheck
from tether.checks.result import Outcome
from tether.checks.states import State
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category


def _ago(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"


async def probe(check: HeartbeatCheck, ctx: ProbeContext) -> Outcome:
    ping = ctx.last_ping(ctx.integration.name, check.name)
    expected = f"expected every {_ago(check.period)}, grace {_ago(check.grace)}"
    if ping is None:
        return Outcome(State.UNKNOWN, f"no ping received yet ({expected})", Category.NO_DATA, timed=False)
    age = max(0.0, ctx.now() - ping.at)
    metrics: dict[str, object] = {"last_ping_at": ping.at, "age_s": round(age, 1), "last_ok": ping.ok}
    if ping.duration_s is not None:
        metrics["duration_s"] = ping.duration_s
    if age > check.period + check.grace:
        return Outcome(
            State.DOWN, f"no ping for {_ago(age)} ({expected})", Category.MISSED_PING, metrics=metrics, timed=False
        )
    if not ping.ok:
        return Outcome(
            State.DOWN,
            f"the last run reported a failure {_ago(age)} ago",
            Category.FAILED_RUN,
            metrics=metrics,
            timed=False,
        )
    return Outcome(State.HEALTHY, f"last ping {_ago(age)} ago", Category.OK, metrics=metrics, timed=False)
