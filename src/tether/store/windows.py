"""Per-window totals kept up to date as samples fold in, so the figures read one row per check and
window however long the history is.

Each window sums the rollup buckets of one resolution from its start onwards: the last 24 hours,
7 days and 30 days in hourly buckets (starting at the top of the hour that long ago), the last
365 days and the calendar month in daily buckets (UTC days). Every check's window starts at the
same moment, kept once per window (`rollup_window_starts`). Folding a batch first moves each
start to where the batch's time puts it, taking away the buckets that leave (read from the
rollups before retention drops them, in the same transaction), then adds what lands inside.
A reader whose clock is not the last writer's moves its copy the same way, in memory: the cost
of a read is the rows of the windows plus the buckets between the two clocks, never the history.
"""

from __future__ import annotations

import json
import math
import weakref
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import sqlite_utils

from tether import clock
from tether.store.db import Store
from tether.store.histogram import Histogram
from tether.store.totals import DAY, HOUR, SUMS, Evidence, Key, Totals, bucket_start

T = TypeVar("T")


@dataclass
class Windows:
    """What the figures need from history, for one check's evidence of one kind."""

    day: Totals = field(default_factory=Totals)
    """The last 24 hours (hourly buckets), with the latency histogram for p50/p95."""
    week: Totals = field(default_factory=Totals)
    month: Totals = field(default_factory=Totals)
    """The last 30 days (hourly buckets)."""
    year: Totals = field(default_factory=Totals)
    """The last 365 days (daily buckets, which are kept a year)."""
    month_to_date: Totals = field(default_factory=Totals)
    """Calendar month so far (UTC days): the cost figures."""


RESOLUTION: dict[str, int] = {"day": HOUR, "week": HOUR, "month": HOUR, "year": DAY, "month_to_date": DAY}
"""Each window (a field of Windows) and the resolution of the buckets it sums."""
WITH_HISTOGRAM = "day"
"""The one window whose latency histogram is kept: p50/p95 are over 24 hours."""


def starts(now: float, month_start: float) -> dict[str, float]:
    """Where each window starts at `now`: the first bucket it includes."""
    return {
        "day": bucket_start(now - DAY, HOUR),
        "week": bucket_start(now - 7 * DAY, HOUR),
        "month": bucket_start(now - 30 * DAY, HOUR),
        "year": bucket_start(now - 365 * DAY, DAY),
        "month_to_date": bucket_start(month_start, DAY),
    }


