"""Rollups: per-minute, per-hour and per-day summaries of every check, so reads never scan raw history.

Each row sums one check over one time bucket: runs, successes, runs inside a maintenance
window (left out of uptime), latency sum and a log-bucket histogram (see histogram.py for
the p95 error bound), tokens by type, and cost (production and monitoring spend apart).
Every sample updates all three resolutions in the same transaction as its batch, and the same
transaction drops rows past their resolution's retention, so retention needs no scheduler.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from tether.store.db import Store
from tether.store.histogram import Histogram

MINUTE, HOUR, DAY = 60, 3600, 86400
RETENTION: dict[int, float] = {MINUTE: 24 * HOUR, HOUR: 30 * DAY, DAY: 365 * DAY}
"""How long rows of each resolution are kept, in seconds."""
ALL_TIME = 0
"""One row per check that is never dropped: monotonic totals for Prometheus counters."""

TOKEN_TYPES = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")


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


MIGRATIONS = [("3000_rollups", _create)]


@dataclass(frozen=True)
class Sample:
    """One observation of one check: a probe run, or a heartbeat ping from an automation."""

    integration: str
    check: str
    ts: float
    ok: bool
    latency_ms: float | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0
    """Spend by the integration's own runs (reported by heartbeats)."""
    monitoring_cost_usd: float = 0.0
    """Spend by our canaries and evals, shown apart from production spend."""
    excluded: bool = False
    """Inside a maintenance window: counted, but left out of uptime."""


@dataclass
class Totals:
    """Sums over some rollup rows."""

    count: int = 0
    successes: int = 0
    excluded: int = 0
    excluded_successes: int = 0
    latency_count: int = 0
    latency_sum_ms: float = 0.0
    hist: Histogram = field(default_factory=Histogram)
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0
    monitoring_cost_usd: float = 0.0

    def add_sample(self, s: Sample) -> None:
        self.count += 1
        self.successes += int(s.ok)
        self.excluded += int(s.excluded)
        self.excluded_successes += int(s.excluded and s.ok)
        if s.latency_ms is not None and math.isfinite(s.latency_ms):
            self.latency_count += 1
            self.latency_sum_ms += s.latency_ms
            self.hist.add(s.latency_ms)
        for name in TOKEN_TYPES:
            setattr(self, name, getattr(self, name) + getattr(s, name))
        self.cost_usd += s.cost_usd
        self.monitoring_cost_usd += s.monitoring_cost_usd

    def add_row(self, row: dict[str, Any]) -> None:
        for name in ("count", "successes", "excluded", "excluded_successes", "latency_count", *TOKEN_TYPES):
            setattr(self, name, getattr(self, name) + int(row[name]))
        self.latency_sum_ms += float(row["latency_sum_ms"])
        self.cost_usd += float(row["cost_usd"])
        self.monitoring_cost_usd += float(row["monitoring_cost_usd"])
        self.hist.merge(Histogram.loads(row["hist"]))

    @property
    def success_rate(self) -> float | None:
        return self.successes / self.count if self.count else None

    @property
    def uptime(self) -> float | None:
        """Successes over runs, leaving out runs inside maintenance windows."""
        counted = self.count - self.excluded
        return (self.successes - self.excluded_successes) / counted if counted else None

    def p(self, q: float) -> float | None:
        return self.hist.quantile(q)

    def row(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "successes": self.successes,
            "excluded": self.excluded,
            "excluded_successes": self.excluded_successes,
            "latency_count": self.latency_count,
            "latency_sum_ms": self.latency_sum_ms,
            "hist": self.hist.dumps(),
            **{name: getattr(self, name) for name in TOKEN_TYPES},
            "cost_usd": self.cost_usd,
            "monitoring_cost_usd": self.monitoring_cost_usd,
        }


def all_time(store: Store) -> dict[tuple[str, str], Totals]:
    """Every check's totals since the store began (one row each, one query)."""
    out: dict[tuple[str, str], Totals] = {}
    for row in _rows(store.db, "SELECT * FROM rollups WHERE resolution = ?", [ALL_TIME]):
        out.setdefault((row["integration"], row["check_name"]), Totals()).add_row(row)
    return out


def bucket_start(ts: float, resolution: int) -> float:
    return float(math.floor(ts / resolution) * resolution)


