"""What a rollup row sums, and the time buckets rows are kept in: the vocabulary of rollups and windows.

A `Totals` sums one check's evidence of one kind over some span: runs, successes, runs inside a
maintenance window (left out of uptime), latency sum and a log-bucket histogram (see
histogram.py for the p95 error bound), tokens by type, and cost (production and monitoring
spend apart). Every sum is over the same samples, so totals add and subtract exactly in their
counts (floats to rounding).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tether.model.tokens import TOKEN_TYPES, TokenCounts
from tether.store.histogram import Histogram

MINUTE, HOUR, DAY = 60, 3600, 86400
ALL_TIME = 0
"""The resolution of the one row per check that is never dropped: monotonic totals for Prometheus counters."""


class Evidence(StrEnum):
    """What a rolled-up sample is evidence of.

    - `probe`: our own probe of a dependency (is it up?) — uptime comes from these;
    - `run`: one execution of the integration's real work (a heartbeat ping) — success rate,
      processing time and production spend come from these where an integration has them;
    - `eval`: one run of a sample suite — its spend is monitoring spend.
    """

    PROBE = "probe"
    RUN = "run"
    EVAL = "eval"


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


COUNTERS = ("count", "successes", "excluded", "excluded_successes", "latency_count")
SUMS = (*COUNTERS, "latency_sum_ms", *TOKEN_TYPES, "cost_usd", "monitoring_cost_usd")
"""Every summed column of a rollup row, in table order (the histogram aside)."""


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
        if s.tokens:
            self.tokens += s.tokens
        self.cost_usd += s.cost_usd
        self.monitoring_cost_usd += s.monitoring_cost_usd

    def add_row(self, row: dict[str, Any]) -> None:
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + int(row[name] or 0))
        self.tokens += TokenCounts.from_mapping(row)
        self.latency_sum_ms += float(row["latency_sum_ms"] or 0)
        self.cost_usd += float(row["cost_usd"] or 0)
        self.monitoring_cost_usd += float(row["monitoring_cost_usd"] or 0)
        self.hist.merge(Histogram.loads(row["hist"]))

    def add(self, other: Totals, sign: int = 1) -> None:
        """Add `other` (sign 1) or take it away (sign -1): a window that slides drops what leaves it."""
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + sign * getattr(other, name))
        self.tokens += other.tokens * sign
        self.latency_sum_ms += sign * other.latency_sum_ms
        self.cost_usd += sign * other.cost_usd
        self.monitoring_cost_usd += sign * other.monitoring_cost_usd
        self.hist.merge(other.hist, sign)
        if self.count == 0:
            # Nothing left: every sum is over no samples, so zero exactly (not a float remainder).
            self.latency_sum_ms = self.cost_usd = self.monitoring_cost_usd = 0.0

    @classmethod
    def of_values(cls, values: Sequence[Any], hist: str | None = None) -> Totals:
        """From the SUMS columns in order (a row read as a tuple, NOT NULL columns or their SUMs), and a
        histogram's text."""
        c = values
        return cls(
            c[0], c[1], c[2], c[3], c[4], c[5], Histogram.loads(hist), TokenCounts(c[6], c[7], c[8], c[9]), c[10], c[11]
        )

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
        return uptime(self.count, self.successes, self.excluded, self.excluded_successes)

    def p(self, q: float) -> float | None:
        return self.hist.quantile(q)

    def values(self) -> list[Any]:
        """The SUMS columns in order."""
        tokens = self.tokens
        return [
            self.count,
            self.successes,
            self.excluded,
            self.excluded_successes,
            self.latency_count,
            self.latency_sum_ms,
            tokens.input_tokens,
            tokens.output_tokens,
            tokens.cache_read_tokens,
            tokens.cache_write_tokens,
            self.cost_usd,
            self.monitoring_cost_usd,
        ]

    def row(self) -> dict[str, Any]:
        return {**dict(zip(SUMS, self.values(), strict=True)), "hist": self.hist.dumps()}


def uptime(count: int, successes: int, excluded: int, excluded_successes: int) -> float | None:
    """Successes over runs, leaving out runs inside maintenance windows (None: no run counted)."""
    counted = count - excluded
    return (successes - excluded_successes) / counted if counted else None


def total(parts: Sequence[Totals]) -> Totals:
    out = Totals()
    for part in parts:
        out.add(part)
    return out


Key = tuple[str, str, Evidence]
"""(integration, check, evidence): what one set of rollup rows is about."""


def key_of(row: dict[str, Any]) -> Key:
    return (row["integration"], row["check_name"], Evidence(row["evidence"]))


def bucket_start(ts: float, resolution: int) -> float:
    return float(math.floor(ts / resolution) * resolution)
