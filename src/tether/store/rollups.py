"""Rollups: per-minute, per-hour and per-day summaries of every check, so reads never scan raw history.

Each row sums one check's evidence of one kind over one time bucket (store.totals: what a row
sums, and what each kind of evidence answers). Every sample updates all three resolutions and
the windows the figures read (store.windows) in the same transaction as its batch, and the same
transaction drops rows past their resolution's retention, so retention needs no scheduler.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from tether import clock
from tether.checks.states import is_failing
from tether.model.tokens import TokenCounts
from tether.store import windows as kept
from tether.store.db import Store
from tether.store.totals import (
    ALL_TIME,
    DAY,
    HOUR,
    MINUTE,
    SUMS,
    Evidence,
    Key,
    Sample,
    Totals,
    bucket_start,
    key_of,
    total,
    uptime,
)
from tether.store.windows import Windows, windows

__all__ = [
    "ALL_TIME",
    "DAY",
    "HOUR",
    "MINUTE",
    "RETENTION",
    "SPANS",
    "Evidence",
    "Excluded",
    "InHand",
    "Key",
    "Sample",
    "Totals",
    "Windows",
    "add_samples",
    "add_totals",
    "all_time",
    "apply_retention",
    "bucket_start",
    "fold_new",
    "hourly_uptime",
    "record_samples",
    "series",
    "total",
    "windows",
]

RETENTION: dict[int, float] = {MINUTE: 24 * HOUR, HOUR: 30 * DAY, DAY: 365 * DAY}
"""How long rows of each resolution are kept, in seconds."""


def _create(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE rollups (
            integration TEXT NOT NULL,
            check_name TEXT NOT NULL,
            resolution INTEGER NOT NULL,
            bucket REAL NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            successes INTEGER NOT NULL DEFAULT 0,
            excluded INTEGER NOT NULL DEFAULT 0,
            excluded_successes INTEGER NOT NULL DEFAULT 0,
            latency_count INTEGER NOT NULL DEFAULT 0,
            latency_sum_ms REAL NOT NULL DEFAULT 0,
            hist TEXT NOT NULL DEFAULT '{}',
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cache_read_tokens INTEGER NOT NULL DEFAULT 0,
            cache_write_tokens INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0,
            monitoring_cost_usd REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (integration, check_name, resolution, bucket)
        ) WITHOUT ROWID
        """
    )
    # Retention deletes by (resolution, bucket); dashboards read one resolution since a time.
    db.execute("CREATE INDEX rollups_by_time ON rollups (resolution, bucket)")


def _add_evidence(db: sqlite_utils.Database) -> None:
    """Key rollups by the kind of evidence too. Rows folded before this were probes and pings
    together; they stay as probes (history is kept, not split after the fact)."""
    columns = (
        "integration, check_name, resolution, bucket, count, successes, excluded, excluded_successes, "
        "latency_count, latency_sum_ms, hist, input_tokens, output_tokens, cache_read_tokens, "
        "cache_write_tokens, cost_usd, monitoring_cost_usd"
    )
    db.execute(
        """
        CREATE TABLE rollups_new (
            integration TEXT NOT NULL,
            check_name TEXT NOT NULL,
            evidence TEXT NOT NULL DEFAULT 'probe',
            resolution INTEGER NOT NULL,
            bucket REAL NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            successes INTEGER NOT NULL DEFAULT 0,
            excluded INTEGER NOT NULL DEFAULT 0,
            excluded_successes INTEGER NOT NULL DEFAULT 0,
            latency_count INTEGER NOT NULL DEFAULT 0,
            latency_sum_ms REAL NOT NULL DEFAULT 0,
            hist TEXT NOT NULL DEFAULT '{}',
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cache_read_tokens INTEGER NOT NULL DEFAULT 0,
            cache_write_tokens INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0,
            monitoring_cost_usd REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (integration, check_name, evidence, resolution, bucket)
        ) WITHOUT ROWID
        """
    )
    db.execute(f"INSERT INTO rollups_new ({columns}) SELECT {columns} FROM rollups")
    db.execute("DROP TABLE rollups")
    db.execute("ALTER TABLE rollups_new RENAME TO rollups")
    db.execute("CREATE INDEX rollups_by_time ON rollups (resolution, bucket)")


MIGRATIONS = [("3000_rollups", _create), ("3004_rollups_by_evidence", _add_evidence)]


def all_time(store: Store) -> dict[Key, Totals]:
    """Every check's totals since the store began, by evidence (one row each, one query)."""
    out: dict[Key, Totals] = {}
    for row in store.db.query("SELECT * FROM rollups WHERE resolution = ?", [ALL_TIME]):
        out.setdefault(key_of(row), Totals()).add_row(row)
    return out


