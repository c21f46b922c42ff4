"""Runs: the integration's own work, stored once each, read back as its success rate and processing time."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from tether import clock
from tether.figures import Source, read_figures
from tether.monitor.engine import Engine, make_jobs
from tether.monitor.maintenance import excluder
from tether.pricing import PriceBook
from tether.sandbox.scenario import Scenario, Workflow
from tether.sandbox.server import Sandbox
from tether.store import Store
from tether.store.results import results_for
from tether.store.rollups import fold_new
from tether.store.runs import count_runs
from tether.workspace.loader import load_workspace

ENV = {"N8N_API_KEY": "k"}
WORKSPACE = """
version: 1
workspace: {{name: t}}
integrations:
  - name: leads
    title: Leads
    pattern: automation-bridge
    checks:
      - {{kind: n8n, name: runs, base_url: "{url}/n8n", api_key: "${{N8N_API_KEY}}", workflow_id: lead-intake}}
"""


async def _probe(
    ws: Any, store: Store, names: list[str] | None = None, env: dict[str, str] = ENV, timeout: float = 10.0
) -> list[Any]:
    jobs = make_jobs(ws.integrations, 60.0, timeout, names)
    async with Engine(jobs, store=store, env=env) as engine:
        results = await engine.run_once()
    with store.transaction() as db:  # as the watcher does after every batch
        fold_new(db, excluder(ws.file), clock.now())
    return results


@pytest.fixture
def ws(tmp_path: Any, sandbox: Sandbox) -> Any:
    (tmp_path / "integrations.yaml").write_text(WORKSPACE.format(url=sandbox.url), encoding="utf-8")
    return load_workspace(tmp_path / "integrations.yaml")


async def test_every_n8n_execution_becomes_one_run_however_often_it_is_read(
    ws: Any, sandbox: Sandbox, store: Store
) -> None:
    # One run in ten fails and each takes two seconds: the workflow's own figures, not the probe's.
    sandbox.set_scenario(Scenario(workflows=[Workflow(id="lead-intake", failure_every=10, duration_ms=2000)]))
    await _probe(ws, store)
    assert count_runs(store, "leads") == 48
    await _probe(ws, store)  # the same history read again: nothing new
    assert count_runs(store, "leads") == 48
    [leads] = read_figures(ws.file, store, clock.now(), PriceBook())
    assert leads.success.source is Source.RUNS
    assert leads.success.count == 48
    assert leads.success.rate == pytest.approx(1 - 4 / 48)  # runs 10, 20, 30, 40 failed
    assert leads.uptime.day == 1.0  # both probes reached n8n and judged it: the dependency is up
    assert leads.processing.source is Source.RUNS
    assert leads.processing.p95_ms is not None
    # The sandbox's runs last 0.5 to 1.5 times 2 s (sandbox.routes.executions); p95 within the histogram's bound.
    durations = sorted(2000 * (0.5 + ((k * 37) % 100) / 100) for k in range(48))
    assert leads.processing.p95_ms == pytest.approx(durations[math.ceil(0.95 * 48) - 1], rel=0.0905)
    assert leads.checks[0].success.source is Source.RUNS


async def test_a_later_read_adds_only_the_runs_that_are_new(ws: Any, sandbox: Sandbox, store: Store) -> None:
    sandbox.set_scenario(Scenario(workflows=[Workflow(id="lead-intake", runs_per_day=24)]))
    await _probe(ws, store)
    await _probe(ws, store)
    first, second = reversed(results_for(store, "leads"))
    assert (first["metrics"]["new_runs"], second["metrics"]["new_runs"]) == (24, 0)  # read from the newest stored
    # A new history whose ids all lie above the newest stored: each of its 48 runs in the window is new.
    sandbox.set_scenario(Scenario(workflows=[Workflow(id="lead-intake", runs_per_day=48)]))
    await _probe(ws, store)
    assert results_for(store, "leads")[0]["metrics"]["new_runs"] == 48
    assert count_runs(store, "leads") == 24 + 48
    [leads] = read_figures(ws.file, store, clock.now(), PriceBook())
    assert leads.success.count == 24 + 48  # each stored run counted once in the figures


HISTORY_WORKSPACE = """
version: 1
workspace: {{name: t}}
integrations:
  - name: scenario
    title: A Make scenario
    pattern: automation-bridge
    checks:
      - kind: make
        name: logs
        base_url: "{url}/eu1.make.com/api/v2"
        api_token: "${{MAKE_API_TOKEN}}"
        scenario_id: 112
  - name: zap
    title: A Zap
    pattern: automation-bridge
    checks:
      - {{kind: zapier, name: zap-runs, base_url: "{url}/api.zapier.com", token: "${{ZAPIER_TOKEN}}", zap_id: 1044}}
