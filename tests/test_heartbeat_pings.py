"""The heartbeat writer's batches: folded from the pings in hand when nothing else is pending, read
back from the table when something is (a batch another process committed but did not fold)."""

from __future__ import annotations

from pathlib import Path

from tether.model.tokens import TokenCounts
from tether.store import open_store
from tether.store.db import Store
from tether.store.heartbeats import PingRecord, count_pings, record_pings
from tether.store.rollups import fold_new

NOW = 1_780_000_000.0
PINGS = [
    PingRecord("leads", "zap-ran", NOW - 4000, True, 0.25),
    PingRecord("leads", "zap-ran", NOW - 3000, False, None, "claude-haiku-4-5", TokenCounts(1500, 400, 1000), 0.0063),
    PingRecord("leads", "zap-ran", NOW - 100, True, 2.0),
    PingRecord("portal", "beat", NOW - 90, True, 0.0, tokens=TokenCounts(7)),
    PingRecord("portal", "beat", NOW - 30, False, 90.0, cost_usd=0.5),
]


def never(_integration: str, _ts: float) -> bool:
    return False


def in_maintenance(integration: str, ts: float) -> bool:
    return integration == "portal" and ts > NOW - 60


def rollups(store: Store) -> list[tuple[object, ...]]:
    return store.conn.execute("SELECT * FROM rollups ORDER BY 1, 2, 3, 4, 5").fetchall()


def windows(store: Store) -> list[tuple[object, ...]]:
    return store.conn.execute("SELECT * FROM rollup_windows ORDER BY 1, 2, 3, 4").fetchall()


def test_a_batch_in_hand_folds_as_the_same_pings_read_back(tmp_path: Path) -> None:
    with open_store(tmp_path / "hand.db") as hand, open_store(tmp_path / "read.db") as read:
        for store in (hand, read):
            record_pings(store, PINGS[:2], in_maintenance, NOW)
        record_pings(hand, PINGS[2:], in_maintenance, NOW)
        # The same pings stored without their fold (a writer that died after its commit), then folded from the table.
        with read.transaction() as db:
            for ping in PINGS[2:]:
                cursor = db.conn.execute(
                    "INSERT INTO heartbeat_pings (integration, check_name, at, ok, duration_s) VALUES (?, ?, ?, ?, ?)",
                    (ping.integration, ping.check, ping.at, int(ping.ok), ping.duration_s),
                )
                db.conn.execute(
                    "INSERT INTO heartbeat_usage (ping_id, model, input_tokens, output_tokens, cache_read_tokens, "
                    "cache_write_tokens, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (cursor.lastrowid, ping.model, *ping.tokens.as_dict().values(), ping.cost_usd),
                )
        with read.transaction() as db:
            assert fold_new(db, in_maintenance, NOW) == 3
        assert count_pings(hand) == count_pings(read) == len(PINGS)
        assert rollups(hand) == rollups(read)
        assert windows(hand) == windows(read)


def test_a_batch_after_an_unfolded_one_folds_both(tmp_path: Path) -> None:
    with open_store(tmp_path / "t.db") as store:
        record_pings(store, PINGS[:1], never, NOW)
        with store.transaction() as db:  # committed by a writer that died before folding
            db.conn.execute(
                "INSERT INTO heartbeat_pings (integration, check_name, at, ok, duration_s) VALUES (?, ?, ?, ?, ?)",
                ("leads", "zap-ran", NOW - 2000, 1, 0.5),
            )
        record_pings(store, PINGS[2:3], never, NOW)
        counted = store.conn.execute(
            "SELECT sum(count), sum(latency_sum_ms) FROM rollups WHERE resolution = 0 AND integration = 'leads'"
        ).fetchone()
    assert counted == (3, 250.0 + 500.0 + 2000.0)
