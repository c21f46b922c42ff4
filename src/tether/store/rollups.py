"""Rollups: per-minute, per-hour and per-day summaries of every check, so reads never scan raw history.

Each row sums one check's evidence of one kind over one time bucket: runs, successes, runs
inside a maintenance window (left out of uptime), latency sum and a log-bucket histogram (see
histogram.py for the p95 error bound), tokens by type, and cost (production and monitoring
spend apart). The kind of evidence keeps apart what answers different questions:

- `probe`: our own probe of a dependency (is it up?) — uptime comes from these;
- `run`: one execution of the integration's real work (a heartbeat ping) — success rate,
  processing time and production spend come from these where an integration has them;
- `eval`: one run of a sample suite — its spend is monitoring spend.

Every sample updates all three resolutions in the same transaction as its batch, and the same
transaction drops rows past their resolution's retention, so retention needs no scheduler.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import sqlite_utils

from tether.checks.states import is_failing
from tether.model.tokens import TOKEN_TYPES, TokenCounts
from tether.store.db import Store
from tether.store.histogram import Histogram

MINUTE, HOUR, DAY = 60, 3600, 86400
RETENTION: dict[int, float] = {MINUTE: 24 * HOUR, HOUR: 30 * DAY, DAY: 365 * DAY}
"""How long rows of each resolution are kept, in seconds."""
ALL_TIME = 0
"""One row per check that is never dropped: monotonic totals for Prometheus counters."""


class Evidence(StrEnum):
    """What a rolled-up sample is evidence of (see the module docstring)."""

    PROBE = "probe"
    RUN = "run"
    EVAL = "eval"


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


@dataclass(frozen=True)
class Sample:
    """One observation of one check: a probe, a run of the integration's own work, or an eval run."""

    integration: str
    check: str
    ts: float
    ok: bool
    latency_ms: float | None = None
    tokens: TokenCounts = field(default_factory=TokenCounts)
    cost_usd: float = 0.0
    """Spend by the integration's own runs (reported by heartbeats)."""
    monitoring_cost_usd: float = 0.0
    """Spend by our canaries and evals, shown apart from production spend."""
    excluded: bool = False
    """Inside a maintenance window: counted, but left out of uptime."""
    evidence: Evidence = Evidence.PROBE


_COUNTERS = ("count", "successes", "excluded", "excluded_successes", "latency_count")


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
    tokens: TokenCounts = field(default_factory=TokenCounts)
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
        self.tokens += s.tokens
        self.cost_usd += s.cost_usd
        self.monitoring_cost_usd += s.monitoring_cost_usd

    def add_row(self, row: dict[str, Any]) -> None:
        for name in _COUNTERS:
            setattr(self, name, getattr(self, name) + int(row[name] or 0))
        self.tokens += TokenCounts.from_mapping(row)
        self.latency_sum_ms += float(row["latency_sum_ms"] or 0)
        self.cost_usd += float(row["cost_usd"] or 0)
        self.monitoring_cost_usd += float(row["monitoring_cost_usd"] or 0)
        self.hist.merge(Histogram.loads(row["hist"]))

    def add(self, other: Totals) -> None:
        for name in _COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.tokens += other.tokens
        self.latency_sum_ms += other.latency_sum_ms
        self.cost_usd += other.cost_usd
        self.monitoring_cost_usd += other.monitoring_cost_usd
        self.hist.merge(other.hist)

    @property
    def success_rate(self) -> float | None:
        """Successes over every run counted, maintenance or not."""
        return self.successes / self.count if self.count else None

    @property
    def counted(self) -> int:
        """Runs outside maintenance windows: what uptime is a share of."""
        return self.count - self.excluded

    @property
    def uptime(self) -> float | None:
        """Successes over runs, leaving out runs inside maintenance windows."""
        return (self.successes - self.excluded_successes) / self.counted if self.counted else None

    def p(self, q: float) -> float | None:
        return self.hist.quantile(q)

    def row(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in _COUNTERS},
            "latency_sum_ms": self.latency_sum_ms,
            "hist": self.hist.dumps(),
            **self.tokens.as_dict(),
            "cost_usd": self.cost_usd,
            "monitoring_cost_usd": self.monitoring_cost_usd,
        }


