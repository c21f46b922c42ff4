"""The kept windows against a brute-force count of the samples they sum, as time moves across hour,
day and month boundaries, with writers and readers on different clocks, and a store that had no
kept windows migrating to them. And what a read costs: the same whatever the history's length.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tether import clock
from tether.model.tokens import TOKEN_TYPES, TokenCounts
from tether.store import Store, open_store
from tether.store.histogram import Histogram
from tether.store.rollups import (
    DAY,
    HOUR,
    RETENTION,
    Evidence,
    Sample,
    Totals,
    bucket_start,
    hourly_uptime,
    record_samples,
    windows,
)
from tether.store.windows import RESOLUTION, WITH_HISTOGRAM, register_functions, starts

START = datetime(2026, 1, 20, 9, 17, 5, tzinfo=UTC).timestamp()
"""A morning in January: the history below runs past the end of the month."""
KEYS = [("leads", "crm", Evidence.PROBE), ("leads", "zap-ran", Evidence.RUN), ("portal", "health", Evidence.PROBE)]


def month_start(ts: float) -> float:
    moment = datetime.fromtimestamp(ts, tz=UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC).timestamp()


@dataclass
class History:
    """Every sample written, and the latest time any writer applied retention at."""

    samples: list[Sample]
    written_until: float


def sample(rng: random.Random, key: tuple[str, str, Evidence], ts: float) -> Sample:
    integration, check, evidence = key
    return Sample(
        integration,
        check,
        ts,
        ok=rng.random() > 0.1,
        latency_ms=None if rng.random() < 0.05 else rng.lognormvariate(5.5, 0.7),
        tokens=TokenCounts(rng.randrange(0, 900), rng.randrange(0, 300), rng.randrange(0, 50), 0),
        cost_usd=rng.random() / 100 if evidence is Evidence.RUN else 0.0,
        monitoring_cost_usd=rng.random() / 1000 if evidence is Evidence.PROBE else 0.0,
        excluded=rng.random() < 0.03,
        evidence=evidence,
    )


def write(store: Store, rng: random.Random, until: float, days: float) -> History:
    """`days` of history up to `until`, folded in 20-minute batches as probing would (a sample every ~7 minutes
    per check), each batch at its own time; every tenth batch also brings a late sample from hours ago."""
    samples: list[Sample] = []
    batch_at = until - days * DAY
    while batch_at < until:
        batch_at += 20 * 60
        batch = [sample(rng, key, batch_at - rng.uniform(0, 20 * 60)) for key in KEYS for _ in range(3)]
        if rng.random() < 0.1:
            batch.append(sample(rng, rng.choice(KEYS), batch_at - rng.uniform(HOUR, 30 * HOUR)))
        record_samples(store, batch, batch_at)
        samples += batch
    return History(samples, batch_at)


Truth = dict[tuple[str, str, Evidence], dict[str, Totals]]


def brute_force(history: History, now: float, month_begins: float) -> Truth:
    """Each window summed straight from the samples: those in its buckets that retention has not dropped."""
    since = starts(now, month_begins)
    out: dict[tuple[str, str, Evidence], dict[str, Totals]] = {}
    for s in history.samples:
        for window, resolution in RESOLUTION.items():
            kept_from = bucket_start(history.written_until - RETENTION[resolution], resolution)
            if bucket_start(s.ts, resolution) >= max(since[window], kept_from):
                out.setdefault((s.integration, s.check, s.evidence), {}).setdefault(window, Totals()).add_sample(s)
    return out


def assert_same(found: Totals, truth: Totals, window: str) -> None:
    for name in ("count", "successes", "excluded", "excluded_successes", "latency_count"):
        assert getattr(found, name) == getattr(truth, name), (window, name)
    for name in TOKEN_TYPES:
        assert getattr(found.tokens, name) == getattr(truth.tokens, name), (window, name)
    assert found.latency_sum_ms == pytest.approx(truth.latency_sum_ms, rel=1e-9, abs=1e-6)
    assert found.cost_usd == pytest.approx(truth.cost_usd, rel=1e-9, abs=1e-9)
    assert found.monitoring_cost_usd == pytest.approx(truth.monitoring_cost_usd, rel=1e-9, abs=1e-9)
    if window == WITH_HISTOGRAM:
        assert found.hist.counts == truth.hist.counts
        assert found.p(0.95) == truth.p(0.95)


def assert_windows_agree(store: Store, history: History, now: float, month_begins: float) -> None:
    truth = brute_force(history, now, month_begins)
    found = windows(store, now, month_begins)
    assert set(truth) == set(KEYS)
    for key in KEYS:
        for window in RESOLUTION:
            assert_same(getattr(found[key], window), truth[key].get(window, Totals()), window)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(clock, "now", lambda: START - 40 * DAY)
    with open_store(tmp_path / "tether.db") as opened:
        yield opened


def test_windows_equal_the_samples_they_sum_as_time_crosses_hours_days_and_a_month(store: Store) -> None:
    rng = random.Random(19)
    history = write(store, rng, START + 12 * DAY + 5 * HOUR, days=52)  # into February, past 30 days of hourly rows
    last = history.written_until
    assert month_start(last) > month_start(last - 13 * DAY)  # the month turned while writing
    assert_windows_agree(store, history, last, month_start(last))  # the reader at the last writer's clock
    assert_windows_agree(store, history, last + 3 * HOUR + 20, month_start(last))  # later: buckets leave
    assert_windows_agree(store, history, last + 2 * DAY, month_start(last))  # a day boundary later
    assert_windows_agree(store, history, last - 2 * DAY - 7 * HOUR, month_start(last - 14 * DAY))  # earlier


def test_a_writer_on_an_older_clock_keeps_the_windows_true(store: Store) -> None:
    """An eval run folds at its own finish time, hours behind the prober: the windows move back, then on."""
    rng = random.Random(5)
    history = write(store, rng, START, days=3)
    behind = history.written_until - 6 * HOUR
    late = [sample(rng, KEYS[0], behind - 600)]
    record_samples(store, late, behind)
    history.samples += late
    assert_windows_agree(store, history, history.written_until, month_start(history.written_until))
    assert_windows_agree(store, history, behind, month_start(behind))


def test_a_store_from_before_kept_windows_migrates_to_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    path = tmp_path / "old.db"
    with open_store(path) as store:
        history = write(store, rng, START, days=4)
        # As a store written before the kept windows were: rollups only.
        store.db.execute("DROP TABLE rollup_windows")
        store.db.execute("DROP TABLE rollup_window_starts")
        store.db.execute("DROP TABLE rollup_folds")
        store.db.execute("DROP TABLE probe_hours")
        store.db.execute("DELETE FROM _migrations WHERE name = '3007_probe_hours'")
        store.db.execute("DELETE FROM _migrations WHERE name = '3006_rollup_windows'")
    monkeypatch.setattr(clock, "now", lambda: history.written_until)
    with open_store(path) as store:
        assert "3006_rollup_windows" in store.applied
        assert_windows_agree(store, history, history.written_until, month_start(history.written_until))


def instructions_to_read_windows(store: Store, now: float) -> int:
    """SQLite virtual-machine steps (in hundreds) that reading every window takes: a measure of work, not of time."""
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    store.conn.set_progress_handler(tick, 100)
    try:
        windows(store, now, month_start(now))
    finally:
        store.conn.set_progress_handler(None, 0)
    return steps[0]


def dense_history(store: Store, now: float, days: int) -> None:
    """One sample per check-hour for `days`, folded a day at a time."""
    rng = random.Random(days)
    for day in range(days, 0, -1):
        day_end = now - (day - 1) * DAY
        record_samples(store, [sample(rng, key, day_end - h * HOUR - 60) for key in KEYS for h in range(24)], day_end)


def test_reading_the_windows_costs_the_same_whatever_the_history_length(tmp_path: Path) -> None:
    now = START
    work = {}
    for days in (2, 120):
        with open_store(tmp_path / f"{days}.db") as store:
            dense_history(store, now, days)
            work[days] = instructions_to_read_windows(store, now)
    # A scan of the hourly rows would take about 15 times the work for 120 days (30 days of them) as for 2.
    assert work[120] <= 1.2 * work[2] + 2, work


def test_the_last_days_hours_equal_the_probes_in_each_hour(store: Store) -> None:
    """The heartbeat bar's hours (probe_hours) against the samples: probes only, an integration's checks summed."""
    rng = random.Random(3)
    history = write(store, rng, START, days=3)
    now = history.written_until
    found = hourly_uptime(store, now, 24)
    truth: dict[str, dict[float, tuple[int, int, int, int]]] = {}
    for s in history.samples:
        bucket = bucket_start(s.ts, HOUR)
        if s.evidence is Evidence.PROBE and bucket > bucket_start(now - 24 * HOUR, HOUR):
            n, ok, ex, ex_ok = truth.setdefault(s.integration, {}).get(bucket, (0, 0, 0, 0))
            truth[s.integration][bucket] = (n + 1, ok + s.ok, ex + s.excluded, ex_ok + (s.excluded and s.ok))
    assert {name: set(hours) for name, hours in found.items()} == {name: set(hours) for name, hours in truth.items()}
    for name, hours in truth.items():
        for bucket, (n, ok, ex, ex_ok) in hours.items():
            assert found[name][bucket] == ((ok - ex_ok) / (n - ex) if n > ex else None)


def test_a_reader_reads_again_only_after_a_fold(tmp_path: Path) -> None:
    """The dashboard's connection keeps what it read until another connection folds a batch in."""
    rng = random.Random(2)
    path = tmp_path / "tether.db"
    with open_store(path) as writer, open_store(path) as reader:
        history = write(writer, rng, START, days=1)
        now = history.written_until
        before = windows(reader, now, month_start(now))[KEYS[0]].day.count
        statements: list[str] = []
        reader.conn.set_trace_callback(statements.append)
        again = windows(reader, now, month_start(now))[KEYS[0]].day.count
        reader.conn.set_trace_callback(None)
        assert again == before
        assert statements == ["SELECT folds FROM rollup_folds"]  # nothing else was read
        record_samples(writer, [sample(rng, KEYS[0], now - 60)], now)
        assert windows(reader, now, month_start(now))[KEYS[0]].day.count == before + 1
        assert windows(reader, now + 2 * HOUR, month_start(now))[KEYS[0]].day.count < before + 1  # the window moved


