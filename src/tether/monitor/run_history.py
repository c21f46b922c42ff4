"""What the run-history checks (n8n, Make, Zapier) share: reading their times, and the verdict
over a window — success rate against the check's thresholds, then p95 against `degraded_ms`."""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from tether.checks.base import RunHistoryCheck
from tether.checks.result import Outcome, Run
from tether.checks.states import State
from tether.model.common import format_duration
from tether.monitor.faults import Category


def when(value: Any) -> float | None:
    """An ISO 8601 time as epoch seconds; None when it is missing or not a time."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(q * 100) - 1]


def unseen(runs: list[Run], newest_stored: str | None) -> list[Run]:
    """The runs that started after the newest one already stored (found in this read by its id);
    all of them when it is not among them. For sources whose ids are not ordered (Make, Zapier)."""
    known = next((r.started_at for r in runs if r.external_id == newest_stored), None)
    return [r for r in runs if known is None or r.started_at > known]


def once(runs: list[Run]) -> list[Run]:
    """Each run once, by its id: a source that repeats a page (or pages forever) is not counted twice."""
    seen: set[str] = set()
    out = []
    for run in runs:
        if run.external_id is not None:
            if run.external_id in seen:
                continue
            seen.add(run.external_id)
        out.append(run)
    return out


def judge(check: RunHistoryCheck, runs: list[Run], pages: int, new: list[Run], truncated: bool = False) -> Outcome:
    """The verdict over every finished run in the window; `new` (not yet stored) go with it as runs.

    `truncated`: the source had more pages when `max_pages` stopped the read; the reason says so."""
    runs, new = once(runs), once(new)
    # Hours read best for the usual windows (24h, 72h); shorter ones as written.
    window = f"{check.window / 3600:g}h" if check.window >= 3600 else format_duration(check.window)
    successes = sum(r.ok for r in runs)
    durations = [d for r in runs if (d := r.duration_ms) is not None]
    metrics: dict[str, Any] = {
        "runs": len(runs),
        "successes": successes,
        "success_rate": round(successes / len(runs), 4) if runs else None,
        "p50_ms": round(percentile(durations, 0.5), 1) if durations else None,
        "p95_ms": round(percentile(durations, 0.95), 1) if durations else None,
        "pages": pages,
        "new_runs": len(new),
        "truncated": truncated,
    }
    if not runs:
        outcome = Outcome(State.UNKNOWN, f"no finished runs in the last {window}", Category.NO_DATA, metrics=metrics)
    else:
        rate = successes / len(runs)
        summary = f"{successes}/{len(runs)} runs succeeded in the last {window} ({rate:.0%})"
        p95 = metrics["p95_ms"]
        if rate < check.down_below:
            outcome = Outcome(State.DOWN, summary, Category.LOW_SUCCESS_RATE, metrics=metrics)
        elif rate < check.degraded_below:
            outcome = Outcome(State.DEGRADED, summary, Category.LOW_SUCCESS_RATE, metrics=metrics)
        elif check.degraded_ms is not None and p95 is not None and p95 > check.degraded_ms:
            slow = f"slow runs: p95 {p95:.0f} ms over {check.degraded_ms:g} ms"
            outcome = Outcome(State.DEGRADED, slow, Category.SLOW, metrics=metrics)
        else:
            outcome = Outcome(State.HEALTHY, summary, Category.OK, metrics=metrics)
    if truncated:
        outcome.reason += f" (only the first {pages} pages read: raise max_pages to read the whole window)"
    outcome.runs = new
    return outcome