"""
HISTORY_ENV = {"MAKE_API_TOKEN": "t", "ZAPIER_TOKEN": "t"}


@pytest.fixture
def history_ws(tmp_path: Any, sandbox: Sandbox) -> Any:
    """HISTORY_WORKSPACE (a Make scenario and a Zap) pointed at the sandbox."""
    (tmp_path / "integrations.yaml").write_text(HISTORY_WORKSPACE.format(url=sandbox.url), encoding="utf-8")
    return load_workspace(tmp_path / "integrations.yaml")


@pytest.mark.parametrize(("name", "pages"), [("scenario", 3), ("zap", 3)])
async def test_make_and_zapier_runs_are_the_integrations_figures(
    history_ws: Any, sandbox: Sandbox, store: Store, name: str, pages: int
) -> None:
    # 240 runs a day over two pages and a bit; one in eight fails; each takes 0.5 to 1.5 s.
    workflows = [Workflow(id=i, runs_per_day=240, failure_every=8, duration_ms=1000) for i in ("112", "1044")]
    sandbox.set_scenario(Scenario(workflows=workflows))
    for _ in range(2):  # read twice: each run stored once
        jobs = make_jobs(history_ws.integrations, 60.0, 10.0, [name])
        async with Engine(jobs, store=store, env=HISTORY_ENV) as engine:
            [result] = await engine.run_once()
        with store.transaction() as db:
            fold_new(db, excluder(history_ws.file), clock.now())
    assert result.metrics["pages"] == pages
    assert result.metrics["new_runs"] == 0  # the second read found nothing new
    assert count_runs(store, name) == 240
    figures = {f.name: f for f in read_figures(history_ws.file, store, clock.now(), PriceBook())}
    mine = figures[name]
    assert (mine.success.source, mine.success.count) == (Source.RUNS, 240)
    assert mine.success.rate == pytest.approx(1 - 30 / 240)
    assert result.state == "degraded"  # 87.5 % is under the default 95 %
    durations = sorted(1000 * (0.5 + ((k * 37) % 100) / 100) for k in range(240))
    assert mine.processing.p95_ms == pytest.approx(durations[math.ceil(0.95 * 240) - 1], rel=0.0905)


@pytest.mark.parametrize("name", ["scenario", "zap"])
async def test_runs_that_start_after_the_sandbox_did_arrive_at_the_next_read(
    history_ws: Any, sandbox: Sandbox, store: Store, name: str
) -> None:
    """A workflow with `live_every` keeps running: each read hands on just the runs started since."""
    workflows = [Workflow(id=i, runs_per_day=24, live_every=10) for i in ("112", "1044")]
    sandbox.set_scenario(Scenario(workflows=workflows))

    async def read() -> int:
        [result] = await _probe(history_ws, store, [name], HISTORY_ENV)
        return int(result.metrics["new_runs"])

    sandbox.anchor = clock.now() - 35  # the sandbox started 35 s ago: three runs since, one every 10 s
    assert await read() == 24 + 3
    sandbox.anchor -= 20  # twenty seconds on: two more
    assert await read() == 2
    assert await read() == 0
    assert count_runs(store, name) == 24 + 5


@pytest.mark.parametrize(
    ("name", "fault", "category"),
    [
        ("scenario", {"route": "/make/*", "status": 401}, "auth"),
        ("zap", {"route": "/zapier/*", "status": 429}, "rate_limited"),
        ("zap", {"route": "/zapier/*", "body": "malformed-json"}, "bad_json"),
    ],
)
async def test_a_failing_run_source_is_a_probe_result_and_loses_no_run(
    history_ws: Any, sandbox: Sandbox, store: Store, name: str, fault: dict[str, Any], category: str
) -> None:
    sandbox.set_scenario(Scenario(workflows=[Workflow(id="112"), Workflow(id="1044")]))
    jobs = make_jobs(history_ws.integrations, 60.0, 10.0, [name])
    async with Engine(jobs, store=store, env=HISTORY_ENV) as engine:
        await engine.run_once()
    stored = count_runs(store, name)
    assert stored == 48
    sandbox.add_fault(**fault)
    async with Engine(jobs, store=store, env=HISTORY_ENV) as engine:
        [result] = await engine.run_once()
    assert (result.state, result.category) == ("down", category)
    assert count_runs(store, name) == stored


PAGING_WORKSPACE = """
version: 1
workspace: {{name: t}}
integrations:
  - name: {name}
    title: A workflow whose run history pages forever
    pattern: automation-bridge
    checks:
      - {check}
