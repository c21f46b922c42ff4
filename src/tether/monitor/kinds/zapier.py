"""zapier: page through a Zap's runs (GET /v2/zap-runs?zap_id=..., Zapier's Partner API).

Shapes from Zapier's API reference (docs.zapier.com, "Get Zap Runs"): `data[]` with `id`,
`zap_id`, `start_time`, `end_time` and `status`, `links.next` for the next page and
`meta.count`. The reference shows the response wrapped in a one-element list; the object alone
is read too (see docs/adr/0006-runs.md). `success` is a success; `error`, `error_handled` and
`halted` are failures (the word kept); the rest (pending, delayed, scheduled, held,
throttled, filtered, skipped) are not a verdict and are left out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tether.checks.result import Outcome, Run
from tether.checks.states import State
from tether.checks.zapier import ZapierCheck
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault, status_fault
from tether.monitor.fetch import fetch
from tether.monitor.run_history import judge, unseen, when

PAGE = 100
SOURCE = "zapier"
FAILED = {"error", "error_handled", "halted"}


async def probe(check: ZapierCheck, ctx: ProbeContext) -> Outcome:
    token = ctx.expand(check.token)
    url = ctx.expand(check.base_url).rstrip("/") + "/v2/zap-runs"
    since = ctx.now() - check.window
    from_date = datetime.fromtimestamp(since, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    headers = {"Authorization": f"Bearer {token}"}
    runs: list[Run] = []
    pages = 0
    while True:
        params = {"zap_id": check.zap_id, "from_date": from_date, "limit": PAGE, "offset": pages * PAGE}
        got = await fetch(ctx.client, "GET", url, timeout=ctx.timeout, headers=headers, params=params)
        pages += 1
        if got.status >= 300:  # a redirect not followed is no answer: say so, not "bad JSON"
            raise status_fault(got.status, got.headers)
        data = got.json(what="the zap runs")
        if isinstance(data, list) and len(data) == 1:
            data = data[0]
        items = data.get("data") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ProbeFault(State.DOWN, Category.BAD_JSON, "the zap runs have no `data` list")
        for item in items:
            run = _run(ctx, check, item)
            if run is not None and run.started_at >= since:
                runs.append(run)
        links = data.get("links") if isinstance(data, dict) else None
        more = isinstance(links, dict) and bool(links.get("next"))
        more = more and len(items) >= PAGE
        if not more or pages >= check.max_pages:
            break
    return judge(check, runs, pages, unseen(runs, ctx.last_run(ctx.integration.name, SOURCE)), truncated=more)


def _run(ctx: ProbeContext, check: ZapierCheck, item: Any) -> Run | None:
    if not isinstance(item, dict):
        return None
    word = str(item.get("status") or "")
    if word != "success" and word not in FAILED:
        return None
    started = when(item.get("start_time"))
    if started is None:
        return None
    return Run(
        integration=ctx.integration.name,
        source=SOURCE,
        check=check.name,
        started_at=started,
        finished_at=when(item.get("end_time")),
        status="success" if word == "success" else "error",
        status_word=word,
        external_id=str(item.get("id")),
    )
