"""Readiness over time: one row per stretch of unchanged scorecard, so a regression shows when it happened.

An evaluation that finds the same level, score and check results as the latest row only moves
that row's `last_at`; any change starts a new row at `first_at`. The history is then short,
and "production-ready until 3 May, pilot-ready since" is one query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from tether.store.db import Store
from tether.store.rollups import DAY


def _create(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE readiness_results (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            integration TEXT NOT NULL,
            level INTEGER NOT NULL,
            level_id TEXT NOT NULL,
            score REAL NOT NULL,
            checks TEXT NOT NULL,
            first_at REAL NOT NULL,
            last_at REAL NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX readiness_results_by_integration ON readiness_results (integration, id)")


MIGRATIONS = [("4001_readiness_results", _create)]


@dataclass(frozen=True)
class Snapshot:
    """A scorecard as stored: `first_at` is when it began to hold, `last_at` when it was last confirmed."""

    integration: str
    level: int
    level_id: str
    score: float
    checks: dict[str, str] = field(default_factory=dict)
    """Check id → result (pass, fail, skipped, not-measured, exempt)."""
    first_at: float = 0.0
    last_at: float = 0.0
    id: int = 0

    def same_as(self, other: Snapshot) -> bool:
        return (self.level, self.level_id, round(self.score, 1), self.checks) == (
            other.level,
            other.level_id,
            round(other.score, 1),
            other.checks,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "integration": self.integration,
            "level": self.level,
            "level_id": self.level_id,
            "score": self.score,
            "checks": self.checks,
            "reached_at": self.first_at,  # when it first stood at this level, in this stretch
            "checked_at": self.last_at,
        }


def _snapshot(row: dict[str, Any]) -> Snapshot:
    return Snapshot(
        integration=row["integration"],
        level=row["level"],
        level_id=row["level_id"],
        score=row["score"],
        checks=json.loads(row["checks"]),
        first_at=row["first_at"],
        last_at=row["last_at"],
        id=row["id"],
    )


_LATEST = (
    "SELECT r.* FROM readiness_results r "
    "JOIN (SELECT MAX(id) AS id FROM readiness_results GROUP BY integration) latest ON latest.id = r.id "
    "ORDER BY r.integration"
)


def record_readiness(store: Store, snapshots: list[Snapshot], now: float) -> None:
    """Keep each integration's scorecard: confirm the latest row when unchanged, else start a new one."""
    with store.transaction() as db:
        latest = {row["integration"]: _snapshot(row) for row in db.query(_LATEST)}
        for snap in snapshots:
            previous = latest.get(snap.integration)
            if previous is not None and previous.same_as(snap):
                db.execute("UPDATE readiness_results SET last_at = ? WHERE id = ?", [now, previous.id])
                continue
            db.execute(
                "INSERT INTO readiness_results (integration, level, level_id, score, checks, first_at, last_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [snap.integration, snap.level, snap.level_id, snap.score, json.dumps(snap.checks), now, now],
            )


def latest_readiness(store: Store) -> dict[str, Snapshot]:
    """Every integration's latest level and score, in one query (the dashboard's readiness column)."""
    return {row["integration"]: _snapshot(row) for row in store.db.query(_LATEST)}


def readiness_history(store: Store, integration: str, limit: int = 100) -> list[Snapshot]:
    """An integration's scorecards, newest first: each row held from `first_at` to `last_at`."""
    sql = "SELECT * FROM readiness_results WHERE integration = ? ORDER BY id DESC LIMIT ?"
    return [_snapshot(row) for row in store.db.query(sql, [integration, limit])]


def probe_history_days(store: Store) -> dict[str, int]:
    """Per integration, the number of UTC days on which at least one probe or heartbeat was recorded.

    Read from the daily rollups (kept a year), so it survives the pruning of raw results.
    """
    rows = store.conn.execute(
        "SELECT integration, COUNT(DISTINCT bucket) FROM rollups WHERE resolution = ? AND count > 0 "
        "GROUP BY integration",
        [DAY],
    ).fetchall()
    return {name: int(days) for name, days in rows}
