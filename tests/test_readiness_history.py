"""Readiness kept over time: unchanged scorecards extend a row, changes start one, a regression shows when."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.readiness_support import NOW, write_workspace
from tether.checks.result import CheckResult
from tether.checks.states import State
from tether.cli import app
from tether.monitor.maintenance import excluder
from tether.readiness.ladder import scorecards
from tether.store import Store
from tether.store.incidents import open_incident, resolve_incident
from tether.store.readiness import Snapshot, latest_readiness, readiness_history, record_readiness
from tether.store.results import record_results
from tether.store.rollups import DAY, fold_new


def snap(name: str, level: int, score: float, **checks: str) -> Snapshot:
    return Snapshot(name, level, f"l{level}", score, checks)


def test_an_unchanged_scorecard_extends_its_row(store: Store) -> None:
    record_readiness(store, [snap("a", 2, 80.0, owner="pass")], NOW)
    record_readiness(store, [snap("a", 2, 80.04, owner="pass")], NOW + 60)
    [row] = readiness_history(store, "a")
    assert (row.first_at, row.last_at) == (NOW, NOW + 60)


def test_a_regression_shows_when_it_happened(store: Store) -> None:
    record_readiness(store, [snap("a", 2, 80.0, rate="pass"), snap("b", 1, 50.0)], NOW)
    record_readiness(store, [snap("a", 2, 80.0, rate="pass"), snap("b", 1, 50.0)], NOW + 3600)
    record_readiness(store, [snap("a", 1, 70.0, rate="fail"), snap("b", 1, 50.0)], NOW + 7200)
    newest, older = readiness_history(store, "a")
    assert (newest.level, newest.checks, newest.first_at) == (1, {"rate": "fail"}, NOW + 7200)
    assert (older.level, older.first_at, older.last_at) == (2, NOW, NOW + 3600)
    latest = latest_readiness(store)
    assert {name: (s.level, s.score) for name, s in latest.items()} == {"a": (1, 70.0), "b": (1, 50.0)}
    assert latest["b"].last_at == NOW + 7200
    assert latest["a"].to_json()["reached_at"] == NOW + 7200


def test_a_changed_check_result_is_a_change_even_at_the_same_level(store: Store) -> None:
    record_readiness(store, [snap("a", 1, 50.0, docs="pass")], NOW)
    record_readiness(store, [snap("a", 1, 50.0, docs="not-measured")], NOW + 1)
    assert len(readiness_history(store, "a")) == 2


def test_an_open_incident_regresses_a_live_integration_and_its_resolution_recovers_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Store
) -> None:
    monkeypatch.chdir(tmp_path)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "readiness.yaml").write_text(
        """
levels:
  - {number: 0, id: not-ready, title: Not ready}
  - {number: 1, id: pilot-ready, title: Pilot-ready}
  - {number: 2, id: production-ready, title: Production-ready}
checks:
  - {id: owner, title: Owner, area: definition, level: 1, when: owner_set, fix: Add an owner}
  - {id: rate, title: Rate, area: monitoring, level: 2, when: success_rate_7d >= 90, fix: Fix it}
  - id: calm
    title: Calm
    area: monitoring
    level: 2
    applies_to: {lifecycles: [production]}
    when: open_incidents == 0
    fix: Resolve it
""",
        encoding="utf-8",
    )
    ws = write_workspace(
        tmp_path,
        """
        - name: app
          title: App
          owner: me@example.com
          pattern: direct-api
          lifecycle: production
          checks: [{kind: http, name: health, url: "http://127.0.0.1:9/h"}]
        """,
    )
    record_results(
        store,
        [CheckResult("app", "health", "http", State.HEALTHY, "ok", "ok", NOW - h * 3600, 50.0) for h in range(10)],
    )
    with store.transaction() as db:  # as the watcher does after every batch
        fold_new(db, excluder(ws.file), NOW)
    [card] = scorecards(ws, store, NOW)
    assert card.level.id == "production-ready"
    with store.transaction() as db:
        incident = open_incident(db, "check:app/health", "check", "HTTP 500", NOW + 60, integration="app")
    [card] = scorecards(ws, store, NOW + 120)
    assert card.level.id == "pilot-ready"
    assert card.gaps[0].message.startswith("Resolve it Now: #")
    with store.transaction() as db:
        resolve_incident(db, incident, NOW + 180)
    scorecards(ws, store, NOW + 240)
    assert [(s.level_id, s.first_at) for s in readiness_history(store, "app")] == [
        ("production-ready", NOW + 240),
        ("pilot-ready", NOW + 120),
        ("production-ready", NOW),
    ]
    # Facts are gathered at the moment asked: a day later the same rows still count as 7-day history.
    assert scorecards(ws, store, NOW + DAY, record=False)[0].level.id == "production-ready"


def test_readiness_history_on_the_command_line(workspace: Path, runner: CliRunner) -> None:
    for _ in range(2):
        assert runner.invoke(app, ["readiness", "crm-followup-email"]).exit_code == 0
    result = runner.invoke(app, ["readiness", "crm-followup-email", "--json", "--history"])
    [card] = json.loads(result.stdout)
    [row] = card["history"]
    assert row["level_id"] == "not-ready"
    assert row["checked_at_epoch"] >= row["reached_at_epoch"]
    assert row["checked_at"] >= row["reached_at"]  # ISO 8601 UTC strings sort as their times
    text = runner.invoke(app, ["readiness", "crm-followup-email", "--history"]).stdout
    assert "  history: " in text
    assert "Not ready, score 47" in text
