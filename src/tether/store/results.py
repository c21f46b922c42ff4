"""Check results and heartbeat pings: every run recorded, plus each check's latest state.

A batch of results is one transaction: the rows and the latest-state updates land together or
not at all, so a reader (the dashboard, `tether serve`) never sees half a batch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import sqlite_utils

from tether.store.db import Store
from tether.store.interned import Interned, create_interned
from tether.store.runs import insert_runs

if TYPE_CHECKING:
    from tether.checks.result import CheckResult


def _create_results(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE check_results (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            integration TEXT NOT NULL,
            check_name TEXT NOT NULL,
            kind TEXT NOT NULL,
            state TEXT NOT NULL,
            reason TEXT NOT NULL,
            category TEXT NOT NULL,
            latency_ms REAL,
            conditions TEXT NOT NULL DEFAULT '[]',
            metrics TEXT NOT NULL DEFAULT '{}',
            tokens_in INTEGER,
            tokens_out INTEGER,
            cost_usd REAL,
            request_id TEXT,
            started_at REAL NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX check_results_by_check ON check_results (integration, check_name, started_at)")
    db.execute("CREATE INDEX check_results_by_time ON check_results (started_at)")
    db.execute(
        """
        CREATE TABLE check_latest (
            integration TEXT NOT NULL,
            check_name TEXT NOT NULL,
            kind TEXT NOT NULL,
            state TEXT NOT NULL,
            reason TEXT NOT NULL,
            category TEXT NOT NULL,
            latency_ms REAL,
            result_id INTEGER NOT NULL,
            started_at REAL NOT NULL,
            since REAL NOT NULL,
            streak INTEGER NOT NULL,
            PRIMARY KEY (integration, check_name)
        )
        """
    )


def _create_pings(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE heartbeat_pings (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            integration TEXT NOT NULL,
            check_name TEXT NOT NULL,
            at REAL NOT NULL,
            ok INTEGER NOT NULL,
            duration_s REAL
        )
        """
    )
    db.execute("CREATE INDEX heartbeat_pings_by_check ON heartbeat_pings (integration, check_name, at)")


# Raw results as compact rows (ADR 0015): the names, the kind/state/category and the condition
# texts repeat on every row, so each is stored once (store.interned) and a row keeps their ids,
# the reason, the times and what each condition saw. `check_results` stays, as a view, for readers.
_COMPACT_TABLES = (
    """
    CREATE TABLE result_rows (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        series INTEGER NOT NULL REFERENCES result_series (id),
        started_at REAL NOT NULL,
        verdict INTEGER NOT NULL REFERENCES result_verdicts (id),
        reason TEXT NOT NULL,
        latency_ms REAL,
        conditions INTEGER REFERENCES condition_sets (id),
        seen TEXT,
        metrics TEXT,
        tokens_in INTEGER,
        tokens_out INTEGER,
        cost_usd REAL,
        request_id TEXT
    )
    """,
    # The one index: a check's results by time (the detail screen, the runbooks, retention).
    "CREATE INDEX result_rows_by_series ON result_rows (series, started_at)",
    """
    CREATE VIEW check_results AS
    SELECT r.id AS id, s.integration AS integration, s.check_name AS check_name, v.kind AS kind, v.state AS state,
        r.reason AS reason, v.category AS category, r.latency_ms AS latency_ms,
        CASE WHEN r.conditions IS NULL THEN '[]' ELSE (
            SELECT json_group_array(json_object(
                'condition', t.value, 'ok', json(CASE WHEN json_extract(o.value, '$[0]') THEN 'true' ELSE 'false' END),
                'actual', json_extract(o.value, '$[1]')))
            FROM json_each(c.texts) AS t JOIN json_each(r.seen) AS o ON o.key = t.key
        ) END AS conditions,
        coalesce(r.metrics, '{}') AS metrics, r.tokens_in AS tokens_in, r.tokens_out AS tokens_out,
        r.cost_usd AS cost_usd, r.request_id AS request_id, r.started_at AS started_at
    FROM result_rows AS r
    JOIN result_series AS s ON s.id = r.series
    JOIN result_verdicts AS v ON v.id = r.verdict
    LEFT JOIN condition_sets AS c ON c.id = r.conditions
    """,
)