def add_samples(db: sqlite_utils.Database, samples: Sequence[Sample], now: float) -> None:
    """Fold samples into every resolution and apply retention. Call inside the batch's transaction."""
    pending: dict[tuple[str, str, int, float], Totals] = {}
    for sample in samples:
        for resolution in RETENTION:
            key = (sample.integration, sample.check, resolution, bucket_start(sample.ts, resolution))
            pending.setdefault(key, Totals()).add_sample(sample)
        pending.setdefault((sample.integration, sample.check, ALL_TIME, 0.0), Totals()).add_sample(sample)
    for (integration, check, resolution, bucket), totals in pending.items():
        existing = db.execute(
            "SELECT * FROM rollups WHERE integration = ? AND check_name = ? AND resolution = ? AND bucket = ?",
            [integration, check, resolution, bucket],
        )
        columns = [d[0] for d in existing.description]
        row = existing.fetchone()
        if row is not None:
            totals.add_row(dict(zip(columns, row, strict=True)))
        record = {"integration": integration, "check_name": check, "resolution": resolution, "bucket": bucket}
        record.update(totals.row())
        names = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        db.execute(f"INSERT OR REPLACE INTO rollups ({names}) VALUES ({marks})", list(record.values()))
    apply_retention(db, now)


def apply_retention(db: sqlite_utils.Database, now: float) -> int:
    """Drop rollups older than their resolution keeps; cheap when there is nothing to drop (indexed)."""
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


def _rows(db: sqlite_utils.Database, sql: str, params: Sequence[Any] | dict[str, Any]) -> Iterable[dict[str, Any]]:
    cursor = db.execute(sql, params if isinstance(params, dict) else list(params))
    columns = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(columns, row, strict=True))


@dataclass
class Windows:
    """What a dashboard row needs from history, for one integration (or one check)."""

    day: Totals = field(default_factory=Totals)
    week: Totals = field(default_factory=Totals)
    month: Totals = field(default_factory=Totals)
    month_to_date: Totals = field(default_factory=Totals)
    """Calendar month so far (UTC days): the cost figures."""


_SUMS = ("count", "successes", "excluded", "excluded_successes", "latency_count", "latency_sum_ms", *TOKEN_TYPES)
_MONEY = ("cost_usd", "monitoring_cost_usd")


def _sum_row(prefix: str, since_param: str) -> str:
    return ", ".join(
        f"SUM(CASE WHEN bucket >= :{since_param} THEN {name} ELSE 0 END) AS {prefix}{name}"
        for name in (*_SUMS, *_MONEY)
    )


def windows(store: Store, now: float, month_start: float) -> dict[tuple[str, str], Windows]:
    """24 h, 7 d and 30 d totals plus the calendar month's, for EVERY check at once, in three queries.

    SQL sums the counters; only the 24 h window's histograms (24 hourly rows per check) are
    merged here, for p50/p95. Windows are whole hourly buckets (the 24 h window starts at the
    top of the hour 24 hours ago); month to date is whole UTC days. Raw results are never read.
    """
    out: dict[tuple[str, str], Windows] = {}
    params = {
        "hour": HOUR,
        "day": DAY,
        "day_start": bucket_start(now - DAY, HOUR),
        "week_start": bucket_start(now - 7 * DAY, HOUR),
        "month_start": bucket_start(now - 30 * DAY, HOUR),
        "calendar_start": bucket_start(month_start, DAY),
    }
    sums = ", ".join(
        _sum_row(prefix, since) for prefix, since in (("d_", "day_start"), ("w_", "week_start"), ("m_", "month_start"))
    )
    for row in _rows(
        store.db,
        f"SELECT integration, check_name, {sums} FROM rollups WHERE resolution = :hour AND bucket >= :month_start "
        "GROUP BY integration, check_name",
        params,
    ):
        w = out.setdefault((row["integration"], row["check_name"]), Windows())
        for prefix, totals in (("d_", w.day), ("w_", w.week), ("m_", w.month)):
            totals.add_row({name: row[prefix + name] for name in (*_SUMS, *_MONEY)} | {"hist": None})
    for row in _rows(
        store.db,
        "SELECT integration, check_name, hist FROM rollups WHERE resolution = :hour AND bucket >= :day_start",
        params,
    ):
        out[(row["integration"], row["check_name"])].day.hist.merge(Histogram.loads(row["hist"]))
    total = ", ".join(f"SUM({name}) AS {name}" for name in (*_SUMS, *_MONEY))
    for row in _rows(
        store.db,
        f"SELECT integration, check_name, {total} FROM rollups WHERE resolution = :day AND bucket >= :calendar_start "
        "GROUP BY integration, check_name",
        params,
    ):
        w = out.setdefault((row["integration"], row["check_name"]), Windows())
        w.month_to_date.add_row(row | {"hist": None})
    return out


