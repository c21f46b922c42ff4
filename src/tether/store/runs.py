"""Runs: each execution of an integration's real work, from every source that reports them.

A run is stored once per (integration, source, external_id): a page read twice or a span sent
again adds nothing. Runs fold into the rollups as `run` evidence (store.rollups.fold_new), in
the transaction that stores them, so success rate, processing time and production spend come
from them wherever an integration has them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils

from tether.checks.result import Run
from tether.model.tokens import TOKEN_TYPES
from tether.store.db import Store
from tether.store.retention import keep_last
from tether.store.rollups import Excluded, fold_new


def _create(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            integration TEXT NOT NULL,
            check_name TEXT NOT NULL,
            source TEXT NOT NULL,
            external_id TEXT,
            started_at REAL NOT NULL,
            finished_at REAL,
            status TEXT NOT NULL,
            status_word TEXT NOT NULL DEFAULT '',
            duration_ms REAL,
            model TEXT,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cache_read_tokens INTEGER NOT NULL DEFAULT 0,
            cache_write_tokens INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0,
            error_type TEXT
        )
        """
    )
    # A run seen twice is stored once; runs without an id cannot be told apart and are all kept.
    db.execute("CREATE UNIQUE INDEX runs_once ON runs (integration, source, external_id) WHERE external_id IS NOT NULL")
    db.execute("CREATE INDEX runs_by_check ON runs (integration, check_name, started_at)")


MIGRATIONS = [("3005_runs", _create)]

_COLUMNS = (
    "integration, check_name, source, external_id, started_at, finished_at, status, status_word, duration_ms, "
    f"model, {', '.join(TOKEN_TYPES)}, cost_usd, error_type"
)


def insert_runs(db: sqlite_utils.Database, runs: Sequence[Run]) -> int:
    """Store runs not seen before; returns how many were new. Call inside the batch's transaction."""
    marks = ", ".join("?" for _ in _COLUMNS.split(", "))
    added = 0
    for r in runs:
        cursor = db.execute(
            f"INSERT OR IGNORE INTO runs ({_COLUMNS}) VALUES ({marks})",
            [
                r.integration,
                r.check,
                r.source,
                r.external_id,
                r.started_at,
                r.finished_at,
                r.status,
                r.status_word,
                r.duration_ms,
                r.model,
                *r.tokens.as_dict().values(),
                r.cost_usd,
                r.error_type,
            ],
        )
        added += cursor.rowcount
    return added


def record_runs(store: Store, runs: Sequence[Run], excluded: Excluded, now: float, keep: int | None = None) -> int:
    """Store pushed runs (OTLP spans) and fold them into the rollups, in one transaction; returns how many were new."""
    with store.transaction() as db:
        added = insert_runs(db, runs)
        fold_new(db, excluded, now)
        if keep is not None:
            keep_last(db, "runs", {(r.integration, r.check) for r in runs}, keep)
    return added


def last_external_id(store: Store, integration: str, source: str) -> str | None:
    """The id of the newest run stored from a source: where the next read of its history may stop."""
    row = store.conn.execute(
        "SELECT external_id FROM runs WHERE integration = ? AND source = ? AND external_id IS NOT NULL "
        "ORDER BY started_at DESC, id DESC LIMIT 1",
        [integration, source],
    ).fetchone()
    return None if row is None else str(row[0])


def count_runs(store: Store, integration: str | None = None) -> int:
    if integration is None:
        return int(store.conn.execute("SELECT count(*) FROM runs").fetchone()[0])
    return int(store.conn.execute("SELECT count(*) FROM runs WHERE integration = ?", [integration]).fetchone()[0])
