"""n8n: page through GET /api/v1/executions for a window; success rate and run time (stoppedAt − startedAt).

Every finished execution newer than the last one stored becomes a run of the integration's
own work (its id as the run's external id, so a page read twice adds nothing).
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from tether.checks.n8n import N8nCheck
from tether.checks.result import Outcome, Run
from tether.checks.states import State
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault, status_fault
from tether.monitor.fetch import fetch

FAILED = {"error", "crashed"}
PAGE = 250
SOURCE = "n8n"


def _when(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(q * 100) - 1]


async def probe(check: N8nCheck, ctx: ProbeContext) -> Outcome:
    key = ctx.expand(check.api_key)
    url = ctx.expand(check.base_url).rstrip("/") + "/api/v1/executions"
    since = ctx.now() - check.window
    params: dict[str, Any] = {"limit": PAGE}
    if check.workflow_id:
        params["workflowId"] = check.workflow_id
    runs = successes = pages = 0
    durations: list[float] = []
    cursor: str | None = None
    seen = _number(ctx.last_run(ctx.integration.name, SOURCE))
    new_runs: list[Run] = []
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        got = await fetch(ctx.client, "GET", url, timeout=ctx.timeout, headers={"X-N8N-API-KEY": key}, params=query)
        pages += 1
        if got.status >= 400:
            raise status_fault(got.status, got.headers)
        data = got.json(what="the executions list")
        items = data.get("data") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ProbeFault(State.DOWN, Category.BAD_JSON, "the executions list has no `data` list")
        older = False
        for item in items:
            started = _when(item.get("startedAt")) if isinstance(item, dict) else None
            if started is None:
                continue
            if started < since:
                older = True  # newest first: everything after this is outside the window
                continue
            status = item.get("status") or ("success" if item.get("finished") else None)
            if status not in FAILED and status != "success":
                continue  # running, waiting, new or canceled: not a verdict
            runs += 1
            successes += status == "success"
            stopped = _when(item.get("stoppedAt"))
            if stopped is not None and stopped >= started:
                durations.append((stopped - started) * 1000)
            ident = _number(item.get("id"))
            if ident is not None and (seen is None or ident > seen):
                new_runs.append(_run(ctx, check, item, started, stopped, status))
        cursor = data.get("nextCursor")
        if older or not cursor or pages >= check.max_pages:
            break
    outcome = _judge(check, runs, successes, durations, pages)
    outcome.runs = new_runs
    outcome.metrics["new_runs"] = len(new_runs)
    return outcome


def _number(value: Any) -> int | None:
    """An execution id as a number (n8n's ids are increasing integers, sent as strings)."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _run(
    ctx: ProbeContext, check: N8nCheck, item: dict[str, Any], started: float, stopped: float | None, status: str
) -> Run:
    return Run(
        integration=ctx.integration.name,
        source=SOURCE,
        check=check.name,
        started_at=started,
        finished_at=stopped,
        status="success" if status == "success" else "error",
        status_word=status,
        external_id=str(item.get("id")),
    )


def _judge(check: N8nCheck, runs: int, successes: int, durations: list[float], pages: int) -> Outcome:
    window = f"{check.window / 3600:g}h" if check.window >= 3600 else f"{check.window:g}s"
    metrics: dict[str, Any] = {
        "runs": runs,
        "successes": successes,
        "success_rate": round(successes / runs, 4) if runs else None,
        "p50_ms": round(_percentile(durations, 0.5), 1) if durations else None,
        "p95_ms": round(_percentile(durations, 0.95), 1) if durations else None,
        "pages": pages,
    }
    if runs == 0:
        return Outcome(State.UNKNOWN, f"no finished executions in the last {window}", Category.NO_DATA, metrics=metrics)
    rate = successes / runs
    summary = f"{successes}/{runs} runs succeeded in the last {window} ({rate:.0%})"
    if rate < check.down_below:
        return Outcome(State.DOWN, summary, Category.LOW_SUCCESS_RATE, metrics=metrics)
    if rate < check.degraded_below:
        return Outcome(State.DEGRADED, summary, Category.LOW_SUCCESS_RATE, metrics=metrics)
    p95 = metrics["p95_ms"]
    if check.degraded_ms is not None and p95 is not None and p95 > check.degraded_ms:
        return Outcome(
            State.DEGRADED, f"slow runs: p95 {p95:.0f} ms over {check.degraded_ms:g} ms", Category.SLOW, metrics=metrics
        )
    return Outcome(State.HEALTHY, summary, Category.OK, metrics=metrics)