"""
PAGING = {
    "leads": (
        '{{kind: n8n, name: runs, base_url: "{url}/n8n", api_key: "${{N8N_API_KEY}}", workflow_id: lead-intake, '
        "max_pages: 3}}",
        "/n8n/api/v1/executions?workflowId=lead-intake&limit=250",
        "/n8n/api/v1/executions",
        {"X-N8N-API-KEY": "k"},
    ),
    "scenario": (
        '{{kind: make, name: logs, base_url: "{url}/eu1.make.com/api/v2", api_token: "${{MAKE_API_TOKEN}}", '
        "scenario_id: 112, max_pages: 3}}",
        "/make/api/v2/scenarios/112/logs?pg[limit]=100",
        "/make/api/v2/scenarios/112/logs",
        {"Authorization": "Token t"},
    ),
    "zap": (
        '{{kind: zapier, name: zap-runs, base_url: "{url}/api.zapier.com", token: "${{ZAPIER_TOKEN}}", '
        "zap_id: 1044, max_pages: 3}}",
        "/zapier/v2/zap-runs?zap_id=1044&limit=100",
        "/zapier/v2/zap-runs",
        {"Authorization": "Bearer t"},
    ),
}


@pytest.mark.parametrize("name", sorted(PAGING))
async def test_a_source_that_pages_forever_stops_at_max_pages_and_counts_each_run_once(
    tmp_path: Any, sandbox: Sandbox, store: Store, name: str
) -> None:
    """Every page is the same full page and always says there is another: read max_pages, count each run once."""
    import httpx

    check, first_page, path, headers = PAGING[name]
    (tmp_path / "integrations.yaml").write_text(
        PAGING_WORKSPACE.format(name=name, check=check.format(url=sandbox.url)), encoding="utf-8"
    )
    ws = load_workspace(tmp_path / "integrations.yaml")
    sandbox.set_scenario(
        Scenario(workflows=[Workflow(id=i, runs_per_day=1000) for i in ("lead-intake", "112", "1044")])
    )
    page = httpx.get(sandbox.url + first_page, headers=headers, timeout=30).json()  # a real first page, more to come
    sandbox.can(path, json.dumps(page))  # served for every page asked for
    listed = page.get("data") or page.get("scenarioLogs")
    for _ in range(2):
        [result] = await _probe(ws, store, [name], {**ENV, **HISTORY_ENV})
        assert result.metrics["pages"] == 3
        assert result.metrics["runs"] == len(listed)  # not three times over
        assert result.metrics["truncated"] is True
        assert "only the first 3 pages read: raise max_pages" in result.reason
    assert count_runs(store, name) == len(listed)


@pytest.mark.parametrize("name", ["scenario", "zap"])
async def test_a_slow_run_source_times_out_as_a_probe_result_and_loses_no_run(
    history_ws: Any, sandbox: Sandbox, store: Store, name: str
) -> None:
    sandbox.set_scenario(Scenario(workflows=[Workflow(id="112"), Workflow(id="1044")]))
    await _probe(history_ws, store, [name], HISTORY_ENV, timeout=1.0)  # a 1 s timeout, then a 5 s answer
    assert count_runs(store, name) == 48
    sandbox.add_fault(route="/make/*" if name == "scenario" else "/zapier/*", latency="5s")
    [result] = await _probe(history_ws, store, [name], HISTORY_ENV, timeout=1.0)
    assert (result.state, result.category) == ("down", "read_timeout")
    assert result.reason == "read timeout: no answer to the request within 1s"
    assert count_runs(store, name) == 48
    [figures] = [f for f in read_figures(history_ws.file, store, clock.now(), PriceBook()) if f.name == name]
    assert figures.success.count == 48  # the stored runs still count
