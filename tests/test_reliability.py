"""Reliability under load and faults: concurrent writer and readers, SIGKILL mid-batch, a heartbeat flood."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.http_flood import flood, post
from tether.figures import read_figures
from tether.model.workspace_file import WorkspaceFile
from tether.pricing import PriceBook
from tether.server.app import ServerConfig
from tether.server.run import ServerThread
from tether.store import open_store
from tether.store.heartbeats import count_pings
from tether.store.results import count_results
from tether.store.rollups import Evidence, all_time, fold_new, series
from tether.workspace import load_workspace

ROOT = Path(__file__).resolve().parents[1]

# A prober in its own process: batches of results, each committed, then folded into the rollups
# by the same code the engine's sink runs. It prints each batch number once the batch is committed.
PROBER = textwrap.dedent(
    """
    import sys
    from tether import clock
    from tether.checks.result import CheckResult
    from tether.checks.states import State
    from tether.store import open_store
    from tether.store.results import record_results
    from tether.store.rollups import fold_new

    path, batches, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = open_store(path)
    n = 0
    while batches == 0 or n < batches:
        n += 1
        now = clock.now()
        batch = [
            CheckResult(f"i{k % 20}", "api", "http", State.HEALTHY if k % 7 else State.DOWN, f"batch-{n}", "ok",
                        now, 10.0 + k, tokens_in=5)
            for k in range(size)
        ]
        record_results(store, batch)
        with store.transaction() as db:
            fold_new(db, lambda _i, _t: False, now)
        print(n, flush=True)
    """
)

PINGER = textwrap.dedent(
    """
    import sys
    from tether import clock
    from tether.store import open_store
    from tether.store.heartbeats import PingRecord, record_pings

    store = open_store(sys.argv[1])
    for n in range(int(sys.argv[2])):
        now = clock.now()
        record_pings(store, [PingRecord(f"i{k}", "beat", now, True, 0.5) for k in range(10)], lambda _i, _t: False, now)
    """
)


def spawn(script: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def twenty_integrations() -> WorkspaceFile:
    return WorkspaceFile.model_validate(
        {
            "version": 1,
            "workspace": {"name": "load"},
            "integrations": [
                {
                    "name": f"i{k}",
                    "title": f"I{k}",
                    "pattern": "direct-api",
                    "checks": [{"kind": "heartbeat", "name": "beat", "period": "1h"}],
                }
                for k in range(20)
            ],
        }
    )


def test_writers_and_a_reader_at_once_never_hit_database_is_locked(tmp_path: Path) -> None:
    path = tmp_path / "tether.db"
    open_store(path).close()  # migrations once, before the race starts
    prober = spawn(PROBER, str(path), "150", "40")
    pinger = spawn(PINGER, str(path), "150")
    file = twenty_integrations()
    reads = 0
    with open_store(path) as reader:
        # Read as the dashboard and `tether serve` do, for as long as the writers write (bounded).
        while (prober.poll() is None or pinger.poll() is None) and reads < 10_000:
            rows = read_figures(file, reader, 2e9, PriceBook())
            series(reader, "i1", "1h", 2e9)
            all_time(reader)
            assert len(rows) == 20
            reads += 1
    _, prober_err = prober.communicate(timeout=120)
    _, pinger_err = pinger.communicate(timeout=120)
    assert prober.returncode == 0, prober_err
    assert pinger.returncode == 0, pinger_err
    assert "locked" not in prober_err + pinger_err
    assert reads > 0
    with open_store(path) as store:
        assert count_results(store) == 150 * 40
        assert count_pings(store) == 150 * 10
        totals = all_time(store)
        assert sum(t.count for (_, check, _), t in totals.items() if check == "api") == 150 * 40
        assert sum(t.count for (_, check, _), t in totals.items() if check == "beat") == 150 * 10


def test_a_prober_killed_mid_batch_leaves_a_sound_store_with_every_committed_batch(tmp_path: Path) -> None:
    path = tmp_path / "tether.db"
    open_store(path).close()
    prober = spawn(PROBER, str(path), "0", "200")  # runs until killed
    assert prober.stdout is not None
    committed = 0
    while committed < 25:
        line = prober.stdout.readline()
        assert line, prober.stderr.read() if prober.stderr else "the prober exited"
        committed = int(line)
    prober.send_signal(signal.SIGKILL)
    prober.wait(timeout=30)
    assert prober.returncode == -signal.SIGKILL
    with open_store(path) as store:
        assert store.integrity_ok()
        sizes = dict(
            store.conn.execute("SELECT reason, count(*) FROM check_results GROUP BY reason").fetchall()  # type: ignore[arg-type]
        )
        # Every batch reported committed is there in full; a batch cut off by the kill is there whole or not at all.
        for n in range(1, committed + 1):
            assert sizes.get(f"batch-{n}") == 200, n
        assert all(size == 200 for size in sizes.values())
        # Rollups catch up exactly: whatever was committed but not folded before the kill is folded now.
        with store.transaction() as db:
            fold_new(db, lambda _i, _t: False, 2e9)
        assert sum(t.count for t in all_time(store).values()) == count_results(store)


FLOOD = """
version: 1
workspace: {name: flood}
integrations:
  - name: zap
    title: Zap
    pattern: automation-bridge
    checks:
      - {kind: heartbeat, name: ran, period: 1h, token: "${ZAP_TOKEN}"}
"""


def test_a_flood_of_ten_thousand_heartbeats_loses_none(tmp_path: Path) -> None:
    (tmp_path / "integrations.yaml").write_text(FLOOD, encoding="utf-8")
    ws = load_workspace(tmp_path / "integrations.yaml")
    db = tmp_path / "tether.db"
    open_store(db).close()
    total, connections = 10_000, 64
    # Raw pings past the per-check cap would be trimmed; keep them all, so every one can be counted.
    config = ServerConfig(ws.file, ws.systems, str(db), env={"ZAP_TOKEN": "flood-token"}, book=PriceBook(), keep=total)
    server = ServerThread(config)
    url = server.start()
    host = url.removeprefix("http://")
    ok = post("/ping/zap?duration=0.2", host, {"x-tether-token": "flood-token"})
    failed = post("/ping/zap/fail?duration=0.2", host, {"x-tether-token": "flood-token"})
    try:
        statuses = asyncio.run(flood(url, total, connections, lambda i: failed if i % 10 == 0 else ok))
    finally:
        server.stop()
    assert len(statuses) == total
    assert set(statuses) == {200}
    with open_store(db) as store:
        assert count_pings(store) == total
        totals = all_time(store)[("zap", "ran", Evidence.RUN)]
        assert totals.count == total
        assert totals.count - totals.successes == total // 10
        assert totals.latency_sum_ms == pytest.approx(total * 200.0)