_UPSERT = (
    f"INSERT INTO rollups (integration, check_name, evidence, resolution, bucket, {', '.join(SUMS)}, hist) "
    f"VALUES ({', '.join('?' for _ in range(6 + len(SUMS)))}) "
    "ON CONFLICT (integration, check_name, evidence, resolution, bucket) DO UPDATE SET "
    + ", ".join(f"{name} = rollups.{name} + excluded.{name}" for name in SUMS)
    + ", hist = tether_hist_add(rollups.hist, excluded.hist)"
)
"""Add a bucket's totals to its row, or start the row: one statement for the whole batch."""


def add_samples(db: sqlite_utils.Database, samples: Sequence[Sample], now: float) -> None:
    """Fold samples into every resolution and the windows, and apply retention. Call inside the batch's transaction."""
    # Each sample is summed once, into its finest bucket; the coarser buckets are made from those.
    # A batch is seconds long, so a check's samples are mostly in one minute: then every coarser
    # bucket shares that one Totals (read only from here on) instead of summing the samples again.
    finest = min(RETENTION)
    fine: dict[tuple[str, str, str, float], Totals] = {}
    for sample in samples:
        at = (sample.integration, sample.check, str(sample.evidence), bucket_start(sample.ts, finest))
        totals = fine.get(at)
        if totals is None:
            totals = fine[at] = Totals()
        totals.add_sample(sample)
    pending: dict[kept.Bucket, Totals] = {}
    merged: set[int] = set()
    """Ids of the Totals made here to add several fine buckets up, so never shared."""
    for (integration, check, evidence, start), totals in fine.items():
        for resolution in (*RETENTION, ALL_TIME):
            bucket = 0.0 if resolution == ALL_TIME else bucket_start(start, resolution)
            key = (integration, check, evidence, resolution, bucket)
            held = pending.get(key)
            if held is None:
                pending[key] = totals
                continue
            if id(held) not in merged:
                shared, held = held, Totals()
                held.add(shared)
                pending[key] = held
                merged.add(id(held))
            held.add(totals)
    add_totals(db, pending, now)


def add_totals(db: sqlite_utils.Database, buckets: Mapping[kept.Bucket, Totals], now: float) -> None:
    """Fold totals already summed per rollup bucket (what `add_samples` sums its samples into); one
    statement writes every bucket's row. Call inside the batch's transaction."""
    # The windows move first, while the rollups do not yet hold this batch (it is added to both after).
    since = kept.advance(db, now)
    db.conn.executemany(
        _UPSERT, [[*bucket, *totals.values(), totals.hist.dumps()] for bucket, totals in buckets.items()]
    )
    kept.fold(db, buckets, since)
    _add_probe_hours(db, buckets)
    kept.count_fold(db)
    _drop_expired(db, now)


def apply_retention(db: sqlite_utils.Database, now: float) -> int:
    """Drop rollups older than their resolution keeps; cheap when there is nothing to drop (indexed).

    The windows move to `now` first: what leaves them is read from rows this may drop.
    """
    kept.advance(db, now)
    return _drop_expired(db, now)


def _drop_expired(db: sqlite_utils.Database, now: float) -> int:
    """Retention, once the windows are at `now`."""
    db.execute("DELETE FROM probe_hours WHERE bucket < ?", [bucket_start(now - PROBE_HOURS_KEPT, HOUR)])
    dropped = 0
    for resolution, keep in RETENTION.items():
        cursor = db.execute(
            "DELETE FROM rollups WHERE resolution = ? AND bucket < ?",
            [resolution, bucket_start(now - keep, resolution)],
        )
        dropped += cursor.rowcount
    return dropped


def record_samples(store: Store, samples: Sequence[Sample], now: float) -> None:
    """Fold samples into the rollups in one transaction of their own."""
    with store.transaction() as db:
        add_samples(db, samples, now)


SPANS: dict[str, tuple[float, int]] = {
    "1h": (HOUR, MINUTE),
    "24h": (DAY, HOUR),
    "7d": (7 * DAY, HOUR),
    "30d": (30 * DAY, DAY),
}
"""A chart's span: how far back it reaches, and the resolution it reads."""


PROBE_HOURS_KEPT = 2 * DAY
"""How long `probe_hours` keeps an hour: the heartbeat bar shows the last 24."""
_PROBE_COUNTS = ("count", "successes", "excluded", "excluded_successes")


