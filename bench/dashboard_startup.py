"""The dashboard with 1,000 integrations and 30 and 365 days of history: first paint with every row,
the worker's load per refresh and the main thread's time per refresh, each with a baseline measured
in the same run and its ratio. Exits non-zero when a goal is missed, or when the dashboard read
nothing (its figures must equal a brute-force count of the fixture's samples).

    .venv/bin/python bench/dashboard_startup.py [--integrations N] [--days D ...]

The fixture is dated to the clock the app reads (the real one): one probe per check and hour up to
a minute ago, the density real probing leaves in the hourly rollup. The last 31 days go through the
real fold (`record_samples`, a day per batch, each at its own time, so windows move and retention
drops as in use); older days, whose minute and hourly rows retention would have dropped, are summed
per day and written through `add_totals`, the fold's own batched step.

The store's registry is synced from integrations.yaml as the first start syncs it, so the median
start skips the sync as every start does until the file changes (ADR 0016); one more start after
the store forgets that sync shows what the first start after an edit costs.

First paint is timed from process start (the parent notes the time, then starts a fresh interpreter)
to the first frame painted with every row in the table, along the path `tether dash` takes: import
the CLI, load integrations.yaml, open and sync the store, start the app, load in a worker, fill the
table. Baseline: a fresh process painting a bare DataTable with the same 1,000 rows' cell texts.

Refresh: the worker's load (reading the store and making rows), and the main thread's time from
applying a load to the end of the repaint it causes, with nothing changed and with 5% of the
integrations changing state between refreshes (so the rows re-sort). Baselines: reading the rows the
figures come from, raw (`SELECT *` of the kept windows, the last day's hourly probes and the latest
results); and a bare DataTable updating the same 5% of rows' cells and re-sorting.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 5
REFRESHES = 10
REAL_DAYS = 31
"""Days of history written through the real fold (one more than the hourly rows are kept)."""
GOALS = {"first paint": 1.0, "worker load": 0.100, "main thread": 0.050}
"""Seconds: first paint with every row; each refresh's load in the worker; main thread per refresh (5% changed)."""
HOUR, DAY = 3600, 86400


# -- the fixture ------------------------------------------------------------------------------


def ok_at(i: int, h: int) -> bool:
    """Whether integration i's probe h hours ago succeeded (one failure in 23, the same hours every day)."""
    return (i + h % 24) % 23 != 0


def latency_at(i: int, h: int) -> float:
    return 80.0 + (i * 7 + h % 24) % 400


def probe_at(t0: float, h: int) -> float:
    return t0 - h * HOUR - 60


def workspace_yaml(count: int) -> str:
    # Imported here, in the parent only: a child that imported the tests' helpers (textual among
    # them) before its first mark would hide what start-up costs.
    sys.path.insert(0, str(ROOT))
    from tests.tui_support import many_integrations

    return many_integrations(count)


