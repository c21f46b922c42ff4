"""Every fact source, fed through the other modules' public store functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.readiness_support import NOW, write_workspace
from tether.checks.result import CheckResult
from tether.checks.states import State
from tether.clock import iso
from tether.docs.check import apply, plan
from tether.docs.gather import gather
from tether.docs.render import render_documents
from tether.monitor.maintenance import excluder
from tether.readiness import facts as sources
from tether.readiness.facts import gather_facts
from tether.store import Store
from tether.store.assessments import save_milestone
from tether.store.evals import CaseRecord, RunRecord, save_run
from tether.store.incidents import open_incident, resolve_incident
from tether.store.results import record_results
from tether.store.rollups import DAY, fold_new
from tether.workspace import Workspace
from tether.workspace.loader import load_workspace

APP = """
- name: app
  title: App
  owner: ops@example.com
  pattern: direct-api
  lifecycle: pilot
  ai: {provider: anthropic, model: claude-haiku-4-5}
  volume: {runs_per_month: 1000, input_tokens_per_run: 1000, output_tokens_per_run: 200}
  budget: {monthly_usd: 5}
  error_handling:
    unexpected_ai_response: {what_happens: shown to a person, fallback: human}
    api_down: {what_happens: queued, fallback: queue}
  checks:
    - {kind: http, name: health, url: "http://127.0.0.1:9/health"}
  alerts:
    - {kind: webhook, url: "${APP_ALERTS_URL}"}
  samples:
    - name: smoke
      prompt: "Say {{ word }}"
      cases: [{word: hi}]
    - name: tone
      prompt: "Greet {{ name }}"
      cases: [{name: Sam}]
- name: bare
  title: Bare
  pattern: custom-app
