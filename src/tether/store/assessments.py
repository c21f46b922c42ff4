"""Milestones: each completed assessment, numbered 1, 2, 3... and never changed afterwards."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from tether.store.db import Store

FIELDS = ("answers", "not_applicable", "recommendation", "risks", "estimate", "roadmap")


def _create(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE milestones (
            number INTEGER PRIMARY KEY,
            created_at REAL NOT NULL,
            lens TEXT NOT NULL,
            answers TEXT NOT NULL,
            not_applicable TEXT NOT NULL,
            recommendation TEXT NOT NULL,
            risks TEXT NOT NULL,
            estimate TEXT NOT NULL,
            roadmap TEXT NOT NULL
        )
        """
    )
    # Immutable by the database itself, not only by convention: history a team can trust.
    db.execute(
        "CREATE TRIGGER milestones_no_update BEFORE UPDATE ON milestones "
        "BEGIN SELECT RAISE(ABORT, 'milestones are immutable'); END"
    )
    db.execute(
        "CREATE TRIGGER milestones_no_delete BEFORE DELETE ON milestones "
        "BEGIN SELECT RAISE(ABORT, 'milestones are immutable'); END"
    )


MIGRATIONS = [("1000_milestones", _create)]


def save_milestone(store: Store, assessment: dict[str, Any], now: float) -> int:
    """Store an assessment (its JSON form) as the next milestone; returns its number."""
    with store.transaction() as db:
        row = db.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM milestones").fetchone()
        number = int(row[0])
        db.execute(
            "INSERT INTO milestones (number, created_at, lens, answers, not_applicable, recommendation, risks, "
            "estimate, roadmap) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                number,
                now,
                str(assessment.get("lens", "")),
                *(json.dumps(assessment.get(name, {}), sort_keys=True, ensure_ascii=False) for name in FIELDS),
            ],
        )
    return number


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, **{name: json.loads(row[name]) for name in FIELDS}}


def milestone(store: Store, number: int) -> dict[str, Any] | None:
    rows = list(store.db.query("SELECT * FROM milestones WHERE number = ?", [number]))
    return _decode(rows[0]) if rows else None


def latest_milestone(store: Store) -> dict[str, Any] | None:
    rows = list(store.db.query("SELECT * FROM milestones ORDER BY number DESC LIMIT 1"))
    return _decode(rows[0]) if rows else None


def milestone_numbers(store: Store) -> list[int]:
    return [int(r[0]) for r in store.db.execute("SELECT number FROM milestones ORDER BY number").fetchall()]
