"""Eval runs: each run of a sample suite, its cases and each assertion's result.

A run keeps its pass rate, tokens and cost (monitoring spend: our evals, not the integration's
own traffic) and whether it stopped early at its spend cap. Each run is also folded into the
rollups as `eval` evidence, so its spend counts in the month's monitoring spend wherever cost
is shown. The latest run of each suite is the integration's quality figure (tether.figures).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from tether.model.tokens import TokenCounts
from tether.store.db import Store
from tether.store.rollups import Evidence, Sample, add_samples


def _create(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE eval_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            integration TEXT NOT NULL,
            suite TEXT NOT NULL,
            model TEXT NOT NULL,
            started_at REAL NOT NULL,
            finished_at REAL NOT NULL,
            cases INTEGER NOT NULL,
            passed INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            skipped INTEGER NOT NULL,
            target_pass_rate REAL NOT NULL,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cost_usd REAL NOT NULL,
            stopped TEXT,
            problems TEXT NOT NULL DEFAULT '[]'
        )
        """
    )
    db.execute("CREATE INDEX eval_runs_by_suite ON eval_runs (integration, suite, id)")
    db.execute("CREATE INDEX eval_runs_by_time ON eval_runs (started_at)")
    db.execute(
        """
        CREATE TABLE eval_cases (
            run_id INTEGER NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            source TEXT NOT NULL,
            outcome TEXT NOT NULL,
            output TEXT,
            error TEXT,
            latency_ms REAL,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0,
            assertions TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (run_id, position)
        )
        """
    )


def _fold_earlier_spend(db: sqlite_utils.Database) -> None:
    """Runs saved before eval spend reached the rollups are folded in once, so no month loses them."""
    samples = [
        Sample(
            integration=row["integration"],
            check=row["suite"],
            ts=row["started_at"],
            ok=row["stopped"] is None
            and row["passed"] + row["failed"] > 0
            and row["passed"] / (row["passed"] + row["failed"]) >= row["target_pass_rate"],
            evidence=Evidence.EVAL,
            tokens=TokenCounts(row["input_tokens"], row["output_tokens"]),
            monitoring_cost_usd=row["cost_usd"],
        )
        for row in db.query("SELECT * FROM eval_runs ORDER BY id")
    ]
    if samples:
        add_samples(db, samples, max(s.ts for s in samples))


MIGRATIONS = [("4000_eval_runs", _create), ("4001_eval_spend_in_rollups", _fold_earlier_spend)]


@dataclass
class CaseRecord:
    """One case of a run: `outcome` is passed, failed (an assertion did not hold) or error (no output)."""

    position: int
    source: str
    """Where the input came from: `FILE:LINE` of a sample file, or of an inline case."""
    outcome: str
    output: str | None = None
    error: str | None = None
    latency_ms: float | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    assertions: list[dict[str, Any]] = field(default_factory=list)
    """Each assertion's {kind, passed, detail}."""


@dataclass
class RunRecord:
    integration: str
    suite: str
    model: str
    started_at: float
    finished_at: float
    target_pass_rate: float
    cases: list[CaseRecord] = field(default_factory=list)
    skipped: int = 0
    """Sample rows that were malformed (see problems) or never sent because the run stopped."""
    stopped: str | None = None
    """Why the run ended early, e.g. 'spend cap: ...'; None when every case ran."""
    problems: list[str] = field(default_factory=list)
    """Located problems with sample rows (FILE:LINE:COL: message), each skipped."""
    id: int | None = None

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.outcome == "passed")

    @property
    def failed(self) -> int:
        return sum(1 for c in self.cases if c.outcome == "failed")

    @property
    def errors(self) -> int:
        return sum(1 for c in self.cases if c.outcome == "error")

    @property
    def pass_rate(self) -> float | None:
        """Passed over graded cases (an API error grades nothing); None when none was graded."""
        graded = self.passed + self.failed
        return self.passed / graded if graded else None

    @property
    def input_tokens(self) -> int:
        return sum(c.input_tokens for c in self.cases)

    @property
    def output_tokens(self) -> int:
        return sum(c.output_tokens for c in self.cases)

    @property
    def cost_usd(self) -> float:
        return sum(c.cost_usd for c in self.cases)

    @property
    def meets_target(self) -> bool:
        rate = self.pass_rate
        return rate is not None and rate >= self.target_pass_rate and self.stopped is None

    def to_json(self, with_cases: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "integration": self.integration,
            "suite": self.suite,
            "model": self.model,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "cases": len(self.cases),
            "passed": self.passed,
            "failed": self.failed,
            "errors": self.errors,
            "skipped": self.skipped,
            "pass_rate": self.pass_rate,
            "target_pass_rate": self.target_pass_rate,
            "meets_target": self.meets_target,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": round(self.cost_usd, 8),
            "stopped": self.stopped,
            "problems": self.problems,
        }
        if with_cases:
            out["results"] = [
                {
                    "position": c.position,
                    "source": c.source,
                    "outcome": c.outcome,
                    "output": c.output,
                    "error": c.error,
                    "latency_ms": c.latency_ms,
                    "input_tokens": c.input_tokens,
                    "output_tokens": c.output_tokens,
                    "cost_usd": c.cost_usd,
                    "assertions": c.assertions,
                }
                for c in self.cases
            ]
        return out


