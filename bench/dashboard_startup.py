"""The dashboard with 1,000 integrations and 30 days of history: time to the first painted dashboard, and the
main thread's time per refresh, each against a baseline measured in the same run.

    .venv/bin/python bench/dashboard_startup.py [--integrations N] [--every-hours H]

Startup is timed from process start (the parent notes the time, then starts a fresh interpreter) to
the first frame painted with every row in it, taking the path `tether dash` takes: import the CLI,
load and validate integrations.yaml, open and sync the store, start the app, load the overview
in a worker, fill the table. Baseline: an empty Textual app's time from process start to its
first frame. Each figure is the median of ROUNDS fresh processes.

Refresh is timed inside the app: the main thread's share of applying a fresh overview (the load
itself runs in a worker thread, also reported), first with nothing changed, then with 5% of the
integrations changing state between refreshes (the order changes, so the table is rebuilt).
Baseline: filling a bare DataTable with the same 1,000 rows of plain text.
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

EMPTY_APP = """
import sys, time
from textual.app import App

class Empty(App[None]):
    def on_mount(self) -> None:
        self.call_after_refresh(self.done)

    def done(self) -> None:
        print(json.dumps({"painted": time.time()}), flush=True)
        self.exit()

import json
Empty().run(headless=True)
"""


def child_tether(file: str, db: str, refreshes: int) -> None:
    """What `tether dash` does, headless, reporting when the first full dashboard is painted."""
    import json as json_

    marks: dict[str, float] = {"interpreter up": time.time()}
    import tether.cli  # the CLI's import cost is part of startup
    from tether.cli.dash import launch
    from tether.clock import now
    from tether.store import open_store
    from tether.store.registry import sync_integrations
    from tether.workspace import load_workspace

    marks["CLI imported"] = time.time()
    ws = load_workspace(Path(file))
    marks["integrations.yaml loaded"] = time.time()
    with open_store(db) as store:
        sync_integrations(store, ws.store_definitions(), now())
    marks["store opened and synced"] = time.time()
    import tether.tui.data

    report: dict[str, object] = {"marks": marks}
    load = tether.tui.data.overview

    def timed_overview(*args: Any, **kwargs: Any) -> Any:
        marks.setdefault("app started, first read begins (worker)", time.time())
        result = load(*args, **kwargs)
        marks.setdefault("first read done", time.time())
        return result

    import tether.tui.app

    marks["textual and the app imported"] = time.time()
    tether.tui.app.overview = timed_overview  # type: ignore[assignment]

    def painted(app: object) -> None:
        from tether.tui.app import TetherApp

        assert isinstance(app, TetherApp)
        report["painted"] = time.time()
        report["rows"] = len(app.overview.rows) if app.overview else 0
        marks["first screenful painted"] = report["painted"]
        app.run_worker(measure_refreshes(app), exclusive=True)

    async def measure_refreshes(app: object) -> None:
        import asyncio

        from tether.tui.app import TetherApp

        assert isinstance(app, TetherApp)
        screen = app.screen
        filled = asyncio.Event()
        while screen._filling:  # type: ignore[attr-defined]
            await asyncio.sleep(0.001)
        app.call_after_refresh(filled.set)
        await filled.wait()
        marks["all rows in the table, painted"] = time.time()
        report["filled"] = marks["all rows in the table, painted"]
        loads: dict[str, list[float]] = {"unchanged": [], "changed": []}
        applies: dict[str, list[float]] = {"unchanged": [], "changed": []}
        repaints: dict[str, list[float]] = {"unchanged": [], "changed": []}
        show = screen.show  # type: ignore[attr-defined]
        painted_after: list[float] = []

        def timed_show(overview: Any) -> None:
            # From the start of applying to the end of the repaint it causes (the table measures new
            # cells when idle): all main-thread work, as nothing else runs in this process meanwhile.
            started = time.perf_counter()
            show(overview)
            app.call_after_refresh(lambda: painted_after.append(time.perf_counter() - started))

        screen.show = timed_show  # type: ignore[attr-defined]
        for kind in ("unchanged", "changed"):
            for round_ in range(refreshes):
                if kind == "changed":
                    await asyncio.to_thread(flip_states, db, round_)
                before = len(painted_after)
                app.refresh_now()
                while len(painted_after) == before:
                    await asyncio.sleep(0.005)
                applies[kind].append(app.apply_times[-1])
                repaints[kind].append(painted_after[-1])
                assert app.overview is not None
                loads[kind].append(app.overview.elapsed)
        report["applies"] = applies
        report["repaints"] = repaints
        report["loads"] = loads
        print(json_.dumps(report), flush=True)
        app.exit()

    launch(ws, db, headless=True, on_first_paint=painted, refresh_every=3600.0)


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
        chosen = [f"service-{i:04d}" for i in range(round_, 1000, 20)]
        record_results(
            store,
            [
                CheckResult(
                    name, "health", "http", cycle[(cycle.index(current[name]) + 1) % 3], "bench", "ok", now(), 50.0
                )
                for name in chosen
                if name in current
            ],
        )


def child_bare_table(rows: int, refreshes: int) -> None:
    """Baseline: a bare DataTable filled with `rows` rows of plain text, the way the dashboard rebuilds."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    cells = [
        (
            f"● healthy {i}",
            f"service-{i:04d}",
            "direct-api",
            "team",
            "99.9%",
            "99.9%",
            "120 ms",
            "$1.00/$100",
            "n/m",
            "-",
        )
        for i in range(rows)
    ]

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            table: DataTable[str] = DataTable()
            table.add_columns(*[f"c{n}" for n in range(10)])
            yield table

        def on_mount(self) -> None:
            times = []
            table = self.query_one(DataTable)
            for _ in range(refreshes):
                start = time.perf_counter()
                table.clear()
                for n, row in enumerate(cells):
                    table.add_row(*row, key=str(n))
                times.append(time.perf_counter() - start)
            print(json.dumps({"fill": times}), flush=True)
            self.exit()

    Bare().run(headless=True)


