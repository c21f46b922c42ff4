"""Raw results as compact rows (ADR 0015): read back as written, migrated from the old layout with
nothing lost, capped per check exactly as the policy says, and their space given back."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
import sqlite_utils

from tether.checks.result import CheckResult, ConditionResult, Run
from tether.checks.states import State
from tether.store import open_store
from tether.store.db import INCREMENTAL, Store
from tether.store.heartbeats import PingRecord, record_pings
from tether.store.migrations import all_migrations
from tether.store.results import count_results, latest_per_check, outcomes_for, record_results, results_for
from tether.store.retention import keep_last, stored
from tether.store.rollups import all_time, fold_new

NOW = 1_780_000_000.0


def never(_integration: str, _at: float) -> bool:
    """No maintenance window."""
    return False


def as_read(r: CheckResult, row_id: int) -> dict[str, object]:
    """What results_for gives back for a result: its fields, with `check` and the row id."""
    return {
        "id": row_id,
        "integration": r.integration,
        "check": r.check,
        "kind": r.kind,
        "state": str(r.state),
        "reason": r.reason,
        "category": r.category,
        "latency_ms": r.latency_ms,
        "conditions": [c.to_json() for c in r.conditions],
        "metrics": json.loads(json.dumps(r.metrics, default=str)),
        "tokens_in": r.tokens_in,
        "tokens_out": r.tokens_out,
        "cost_usd": r.cost_usd,
        "request_id": r.request_id,
        "started_at": r.started_at,
    }


VARIED = [
    CheckResult(
        "crm-sync",
        "health",
        "http",
        State.HEALTHY,
        "2/2 conditions hold",
        "ok",
        NOW,
        52.123456789,
        (ConditionResult("[STATUS] == 200", True, "200"), ConditionResult("[RESPONSE_TIME] < 500", True, "52")),
        {"status": 200, "bytes": 27},
    ),
    CheckResult(
        "crm-sync",
        "health",
        "http",
        State.DOWN,
        "[BODY].status == UP failed, saw \"DOWN\" — ünïcode, 'quotes' and \\ backslash",
        "body_mismatch",
        NOW + 60.000001,
        None,
        (ConditionResult("[BODY].status == UP", False, 'DOWN "x"'), ConditionResult("[STATUS] == 200", True, None)),
        {"status": 503, "nested": {"a": [1, 2.5, None, True]}, "text": "line\nbreak"},
        request_id="req_0123",
    ),
    CheckResult(
        "claude",
        "models",
        "anthropic",
        State.DEGRADED,
        "slow: 812 ms over 500 ms",
        "slow",
        NOW + 1.5,
        812.0,
        (),
        {},
        tokens_in=12,
        tokens_out=0,
        cost_usd=0.000036,
        request_id="msg_01",
    ),
    CheckResult("claude", "canary", "anthropic", State.UNKNOWN, "", "no_data", NOW + 2, 0.0, (), {"": ""}),
]


def test_results_read_back_equal_what_was_written(tmp_path: Path) -> None:
    with open_store(tmp_path / "t.db") as store:
        ids = record_results(store, VARIED)
        assert ids == sorted(ids) and len(set(ids)) == len(VARIED)
        read = [row for name in ("crm-sync", "claude") for row in results_for(store, name)]
        expected = [as_read(r, i) for r, i in zip(VARIED, ids, strict=True)]
        assert sorted(read, key=lambda row: row["id"]) == expected  # type: ignore[arg-type, return-value]
        assert [row["result_id"] for row in latest_per_check(store)] == [ids[3], ids[2], ids[1]]


def test_outcomes_are_the_results_without_what_conditions_saw(tmp_path: Path) -> None:
    with open_store(tmp_path / "t.db") as store:
        record_results(store, VARIED)
        for name in ("crm-sync", "claude"):
            keys = ("id", "check", "kind", "state", "category", "reason", "started_at")
            full = [{k: row[k] for k in keys} for row in reversed(results_for(store, name))]
            assert outcomes_for(store, name) == full


def test_a_raw_result_is_a_compact_row(tmp_path: Path) -> None:
    """An http result with two conditions, with its one index, in at most 140 bytes (it was 304)."""
    with open_store(tmp_path / "t.db") as store:
        for minute in range(20):
            record_results(
                store,
                [
                    CheckResult(
                        f"flow-{k:04d}",
                        "health",
                        "http",
                        State.HEALTHY,
                        "2/2 conditions hold",
                        "ok",
                        NOW + 60 * minute + k / 100,
                        40.0 + k / 7,
                        (
                            ConditionResult("[STATUS] == 200", True, "200"),
                            ConditionResult("[RESPONSE_TIME] < 500", True, str(40 + k // 7)),
                        ),
                        {"status": 200, "bytes": 27},
                    )
                    for k in range(500)
                ],
            )
        sizes = dict(store.conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    per_row = (sizes["result_rows"] + sizes["result_rows_by_series"]) / 10_000
    assert per_row <= 140


def old_store(path: Path) -> sqlite_utils.Database:
    """A store as tether made it before ADR 0015: every migration up to 5001, no auto_vacuum."""
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    for name, migrate in all_migrations():
        if name < "5002":
            migrate(db)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", [name, time.time()])
    return db


def test_a_store_in_the_old_layout_keeps_every_result_id_and_fold_mark(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = old_store(path)
    rows = [as_read(r, 0) for r in VARIED]
    for n, row in enumerate(rows, start=1):
        row["id"] = n * 10  # ids with gaps, as retention leaves them
        db.execute(
            "INSERT INTO check_results (id, integration, check_name, kind, state, reason, category, latency_ms, "
            "conditions, metrics, tokens_in, tokens_out, cost_usd, request_id, started_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                row["id"],
                row["integration"],
                row["check"],
                row["kind"],
                row["state"],
                row["reason"],
                row["category"],
                row["latency_ms"],
                json.dumps(row["conditions"]),
                json.dumps(row["metrics"]),
                row["tokens_in"],
                row["tokens_out"],
                row["cost_usd"],
                row["request_id"],
                row["started_at"],
            ],
        )
    db.execute("INSERT INTO heartbeat_pings (integration, check_name, at, ok) VALUES ('zap', 'ran', ?, 1)", [NOW])
    db.execute("INSERT INTO heartbeat_usage (ping_id, model, input_tokens) VALUES (1, 'm', 5), (99, 'gone', 7)")
    db.execute("DELETE FROM check_results WHERE id = 40")  # the newest went: ids must still never go back
    old_max = 40
    conn = db.conn
    conn.execute("BEGIN")
    fold_new(db, never, NOW)
    conn.execute("COMMIT")
    conn.close()

    with Store(path) as store:
        assert "5002_compact_results" in store.applied
        read = sorted((r for name in ("crm-sync", "claude") for r in results_for(store, name)), key=lambda r: r["id"])
        assert read == rows[:3]
        assert stored(store.db, "check_results", "crm-sync", "health") == 2
        assert stored(store.db, "heartbeat_pings", "zap", "ran") == 1
        with store.transaction() as tx:
            assert fold_new(tx, never, NOW) == 0  # folded before: never twice
        (new_id,) = record_results(store, [VARIED[0]])
        assert new_id > old_max
        assert store.conn.execute("SELECT ping_id FROM heartbeat_usage").fetchall() == [(1,)]
        assert store.auto_vacuum() == INCREMENTAL
        assert store.integrity_ok()


def result(integration: str, check: str, at: float) -> CheckResult:
    return CheckResult(integration, check, "http", State.HEALTHY, "ok", "ok", at, 1.0)


@pytest.mark.parametrize(
    ("times", "keep", "left"),
    [
        ([1, 2, 3, 4, 5], 3, [3, 4, 5]),
        ([5, 4, 3, 2, 1], 3, [3, 4, 5]),  # by time, not by arrival
        ([1, 2, 2, 2, 3], 2, [2, 2, 2, 3]),  # rows tied with the keep-th newest all stay
        ([1, 2, 3], 3, [1, 2, 3]),
        ([1, 2, 3], 5, [1, 2, 3]),
        ([1, 2, 3], 1, [3]),
        (list(range(42)), 40, list(range(42))),  # within the slack (40 // 20 = 2): left as it is
        (list(range(43)), 40, list(range(3, 43))),  # past it: back to the cap
    ],
)
def test_the_cap_keeps_the_newest_rows_of_each_check(times: list[float], keep: int, left: list[float]) -> None:
    with open_store(":memory:") as store:
        record_results(store, [result("a", "c", NOW + t) for t in times] + [result("b", "c", NOW + t) for t in times])
        with store.transaction() as db:
            deleted = keep_last(db, "check_results", {("a", "c")}, keep)
        kept = [r["started_at"] - NOW for r in reversed(results_for(store, "a", "c"))]
        assert kept == left
        assert deleted == len(times) - len(left)
        assert len(results_for(store, "b", "c")) == len(times)  # another check is untouched
        assert stored(store.db, "check_results", "a", "c") == len(left)


def test_a_trim_takes_every_check_past_its_band_back_to_the_cap_at_once() -> None:
    # Checks written in one batch a minute, so their rows interleave; each holds as many rows as its index.
    # keep 20, slack 1: a check is trimmed once it holds 22, back to 20; at 21 it is left as it is.
    held = {"a": 25, "b": 22, "c": 21, "d": 5}
    with open_store(":memory:") as store:
        for minute in range(max(held.values())):
            record_results(store, [result(name, "h", NOW + 60 * minute) for name, n in held.items() if minute < n])
        with store.transaction() as db:
            deleted = keep_last(db, "check_results", {(name, "h") for name in held} | {("nobody", "h")}, 20)
        left = {name: [r["started_at"] for r in reversed(results_for(store, name, "h"))] for name in held}
        assert deleted == 5 + 2
        assert left == {
            "a": [NOW + 60 * m for m in range(5, 25)],
            "b": [NOW + 60 * m for m in range(2, 22)],
            "c": [NOW + 60 * m for m in range(21)],
            "d": [NOW + 60 * m for m in range(5)],
        }
        counts = {name: stored(store.db, "check_results", name, "h") for name in held}
        assert counts == {"a": 20, "b": 20, "c": 21, "d": 5}


def test_the_counts_the_cap_reads_are_exact_for_every_raw_table() -> None:
    with open_store(":memory:") as store:
        for n in range(30):
            record_results(
                store,
                [
                    CheckResult(
                        "a", "c", "n8n", State.HEALTHY, "ok", "ok", NOW + n, 1.0,
                        runs=(Run("a", "n8n", "c", NOW + n, "success", external_id=str(n)),),
                    )
                ],
            )  # fmt: skip
            record_pings(store, [PingRecord("a", "beat", NOW + n, True)], never, NOW + n, keep=10)
            with store.transaction() as db:
                keep_last(db, "check_results", {("a", "c")}, 20)
                keep_last(db, "runs", {("a", "c")}, 5)
        counts = {
            "check_results": count_results(store),
            "heartbeat_pings": store.conn.execute("SELECT count(*) FROM heartbeat_pings").fetchone()[0],
            "runs": store.conn.execute("SELECT count(*) FROM runs").fetchone()[0],
        }
        assert counts == {"check_results": 20, "heartbeat_pings": 10, "runs": 5}
        checks = {"check_results": "c", "heartbeat_pings": "beat", "runs": "c"}
        assert {t: stored(store.db, t, "a", checks[t]) for t in counts} == counts
        # Every ping and result was rolled up before its raw row went.
        totals = all_time(store)
        assert sum(t.count for t in totals.values()) == 30 + 30 + 30


def test_space_is_given_back_when_retention_deletes_most_rows(tmp_path: Path) -> None:
    with open_store(tmp_path / "t.db") as store:
        for minute in range(300):
            record_results(store, [result(f"i{k}", "c", NOW + 60 * minute) for k in range(100)])
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = (tmp_path / "t.db").stat().st_size
        with store.transaction() as db:
            assert keep_last(db, "check_results", {(f"i{k}", "c") for k in range(100)}, 2) == 29_800
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        after = (tmp_path / "t.db").stat().st_size
        assert store.conn.execute("PRAGMA freelist_count").fetchone()[0] < 256
    assert after < before / 2