SPANS: dict[str, tuple[float, int]] = {
    "1h": (HOUR, MINUTE),
    "24h": (DAY, HOUR),
    "7d": (7 * DAY, HOUR),
    "30d": (30 * DAY, DAY),
}
"""A chart's span: how far back it reaches, and the resolution it reads."""


def series(store: Store, integration: str, span: str, now: float, check: str | None = None) -> list[dict[str, Any]]:
    """One point per bucket over the span (all checks summed unless one is named), oldest first."""
    reach, resolution = SPANS[span]
    params: list[Any] = [integration, resolution, bucket_start(now - reach, resolution)]
    where = "integration = ? AND resolution = ? AND bucket > ?"
    if check is not None:
        where += " AND check_name = ?"
        params.append(check)
    points: dict[float, Totals] = {}
    for row in _rows(store.db, f"SELECT * FROM rollups WHERE {where} ORDER BY bucket", params):
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
            **{name: getattr(t, name) for name in TOKEN_TYPES},
        }
        for bucket, t in sorted(points.items())
    ]


# -- folding raw history into rollups ----------------------------------------------------------

_SUCCESS_STATES = ("healthy", "degraded")


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


def fold_new(db: sqlite_utils.Database, excluded: Excluded, now: float) -> int:
    """Fold every check result and heartbeat ping not yet in the rollups; returns how many.

    A watermark per source (the last row id folded) makes this exact after any crash: a batch
    committed but not yet folded is folded by the next call, from any process, exactly once.
    Call inside a write transaction (BEGIN IMMEDIATE), so two processes never fold the same rows.
    """
    samples: list[Sample] = []
    mark = _watermark(db, "check_results")
    last = mark
    for row in _rows(
        db,
        "SELECT id, integration, check_name, state, latency_ms, tokens_in, tokens_out, cost_usd, metrics, started_at "
        "FROM check_results WHERE id > ? ORDER BY id",
        [mark],
    ):
        last = row["id"]
        metrics = json.loads(row["metrics"] or "{}")
        samples.append(
            Sample(
                integration=row["integration"],
                check=row["check_name"],
                ts=row["started_at"],
                ok=row["state"] in _SUCCESS_STATES,
                latency_ms=row["latency_ms"],
                input_tokens=row["tokens_in"] or 0,
                output_tokens=row["tokens_out"] or 0,
                cache_read_tokens=_int(metrics.get("cache_read_tokens")),
                cache_write_tokens=_int(metrics.get("cache_write_tokens")),
                # Our probes' spend (canaries) is monitoring spend, never the integration's own.
                monitoring_cost_usd=row["cost_usd"] or 0.0,
                excluded=excluded(row["integration"], row["started_at"]),
            )
        )
    if last != mark:
        _set_watermark(db, "check_results", last)
    mark = _watermark(db, "heartbeat_pings")
    last = mark
    for row in _rows(
        db,
        "SELECT p.id, p.integration, p.check_name, p.at, p.ok, p.duration_s, u.input_tokens, u.output_tokens, "
        "u.cache_read_tokens, u.cache_write_tokens, u.cost_usd FROM heartbeat_pings p "
        "LEFT JOIN heartbeat_usage u ON u.ping_id = p.id WHERE p.id > ? ORDER BY p.id",
        [mark],
    ):
        last = row["id"]
        samples.append(
            Sample(
                integration=row["integration"],
                check=row["check_name"],
                ts=row["at"],
                ok=bool(row["ok"]),
                latency_ms=None if row["duration_s"] is None else row["duration_s"] * 1000.0,
                input_tokens=row["input_tokens"] or 0,
                output_tokens=row["output_tokens"] or 0,
                cache_read_tokens=row["cache_read_tokens"] or 0,
                cache_write_tokens=row["cache_write_tokens"] or 0,
                cost_usd=row["cost_usd"] or 0.0,
                excluded=excluded(row["integration"], row["at"]),
            )
        )
    if last != mark:
        _set_watermark(db, "heartbeat_pings", last)
    add_samples(db, samples, now)
    return len(samples)