def run_child(args: list[str]) -> tuple[float, dict[str, object]]:
    """Start a fresh interpreter; return seconds from just before its start to its reported paint, and its report."""
    started = time.time()
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    report = json.loads(out.strip().splitlines()[-1])
    return float(report.get("painted", started)) - started, report


def build(folder: Path, count: int, every_hours: int) -> tuple[Path, Path]:
    sys.path.insert(0, str(ROOT))
    from tests.tui_support import big_workspace

    big_workspace(folder, count, days=30, every_hours=every_hours)
    return folder / "integrations.yaml", folder / "tether.db"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--integrations", type=int, default=1000)
    parser.add_argument("--every-hours", type=int, default=3, help="one sample per check every H hours for 30 days")
    parser.add_argument("--child", choices=["tether", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child == "tether":
        child_tether(options.file, options.db, REFRESHES)
        return
    if options.child == "bare":
        child_bare_table(options.integrations, REFRESHES)
        return

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        file, db = build(Path(tmp), options.integrations, options.every_hours)
        samples = options.integrations * 30 * 24 // options.every_hours
        print(
            f"fixture: {options.integrations} integrations, 30 days of rollups ({samples:,} samples, one every "
            f"{options.every_hours} h per check), built in {time.perf_counter() - started:.1f} s"
        )
        script = str(Path(__file__).resolve())
        empty = [run_child(["-c", EMPTY_APP])[0] for _ in range(ROUNDS)]
        runs = [run_child([script, "--child", "tether", "--file", str(file), "--db", str(db)]) for _ in range(ROUNDS)]
        runs.sort(key=lambda run: run[0])
        startup = [elapsed for elapsed, _ in runs]
        report = runs[len(runs) // 2][1]
        assert report["rows"] == options.integrations
        _, bare = run_child([script, "--child", "bare", "--integrations", str(options.integrations)])

    base = statistics.median(empty)
    first = statistics.median(startup)
    filled = statistics.median(float(r["filled"]) - float(r["painted"]) + elapsed for elapsed, r in runs)
    print("\nstartup: process start -> first painted dashboard (median of 5 fresh processes)")
    print(f"  empty Textual app (baseline)           {ms(base)}")
    print(f"  tether dashboard, first screenful      {ms(first)}   ({first / base:.1f}x baseline; aim <= 1000 ms)")
    print(f"  tether dashboard, all rows in the table {ms(filled)}")
    marks: dict[str, float] = report["marks"]  # type: ignore[assignment]
    start = float(report["painted"]) - first  # this process's start, on the same clock as its marks
    previous = start
    print("  where the time goes (the median process):")
    for label, at in sorted(marks.items(), key=lambda item: item[1]):
        print(f"    {label:<40} +{ms(at - previous)}   at {ms(at - start)}")
        previous = at
    applies: dict[str, list[float]] = report["applies"]  # type: ignore[assignment]
    loads: dict[str, list[float]] = report["loads"]  # type: ignore[assignment]
    fill = statistics.median(bare["fill"])  # type: ignore[arg-type]
    print(f"\nrefresh: main-thread time per refresh (median of {REFRESHES}; aim <= 50 ms)")
    print(f"  bare DataTable, fill {options.integrations} rows (baseline) {ms(fill)}")
    repaints: dict[str, list[float]] = report["repaints"]  # type: ignore[assignment]
    for kind, label in (("unchanged", "nothing changed"), ("changed", "5% changed state, reordered")):
        print(
            f"  {label:<28} apply {ms(statistics.median(applies[kind]))}, apply and repaint "
            f"{ms(statistics.median(repaints[kind]))} (max {max(repaints[kind]) * 1000:.1f} ms); "
            f"load in the worker thread {ms(statistics.median(loads[kind]))}"
        )


if __name__ == "__main__":
    main()
