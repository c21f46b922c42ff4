"""A latency histogram with fixed log-spaced buckets: small, mergeable, good enough for p95.

Bucket i (1..LAST) holds latencies in (EDGES[i-1], EDGES[i]] milliseconds, where the edges
grow by a factor of 2**(1/4) from 1 ms to 2**17 ms (about 131 s); bucket 0 holds [0, 1 ms]
and bucket LAST+1 everything slower. A quantile is reported as the geometric midpoint of the
bucket that holds it, so whenever the true (nearest-rank) quantile lies between 1 ms and
131 s the estimate is within a factor of 2**(1/8) of it: at most 9.05 % high or 8.3 % low
(RELATIVE_ERROR). Because every rollup uses the same edges, merging is adding counts, and a
p95 over any window is exactly as good as one over a single minute.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Iterable, Mapping

STEPS_PER_DOUBLING = 4
DOUBLINGS = 17
EDGES: tuple[float, ...] = tuple(2 ** (i / STEPS_PER_DOUBLING) for i in range(STEPS_PER_DOUBLING * DOUBLINGS + 1))
"""Bucket upper bounds in milliseconds: 1, 1.19, 1.41, ... 131072."""
LAST = len(EDGES) - 1
OVERFLOW = LAST + 1
RELATIVE_ERROR = 2 ** (1 / (2 * STEPS_PER_DOUBLING)) - 1
"""The largest relative error of a quantile estimate inside the bucketed range (~0.0905)."""


def bucket_of(latency_ms: float) -> int:
    """The bucket index a latency falls in."""
    if latency_ms <= EDGES[0]:
        return 0
    if latency_ms > EDGES[-1]:
        return OVERFLOW
    # bisect_left: a value equal to an edge belongs to the bucket that edge closes (le semantics).
    return bisect.bisect_left(EDGES, latency_ms)


def bucket_value(index: int) -> float:
    """The value reported for a quantile that falls in this bucket."""
    if index == 0:
        return EDGES[0]
    if index >= OVERFLOW:
        return EDGES[-1]
    return math.sqrt(EDGES[index - 1] * EDGES[index])


class Histogram:
    """Counts per bucket, sparse (most latencies cluster in a few buckets)."""

    def __init__(self, counts: Mapping[int, int] | None = None) -> None:
        self.counts: dict[int, int] = {int(k): int(v) for k, v in counts.items() if v} if counts else {}
        self._quantiles: dict[float, float | None] = {}
        """Quantiles asked for since the last change (an integration's p50/p95 are its check's, asked twice)."""

    @classmethod
    def of(cls, latencies_ms: Iterable[float]) -> Histogram:
        hist = cls()
        for value in latencies_ms:
            hist.add(value)
        return hist

    @classmethod
    def loads(cls, text: str | None) -> Histogram:
        return cls({int(k): v for k, v in json.loads(text).items()} if text else None)

    def dumps(self) -> str:
        # What json.dumps(..., separators=(",", ":")) writes for these int -> int pairs, without its cost
        # (a rollup row's histogram is written for every bucket of every batch).
        return "{" + ",".join(f'"{k}":{v}' for k, v in sorted(self.counts.items())) + "}"

    def add(self, latency_ms: float, n: int = 1) -> None:
        self._quantiles.clear()
        index = bucket_of(latency_ms)
        self.counts[index] = self.counts.get(index, 0) + n

    def merge(self, other: Histogram, sign: int = 1) -> None:
        """Add `other`'s counts (sign -1: take them away, as a window drops what leaves it)."""
        self._quantiles.clear()
        for index, n in other.counts.items():
            left = self.counts.get(index, 0) + sign * n
            if left:
                self.counts[index] = left
            else:
                self.counts.pop(index, None)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def quantile(self, q: float) -> float | None:
        """The nearest-rank q-quantile (0 < q <= 1) in milliseconds, or None when empty."""
        if q in self._quantiles:
            return self._quantiles[q]
        found = self._quantile(q)
        self._quantiles[q] = found
        return found

    def _quantile(self, q: float) -> float | None:
        total = self.total
        if total == 0:
            return None
        rank = max(1, math.ceil(q * total))
        seen = 0
        for index in sorted(self.counts):
            seen += self.counts[index]
            if seen >= rank:
                return bucket_value(index)
        return bucket_value(max(self.counts))

    def cumulative(self, bounds_ms: Iterable[float]) -> list[tuple[float, int]]:
        """Counts at or below each bound; exact when every bound is one of EDGES (Prometheus `le`)."""
        out: list[tuple[float, int]] = []
        for bound in bounds_ms:
            limit = bucket_of(bound)
            out.append((bound, sum(n for index, n in self.counts.items() if index <= limit)))
        return out
