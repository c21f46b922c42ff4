"""The store over a year: a week measured through the real write path, then extrapolated.

    .venv/bin/python bench/store_size.py [--checks 100] [--days 7] [--budget-mb 500]

Writes `--checks` http checks' results, one a minute for `--days`, the way `tether probe`
does: a batch a minute through `record_results`, then (one transaction, as monitor.watch does)
the rollups folded and the raw cap applied. Figures:

- **size**: each table's bytes (dbstat) per row, measured here, times the rows 1,000 checks hold
  after 365 days under the retention policy: raw rows at the per-check cap and its slack
  (store.retention.KEEP_PER_CHECK, slack), each rollup resolution at its retention (store.rollups.
  RETENTION); goal: at most the budget. The week must reach the cap, or it measured nothing.
- **writes**: results a second through the whole write path, before and after the cap engages
  (goal: ≥ 5,000 a second after); the same-run baseline is SQLite inserting the same rows into a
  bare table with one index. After / before is printed too: it also holds what a week's growing
  rollups cost, which a store that never trims pays alike (ADR 0015).
- **the cap's own cost** (goal: no slowdown, ≥ 0.95): a second pair of stores fed the same
  minutes, interleaved, one capped and one never trimmed, timed over the minutes after the cap
  engages; the never-trimmed store is the baseline. Where a result's time
  goes is printed in four parts, before and after: recording it, folding it into the rollups,
  trimming raw rows (the cap), and committing the fold and the trim (their pages written).
- **reclaimed**: the file after the cap is lowered to a tenth, against the file before.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from tether.checks.result import CheckResult, ConditionResult
from tether.checks.states import State
from tether.store import open_store
from tether.store.db import Store
from tether.store.results import record_results
from tether.store.retention import KEEP_PER_CHECK, keep_last, slack, stored
from tether.store.rollups import ALL_TIME, RETENTION, fold_new

YEAR = 365 * 86400
T0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC: a fixed start; the store is read by nothing that uses the clock
TARGET_CHECKS = 1000
WRITES_GOAL = 5000.0
NO_SLOWDOWN = 0.95
"""Writes with the cap engaged, as a share of writes before it, at least."""
PARTS = ("recording", "folding", "trimming", "committing")
PER_CHECK = ("check_latest", "raw_counts", "result_series")
"""Tables with a row or so per check; every other small table stays the size it is."""


def minute(checks: int, at: float, rng: random.Random) -> list[CheckResult]:
    """One minute of results, shaped as the http kind records them (2 conditions, status and bytes)."""
    out = []
    for k in range(checks):
        latency = rng.uniform(40.0, 90.0)
        down = rng.random() < 0.01
        status = 503 if down else 200
        out.append(
            CheckResult(
                f"flow-{k:04d}",
                "health",
                "http",
                State.DOWN if down else State.HEALTHY,
                "[STATUS] == 200 failed, saw 503" if down else "2/2 conditions hold",
                "server_error" if down else "ok",
                at + k * 0.01,
                latency,
                (
                    ConditionResult("[STATUS] == 200", not down, str(status)),
                    ConditionResult("[RESPONSE_TIME] < 500", True, f"{latency:.0f}"),
                ),
                {"status": status, "bytes": 27},
            )
        )
    return out


def write_path(store: Store, batch: list[CheckResult], now: float, keep: int | None) -> tuple[float, ...]:
    """What `tether probe` does with a batch: record it, then fold rollups and trim raw rows in one
    transaction (no trim when `keep` is None). Returns the seconds spent in each of PARTS."""
    start = time.perf_counter()
    record_results(store, batch)
    recorded = time.perf_counter()
    with store.transaction() as db:
        fold_new(db, lambda _i, _t: False, now)
        folded = time.perf_counter()
        if keep is not None:
            keep_last(db, "check_results", {(r.integration, r.check) for r in batch}, keep)
        trimmed = time.perf_counter()
    return recorded - start, folded - recorded, trimmed - folded, time.perf_counter() - trimmed


def bytes_by_table(conn: sqlite3.Connection) -> dict[str, int]:
    """Bytes of each table with its indexes (dbstat pages), and of each index on its own."""
    owner = {row[0]: row[1] for row in conn.execute("SELECT name, tbl_name FROM sqlite_schema")}
    out: dict[str, int] = {}
    for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
        table = owner.get(name, name)
        out[table] = out.get(table, 0) + int(size)
        if table != name:
            out[f"index {name}"] = int(size)
    return out


def rollup_bytes_per_row(conn: sqlite3.Connection, actual: int) -> dict[int, float]:
    """Bytes per rollup row of each resolution, whose rows are told apart by their bytes in use
    (each resolution copied alone into a table of the same shape), scaled so that they add up to
    the `actual` bytes the rollups take in the file (its pages as filled by the real write path)."""
    ddl = [
        re.sub(r'^CREATE TABLE "?rollups"?', "CREATE TABLE probe.rollups", sql)
        if kind == "table"
        else re.sub(r"^CREATE (UNIQUE )?INDEX (\w+) ON", r"CREATE \1INDEX probe.\2 ON", sql)
        for kind, sql in conn.execute(
            "SELECT type, sql FROM sqlite_schema WHERE tbl_name = 'rollups' AND sql IS NOT NULL ORDER BY type = 'index'"
        )
    ]
    used: dict[int, tuple[int, int]] = {}
    for resolution in (*RETENTION, ALL_TIME):
        conn.execute("ATTACH ':memory:' AS probe")
        for sql in ddl:
            conn.execute(sql)
        n = conn.execute(
            "INSERT INTO probe.rollups SELECT * FROM main.rollups WHERE resolution = ?", [resolution]
        ).rowcount
        size = conn.execute("SELECT sum(pgsize - unused) FROM dbstat('probe')").fetchone()[0]
        conn.execute("DETACH probe")
        used[resolution] = (int(size or 0), n)
    scale = actual / sum(size for size, _ in used.values())
    return {r: size * scale / n if n else 0.0 for r, (size, n) in used.items()}


def bare_rate(batches: list[list[CheckResult]]) -> float:
    """Baseline: the same rows into one plain table with one index, a transaction a batch."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(
        "CREATE TABLE r (id INTEGER PRIMARY KEY, integration TEXT, check_name TEXT, state TEXT, reason TEXT, "
        "latency_ms REAL, started_at REAL)"
    )
    conn.execute("CREATE INDEX r_by_check ON r (integration, check_name, started_at)")
    start = time.perf_counter()
    for batch in batches:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO r (integration, check_name, state, reason, latency_ms, started_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(r.integration, r.check, str(r.state), r.reason, r.latency_ms, r.started_at) for r in batch],
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return sum(len(b) for b in batches) / elapsed