def build(folder: Path, count: int, days: int, t0: float) -> tuple[Path, Path]:
    from tether.checks.result import CheckResult
    from tether.checks.states import State
    from tether.store import open_store
    from tether.store.registry import sync_integrations
    from tether.store.results import record_results
    from tether.store.rollups import ALL_TIME, Sample, Totals, add_totals, bucket_start, record_samples
    from tether.workspace import load_workspace

    file, db = folder / "integrations.yaml", folder / "tether.db"
    file.write_text(workspace_yaml(count), encoding="utf-8")
    ws = load_workspace(file)

    def sample(i: int, h: int) -> Sample:
        return Sample(f"service-{i:04d}", "health", probe_at(t0, h), ok_at(i, h), latency_at(i, h))

    real = min(days, REAL_DAYS)
    with open_store(db) as store:
        sync_integrations(store, ws.store_definitions(), t0 - (days + 1) * DAY)
        older = range(real * 24, days * 24)
        if older:
            by_day: dict[float, list[int]] = {}
            for h in older:
                by_day.setdefault(bucket_start(probe_at(t0, h), DAY), []).append(h)
            buckets: dict[tuple[str, str, str, int, float], Totals] = {}
            for i in range(count):
                whole: Totals | None = None  # every whole day of a check sums the same 24 hours
                ever = Totals()
                for day, hours in by_day.items():
                    if len(hours) == 24 and whole is not None:
                        totals = whole
                    else:
                        totals = Totals()
                        for h in hours:
                            totals.add_sample(sample(i, h))
                        whole = totals if len(hours) == 24 else whole
                    buckets[(f"service-{i:04d}", "health", "probe", DAY, day)] = totals
                    ever.add(totals)
                buckets[(f"service-{i:04d}", "health", "probe", ALL_TIME, 0.0)] = ever
            with store.transaction() as tx:
                add_totals(tx, buckets, t0 - real * DAY)
        for day in range(real - 1, -1, -1):
            batch = [sample(i, h) for i in range(count) for h in range(day * 24, day * 24 + 24)]
            record_samples(store, batch, t0 - day * DAY)
        states = [State.HEALTHY, State.DEGRADED, State.DOWN]
        record_results(
            store,
            [
                CheckResult(
                    f"service-{i:04d}", "health", "http", states[i % 3 if i % 10 == 0 else 0], "ok", "ok", t0 - 30, 90.0
                )
                for i in range(count)
            ],
        )
    return file, db


def expected(count: int, days: int, t0: float, now: float, i: int) -> dict[str, Any]:
    """Integration i's probes in each window at `now`, counted straight from the fixture's samples."""
    from tether.clock import month_start
    from tether.store.rollups import RETENTION, bucket_start
    from tether.store.windows import RESOLUTION, starts

    since = starts(now, month_start(now))
    out: dict[str, Any] = {}
    for window, resolution in RESOLUTION.items():
        kept_from = max(since[window], bucket_start(t0 - RETENTION[resolution], resolution))
        hours = [h for h in range(days * 24) if bucket_start(probe_at(t0, h), resolution) >= kept_from]
        ok = sum(ok_at(i, h) for h in hours)
        out[window] = {"count": len(hours), "uptime": ok / len(hours) if hours else None}
    return out


# -- the children -------------------------------------------------------------------------------


def child_tether(file: str, db: str, days: int, t0: float, refreshes: int) -> None:
    """What `tether dash` does, headless, reporting when every row is painted, then timing refreshes."""
    marks: dict[str, float] = {"interpreter up": time.time()}
    import tether.__main__  # the console script's module, as `tether` starts (the collector off: tether.startup)
    from tether.cli.dash import launch
    from tether.clock import now
    from tether.store import open_store
    from tether.store.registry import sync_workspace
    from tether.workspace import load_workspace

    marks["CLI imported"] = time.time()
    ws = load_workspace(Path(file))
    marks["integrations.yaml loaded"] = time.time()
    with open_store(db) as store:
        sync_workspace(store, ws, now())
    marks["store opened and synced"] = time.time()
    report: dict[str, Any] = {"marks": marks, "errors": []}
    import tether.tui.app  # what launch() imports first, imported here to see its cost

    marks["textual and the app imported"] = time.time()
    load = tether.tui.app.overview
    cpu: list[float] = []

    def timed_overview(*args: Any, **kwargs: Any) -> Any:
        marks.setdefault("app up, first load begins (worker)", time.time())
        started = time.thread_time()
        result = load(*args, **kwargs)
        cpu.append(time.thread_time() - started)  # the worker thread's own CPU: what the load costs, not the wait
        marks.setdefault("first load done", time.time())
        return result

    tether.tui.app.overview = timed_overview  # type: ignore[assignment]

    def painted(app: object) -> None:
        from tether.tui.app import TetherApp

        assert isinstance(app, TetherApp)
        marks["first screenful painted"] = time.time()
        app.run_worker(measure(app), exclusive=True)

    async def measure(app: Any) -> None:
        import asyncio

        from textual.widgets import DataTable

        screen = app.screen
        while screen._filling:
            await asyncio.sleep(0.001)
        filled = asyncio.Event()
        app.call_after_refresh(filled.set)
        await filled.wait()
        report["painted"] = marks["every row in the table, painted"] = time.time()
        report["painted_cpu"] = time.process_time()  # every thread's CPU since the process began
        report["errors"] = check_painted(app, screen.query_one(DataTable), days, t0)
        loads: dict[str, list[float]] = {"unchanged": [], "changed": []}
        cpus: dict[str, list[float]] = {"unchanged": [], "changed": []}
        repaints: dict[str, list[float]] = {"unchanged": [], "changed": []}
        painted_after: list[float] = []
        show = screen.show

        def timed_show(overview: Any) -> None:
            # From the start of applying to the end of the repaint it causes: all main-thread work.
            started = time.perf_counter()
            show(overview)
            app.call_after_refresh(lambda: painted_after.append(time.perf_counter() - started))

        screen.show = timed_show
        for kind in ("unchanged", "changed"):
            for round_ in range(refreshes):
                if kind == "changed":
                    await asyncio.to_thread(flip_states, db, round_)
                before = len(painted_after)
                app.refresh_now()
                while len(painted_after) == before:
                    await asyncio.sleep(0.005)
                repaints[kind].append(painted_after[-1])
                loads[kind].append(app.overview.elapsed)
                cpus[kind].append(cpu[-1])
        report["repaints"], report["loads"], report["cpu"] = repaints, loads, cpus
        report["first load cpu"] = cpu[0]
        report["raw read"] = await asyncio.to_thread(raw_read, db, refreshes)
        print(json.dumps(report), flush=True)
        app.exit()

    launch(ws, db, headless=True, on_first_paint=painted, refresh_every=3600.0)