"""


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.chdir(tmp_path)
    return write_workspace(tmp_path, APP)


def values(ws: Workspace, store: Store, *only: sources.Source, now: float = NOW) -> dict[str, dict[str, object]]:
    gathered = gather_facts(ws, store, now, list(only))
    return {name: {fact: f.value for fact, f in found.items()} for name, found in gathered.items()}


def test_definition_facts(ws: Workspace, store: Store) -> None:
    found = gather_facts(ws, store, NOW, [sources.definition])
    app, bare = found["app"], found["bare"]
    assert {k: v.value for k, v in app.items()} == {
        "owner_set": True,
        "error_scenarios_planned": 2.0,
        "budget_set": True,
        "checks": 1.0,
        "alert_channels": 1.0,
        "samples_defined": True,
        "pattern_reason_recorded": False,
    }
    assert app["error_scenarios_planned"].shown == "2 of 3 planned, missing malformed input"
    assert {k: v.value for k, v in bare.items()} == {
        "owner_set": False,
        "error_scenarios_planned": 0.0,
        "budget_set": False,
        "checks": 0.0,
        "alert_channels": 0.0,
        "samples_defined": False,
        "pattern_reason_recorded": False,
    }


def test_docs_fresh_follows_the_reports_folder(ws: Workspace, store: Store) -> None:
    assert values(ws, store, sources.docs)["app"] == {"docs_fresh": False}
    documents = render_documents(gather(ws, store), ws.root)
    apply(plan(ws.root / "reports", documents), documents)
    assert values(ws, store, sources.docs)["app"] == {"docs_fresh": True}
    runbook = ws.root / "reports" / "runbooks" / "app.md"
    runbook.write_text(runbook.read_text(encoding="utf-8") + "\nedited by hand\n", encoding="utf-8")
    found = gather_facts(ws, store, NOW, [sources.docs])
    assert found["app"]["docs_fresh"].value is False
    assert found["app"]["docs_fresh"].shown == "reports/runbooks/app.md is out of date"
    assert found["bare"]["docs_fresh"].value is True


def _result(at: float, ok: bool, latency_ms: float, integration: str = "app") -> CheckResult:
    state = State.HEALTHY if ok else State.DOWN
    return CheckResult(integration, "health", "http", state, "ok" if ok else "HTTP 503", "ok", at, latency_ms)


def test_monitoring_facts_from_recorded_results(ws: Workspace, store: Store) -> None:
    before = values(ws, store, sources.monitoring)["app"]
    assert before["probe_history_days"] == 0.0
    assert before["success_rate_7d"] is None  # not measured
    assert before["p95_ms"] is None
    # Probes on 7 earlier days, then one an hour for 20 hours (today and yesterday); 2 of those fail.
    batch = [_result(NOW - d * DAY - 600, True, 100.0) for d in range(3, 10)]
    batch += [_result(NOW - h * 3600 - 60, h not in (2, 5), 100.0 + 10 * h) for h in range(20)]
    record_results(store, batch)
    with store.transaction() as db:  # as the watcher does after every batch
        fold_new(db, excluder(ws.file), NOW)
    found = gather_facts(ws, store, NOW, [sources.monitoring])["app"]
    assert found["probe_history_days"].value == 9.0
    assert found["success_rate_7d"].value == pytest.approx(100 * 23 / 25, abs=1e-3)
    assert found["success_rate_7d"].shown == "92.00% of 25 probes (no runs recorded) over 7 days"
    p95 = found["p95_ms"].value
    assert isinstance(p95, float)
    assert 270 < p95 < 300  # the 24-hour p95 of 100..290 ms, within the histogram's bound
    assert found["open_incidents"].value == 0.0


def test_open_incidents_count_the_integrations_they_touch(ws: Workspace, store: Store) -> None:
    with store.transaction() as db:
        mine = open_incident(db, "check:app/health", "check", "HTTP 503", NOW - 300, integration="app", check="health")
        open_incident(
            db, "vendor:anthropic", "vendor", "Anthropic outage", NOW - 200, vendor="anthropic", affected=["app"]
        )
    found = gather_facts(ws, store, NOW, [sources.monitoring])
    assert found["app"]["open_incidents"].value == 2.0
    assert found["app"]["open_incidents"].shown.startswith(f"#{mine.id} open since ")
    assert found["bare"]["open_incidents"].value == 0.0
    with store.transaction() as db:
        resolve_incident(db, mine, NOW - 100)
    assert values(ws, store, sources.monitoring)["app"]["open_incidents"] == 1.0


def test_projected_cost_against_budget_includes_eval_spend(ws: Workspace, store: Store) -> None:
    # 1,000 runs of 1,000 in / 200 out on claude-haiku-4-5 ($1 / $5 per million): $2.00 a month.
    found = values(ws, store, sources.monitoring)
    assert found["app"]["projected_cost_usd"] == pytest.approx(2.0)
    assert found["app"]["cost_within_budget"] is True
    assert found["bare"]["cost_within_budget"] is None  # no budget set: not measured
    run = RunRecord("app", "smoke", "claude-haiku-4-5", NOW - 60, NOW - 50, 0.9)
    run.cases.append(CaseRecord(1, "integrations.yaml:20", "passed", cost_usd=3.0))
    save_run(store, run)
    after = gather_facts(ws, store, NOW, [sources.monitoring])["app"]
    projected = after["projected_cost_usd"].value
    # $3 of evals in the first 20.6 days of September project to $4.37, on top of the $2 estimate.
    assert projected == pytest.approx(2.0 + 3.0 / ((NOW - 1_788_220_800) / (30 * DAY)), rel=1e-6)
    assert after["cost_within_budget"].value is False
    assert "against a budget of $5.00" in after["cost_within_budget"].shown


def _run(suite: str, passed: int, failed: int, at: float, stopped: str | None = None) -> RunRecord:
    run = RunRecord("app", suite, "claude-haiku-4-5", at, at + 1, 0.9, stopped=stopped)
    outcomes = ["passed"] * passed + ["failed"] * failed
    run.cases = [CaseRecord(n + 1, f"cases:{n}", outcome) for n, outcome in enumerate(outcomes)]
    return run


def test_quality_facts_from_the_latest_run_of_each_suite(ws: Workspace, store: Store) -> None:
    empty = values(ws, store, sources.quality)
    assert empty["app"] == {"eval_pass_rate": None, "eval_meets_target": None, "eval_age_days": None}
    save_run(store, _run("smoke", 9, 1, NOW - 3 * DAY))
    partial = gather_facts(ws, store, NOW, [sources.quality])["app"]
    assert partial["eval_pass_rate"].value == 90.0
    assert partial["eval_meets_target"].value is None  # the tone suite never ran
    assert partial["eval_meets_target"].shown == "suite tone has never run"
    save_run(store, _run("tone", 4, 0, NOW - DAY))
    assert values(ws, store, sources.quality)["app"] == {
        "eval_pass_rate": pytest.approx(100 * 13 / 14, abs=1e-3),
        "eval_meets_target": True,
        "eval_age_days": 3.0,
    }
    # What a stored assessment shows: the time of the oldest suite's run, not an age that goes stale.
    shown = gather_facts(ws, store, NOW, [sources.quality])["app"]["eval_age_days"].shown
    assert shown == f"quality last measured at {iso(NOW - 3 * DAY)}"
    save_run(store, _run("tone", 1, 3, NOW - 60))  # the newest run replaces the suite's figure
    latest = gather_facts(ws, store, NOW, [sources.quality])["app"]
    assert latest["eval_meets_target"].value is False
    assert latest["eval_meets_target"].shown == "suite tone: 25.0% against a target of 90%"
    save_run(store, _run("tone", 2, 0, NOW - 30, stopped="spend cap: would pass $0.01"))
    stopped = gather_facts(ws, store, NOW, [sources.quality])["app"]["eval_meets_target"]
    assert (stopped.value, stopped.shown) == (False, "suite tone: spend cap: would pass $0.01")


def test_runs_of_suites_no_longer_declared_are_ignored(ws: Workspace, store: Store) -> None:
    save_run(store, _run("retired-suite", 0, 5, NOW - 60))
    assert values(ws, store, sources.quality)["app"]["eval_pass_rate"] is None


def test_advisor_fact_follows_the_latest_assessment(ws: Workspace, store: Store, tmp_path: Path) -> None:
    assert values(ws, store, sources.advisor)["app"] == {"pattern_recommended": None}
    save_milestone(store, {"lens": "t", "recommendation": {"primary": "custom-app", "complementary": []}}, NOW - 10)
    found = gather_facts(ws, store, NOW, [sources.advisor])
    assert found["app"]["pattern_recommended"].value is False
    assert found["app"]["pattern_recommended"].shown == "assessment #1 recommends custom-app"
    assert found["bare"]["pattern_recommended"].value is True
    recommendation = {"primary": "automation-bridge", "complementary": ["direct-api"]}
    save_milestone(store, {"lens": "t", "recommendation": recommendation}, NOW)
    assert values(ws, store, sources.advisor)["app"] == {"pattern_recommended": True}


def test_a_recorded_pattern_reason_is_a_fact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    monkeypatch.chdir(tmp_path)
    ws = write_workspace(
        tmp_path, "- {name: a, title: A, pattern: custom-app, pattern_reason: we already run the portal}"
    )
    found = gather_facts(ws, store, NOW, [sources.definition])["a"]["pattern_reason_recorded"]
    assert (found.value, found.shown) == (True, "we already run the portal")


def test_every_declared_fact_is_gathered(ws: Workspace, store: Store) -> None:
    gathered = gather_facts(ws, store, NOW)
    assert set(gathered["app"]) == set(sources.FACTS)
    assert load_workspace(ws.path).integrations[0].name == "app"