def test_the_sql_functions_are_defined_once_per_connection(store: Store) -> None:
    """Defining a function again expires every statement SQLite has prepared on the connection: each
    batch used to pay to parse its statements anew. A second registration leaves the first in place."""
    register_functions(store.db)
    store.conn.create_function("tether_hist_add", 2, lambda mine, theirs: "the one defined last")
    register_functions(store.db)
    assert store.conn.execute("SELECT tether_hist_add('{}', '{}')").fetchone()[0] == "the one defined last"


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        ([], []),
        ([10, 20, 20], [20, 4000]),
        ([10, 20, 20, 4000], [20, 10]),
        ([], [0.5, 90_000]),
        ([3, 3, 700], []),
    ],
)
def test_histograms_merged_in_sql_are_the_histogram_merged(
    store: Store, mine: list[float], theirs: list[float]
) -> None:
    a, b = Histogram.of(mine), Histogram.of(theirs)
    merged = Histogram.of([*mine, *theirs])
    register_functions(store.db)
    add = "SELECT tether_hist_add(?, ?)"
    assert store.conn.execute(add, [a.dumps(), b.dumps()]).fetchone()[0] == merged.dumps()
    taken_away = Histogram({k: -v for k, v in b.counts.items()}).dumps()
    assert store.conn.execute(add, [merged.dumps(), taken_away]).fetchone()[0] == a.dumps()
    assert store.conn.execute(add, [None, b.dumps()]).fetchone()[0] == b.dumps()