def cap_cost(checks: int, keep: int, seed: int = 7) -> tuple[float, float, float, float]:
    """The cap's own cost: two stores fed the same minutes, interleaved (so the machine's load falls
    on both alike), one capped and one never trimmed, timed over the minutes after the cap engages.
    Both carry the same history, so what the rollups' growth costs is the same on either side.
    Returns (capped, uncapped) results a second, wall and CPU."""
    spent = {"capped": 0.0, "uncapped": 0.0}
    cpu = {"capped": 0.0, "uncapped": 0.0}
    counted = 0
    with tempfile.TemporaryDirectory() as tmp:
        stores = {"capped": open_store(Path(tmp) / "capped.db"), "uncapped": open_store(Path(tmp) / "uncapped.db")}
        for m in range(2 * keep):
            at = T0 + 60.0 * m
            batch = minute(checks, at, random.Random(seed + m))
            for name, store in stores.items():
                started, started_cpu = time.perf_counter(), time.process_time()
                write_path(store, batch, at + 60.0, keep if name == "capped" else None)
                if m >= keep:
                    spent[name] += time.perf_counter() - started
                    cpu[name] += time.process_time() - started_cpu
            counted += len(batch) if m >= keep else 0
        for store in stores.values():
            store.close()
    return (
        counted / spent["capped"],
        counted / spent["uncapped"],
        counted / cpu["capped"],
        counted / cpu["uncapped"],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=100)
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--keep", type=int, default=KEEP_PER_CHECK)
    parser.add_argument("--budget-mb", type=float, default=500.0)
    args = parser.parse_args()
    rng = random.Random(19)
    minutes = int(args.days * 1440)
    if minutes <= args.keep:
        print(f"{minutes} minutes never reach the cap of {args.keep} a check: nothing about retention measured")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tether.db"
        store = open_store(path)
        spent = {"before": [0.0] * len(PARTS), "after": [0.0] * len(PARTS)}
        counted = {"before": 0, "after": 0}
        cpu_spent = {"before": 0.0, "after": 0.0}
        sample: list[list[CheckResult]] = []
        for m in range(minutes):
            at = T0 + 60.0 * m
            batch = minute(args.checks, at, rng)
            phase = "before" if m < args.keep else "after"
            cpu = time.process_time()
            for n, seconds in enumerate(write_path(store, batch, at + 60.0, args.keep)):
                spent[phase][n] += seconds
            cpu_spent[phase] += time.process_time() - cpu
            counted[phase] += len(batch)
            if len(sample) < 200 and m % 7 == 0:
                sample.append(batch)
        results = counted["before"] + counted["after"]
        kept = [stored(store.db, "check_results", f"flow-{k:04d}", "health") for k in range(args.checks)]
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tables = bytes_by_table(store.conn)
        per_rollup = rollup_bytes_per_row(store.conn, tables["rollups"])
        raw_rows = int(store.conn.execute("SELECT count(*) FROM result_rows").fetchone()[0])
        file_week = path.stat().st_size
        # Space back: lower the cap to a tenth, as after a policy change.
        with store.transaction() as db:
            dropped = keep_last(
                db, "check_results", {(f"flow-{k:04d}", "health") for k in range(args.checks)}, args.keep // 10
            )
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        file_trimmed = path.stat().st_size
        store.close()
    baseline = bare_rate(sample)
    capped, uncapped, capped_cpu, uncapped_cpu = cap_cost(args.checks, args.keep)

    raw_bytes = tables.get("result_rows", 0)
    per_raw = raw_bytes / raw_rows
    most = args.keep + slack(args.keep)
    raw_year = per_raw * most * TARGET_CHECKS  # every check as full as retention lets it get
    rollup_rows = {r: (min(keep, YEAR) / r + 1) for r, keep in RETENTION.items()}
    rollup_rows[ALL_TIME] = 1
    rollup_year = sum(per_rollup[r] * n * TARGET_CHECKS for r, n in rollup_rows.items())
    per_check = sum(size for name, size in tables.items() if name in PER_CHECK)
    fixed = sum(
        size
        for name, size in tables.items()
        if name not in ("result_rows", "rollups", *PER_CHECK) and "index " not in name
    )
    other_year = fixed + per_check / args.checks * TARGET_CHECKS
    year = raw_year + rollup_year + other_year
    budget = args.budget_mb * 1e6

    rate_before, rate_after = (counted[phase] / sum(spent[phase]) for phase in ("before", "after"))

    def part_us(phase: str, n: int) -> float:
        return 1e6 * spent[phase][n] / counted[phase]

    print(
        f"week: {args.checks} checks x {args.days:g} days x 1/min = {results:,} results through the write path; "
        f"file {file_week / 1e6:.1f} MB"
    )
    print(
        f"  raw rows kept {raw_rows:,} ({min(kept)}-{max(kept)} a check, cap {args.keep} + {slack(args.keep)}), "
        f"{per_raw:.1f} B each with index"
    )
    print(
        "  largest: "
        + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sorted(tables.items(), key=lambda t: -t[1])[:6])
    )
    print(
        "  rollup bytes a row: "
        + ", ".join(f"{'all-time' if r == ALL_TIME else f'{r}s'} {b:.0f} B" for r, b in per_rollup.items())
    )
    print(
        f"year: {TARGET_CHECKS} checks x 365 days: raw {raw_year / 1e6:.1f} MB + rollups {rollup_year / 1e6:.1f} MB "
        f"+ the rest {other_year / 1e6:.1f} MB = {year / 1e6:.1f} MB; budget {budget / 1e6:.0f} MB; "
        f"ratio {year / budget:.2f} of the budget"
    )
    print(
        f"writes, whole path: {rate_before:,.0f} results/s before the cap, {rate_after:,.0f}/s with it "
        f"(after / before = {rate_after / rate_before:.2f}); bare SQLite inserts (baseline) {baseline:,.0f}/s, "
        f"ratio {rate_after / baseline:.2f}"
    )
    print(
        f"  the cap's own cost, after it engages: {capped:,.0f} results/s capped vs {uncapped:,.0f}/s never "
        f"trimmed, the same history interleaved (baseline), ratio {capped / uncapped:.2f} "
        f"(CPU {capped_cpu / uncapped_cpu:.2f}); goal >= {NO_SLOWDOWN}"
    )
    print(
        f"  CPU: {counted['before'] / cpu_spent['before']:,.0f} results a CPU-second before the cap, "
        f"{counted['after'] / cpu_spent['after']:,.0f} with it (a loaded machine slows wall time, not this)"
    )
    print(
        "  a result's time, before the cap -> with it: "
        + ", ".join(f"{p} {part_us('before', n):.1f} -> {part_us('after', n):.1f} us" for n, p in enumerate(PARTS))
    )
    print(
        f"reclaimed: cap lowered to {args.keep // 10} dropped {dropped:,} rows; "
        f"file {file_week / 1e6:.1f} -> {file_trimmed / 1e6:.1f} MB"
    )

    failed = []
    if min(kept) < args.keep or max(kept) > most:
        failed.append(f"the cap did not hold: {min(kept)}-{max(kept)} rows a check, not {args.keep}-{most}")
    if year > budget:
        failed.append(f"a year is {year / 1e6:.0f} MB, over the {budget / 1e6:.0f} MB budget")
    if rate_after < WRITES_GOAL:
        failed.append(f"{rate_after:,.0f} results/s with the cap, under {WRITES_GOAL:,.0f}")
    if capped < NO_SLOWDOWN * uncapped:
        failed.append(
            f"the cap slows writes: {capped / uncapped:.2f} of the same store never trimmed, under {NO_SLOWDOWN}"
        )
    if file_week - file_trimmed < 0.5 * dropped * per_raw:
        failed.append(
            f"space was not given back: {dropped:,} rows deleted, the file shrank {file_week - file_trimmed:,} B"
        )
    for reason in failed:
        print(f"FAIL: {reason}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