_INSERT = """
INSERT INTO result_rows (id, series, started_at, verdict, reason, latency_ms, conditions, seen, metrics,
    tokens_in, tokens_out, cost_usd, request_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def _compact_row(
    db: sqlite_utils.Database, cache: Interned, row_id: int | None, r: Mapping[str, Any]
) -> tuple[object, ...]:
    """The compact row of one result (a dict with check_results' columns, conditions and metrics decoded)."""
    conditions: list[Mapping[str, Any]] = r["conditions"]
    texts = _texts_json(tuple(c["condition"] for c in conditions)) if conditions else None
    return (
        row_id,
        cache.series(db, r["integration"], r["check_name"]),
        r["started_at"],
        cache.verdict(db, r["kind"], r["state"], r["category"]),
        r["reason"],
        r["latency_ms"],
        None if texts is None else cache.condition_set(db, texts),
        None if texts is None else _compact_json([[int(bool(c["ok"])), c["actual"]] for c in conditions]),
        _compact_json(r["metrics"]) if r["metrics"] else None,
        r["tokens_in"],
        r["tokens_out"],
        r["cost_usd"],
        r["request_id"],
    )


_COMPACT = json.JSONEncoder(default=str, separators=(",", ":"), ensure_ascii=False)


def _compact_json(value: object) -> str:
    return _COMPACT.encode(value)


@lru_cache(maxsize=4096)
def _texts_json(texts: tuple[str, ...]) -> str:
    # A check's condition texts are the same on every run: encoded once.
    return _compact_json(list(texts))


def _compact_results(db: sqlite_utils.Database) -> None:
    """Move every stored result into compact rows, keeping its id (the rollups' watermark and
    check_latest point at it), then replace the old table by the view of the same name."""
    create_interned(db)
    for sql in _COMPACT_TABLES[:2]:
        db.execute(sql)
    cache = Interned()
    old = db.conn.execute("SELECT * FROM check_results ORDER BY id")
    columns = [d[0] for d in old.description]
    while chunk := old.fetchmany(10_000):
        rows = [_decode_json(dict(zip(columns, values, strict=True))) for values in chunk]
        db.conn.executemany(_INSERT, [_compact_row(db, cache, r["id"], r) for r in rows])
    # AUTOINCREMENT: ids never go back, even past rows that retention already deleted.
    seq = db.execute("SELECT max(seq) FROM sqlite_sequence WHERE name IN ('check_results', 'result_rows')").fetchone()
    if seq[0] is not None:
        db.execute("DELETE FROM sqlite_sequence WHERE name = 'result_rows'")
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('result_rows', ?)", [seq[0]])
    db.execute("DROP TABLE check_results")
    db.execute(_COMPACT_TABLES[2])


MIGRATIONS = [
    ("2001_check_results", _create_results),
    ("2002_heartbeat_pings", _create_pings),
    ("5002_compact_results", _compact_results),
]

# `since` keeps the time the state last changed; `streak` counts runs in a row in this state.
_UPSERT_LATEST = """
INSERT INTO check_latest (integration, check_name, kind, state, reason, category, latency_ms, result_id,
    started_at, since, streak)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
ON CONFLICT (integration, check_name) DO UPDATE SET
    since = CASE WHEN check_latest.state = excluded.state THEN check_latest.since ELSE excluded.started_at END,
    streak = CASE WHEN check_latest.state = excluded.state THEN check_latest.streak + 1 ELSE 1 END,
    kind = excluded.kind, state = excluded.state, reason = excluded.reason, category = excluded.category,
    latency_ms = excluded.latency_ms, result_id = excluded.result_id, started_at = excluded.started_at
WHERE excluded.started_at >= check_latest.started_at
"""


def record_results(store: Store, results: Sequence[CheckResult]) -> list[int]:
    """Insert a batch of results, the runs they read and each check's latest state, in one transaction."""
    ids: list[int] = []
    if not results:
        return ids
    with store.transaction() as db:
        insert_runs(db, [run for r in results for run in r.runs])
        cursor = store.conn.cursor()
        for r in results:
            row = {
                "integration": r.integration,
                "check_name": r.check,
                "kind": r.kind,
                "state": str(r.state),
                "reason": r.reason,
                "category": r.category,
                "latency_ms": r.latency_ms,
                "conditions": [c.to_json() for c in r.conditions],
                "metrics": r.metrics,
                "tokens_in": r.tokens_in,
                "tokens_out": r.tokens_out,
                "cost_usd": r.cost_usd,
                "request_id": r.request_id,
                "started_at": r.started_at,
            }
            cursor.execute(_INSERT, _compact_row(db, store.interned, None, row))
            row_id = int(cursor.lastrowid or 0)
            ids.append(row_id)
            cursor.execute(
                _UPSERT_LATEST,
                (
                    r.integration,
                    r.check,
                    r.kind,
                    str(r.state),
                    r.reason,
                    r.category,
                    r.latency_ms,
                    row_id,
                    r.started_at,
                    r.started_at,
                ),
            )
    return ids


def _decode_json(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("conditions", "metrics"):
        if key in row and isinstance(row[key], str):
            row[key] = json.loads(row[key])
    return row


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    out = _decode_json(dict(row))
    out["check"] = out.pop("check_name")
    return out


def latest_per_check(store: Store, integration: str | None = None) -> list[dict[str, Any]]:
    """Each check's latest state (with since and streak), ordered by integration and check."""
    where, args = ("integration = ?", [integration]) if integration else (None, [])
    rows = store.db.table("check_latest").rows_where(where, args, order_by="integration, check_name")
    return [_decode(row) for row in rows]


def last_result_at(store: Store) -> float | None:
    """When any check last recorded a result, by any prober (None: never)."""
    row = store.db.execute("SELECT max(started_at) FROM check_latest").fetchone()
    return None if row is None or row[0] is None else float(row[0])


def latest_per_integration(store: Store) -> dict[str, list[dict[str, Any]]]:
    """The latest state of every check, grouped by integration (monitor.states.worst rolls them up)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in latest_per_check(store):
        grouped.setdefault(row["integration"], []).append(row)
    return grouped


def results_for(
    store: Store, integration: str, check: str | None = None, since: float | None = None, limit: int = 1000
) -> list[dict[str, Any]]:
    """Recorded results, newest first."""
    clauses: list[str] = ["integration = ?"]
    args: list[Any] = [integration]
    if check is not None:
        clauses.append("check_name = ?")
        args.append(check)
    if since is not None:
        clauses.append("started_at >= ?")
        args.append(since)
    sql = f"SELECT * FROM check_results WHERE {' AND '.join(clauses)} ORDER BY started_at DESC, id DESC LIMIT ?"
    return [_decode(row) for row in store.db.query(sql, [*args, limit])]


def outcomes_for(store: Store, integration: str) -> list[dict[str, Any]]:
    """Every recorded result of an integration without what its conditions saw or its metrics
    (id, check, kind, state, category, reason, started_at), oldest first: what counting failure
    episodes needs, read without rebuilding each row's conditions."""
    rows = store.db.query(
        "SELECT id, check_name, kind, state, category, reason, started_at FROM check_results "
        "WHERE integration = ? ORDER BY started_at, id",
        [integration],
    )
    return [_decode(row) for row in rows]


def count_results(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM check_results").fetchone()[0])


@dataclass(frozen=True)
class Ping:
    """A heartbeat from an automation: when, whether its run went well, how long it took."""

    at: float
    ok: bool
    duration_s: float | None = None


def last_ping(store: Store, integration: str, check: str) -> Ping | None:
    row = store.conn.execute(
        "SELECT at, ok, duration_s FROM heartbeat_pings WHERE integration = ? AND check_name = ? "
        "ORDER BY at DESC, id DESC LIMIT 1",
        (integration, check),
    ).fetchone()
    return None if row is None else Ping(at=row[0], ok=bool(row[1]), duration_s=row[2])
