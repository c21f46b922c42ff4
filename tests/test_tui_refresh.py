"""A dashboard refresh reads and makes only what changed: an unchanged store is not read again, and a row
whose cells would come out the same keeps them, carrying the fresh figures."""

from __future__ import annotations

from pathlib import Path

from tests.tui_support import NOW, seeded_store
from tether.checks.result import CheckResult
from tether.checks.states import State
from tether.monitor.quiet import quiet_after
from tether.pricing import PriceBook
from tether.store import open_store
from tether.store.results import record_results
from tether.store.rollups import HOUR, bucket_start
from tether.tui.data import REREAD_EVERY, overview

BOOK = PriceBook.load(None)


def test_an_unchanged_store_is_not_read_again_within_the_hour_and_the_minute(tmp_path: Path) -> None:
    ws, path = seeded_store(tmp_path)
    assert bucket_start(NOW + 20, HOUR) == bucket_start(NOW, HOUR)
    with open_store(path) as store:
        first = overview(ws, store, NOW, BOOK)
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        again = overview(ws, store, NOW + 20, BOOK, first)
        store.conn.set_trace_callback(None)
        assert again.rows is first.rows and again.now == NOW + 20
        assert statements == ["PRAGMA data_version"]  # nothing else was read
        # Later than a minute, or in the next hour (windows start on hours): read again.
        assert overview(ws, store, NOW + REREAD_EVERY + 1, BOOK, first).rows is not first.rows
        next_hour = bucket_start(NOW, HOUR) + HOUR + 1
        assert overview(ws, store, next_hour, BOOK, first).rows is not first.rows


def test_a_write_from_another_connection_is_read_at_once(tmp_path: Path) -> None:
    ws, path = seeded_store(tmp_path)
    with open_store(path) as store, open_store(path) as prober:
        first = overview(ws, store, NOW, BOOK)
        healthy = next(r for r in first.rows if r.state is State.HEALTHY)
        check = ws.integration(healthy.name).checks[0]
        record_results(
            prober, [CheckResult(healthy.name, check.name, check.kind, State.DOWN, "503", "http", NOW + 5, 90.0)]
        )
        second = overview(ws, store, NOW + 10, BOOK, first)
    changed = next(r for r in second.rows if r.name == healthy.name)
    assert changed.state is State.DOWN and changed.cells[0].plain != healthy.cells[0].plain
    before = {r.name: r for r in first.rows}
    kept = [r for r in second.rows if r.name != healthy.name and r.inputs == before[r.name].inputs]
    assert kept, "the other rows did not change"
    for row in kept:
        assert row.cells is before[row.name].cells  # not made again
        assert row.figures is not before[row.name].figures  # but carrying this read's figures


def test_the_quiet_flag_follows_the_clock_on_an_unchanged_store(tmp_path: Path) -> None:
    ws, path = seeded_store(tmp_path)
    with open_store(path) as store:
        first = overview(ws, store, NOW, BOOK)
        assert first.last_result is not None
        edge = first.last_result + quiet_after(ws)
        assert bucket_start(edge - 10, HOUR) == bucket_start(edge + 10, HOUR)
        before = overview(ws, store, edge - 10, BOOK)
        assert not before.quiet
        after = overview(ws, store, edge + 10, BOOK, before)
        assert after.rows is before.rows  # not read again...
        assert after.quiet  # ...but no prober has written for too long now