def _create(db: sqlite_utils.Database) -> None:
    sums = ",\n".join(
        f"{name} {'INTEGER' if name not in ('latency_sum_ms', 'cost_usd', 'monitoring_cost_usd') else 'REAL'} "
        "NOT NULL DEFAULT 0"
        for name in SUMS
    )
    db.execute(
        f"""
        CREATE TABLE rollup_windows (
            integration TEXT NOT NULL,
            check_name TEXT NOT NULL,
            evidence TEXT NOT NULL,
            window_name TEXT NOT NULL,
            {sums},
            hist TEXT NOT NULL DEFAULT '{{}}',
            PRIMARY KEY (integration, check_name, evidence, window_name)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE TABLE rollup_window_starts (window_name TEXT PRIMARY KEY, since REAL NOT NULL)")
    db.execute("CREATE TABLE rollup_folds (folds INTEGER NOT NULL)")
    db.execute("INSERT INTO rollup_folds (folds) VALUES (0)")
    # An existing store's windows are summed from its rollups once, here; from then on they are kept.
    advance(db, clock.now())


MIGRATIONS = [("3006_rollup_windows", _create)]


# -- SQL functions: histograms are JSON text, merged in Python --------------------------------


_decode = json.JSONDecoder().decode
_encode = json.JSONEncoder(separators=(",", ":")).encode
"""json's C codecs called directly: Histogram.dumps's format for these str -> int pairs."""


def _hist_add(mine: str | None, theirs: str | None) -> str:
    # Called for every bucket a batch lands in: merged as parsed, keys left as text (Histogram.dumps's format).
    counts: dict[str, int] = _decode(mine) if mine else {}
    reordered = False
    for index, n in (_decode(theirs) if theirs else {}).items():
        left = counts.get(index, 0) + n
        if left:
            reordered = reordered or index not in counts
            counts[index] = left
        else:
            counts.pop(index, None)
    # Most merges only add to buckets already there: `mine` is in order (it was written so), and stays so.
    return _encode({index: counts[index] for index in sorted(counts, key=int)} if reordered else counts)


class _HistSum:
    def __init__(self) -> None:
        self.hist = Histogram()

    def step(self, text: str | None) -> None:
        self.hist.merge(Histogram.loads(text))

    def finalize(self) -> str:
        return self.hist.dumps()


_REGISTERED: weakref.WeakSet[sqlite_utils.Database] = weakref.WeakSet()


def register_functions(db: sqlite_utils.Database) -> None:
    """`tether_hist_add(a, b)` and the aggregate `tether_hist_sum(h)` on this connection, once: defining a
    function again expires every statement SQLite has prepared on it, and each batch paid to prepare them anew."""
    if db in _REGISTERED:
        return
    db.conn.create_function("tether_hist_add", 2, _hist_add, deterministic=True)
    db.conn.create_aggregate("tether_hist_sum", 1, _HistSum)  # type: ignore[arg-type]
    _REGISTERED.add(db)


# -- the gap between two starts ---------------------------------------------------------------


def _only(names: Sequence[str] | None) -> tuple[str, list[Any]]:
    """An `AND integration IN (...)` clause for some integrations; empty for all of them."""
    if names is None:
        return "", []
    return f" AND integration IN ({', '.join('?' for _ in names) or 'NULL'})", list(names)


def _between(
    db: sqlite_utils.Database, window: str, low: float, high: float, names: Sequence[str] | None = None
) -> dict[Key, Totals]:
    """Each check's totals over the window's buckets in [low, high)."""
    hist = window == WITH_HISTOGRAM
    only, params = _only(names)
    sums = ", ".join(f"SUM({name})" for name in SUMS)
    sql = (
        f"SELECT integration, check_name, evidence, {sums}{', tether_hist_sum(hist)' if hist else ''} FROM rollups "
        f"WHERE resolution = ? AND bucket >= ? AND bucket < ?{only} GROUP BY integration, check_name, evidence"
    )
    out: dict[Key, Totals] = {}
    n = len(SUMS)
    for row in db.execute(sql, [RESOLUTION[window], low, high, *params]):
        out[(row[0], row[1], Evidence(row[2]))] = Totals.of_values(row[3 : 3 + n], row[3 + n] if hist else None)
    return out


def _moved(
    db: sqlite_utils.Database, window: str, old: float | None, new: float, names: Sequence[str] | None = None
) -> tuple[dict[Key, Totals], int]:
    """What moving the window's start from `old` to `new` changes: the buckets between, and whether they
    leave (-1) or join (+1). No start yet: every bucket from `new` on joins."""
    if old is None:
        return _between(db, window, new, math.inf, names), 1
    if new > old:
        return _between(db, window, old, new, names), -1
    return _between(db, window, new, old, names), 1


# -- the writer's side ------------------------------------------------------------------------


def _upsert_sql(window: str) -> str:
    """Add a row's sums to a check's window (or start it): SQLite does the adding, one statement per batch."""
    hist = window == WITH_HISTOGRAM
    columns = ["integration", "check_name", "evidence", "window_name", *SUMS, *(["hist"] if hist else [])]
    updates = [f"{name} = rollup_windows.{name} + excluded.{name}" for name in SUMS]
    if hist:
        updates.append("hist = tether_hist_add(rollup_windows.hist, excluded.hist)")
    return (
        f"INSERT INTO rollup_windows ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT (integration, check_name, evidence, window_name) DO UPDATE SET {', '.join(updates)}"
    )


_UPSERT = {window: _upsert_sql(window) for window in RESOLUTION}


def _row(where: Sequence[str], window: str, totals: Totals, sign: int = 1) -> list[Any]:
    values = totals.values()
    row: list[Any] = [*where, window, *(values if sign == 1 else (sign * v for v in values))]
    if window == WITH_HISTOGRAM:
        counts = totals.hist.counts
        row.append(Histogram({k: sign * v for k, v in counts.items()} if sign != 1 else counts).dumps())
    return row


def _upsert(db: sqlite_utils.Database, window: str, changes: Mapping[Key, Totals], sign: int) -> None:
    if not changes:
        return
    rows = [_row((i, c, str(e)), window, totals, sign) for (i, c, e), totals in changes.items()]
    db.conn.executemany(_UPSERT[window], rows)
    if sign < 0:
        db.execute("DELETE FROM rollup_windows WHERE window_name = ? AND count <= 0", [window])


def _stored_starts(db: sqlite_utils.Database) -> dict[str, float]:
    return {str(row[0]): float(row[1]) for row in db.execute("SELECT window_name, since FROM rollup_window_starts")}


def count_fold(db: sqlite_utils.Database) -> None:
    """Note that a batch changed the rollups (in its transaction): readers' remembered reads are stale."""
    db.execute("UPDATE rollup_folds SET folds = folds + 1")


def folds(store: Store) -> int:
    """How many batches have changed the rollups: a reader that saw this count already has what they hold."""
    return int(store.conn.execute("SELECT folds FROM rollup_folds").fetchone()[0])


_REMEMBERED: weakref.WeakKeyDictionary[Store, dict[Hashable, tuple[Hashable, Any]]] = weakref.WeakKeyDictionary()


def remembered(store: Store, key: Hashable, valid: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or what it returned last time on this connection if `valid` (with the fold count) is the same.

    The dashboard reads every few seconds; the rollups change only when a batch folds in.
    """
    seen = (folds(store), valid)
    held = _REMEMBERED.setdefault(store, {})
    if (hit := held.get(key)) is not None and hit[0] == seen:
        return cast(T, hit[1])
    value = read()
    held[key] = (seen, value)
    return value


def advance(db: sqlite_utils.Database, now: float) -> dict[str, float]:
    """Move every window's start to where `now` puts it; returns the starts. Call inside a write
    transaction, before retention drops anything (the buckets that leave are read from the rollups)."""
    register_functions(db)
    stored = _stored_starts(db)
    wanted = starts(now, clock.month_start(now))
    for window, since in wanted.items():
        old = stored.get(window)
        if old == since:
            continue
        changes, sign = _moved(db, window, old, since)
        _upsert(db, window, changes, sign)
        db.execute("INSERT OR REPLACE INTO rollup_window_starts (window_name, since) VALUES (?, ?)", [window, since])
    return wanted


Bucket = tuple[str, str, str, int, float]
"""(integration, check, evidence, resolution, bucket start): one rollup row."""


def fold(db: sqlite_utils.Database, buckets: Mapping[Bucket, Totals], since: Mapping[str, float]) -> None:
    """Add a batch (already summed per rollup bucket) to every window it lands in, the windows starting
    at `since` (what `advance` returned). Call in the transaction that adds the same totals to the rollups."""
    by_resolution: dict[int, list[str]] = {}
    for window, resolution in RESOLUTION.items():
        by_resolution.setdefault(resolution, []).append(window)
    rows: dict[str, list[list[Any]]] = {window: [] for window in RESOLUTION}
    for (integration, check, evidence, resolution, bucket), totals in buckets.items():
        for window in by_resolution.get(resolution, ()):
            if bucket >= since[window]:
                rows[window].append(_row((integration, check, evidence), window, totals))
    for window, found in rows.items():
        if found:
            db.conn.executemany(_UPSERT[window], found)


# -- the reader's side ------------------------------------------------------------------------


def windows(store: Store, now: float, month_start: float, names: Sequence[str] | None = None) -> dict[Key, Windows]:
    """24 h, 7 d, 30 d and 365 d totals plus the calendar month's, for every check (or those of
    some integrations) at once: one row per check and window, plus the buckets between the last
    writer's clock and `now` when they differ. Raw results are never read; nothing is read again
    on this connection until a batch folds in or a window moves. The totals are shared: read them only.
    """
    only = None if names is None else tuple(names)
    wanted = tuple(starts(now, month_start).items())
    return remembered(store, ("windows", only), wanted, lambda: _read(store, now, month_start, names))


def _read(store: Store, now: float, month_start: float, names: Sequence[str] | None) -> dict[Key, Windows]:
    register_functions(store.db)
    stored = _stored_starts(store.db)
    only, params = _only(names)
    sums = ", ".join(SUMS)
    out: dict[Key, Windows] = {}
    n = len(SUMS)
    evidence = {str(e): e for e in Evidence}
    for row in store.conn.execute(
        f"SELECT integration, check_name, evidence, window_name, {sums}, hist FROM rollup_windows WHERE 1{only}", params
    ):
        w = out.setdefault((row[0], row[1], evidence[row[2]]), Windows())
        setattr(w, row[3], Totals.of_values(row[4 : 4 + n], row[4 + n] if row[3] == WITH_HISTOGRAM else None))
    for window, since in starts(now, month_start).items():
        old = stored.get(window)
        if old == since:
            continue
        changes, sign = _moved(store.db, window, old, since, names)
        for key, totals in changes.items():
            getattr(out.setdefault(key, Windows()), window).add(totals, sign)
    return out