def total(parts: Sequence[Totals]) -> Totals:
    out = Totals()
    for part in parts:
        out.add(part)
    return out


Key = tuple[str, str, Evidence]
"""(integration, check, evidence): what one set of rollup rows is about."""


def all_time(store: Store) -> dict[Key, Totals]:
    """Every check's totals since the store began, by evidence (one row each, one query)."""
    out: dict[Key, Totals] = {}
    for row in store.db.query("SELECT * FROM rollups WHERE resolution = ?", [ALL_TIME]):
        out.setdefault(_key(row), Totals()).add_row(row)
    return out


def _key(row: dict[str, Any]) -> Key:
    return (row["integration"], row["check_name"], Evidence(row["evidence"]))


def bucket_start(ts: float, resolution: int) -> float:
    return float(math.floor(ts / resolution) * resolution)


def add_samples(db: sqlite_utils.Database, samples: Sequence[Sample], now: float) -> None:
    """Fold samples into every resolution and apply retention. Call inside the batch's transaction."""
    pending: dict[tuple[str, str, str, int, float], Totals] = {}
    for sample in samples:
        where = (sample.integration, sample.check, str(sample.evidence))
        for resolution in RETENTION:
            pending.setdefault((*where, resolution, bucket_start(sample.ts, resolution)), Totals()).add_sample(sample)
        pending.setdefault((*where, ALL_TIME, 0.0), Totals()).add_sample(sample)
    for (integration, check, evidence, resolution, bucket), totals in pending.items():
        for row in db.query(
            "SELECT * FROM rollups WHERE integration = ? AND check_name = ? AND evidence = ? AND resolution = ? "
            "AND bucket = ?",
            [integration, check, evidence, resolution, bucket],
        ):
            totals.add_row(row)
        record = {
            "integration": integration,
            "check_name": check,
            "evidence": evidence,
            "resolution": resolution,
            "bucket": bucket,
            **totals.row(),
        }
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


@dataclass
class Windows:
    """What the figures need from history, for one check's evidence of one kind."""

    day: Totals = field(default_factory=Totals)
    """The last 24 hours (hourly rows), with the latency histogram for p50/p95."""
    week: Totals = field(default_factory=Totals)
    month: Totals = field(default_factory=Totals)
    """The last 30 days (hourly rows)."""
    year: Totals = field(default_factory=Totals)
    """The last 365 days (daily rows, which are kept a year)."""
    month_to_date: Totals = field(default_factory=Totals)
    """Calendar month so far (UTC days): the cost figures."""


_SUMS = (*_COUNTERS, "latency_sum_ms", *TOKEN_TYPES, "cost_usd", "monitoring_cost_usd")


def _sum_since(prefix: str, since_param: str) -> str:
    return ", ".join(
        f"SUM(CASE WHEN bucket >= :{since_param} THEN {name} ELSE 0 END) AS {prefix}{name}" for name in _SUMS
    )


def _only(names: Sequence[str] | None, params: dict[str, Any]) -> str:
    """An `AND integration IN (...)` clause for some integrations; empty for all of them."""
    if names is None:
        return ""
    marks = []
    for n, name in enumerate(names):
        params[f"name{n}"] = name
        marks.append(f":name{n}")
    return f" AND integration IN ({', '.join(marks) or 'NULL'})"