def check_painted(app: Any, table: Any, days: int, t0: float) -> list[str]:
    """What the dashboard read and painted, against the fixture: a dashboard that read nothing fails here."""
    from tether.tui import format as fmt

    errors = []
    rows = app.overview.rows
    count = len(rows)
    if table.row_count != count or count == 0:
        errors.append(f"{table.row_count} rows painted of {count}")
    for row in rows:
        f = row.figures
        if None in (f.uptime.day, f.uptime.week, f.uptime.month, f.uptime.year, f.success.rate, f.processing.p95_ms):
            errors.append(f"{row.name}: a figure is missing ({f.uptime}, {f.success}, {f.processing})")
            break
    now = app.overview.now
    for row in rows[:: max(1, count // 25)]:
        i = int(row.name.split("-")[1])
        want = expected(count, days, t0, now, i)
        f = row.figures
        got = {
            "day": (f.success.count, f.uptime.day),
            "week": (f.uptime.counted_week, f.uptime.week),
            "month": (None, f.uptime.month),
            "year": (None, f.uptime.year),
        }
        for window, (n, uptime) in got.items():
            if n is not None and n != want[window]["count"]:
                errors.append(f"{row.name}: {n} probes in the {window} window, the fixture has {want[window]['count']}")
            if uptime != want[window]["uptime"]:
                errors.append(
                    f"{row.name}: uptime over the {window} {uptime}, the fixture gives {want[window]['uptime']}"
                )
        cell = table.get_row(row.name)[[c.value for c in table.columns].index("uptime")]
        if str(getattr(cell, "plain", cell)) != fmt.percent(want["day"]["uptime"]):
            errors.append(
                f"{row.name}: painted uptime {cell!r}, the fixture gives {fmt.percent(want['day']['uptime'])}"
            )
    return errors


def raw_read(db: str, rounds: int) -> list[float]:
    """Baseline for the load: the rows the figures come from, fetched raw."""
    import sqlite3

    conn = sqlite3.connect(db)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        conn.execute("SELECT * FROM rollup_windows").fetchall()
        conn.execute("SELECT * FROM probe_hours WHERE bucket > ?", [time.time() - DAY]).fetchall()
        conn.execute("SELECT * FROM check_latest").fetchall()
        times.append(time.perf_counter() - started)
    conn.close()
    return times


def forget_sync(db: Path) -> bool:
    """Make the store forget the last registry sync, as an edit of integrations.yaml would."""
    import sqlite3

    conn = sqlite3.connect(db)
    with conn:
        forgot = conn.execute("DELETE FROM registry_synced").rowcount > 0
    conn.close()
    return forgot


def flip_states(db: str, round_: int) -> None:
    """Another writer moves 5% of the integrations to their next state, as probing would (so the order changes)."""
    from tether.checks.result import CheckResult
    from tether.checks.states import State
    from tether.clock import now
    from tether.store import open_store
    from tether.store.results import latest_per_check, record_results

    cycle = [State.HEALTHY, State.DEGRADED, State.DOWN]
    with open_store(db) as store:
        current = {r["integration"]: State(r["state"]) for r in latest_per_check(store)}
        chosen = sorted(current)[round_::20]
        record_results(
            store,
            [
                CheckResult(
                    name, "health", "http", cycle[(cycle.index(current[name]) + 1) % 3], "bench", "ok", now(), 50.0
                )
                for name in chosen
            ],
        )


def child_bare(cells_file: str, refreshes: int) -> None:
    """Baseline: a bare DataTable painted with the same rows' cell texts, then updating 5% of them and re-sorting."""
    marks = {"interpreter up": time.time()}
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    rows: list[list[str]] = json.loads(Path(cells_file).read_text(encoding="utf-8"))
    report: dict[str, Any] = {"marks": marks}

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            table: DataTable[Text] = DataTable()
            for n in range(len(rows[0])):
                table.add_column(f"c{n}", key=f"c{n}")
            yield table

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for n, row in enumerate(rows):
                table.add_row(*(Text(cell) for cell in row), key=str(n))
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            report["painted"] = time.time()
            report["painted_cpu"] = time.process_time()
            self.run_worker(self.refreshes(), exclusive=True)

        async def refreshes(self) -> None:
            import asyncio

            table = self.query_one(DataTable)
            times = []
            for round_ in range(refreshes):
                started = time.perf_counter()
                done = asyncio.Event()
                column = "c0"
                for n in range(round_, len(rows), 20):
                    table.update_cell(str(n), column, Text(f"{rows[n][0]} {round_}"))
                table.sort(column, key=lambda cell: cell.plain)
                self.call_after_refresh(done.set)
                await done.wait()
                times.append(time.perf_counter() - started)
            report["repaints"] = times
            print(json.dumps(report), flush=True)
            self.exit()

    Bare().run(headless=True)


def run_child(args: list[str]) -> tuple[float, dict[str, Any]]:
    """Start a fresh interpreter; return seconds from just before its start to its report's paint, and the report."""
    started = time.time()
    done = subprocess.run([sys.executable, *args], check=False, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"child {args[:3]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return float(report["painted"]) - started, report


def dump_cells(file: Path, db: Path, out: Path) -> None:
    """The rows tether shows, as plain text, for the bare baseline to paint."""
    from tether.clock import now
    from tether.pricing import PriceBook
    from tether.store import open_store
    from tether.tui.data import overview
    from tether.workspace import load_workspace

    ws = load_workspace(file)
    with open_store(db) as store:
        rows = overview(ws, store, now(), PriceBook.load(ws.root)).rows
    out.write_text(json.dumps([[cell.plain for cell in row.cells] for row in rows]), encoding="utf-8")


# -- the run ------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def line(label: str, value: float, base: float, goal: float | None = None) -> bool:
    """Print a figure with its baseline and ratio; return whether its goal holds."""
    met = goal is None or value <= goal
    aim = "" if goal is None else f"  goal <= {goal * 1000:.0f} ms: {'met' if met else 'MISSED'}"
    print(f"  {label:<44} {ms(value)}   baseline {ms(base)}   {value / base:6.2f}x{aim}")
    return met


def run(count: int, days: int) -> bool:
    script = str(Path(__file__).resolve())
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.time()
        file, db = build(Path(tmp), count, days, t0)
        size_mb = db.stat().st_size / 1e6
        print(
            f"\n== {count:,} integrations x {days} days: {count * days * 24:,} hourly probes "
            f"({count * min(days, REAL_DAYS) * 24:,} through the real fold), store {size_mb:.0f} MB, "
            f"built in {time.time() - t0:.0f} s"
        )
        cells = Path(tmp) / "cells.json"
        dump_cells(file, db, cells)
        child = [
            script,
            "--child",
            "tether",
            "--file",
            str(file),
            "--db",
            str(db),
            "--days",
            str(days),
            "--t0",
            str(t0),
        ]
        runs = sorted((run_child(child) for _ in range(ROUNDS)), key=lambda run: run[0])
        edited = run_child(child) if forget_sync(db) else None
        bare = sorted(
            (run_child([script, "--child", "bare", "--cells", str(cells)]) for _ in range(ROUNDS)), key=lambda r: r[0]
        )
    errors = [e for _, report in runs for e in report["errors"]]
    for error in sorted(set(errors))[:10]:
        print(f"  READ WRONG: {error}")
    first, report = runs[len(runs) // 2]
    base_first, base_report = bare[len(bare) // 2]
    print(f"first paint, process start -> every row painted (median of {ROUNDS} fresh processes)")
    ok = line("tether dashboard (baseline: bare DataTable)", first, base_first, GOALS["first paint"])
    cpu, base_cpu = (statistics.median(float(r["painted_cpu"]) for _, r in runs_) for runs_ in (runs, bare))
    line("  the same in CPU time (the machine's load aside)", cpu, base_cpu)
    if edited is not None:
        print(f"  (the first start after integrations.yaml changed, which syncs the registry: {ms(edited[0]).strip()})")
    marks: dict[str, float] = report["marks"]
    start = float(report["painted"]) - first
    previous = start
    for label, at in sorted(marks.items(), key=lambda item: item[1]):
        print(f"      {label:<40} +{ms(at - previous)}   at {ms(at - start)}")
        previous = at
    print(f"      (the first load's own CPU in its worker thread: {ms(report['first load cpu'])})")
    loads, repaints = report["loads"], report["repaints"]
    raw = statistics.median(report["raw read"])
    print(f"refresh (median of {REFRESHES}; max in brackets)")
    for kind, label in (("unchanged", "nothing changed"), ("changed", "5% changed state, re-sorted")):
        load = statistics.median(loads[kind])
        cpu = statistics.median(report["cpu"][kind]) * 1000
        what = f"worker load, {label} [max {max(loads[kind]) * 1000:.0f} ms, CPU {cpu:.0f} ms]"
        ok &= line(what, load, raw, GOALS["worker load"])
    bare_repaint = statistics.median(base_report["repaints"])
    for kind, label in (("unchanged", "nothing changed"), ("changed", "5% changed state, re-sorted")):
        main = statistics.median(repaints[kind])
        goal = GOALS["main thread"] if kind == "changed" else None
        ok &= line(f"main thread, {label} [max {max(repaints[kind]) * 1000:.0f} ms]", main, bare_repaint, goal)
    print(
        "  (baselines: load - the figures' rows fetched raw; main thread - a bare DataTable updating 5% and re-sorting)"
    )
    return ok and not errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--integrations", type=int, default=1000)
    parser.add_argument("--days", type=int, nargs="*", default=[30, 365])
    parser.add_argument("--child", choices=["tether", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--cells", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child == "tether":
        child_tether(options.file, options.db, options.days[0], options.t0, REFRESHES)
        return
    if options.child == "bare":
        child_bare(options.cells, REFRESHES)
        return
    results = [run(options.integrations, days) for days in options.days]
    if not all(results):
        sys.exit("dashboard: a goal was missed or the dashboard read wrong figures (above)")


if __name__ == "__main__":
    main()
