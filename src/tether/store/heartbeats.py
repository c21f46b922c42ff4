"""Heartbeat pings in bulk: what `tether serve` writes, many pings to one transaction.

The pings themselves live in results.py's `heartbeat_pings` (the heartbeat probe reads the
latest); this module adds what a ping may report about its run (tokens, cost) and the group
commit: a batch of pings, their usage and their rollups land in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlite_utils

from tether.model.tokens import TOKEN_TYPES, TokenCounts
from tether.store.db import Store
from tether.store.retention import keep_last
from tether.store.rollups import Evidence, Excluded, InHand, Sample, fold_new


def _create(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE heartbeat_usage (
            ping_id INTEGER PRIMARY KEY,
            model TEXT,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cache_read_tokens INTEGER NOT NULL DEFAULT 0,
            cache_write_tokens INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0
        )
        """
    )


def _usage_goes_with_its_ping(db: sqlite_utils.Database) -> None:
    """Retention deletes pings; their usage rows went on growing without them."""
    db.execute("DELETE FROM heartbeat_usage WHERE ping_id NOT IN (SELECT id FROM heartbeat_pings)")
    db.execute(
        "CREATE TRIGGER heartbeat_usage_goes AFTER DELETE ON heartbeat_pings BEGIN "
        "DELETE FROM heartbeat_usage WHERE ping_id = OLD.id; END"
    )


MIGRATIONS = [("3003_heartbeat_usage", _create), ("5004_usage_goes_with_its_ping", _usage_goes_with_its_ping)]


@dataclass(frozen=True)
class PingRecord:
    """One ping as `tether serve` received it."""

    integration: str
    check: str
    at: float
    ok: bool
    duration_s: float | None = None
    model: str | None = None
    tokens: TokenCounts = field(default_factory=TokenCounts)
    cost_usd: float = 0.0


def record_pings(
    store: Store, pings: Sequence[PingRecord], excluded: Excluded, now: float, keep: int | None = None
) -> None:
    """Store a batch of pings and fold them into the rollups, in one transaction."""
    if not pings:
        return
    with store.transaction() as db:
        cursor = db.conn.cursor()
        first = 0
        for ping in pings:
            cursor.execute(
                "INSERT INTO heartbeat_pings (integration, check_name, at, ok, duration_s) VALUES (?, ?, ?, ?, ?)",
                (ping.integration, ping.check, ping.at, int(ping.ok), ping.duration_s),
            )
            first = first or int(cursor.lastrowid or 0)
            if ping.tokens or ping.cost_usd:
                cursor.execute(
                    f"INSERT INTO heartbeat_usage (ping_id, model, {', '.join(TOKEN_TYPES)}, cost_usd) "
                    f"VALUES (?, ?, {', '.join('?' for _ in TOKEN_TYPES)}, ?)",
                    (cursor.lastrowid, ping.model, *ping.tokens.as_dict().values(), ping.cost_usd),
                )
        held = InHand("heartbeat_pings", first, int(cursor.lastrowid or 0), [sample(p, excluded) for p in pings])
        fold_new(db, excluded, now, held)
        if keep is not None:
            keep_last(db, "heartbeat_pings", {(p.integration, p.check) for p in pings}, keep)


def sample(ping: PingRecord, excluded: Excluded) -> Sample:
    """The ping as the rollups fold it: what rollups' `_ping_sample` reads back from its stored row."""
    return Sample(
        integration=ping.integration,
        check=ping.check,
        ts=ping.at,
        ok=ping.ok,
        evidence=Evidence.RUN,
        latency_ms=None if ping.duration_s is None else ping.duration_s * 1000.0,
        tokens=ping.tokens,
        cost_usd=ping.cost_usd,
        excluded=excluded(ping.integration, ping.at),
    )


def count_pings(store: Store, integration: str | None = None) -> int:
    if integration is None:
        return int(store.conn.execute("SELECT count(*) FROM heartbeat_pings").fetchone()[0])
    return int(
        store.conn.execute("SELECT count(*) FROM heartbeat_pings WHERE integration = ?", [integration]).fetchone()[0]
    )