def windows(store: Store, now: float, month_start: float, names: Sequence[str] | None = None) -> dict[Key, Windows]:
    """24 h, 7 d, 30 d and 365 d totals plus the calendar month's, for every check (or those of
    some integrations) at once, in three queries.

    SQL sums the counters; only the 24 h window's histograms (24 hourly rows per check) are
    merged here, for p50/p95. Windows up to 30 days are whole hourly buckets (the 24 h window
    starts at the top of the hour 24 hours ago); 365 days and month to date are whole UTC days.
    Raw results are never read.
    """
    out: dict[Key, Windows] = {}
    params: dict[str, Any] = {
        "hour": HOUR,
        "day": DAY,
        "day_start": bucket_start(now - DAY, HOUR),
        "week_start": bucket_start(now - 7 * DAY, HOUR),
        "month_start": bucket_start(now - 30 * DAY, HOUR),
        "year_start": bucket_start(now - 365 * DAY, DAY),
        "calendar_start": bucket_start(month_start, DAY),
    }
    only = _only(names, params)
    hourly = ", ".join(
        _sum_since(prefix, since)
        for prefix, since in (("d_", "day_start"), ("w_", "week_start"), ("m_", "month_start"))
    )
    for row in store.db.query(
        f"SELECT integration, check_name, evidence, {hourly} FROM rollups "
        f"WHERE resolution = :hour AND bucket >= :month_start{only} GROUP BY integration, check_name, evidence",
        params,
    ):
        w = out.setdefault(_key(row), Windows())
        for prefix, totals in (("d_", w.day), ("w_", w.week), ("m_", w.month)):
            totals.add_row({name: row[prefix + name] for name in _SUMS} | {"hist": None})
    for row in store.db.query(
        f"SELECT integration, check_name, evidence, hist FROM rollups "
        f"WHERE resolution = :hour AND bucket >= :day_start{only}",
        params,
    ):
        out[_key(row)].day.hist.merge(Histogram.loads(row["hist"]))
    daily = ", ".join(_sum_since(prefix, since) for prefix, since in (("y_", "year_start"), ("c_", "calendar_start")))
    for row in store.db.query(
        f"SELECT integration, check_name, evidence, {daily} FROM rollups "
        f"WHERE resolution = :day AND bucket >= MIN(:year_start, :calendar_start){only} "
        "GROUP BY integration, check_name, evidence",
        params,
    ):
        w = out.setdefault(_key(row), Windows())
        w.year.add_row({name: row["y_" + name] for name in _SUMS} | {"hist": None})
        w.month_to_date.add_row({name: row["c_" + name] for name in _SUMS} | {"hist": None})
    return out


SPANS: dict[str, tuple[float, int]] = {
    "1h": (HOUR, MINUTE),
    "24h": (DAY, HOUR),
    "7d": (7 * DAY, HOUR),
    "30d": (30 * DAY, DAY),
}
"""A chart's span: how far back it reaches, and the resolution it reads."""


def hourly_probes(
    store: Store, now: float, hours: int = 24, names: Sequence[str] | None = None
) -> dict[str, dict[float, Totals]]:
    """Each integration's probe totals per hour over the last `hours` (its checks summed), in one query."""
    params: list[Any] = [HOUR, bucket_start(now - hours * HOUR, HOUR), str(Evidence.PROBE)]
    where = "resolution = ? AND bucket > ? AND evidence = ?"
    if names is not None:
        where += f" AND integration IN ({', '.join('?' for _ in names) or 'NULL'})"
        params.extend(names)
    # Counts only, summed in SQL: no latency histogram to parse (a thousand integrations x 24 hours).
    sql = (
        "SELECT integration, bucket, SUM(count) AS count, SUM(successes) AS successes, SUM(excluded) AS excluded,"
        f" SUM(excluded_successes) AS excluded_successes FROM rollups WHERE {where} GROUP BY integration, bucket"
    )
    found: dict[str, dict[float, Totals]] = {}
    for row in store.db.query(sql, params):
        found.setdefault(row["integration"], {})[row["bucket"]] = Totals(
            count=row["count"],
            successes=row["successes"],
            excluded=row["excluded"],
            excluded_successes=row["excluded_successes"],
        )
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


def fold_new(db: sqlite_utils.Database, excluded: Excluded, now: float) -> int:
    """Fold every check result (a probe), heartbeat ping and run not yet in the rollups; returns how many.

    A watermark per source (the last row id folded) makes this exact after any crash: a batch
    committed but not yet folded is folded by the next call, from any process, exactly once.
    Call inside a write transaction (BEGIN IMMEDIATE), so two processes never fold the same rows.
    """
    samples: list[Sample] = []
    for source, sql, sample in _SOURCES:
        mark = last = _watermark(db, source)
        for row in db.query(sql, [mark]):
            last = row["id"]
            samples.append(sample(row, excluded))
        if last != mark:
            _set_watermark(db, source, last)
    add_samples(db, samples, now)
    return len(samples)
