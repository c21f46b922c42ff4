"""Rollups against the raw data they summarise: counts, latency sums, p50/p95 within the bound, tokens, cost."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from tether.checks.result import CheckResult
from tether.checks.states import State
from tether.figures import read_figures
from tether.model.tokens import TOKEN_TYPES, TokenCounts
from tether.model.workspace_file import WorkspaceFile
from tether.pricing import PriceBook
from tether.store import Store, open_store
from tether.store.histogram import EDGES, RELATIVE_ERROR, Histogram
from tether.store.results import count_results, record_results
from tether.store.retention import keep_last
from tether.store.rollups import (
    DAY,
    HOUR,
    MINUTE,
    Evidence,
    Sample,
    add_samples,
    all_time,
    fold_new,
    record_samples,
    series,
    windows,
)

NOW = 1_780_000_000.0  # a fixed moment (2026-05-28), so buckets are the same on every run


def nearest_rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def within_bound(estimate: float | None, exact: float) -> bool:
    assert estimate is not None
    return exact / (1 + RELATIVE_ERROR) <= estimate <= exact * (1 + RELATIVE_ERROR)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "tether.db")


@pytest.mark.parametrize(
    "draw",
    [
        lambda r: r.lognormvariate(math.log(300), 0.6),  # a typical API call
        lambda r: r.uniform(5, 50),  # fast and tight
        lambda r: r.expovariate(1 / 2000),  # long tail
        lambda r: r.choice([120.0, 120.0, 120.0, 9000.0]),  # two clusters
    ],
    ids=["lognormal", "uniform", "exponential", "bimodal"],
)
def test_histogram_quantiles_are_within_the_documented_bound(draw: object) -> None:
    rng = random.Random(7)
    values = [max(1.5, draw(rng)) for _ in range(5000)]  # type: ignore[operator]
    hist = Histogram.of(values)
    for q in (0.5, 0.95, 0.99):
        assert within_bound(hist.quantile(q), nearest_rank(values, q)), q


def test_histogram_merges_by_adding_and_round_trips_through_text() -> None:
    a, b = Histogram.of([10, 20, 30]), Histogram.of([20, 4000])
    a.merge(b)
    assert a.total == 5
    assert Histogram.loads(a.dumps()).counts == a.counts
    assert Histogram().quantile(0.95) is None


def test_histogram_cumulative_counts_are_exact_at_bucket_edges() -> None:
    values = [1.0, 2.0, 2.0001, 3.9, 4.0, 100.0, 200_000.0]
    hist = Histogram.of(values)
    for bound, count in hist.cumulative([EDGES[0], EDGES[4], EDGES[8], EDGES[-1]]):
        assert count == sum(1 for v in values if v <= bound)


def samples_for(rng: random.Random, check: str, start: float, seconds: float, n: int) -> list[Sample]:
    out = []
    for _ in range(n):
        out.append(
            Sample(
                integration="lead-intake",
                check=check,
                ts=start + rng.uniform(0, seconds),
                ok=rng.random() > 0.1,
                latency_ms=rng.lognormvariate(math.log(400), 0.7),
                tokens=TokenCounts(
                    rng.randint(0, 2000), rng.randint(0, 500), rng.randint(0, 1000), rng.randint(0, 100)
                ),
                cost_usd=rng.uniform(0, 0.01),
                monitoring_cost_usd=rng.uniform(0, 0.001),
            )
        )
    return out


def test_windows_match_the_raw_samples(store: Store) -> None:
    rng = random.Random(11)
    recent = samples_for(rng, "api", NOW - 20 * HOUR, 20 * HOUR, 1500)  # inside 24 h
    older = samples_for(rng, "api", NOW - 6 * DAY, 4 * DAY, 800)  # inside 7 d, not 24 h
    oldest = samples_for(rng, "api", NOW - 25 * DAY, 10 * DAY, 400)  # inside 30 d only
    for chunk in (recent[:700], recent[700:], older, oldest):  # several batches, as the engine writes them
        record_samples(store, chunk, NOW)

    w = windows(store, NOW, month_start=NOW - 40 * DAY)[("lead-intake", "api", Evidence.PROBE)]
    assert w.day.count == len(recent)
    assert w.week.count == len(recent) + len(older)
    assert w.month.count == len(recent) + len(older) + len(oldest)
    assert w.day.successes == sum(s.ok for s in recent)
    assert w.day.success_rate == pytest.approx(sum(s.ok for s in recent) / len(recent))
    assert w.day.latency_sum_ms == pytest.approx(sum(s.latency_ms or 0 for s in recent))
    latencies = [s.latency_ms or 0 for s in recent]
    assert within_bound(w.day.p(0.95), nearest_rank(latencies, 0.95))
    assert within_bound(w.day.p(0.5), nearest_rank(latencies, 0.5))
    everything = recent + older + oldest
    for name in TOKEN_TYPES:
        assert getattr(w.month.tokens, name) == sum(getattr(s.tokens, name) for s in everything)
    assert w.month.cost_usd == pytest.approx(sum(s.cost_usd for s in everything))
    assert w.month_to_date.monitoring_cost_usd == pytest.approx(sum(s.monitoring_cost_usd for s in everything))


def test_maintenance_runs_count_but_stay_out_of_uptime(store: Store) -> None:
    runs = [Sample("a", "c", NOW - 100 + i, ok=i % 2 == 0, excluded=i >= 6) for i in range(10)]
    # 6 counted runs (3 ok); 4 in maintenance (all failures and successes left out of uptime)
    record_samples(store, runs, NOW)
    day = windows(store, NOW, NOW - DAY)[("a", "c", Evidence.PROBE)].day
    assert day.count == 10
    assert day.uptime == pytest.approx(3 / 6)
    assert day.success_rate == pytest.approx(5 / 10)


def test_retention_drops_each_resolution_after_its_keep(store: Store) -> None:
    old = NOW - 2 * DAY
    record_samples(store, [Sample("a", "c", old, True, 10.0)], old)
    record_samples(store, [Sample("a", "c", NOW, True, 10.0)], NOW)  # retention runs with every write
    rows = store.conn.execute("SELECT resolution, bucket FROM rollups WHERE resolution > 0 ORDER BY bucket").fetchall()
    minute_buckets = [b for r, b in rows if r == MINUTE]
    assert minute_buckets == [math.floor(NOW / MINUTE) * MINUTE]  # the 2-day-old minute went
    assert sum(1 for r, _ in rows if r == HOUR) == 2  # hours stay 30 days
    assert sum(1 for r, _ in rows if r == DAY) == 2
    assert all_time(store)[("a", "c", Evidence.PROBE)].count == 2  # the all-time row never goes


def test_series_has_one_point_per_bucket(store: Store) -> None:
    record_samples(
        store,
        [Sample("a", "c", NOW - 30 * MINUTE + i * MINUTE, True, 100.0 + i) for i in range(30)],
        NOW,
    )
    points = series(store, "a", "1h", NOW)
    assert len(points) == 30
    assert all(p["count"] == 1 for p in points)
    assert [p["ts"] for p in points] == sorted(p["ts"] for p in points)
    hourly = series(store, "a", "24h", NOW)
    assert sum(p["count"] for p in hourly) == 30


def result(integration: str, check: str, ts: float, state: State = State.HEALTHY, latency: float = 50.0) -> CheckResult:
    return CheckResult(integration, check, "http", state, "ok", "ok", ts, latency, tokens_in=3, cost_usd=0.001)


def test_fold_new_folds_each_result_exactly_once(store: Store) -> None:
    record_results(store, [result("a", "c", NOW - i) for i in range(5)])
    with store.transaction() as db:
        assert fold_new(db, lambda _i, _t: False, NOW) == 5
    with store.transaction() as db:
        assert fold_new(db, lambda _i, _t: False, NOW) == 0
    record_results(store, [result("a", "c", NOW, State.DOWN)])
    with store.transaction() as db:
        assert fold_new(db, lambda _i, _t: False, NOW) == 1
    totals = all_time(store)[("a", "c", Evidence.PROBE)]
    assert (totals.count, totals.successes, totals.tokens.input_tokens) == (6, 5, 18)
    assert totals.monitoring_cost_usd == pytest.approx(0.006)  # probe spend is monitoring spend
    assert totals.cost_usd == 0


def test_raw_results_are_capped_per_check(store: Store) -> None:
    record_results(store, [result("a", "c", NOW + i) for i in range(50)] + [result("b", "c", NOW)])
    with store.transaction() as db:
        assert keep_last(db, "check_results", {("a", "c"), ("b", "c")}, 20) == 30
    assert count_results(store) == 21
    newest = store.conn.execute("SELECT min(started_at) FROM check_results WHERE integration = 'a'").fetchone()[0]
    assert newest == NOW + 30


def file_with(n: int) -> WorkspaceFile:
    return WorkspaceFile.model_validate(
        {
            "version": 1,
            "workspace": {"name": "t"},
            "integrations": [
                {
                    "name": f"i{k}",
                    "title": f"I {k}",
                    "pattern": "direct-api",
                    "checks": [
                        {"kind": "heartbeat", "name": "beat", "period": "1h"},
                        {"kind": "heartbeat", "name": "beat2", "period": "1h"},
                    ],
                }
                for k in range(n)
            ],
        }
    )


def queries_for_dashboard(store: Store, n: int) -> int:
    file = file_with(n)
    batch = [result(i.name, c.name, NOW - 60 * k) for i in file.integrations for c in i.checks for k in range(3)]
    record_results(store, batch)
    with store.transaction() as db:
        add_samples(db, [], NOW)
        fold_new(db, lambda _i, _t: False, NOW)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        rows = read_figures(file, store, NOW, PriceBook())
    finally:
        store.conn.set_trace_callback(None)
    assert len(rows) == n
    assert all(r.success.count == 6 for r in rows)
    # sqlite-utils wraps each query in a savepoint and looks up its catalogue for rows_where: count ours.
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT") and "sqlite_master" not in s)


def test_dashboard_reads_a_constant_number_of_queries(tmp_path: Path) -> None:
    few = queries_for_dashboard(open_store(tmp_path / "few.db"), 3)
    many = queries_for_dashboard(open_store(tmp_path / "many.db"), 60)
    assert few == many
    # The kept windows (the fold count, their starts, their rows), latest results, open incidents, latest evals,
    # the last 24 hours (the fold count, the hours).
    assert few == 8
