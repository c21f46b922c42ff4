"""make: page through a scenario's logs (GET {zone}/scenarios/{scenarioId}/logs, newest first).

Shapes from Make's API reference (developers.make.com, "Scenarios > Logs"): `scenarioLogs[]`
with `id`, `timestamp`, `duration` (ms), `operations` and `status` — 1 success, 2 warning
(an error a handler covered: counted as failed, the word kept), 3 error. Every log newer than
the newest stored becomes a run.
"""

from __future__ import annotations

from typing import Any

from tether.checks.make import MakeCheck
from tether.checks.result import Outcome, Run
from tether.checks.states import State
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault, status_fault
from tether.monitor.fetch import fetch
from tether.monitor.run_history import judge, unseen, when

PAGE = 100
SOURCE = "make"
STATUS = {1: ("success", "success"), 2: ("error", "warning"), 3: ("error", "error")}


async def probe(check: MakeCheck, ctx: ProbeContext) -> Outcome:
    token = ctx.expand(check.api_token)
    url = f"{ctx.expand(check.base_url).rstrip('/')}/scenarios/{check.scenario_id}/logs"
    since = ctx.now() - check.window
    headers = {"Authorization": f"Token {token}"}
    runs: list[Run] = []
    pages = 0
    while True:
        params = {"from": int(since * 1000), "pg[limit]": PAGE, "pg[offset]": pages * PAGE}
        got = await fetch(ctx.client, "GET", url, timeout=ctx.timeout, headers=headers, params=params)
        pages += 1
        if got.status >= 300:  # a redirect not followed is no answer: say so, not "bad JSON"
            raise status_fault(got.status, got.headers)
        data = got.json(what="the scenario logs")
        logs = data.get("scenarioLogs") if isinstance(data, dict) else None
        if not isinstance(logs, list):
            raise ProbeFault(State.DOWN, Category.BAD_JSON, "the scenario logs have no `scenarioLogs` list")
        older = False
        for log in logs:
            run = _run(ctx, check, log)
            if run is None:
                continue
            if run.started_at < since:
                older = True
                continue
            runs.append(run)
        more = not older and len(logs) >= PAGE
        if not more or pages >= check.max_pages:
            break
    return judge(check, runs, pages, unseen(runs, ctx.last_run(ctx.integration.name, SOURCE)), truncated=more)


def _run(ctx: ProbeContext, check: MakeCheck, log: Any) -> Run | None:
    if not isinstance(log, dict) or log.get("status") not in STATUS:
        return None
    started = when(log.get("timestamp"))
    if started is None:
        return None
    duration = log.get("duration")
    finished = started + duration / 1000 if isinstance(duration, int | float) and duration >= 0 else None
    status, word = STATUS[log["status"]]
    return Run(
        integration=ctx.integration.name,
        source=SOURCE,
        check=check.name,
        started_at=started,
        finished_at=finished,
        status=status,
        status_word=word,
        external_id=str(log.get("id") or log.get("imtId")),
    )