def _create_probe_hours(db: sqlite_utils.Database) -> None:
    """Each integration's probes per hour (its checks summed), the last two days only: the heartbeat bar
    reads a thousand integrations' day from this narrow table instead of 24,000 wide rollup rows."""
    db.execute(
        "CREATE TABLE probe_hours (bucket REAL NOT NULL, integration TEXT NOT NULL, "
        + ", ".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name in _PROBE_COUNTS)
        + ", PRIMARY KEY (bucket, integration)) WITHOUT ROWID"
    )
    sums = ", ".join(f"SUM({name})" for name in _PROBE_COUNTS)
    db.execute(
        f"INSERT INTO probe_hours (bucket, integration, {', '.join(_PROBE_COUNTS)}) "
        f"SELECT bucket, integration, {sums} FROM rollups WHERE resolution = ? AND evidence = ? AND bucket >= ? "
        "GROUP BY bucket, integration",
        [HOUR, str(Evidence.PROBE), bucket_start(clock.now() - PROBE_HOURS_KEPT, HOUR)],
    )


MIGRATIONS.append(("3007_probe_hours", _create_probe_hours))

_ADD_PROBE_HOUR = (
    f"INSERT INTO probe_hours (bucket, integration, {', '.join(_PROBE_COUNTS)}) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (bucket, integration) DO UPDATE SET "
    + ", ".join(f"{name} = probe_hours.{name} + excluded.{name}" for name in _PROBE_COUNTS)
)


def _add_probe_hours(db: sqlite_utils.Database, buckets: Mapping[kept.Bucket, Totals]) -> None:
    rows = [
        (bucket, integration, t.count, t.successes, t.excluded, t.excluded_successes)
        for (integration, _, evidence, resolution, bucket), t in buckets.items()
        if resolution == HOUR and evidence == Evidence.PROBE
    ]
    if rows:
        db.conn.executemany(_ADD_PROBE_HOUR, rows)


def hourly_uptime(
    store: Store, now: float, hours: int = 24, names: Sequence[str] | None = None
) -> dict[str, dict[float, float | None]]:
    """Each integration's probe uptime per hour over the last `hours` (at most two days; its checks
    summed), in one query: integration -> hour's bucket start -> uptime."""
    if hours * HOUR > PROBE_HOURS_KEPT:
        raise ValueError(f"probe_hours keeps {PROBE_HOURS_KEPT // HOUR} hours; {hours} asked for")
    since = bucket_start(now - hours * HOUR, HOUR)
    only = None if names is None else tuple(names)
    return kept.remembered(store, ("hourly uptime", only), since, lambda: _hourly_uptime(store, since, names))


def _hourly_uptime(store: Store, since: float, names: Sequence[str] | None) -> dict[str, dict[float, float | None]]:
    params: list[Any] = [since]
    where = "bucket > ?"
    if names is not None:
        where += f" AND integration IN ({', '.join('?' for _ in names) or 'NULL'})"
        params.extend(names)
    sql = f"SELECT integration, bucket, {', '.join(_PROBE_COUNTS)} FROM probe_hours WHERE {where}"
    found: dict[str, dict[float, float | None]] = {}
    for integration, bucket, *counts in store.conn.execute(sql, params):
        found.setdefault(integration, {})[bucket] = uptime(*counts)
    return found


def series(
    store: Store,
    integration: str,
    span: str,
    now: float,
    check: str | None = None,
    evidence: Sequence[Evidence] | None = None,
) -> list[dict[str, Any]]:
    """One point per bucket over the span (all checks and evidence summed unless some are named), oldest first."""
    reach, resolution = SPANS[span]
    params: list[Any] = [integration, resolution, bucket_start(now - reach, resolution)]
    where = "integration = ? AND resolution = ? AND bucket > ?"
    if check is not None:
        where += " AND check_name = ?"
        params.append(check)
    if evidence is not None:
        where += f" AND evidence IN ({', '.join('?' for _ in evidence) or 'NULL'})"
        params.extend(str(e) for e in evidence)
    points: dict[float, Totals] = {}
    for row in store.db.query(f"SELECT * FROM rollups WHERE {where} ORDER BY bucket", params):
        points.setdefault(row["bucket"], Totals()).add_row(row)
    return [
        {
            "ts": bucket,
            "count": t.count,
            "successes": t.successes,
            "success_rate": t.success_rate,
            "p50_ms": t.p(0.5),
            "p95_ms": t.p(0.95),
            "avg_ms": t.latency_sum_ms / t.latency_count if t.latency_count else None,
            "cost_usd": t.cost_usd,
            "monitoring_cost_usd": t.monitoring_cost_usd,
            **t.tokens.as_dict(),
        }
        for bucket, t in sorted(points.items())
    ]


# -- folding raw history into rollups ----------------------------------------------------------


