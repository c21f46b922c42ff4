"""Probe throughput: the whole `tether probe` process against 1,000 and 5,000 http checks on a 50 ms route.

Each figure is a fresh process, measured from outside, against two baselines run in the same
session on the same sandbox: a bare httpx loop over five pools of ten connections (the fair one:
a single 50-connection httpx pool spends more CPU assigning connections than probing) and a raw
asyncio-streams client (the floor). `tether probe` does the whole job: load integrations.yaml,
sync the store, probe, store every result, fold rollups, judge alerts and budgets, print. It
runs on one store, as a scheduled `tether probe` does; its first run there, which registers every
integration, is printed apart and the runs after it are judged.

Goals (issue 19): tether <= 1.3x bare pools, <= 2.0x raw streams, >= 500 probes per CPU-second,
and linear growth from 1,000 to 5,000 checks. The bench fails if tether stored fewer results
than it ran checks (a bench that measures nothing must not pass).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from probing import (
    CONCURRENCY,
    LATENCY,
    bare_pools,
    quiet_env,
    raw_streams,
    run_process,
    start_sandbox,
    tether,
    write_workspace,
)
from tether.store import open_store
from tether.store.results import count_results

SIZES = {1000: 3, 5000: 2}
"""Checks -> rounds (the best of each is kept; rounds interleave tether and its baselines)."""


def measure(folder: Path, url: str, checks: int, rounds: int) -> dict[str, float]:
    (folder / f"ws{checks}").mkdir()
    ws = write_workspace(folder / f"ws{checks}", url, checks)
    walls: dict[str, list[float]] = {"tether": [], "pools": [], "raw": []}
    cpus: dict[str, list[float]] = {"tether": [], "pools": [], "raw": []}
    # One store, as a scheduled `tether probe` keeps using: the first run on it also registers
    # every integration (reported apart); the rounds after it are the ones judged.
    db = folder / f"ws{checks}" / "tether.db"
    first = None
    for round_ in range(rounds + 1):
        run = run_process(tether(ws, db, "probe"), env=quiet_env())
        with open_store(db) as store:
            stored = count_results(store)
        if stored != checks * (round_ + 1):
            raise SystemExit(f"tether probe stored {stored - checks * round_} results for {checks} checks")
        if first is None:
            first = run
            continue
        pools, (raw, _) = bare_pools(url, checks), raw_streams(url, checks)
        for name, done in (("tether", run), ("pools", pools), ("raw", raw)):
            walls[name].append(done.wall)
            cpus[name].append(done.cpu)
    best = {name: min(times) for name, times in walls.items()}
    best.update({f"{name} cpu": min(times) for name, times in cpus.items()})
    assert first is not None
    best.update({"first": first.wall, "first cpu": first.cpu})
    return best


def main() -> int:
    print(f"whole `tether probe` vs baselines: http checks on a {LATENCY * 1000:.0f} ms route, {CONCURRENCY} in flight")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        proc, base = start_sandbox(folder)
        url = f"{base}/bench"
        try:
            bare_pools(url, 200)  # warm the sandbox
            figures = {n: measure(folder, url, n, rounds) for n, rounds in SIZES.items()}
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    missed = []
    for n, f in figures.items():
        ideal = n / CONCURRENCY * LATENCY
        per_cpu = n / f["tether cpu"]
        print(f"  {n:5d} checks (best of {SIZES[n]}; ideal {ideal:.2f} s of waiting)     wall      CPU")
        for name, label in (
            ("raw", "raw asyncio streams"),
            ("pools", "bare httpx, pools of 10"),
            ("tether", "tether probe"),
        ):
            print(f"    {label:24s} {f[name]:6.2f} s {f[name + ' cpu']:6.2f} s")
        print(f"    (its first run on a new store, registering every integration: {f['first']:.2f} s)")
        print(f"    tether probes per CPU-s  {per_cpu:6.0f}     (goal >= 500)")
        print(
            f"    tether / bare pools      {f['tether'] / f['pools']:6.2f}x  {f['tether cpu'] / f['pools cpu']:6.2f}x"
            "  (goal <= 1.3x, wall)"
        )
        print(
            f"    tether / raw streams     {f['tether'] / f['raw']:6.2f}x  {f['tether cpu'] / f['raw cpu']:6.2f}x"
            "  (goal <= 2.0x, wall)"
        )
        if f["tether"] / f["pools"] > 1.3:
            missed.append(f"{n}: {f['tether'] / f['pools']:.2f}x bare pools")
        if f["tether"] / f["raw"] > 2.0:
            missed.append(f"{n}: {f['tether'] / f['raw']:.2f}x raw streams")
        if per_cpu < 500:
            missed.append(f"{n}: {per_cpu:.0f} probes/CPU-s")
    small, large = sorted(figures)
    growth = (figures[large]["tether"] / large) / (figures[small]["tether"] / small)
    print(f"  per-check time, {large} vs {small}: {growth:.2f}x  (linear: about 1.0x or less)")
    if growth > 1.25:
        missed.append(f"growth {growth:.2f}x per check")
    print("  goals: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return 1 if missed else 0  # `make bench` names every bench that missed its goal


if __name__ == "__main__":
    sys.exit(main())
