"""n8n: page through GET /api/v1/executions for a window; success rate and run time (stoppedAt − startedAt).

Every finished execution newer than the last one stored becomes a run of the integration's
own work (its id as the run's external id, so a page read twice adds nothing).
"""

from __future__ import annotations

from typing import Any

from tether.checks.n8n import N8nCheck
from tether.checks.result import Outcome, Run
from tether.checks.states import State
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault, status_fault
from tether.monitor.fetch import fetch
from tether.monitor.run_history import judge, when

FAILED = {"error", "crashed"}
PAGE = 250
SOURCE = "n8n"


async def probe(check: N8nCheck, ctx: ProbeContext) -> Outcome:
    key = ctx.expand(check.api_key)
    url = ctx.expand(check.base_url).rstrip("/") + "/api/v1/executions"
    since = ctx.now() - check.window
    params: dict[str, Any] = {"limit": PAGE}
    if check.workflow_id:
        params["workflowId"] = check.workflow_id
    pages = 0
    runs: list[Run] = []
    cursor: str | None = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        got = await fetch(ctx.client, "GET", url, timeout=ctx.timeout, headers={"X-N8N-API-KEY": key}, params=query)
        pages += 1
        if got.status >= 300:  # a redirect not followed is no answer: say so, not "bad JSON"
            raise status_fault(got.status, got.headers)
        data = got.json(what="the executions list")
        items = data.get("data") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ProbeFault(State.DOWN, Category.BAD_JSON, "the executions list has no `data` list")
        older = False
        for item in items:
            started = when(item.get("startedAt")) if isinstance(item, dict) else None
            if started is None:
                continue
            if started < since:
                older = True  # newest first: everything after this is outside the window
                continue
            status = item.get("status") or ("success" if item.get("finished") else None)
            if status not in FAILED and status != "success":
                continue  # running, waiting, new or canceled: not a verdict
            runs.append(_run(ctx, check, item, started, when(item.get("stoppedAt")), status))
        cursor = data.get("nextCursor")
        more = not older and bool(cursor)
        if not more or pages >= check.max_pages:
            break
    seen = _number(ctx.last_run(ctx.integration.name, SOURCE))
    new = [r for r in runs if seen is None or (_number(r.external_id) or 0) > seen]
    return judge(check, runs, pages, new, truncated=more)


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
        finished_at=stopped if stopped is not None and stopped >= started else None,
        status="success" if status == "success" else "error",
        status_word=status,
        external_id=str(item.get("id")),
    )