def _create_watermarks(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE rollup_watermarks (source TEXT PRIMARY KEY, last_id INTEGER NOT NULL)")


MIGRATIONS.append(("3002_rollup_watermarks", _create_watermarks))

Excluded = Callable[[str, float], bool]
"""Whether a run of this integration at this time is inside a maintenance window."""


def _watermark(db: sqlite_utils.Database, source: str) -> int:
    row = db.execute("SELECT last_id FROM rollup_watermarks WHERE source = ?", [source]).fetchone()
    return int(row[0]) if row else 0


def _set_watermark(db: sqlite_utils.Database, source: str, last_id: int) -> None:
    db.execute("INSERT OR REPLACE INTO rollup_watermarks (source, last_id) VALUES (?, ?)", [source, last_id])


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) else 0


def _probe_sample(row: dict[str, Any], excluded: Excluded) -> Sample:
    metrics = json.loads(row["metrics"] or "{}")
    return Sample(
        integration=row["integration"],
        check=row["check_name"],
        ts=row["started_at"],
        ok=not is_failing(row["state"]),
        evidence=Evidence.PROBE,
        latency_ms=row["latency_ms"],
        tokens=TokenCounts(
            row["tokens_in"] or 0,
            row["tokens_out"] or 0,
            _int(metrics.get("cache_read_tokens")),
            _int(metrics.get("cache_write_tokens")),
        ),
        # Our probes' spend (canaries) is monitoring spend, never the integration's own.
        monitoring_cost_usd=row["cost_usd"] or 0.0,
        excluded=excluded(row["integration"], row["started_at"]),
    )


def _ping_sample(row: dict[str, Any], excluded: Excluded) -> Sample:
    return Sample(
        integration=row["integration"],
        check=row["check_name"],
        ts=row["at"],
        ok=bool(row["ok"]),
        evidence=Evidence.RUN,
        latency_ms=None if row["duration_s"] is None else row["duration_s"] * 1000.0,
        tokens=TokenCounts.from_mapping(row),
        cost_usd=row["cost_usd"] or 0.0,
        excluded=excluded(row["integration"], row["at"]),
    )


def _run_sample(row: dict[str, Any], excluded: Excluded) -> Sample:
    return Sample(
        integration=row["integration"],
        check=row["check_name"],
        ts=row["started_at"],
        ok=row["status"] == "success",
        evidence=Evidence.RUN,
        latency_ms=row["duration_ms"],
        tokens=TokenCounts.from_mapping(row),
        cost_usd=row["cost_usd"] or 0.0,
        excluded=excluded(row["integration"], row["started_at"]),
    )


_SOURCES: tuple[tuple[str, str, Callable[[dict[str, Any], Excluded], Sample]], ...] = (
    (
        "check_results",
        "SELECT id, integration, check_name, state, latency_ms, tokens_in, tokens_out, cost_usd, metrics, started_at "
        "FROM check_results WHERE id > ? ORDER BY id",
        _probe_sample,
    ),
    (
        "heartbeat_pings",
        "SELECT p.id, p.integration, p.check_name, p.at, p.ok, p.duration_s, u.input_tokens, u.output_tokens, "
        "u.cache_read_tokens, u.cache_write_tokens, u.cost_usd FROM heartbeat_pings p "
        "LEFT JOIN heartbeat_usage u ON u.ping_id = p.id WHERE p.id > ? ORDER BY p.id",
        _ping_sample,
    ),
    (
        "runs",
        "SELECT id, integration, check_name, started_at, status, duration_ms, input_tokens, output_tokens, "
        "cache_read_tokens, cache_write_tokens, cost_usd FROM runs WHERE id > ? ORDER BY id",
        _run_sample,
    ),
)
"""Each raw table folded into the rollups: its watermark name, the query for rows past it, its sample."""


@dataclass(frozen=True)
class InHand:
    """Rows of one source that the writer folding them has just inserted, ids `first` to `last`, as samples."""

    source: str
    first: int
    last: int
    samples: Sequence[Sample]


def fold_new(db: sqlite_utils.Database, excluded: Excluded, now: float, in_hand: InHand | None = None) -> int:
    """Fold every check result (a probe), heartbeat ping and run not yet in the rollups; returns how many.

    A watermark per source (the last row id folded) makes this exact after any crash: a batch
    committed but not yet folded is folded by the next call, from any process, exactly once.
    Call inside a write transaction (BEGIN IMMEDIATE), so two processes never fold the same rows.
    """
    samples: list[Sample] = []
    for source, sql, sample in _SOURCES:
        mark = last = _watermark(db, source)
        if in_hand is not None and in_hand.source == source and in_hand.first == mark + 1:
            # Every row past the mark is the caller's: folded from what it holds, not read back.
            samples.extend(in_hand.samples)
            last = in_hand.last
        else:
            for row in db.query(sql, [mark]):
                last = row["id"]
                samples.append(sample(row, excluded))
        if last != mark:
            _set_watermark(db, source, last)
    add_samples(db, samples, now)
    return len(samples)