def save_run(store: Store, run: RunRecord) -> int:
    """Store a run and its cases in one transaction; returns the run's id."""
    with store.transaction() as db:
        cursor = db.execute(
            "INSERT INTO eval_runs (integration, suite, model, started_at, finished_at, cases, passed, failed, errors, "
            "skipped, target_pass_rate, input_tokens, output_tokens, cost_usd, stopped, problems) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run.integration,
                run.suite,
                run.model,
                run.started_at,
                run.finished_at,
                len(run.cases),
                run.passed,
                run.failed,
                run.errors,
                run.skipped,
                run.target_pass_rate,
                run.input_tokens,
                run.output_tokens,
                run.cost_usd,
                run.stopped,
                json.dumps(run.problems, ensure_ascii=False),
            ],
        )
        run_id = int(cursor.lastrowid or 0)
        spend = Sample(
            integration=run.integration,
            check=run.suite,
            ts=run.started_at,
            ok=run.meets_target,
            evidence=Evidence.EVAL,
            tokens=TokenCounts(run.input_tokens, run.output_tokens),
            monitoring_cost_usd=run.cost_usd,
        )
        add_samples(db, [spend], run.finished_at)
        db.conn.executemany(
            "INSERT INTO eval_cases (run_id, position, source, outcome, output, error, latency_ms, input_tokens, "
            "output_tokens, cost_usd, assertions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    run_id,
                    c.position,
                    c.source,
                    c.outcome,
                    c.output,
                    c.error,
                    c.latency_ms,
                    c.input_tokens,
                    c.output_tokens,
                    c.cost_usd,
                    json.dumps(c.assertions, ensure_ascii=False),
                )
                for c in run.cases
            ],
        )
    run.id = run_id
    return run_id


@dataclass(frozen=True)
class SuiteSummary:
    """A run's figures without its cases: what the dashboard and readiness read."""

    id: int
    integration: str
    suite: str
    started_at: float
    graded: int
    passed: int
    target_pass_rate: float
    cost_usd: float
    stopped: str | None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.graded if self.graded else None

    @property
    def meets_target(self) -> bool:
        rate = self.pass_rate
        return rate is not None and rate >= self.target_pass_rate and self.stopped is None


@dataclass(frozen=True)
class Quality:
    """One integration's latest quality: the latest run of each of its suites, together."""

    integration: str
    suites: dict[str, SuiteSummary]

    @property
    def pass_rate(self) -> float | None:
        """Passed over graded cases across the latest run of every suite, 0..1."""
        graded = sum(s.graded for s in self.suites.values())
        return sum(s.passed for s in self.suites.values()) / graded if graded else None

    @property
    def meets_target(self) -> bool:
        return bool(self.suites) and all(s.meets_target for s in self.suites.values())

    @property
    def as_of(self) -> float:
        return max(s.started_at for s in self.suites.values())


_LATEST = """
SELECT r.id, r.integration, r.suite, r.started_at, r.passed, r.failed, r.target_pass_rate, r.cost_usd, r.stopped
FROM eval_runs r
JOIN (SELECT MAX(id) AS id FROM eval_runs GROUP BY integration, suite) latest ON latest.id = r.id
ORDER BY r.integration, r.suite
"""


def latest_quality(store: Store) -> dict[str, Quality]:
    """Every integration's latest eval figures, in one query (the dashboard's quality column)."""
    grouped: dict[str, dict[str, SuiteSummary]] = {}
    for row in store.conn.execute(_LATEST).fetchall():
        run_id, integration, suite, started_at, passed, failed, target, cost, stopped = row
        grouped.setdefault(integration, {})[suite] = SuiteSummary(
            run_id, integration, suite, started_at, passed + failed, passed, target, cost, stopped
        )
    return {name: Quality(name, suites) for name, suites in grouped.items()}


_RECENT = """
SELECT id, integration, suite, started_at, passed, failed, target_pass_rate, cost_usd, stopped FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY integration, suite ORDER BY id DESC) AS age FROM eval_runs
) WHERE age <= :keep ORDER BY integration, suite, id DESC
"""


def recent_runs(store: Store, keep: int = 5) -> dict[tuple[str, str], list[SuiteSummary]]:
    """The last `keep` runs of every suite, newest first, in one query (the documents' quality trend)."""
    out: dict[tuple[str, str], list[SuiteSummary]] = {}
    for row in store.db.query(_RECENT, {"keep": keep}):
        out.setdefault((row["integration"], row["suite"]), []).append(
            SuiteSummary(
                row["id"],
                row["integration"],
                row["suite"],
                row["started_at"],
                row["passed"] + row["failed"],
                row["passed"],
                row["target_pass_rate"],
                row["cost_usd"],
                row["stopped"],
            )
        )
    return out


def runs(store: Store, integration: str | None = None, limit: int = 50) -> list[RunRecord]:
    """Recorded runs with their cases, newest first."""
    where, args = ("WHERE integration = ?", [integration]) if integration else ("", [])
    out: list[RunRecord] = []
    for row in list(store.db.query(f"SELECT * FROM eval_runs {where} ORDER BY id DESC LIMIT ?", [*args, limit])):
        out.append(
            RunRecord(
                integration=row["integration"],
                suite=row["suite"],
                model=row["model"],
                started_at=row["started_at"],
                finished_at=row["finished_at"],
                target_pass_rate=row["target_pass_rate"],
                cases=_cases(store, row["id"]),
                skipped=row["skipped"],
                stopped=row["stopped"],
                problems=json.loads(row["problems"]),
                id=row["id"],
            )
        )
    return out


def _cases(store: Store, run_id: int) -> list[CaseRecord]:
    out: list[CaseRecord] = []
    for row in store.db.query("SELECT * FROM eval_cases WHERE run_id = ? ORDER BY position", [run_id]):
        row.pop("run_id")
        row["assertions"] = json.loads(row["assertions"])
        out.append(CaseRecord(**row))
    return out


def count_runs(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM eval_runs").fetchone()[0])
