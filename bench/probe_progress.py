"""What the progress bar of `tether probe` costs: 1,000 http checks with and without it, in one run.

The same engine run three ways, in turn (each goes first as often), best of ROUNDS each: no hooks (a pipe, --json), the
hooks alone, and the hooks with the bar drawn on a forced terminal (to /dev/null). The ratios
against the first are the figures; the goal is within 1.10x in CPU (runs of the same code
differ by about 5 % on a shared machine). It exits 1 when the goal is missed.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from tether.cli.progress import ProbeProgress
from tether.model.integration import Integration
from tether.monitor.engine import Engine, Job, make_jobs
from tether.store import open_store

sys.path.insert(0, str(Path(__file__).parent))
from probe_throughput import start_sandbox

GOAL = 1.10
CHECKS = 1000
CONCURRENCY = 100
ROUNDS = 6


def jobs(url: str) -> list[Job]:
    checks = [{"kind": "http", "name": f"c{i}", "url": url, "conditions": ["[STATUS] == 200"]} for i in range(CHECKS)]
    integration = Integration.model_validate(
        {"name": "bench", "title": "Bench", "pattern": "custom-app", "checks": checks}
    )
    return make_jobs([integration], 60.0, 30.0)


async def run(planned: list[Job], db: Path, how: str) -> tuple[float, float]:
    """Wall seconds and this process's CPU seconds for one run_once."""
    progress = ProbeProgress(len(planned))
    hooked = how != "none"
    with open_store(db) as store:
        async with Engine(
            planned,
            store=store,
            concurrency=CONCURRENCY,
            batch_size=250,
            on_start=progress.started if hooked else None,
            on_result=progress.finished if hooked else None,
        ) as engine:
            start, cpu = time.perf_counter(), time.process_time()
            if how == "drawn":
                with (
                    open(os.devnull, "w", encoding="utf-8") as sink,
                    progress.drawn(Console(file=sink, force_terminal=True, width=120)),
                ):
                    results = await engine.run_once()
            else:
                results = await engine.run_once()
            elapsed, used = time.perf_counter() - start, time.process_time() - cpu
    assert sum(r.state == "healthy" for r in results) == CHECKS
    assert how == "none" or progress.done == CHECKS
    return elapsed, used


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        proc, base = start_sandbox(folder)
        planned = jobs(f"{base}/bench")
        try:
            asyncio.run(run(planned, folder / "warm.db", "none"))
            ways = ["none", "hooks", "drawn"]
            times: dict[str, list[tuple[float, float]]] = {how: [] for how in ways}
            for round_ in range(ROUNDS):
                for how in ways[round_ % 3 :] + ways[: round_ % 3]:  # each way goes first in turn
                    times[how].append(asyncio.run(run(planned, folder / "bench.db", how)))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    wall = {how: min(t[0] for t in found) for how, found in times.items()}
    cpu = {how: min(t[1] for t in found) for how, found in times.items()}
    print(f"{CHECKS} http checks, concurrency {CONCURRENCY} (best of {ROUNDS}, in turn); CPU is the steadier figure")
    print(f"  no progress (pipe, --json)  {wall['none']:6.3f} s wall  {cpu['none']:6.3f} s CPU   baseline")
    missed = []
    for how, label in (("hooks", "hooks only"), ("drawn", "bar drawn")):
        ratio = cpu[how] / cpu["none"]
        print(
            f"  {label:<27} {wall[how]:6.3f} s wall  {cpu[how]:6.3f} s CPU   "
            f"{wall[how] / wall['none']:4.2f}x wall, {ratio:4.2f}x CPU   (goal: within {GOAL:.2f}x CPU)"
        )
        if ratio > GOAL:
            missed.append(f"{label}: {ratio:.2f}x the CPU of no progress")
    for reason in missed:
        print(f"FAIL: {reason}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
