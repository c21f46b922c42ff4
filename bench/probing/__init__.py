"""What the probe benches share: a sandbox in its own process, a workspace of N http checks,
and the baselines (a bare httpx loop, a raw asyncio-streams client) run as whole processes too,
so each comparison is process against process on the same machine in the same run.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

LATENCY = 0.05
"""What the sandbox's /bench route waits before answering."""
CONCURRENCY = 50
"""`tether probe`'s default: five pools of ten connections."""
POOLS = 5


def start_sandbox(folder: Path) -> tuple[subprocess.Popen[str], str]:
    """The sandbox in its own process (it must not share the measured process's CPU), and its URL."""
    scenario = folder / "bench-scenario.yaml"
    scenario.write_text(f"faults:\n  - route: /bench\n    latency: {LATENCY}\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tether", "sandbox", "--port", "0", "--scenario", str(scenario)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=folder,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if "=" not in line:
        proc.terminate()
        raise SystemExit(f"the sandbox did not start: {line!r}")
    return proc, line.split("=", 1)[1]


def write_workspace(folder: Path, url: str, checks: int) -> Path:
    """integrations.yaml with `checks` integrations of one http check each, all against `url`."""
    lines = ["version: 1", "workspace: {name: Bench, owner: bench@example.com}", "integrations:"]
    for i in range(checks):
        lines += [
            f"  - name: bench-{i:05d}",
            f"    title: Bench {i}",
            "    pattern: custom-app",
            "    checks:",
            f"      - {{kind: http, name: up, url: {url}, conditions: ['[STATUS] == 200']}}",
        ]
    path = folder / "integrations.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    stdout: str


def run_process(args: list[str], *, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> Run:
    """One fresh process: its wall time and the CPU it (and only it) used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(args[:4])} ... exited {done.returncode}: {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, done.stdout)


def tether(ws: Path, db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "tether", "--file", str(ws), "--db", str(db), *args]


BARE_POOLS = """
import asyncio, sys, httpx
url, n, pools, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
async def main():
    limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
    clients = [httpx.AsyncClient(limits=limits) for _ in range(pools)]
    gates = [asyncio.Semaphore(size) for _ in range(pools)]
    async def one(i):
        async with gates[i % pools]:
            response = await clients[i % pools].get(url, timeout=30)
            return response.status_code
    statuses = await asyncio.gather(*(one(i) for i in range(n)))
    for client in clients:
        await client.aclose()
    assert statuses.count(200) == n, statuses
asyncio.run(main())
"""
"""The fair httpx baseline: the same requests over pools of ten, a semaphore per pool, nothing stored."""

RAW_STREAMS = """
import asyncio, json, sys, time
url, n, width = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
path = "/" + url.split("//", 1)[1].split("/", 1)[1]
request = f"GET {path} HTTP/1.1\\r\\nhost: {host}\\r\\n\\r\\n".encode()
times = []
async def worker(count):
    reader, writer = await asyncio.open_connection(host, int(port))
    for _ in range(count):
        start = time.perf_counter()
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\\r\\n\\r\\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        length = next(int(l.split(b":")[1]) for l in head.split(b"\\r\\n") if l.lower().startswith(b"content-length"))
        await reader.readexactly(length)
        times.append((time.perf_counter() - start) * 1000)
    writer.close()
async def main():
    share = [n // width + (1 if i < n % width else 0) for i in range(width)]
    await asyncio.gather(*(worker(c) for c in share if c))
asyncio.run(main())
print(json.dumps(times))
"""
"""The floor: keep-alive sockets and a hand-written HTTP/1.1 exchange, no HTTP library at all."""


def bare_pools(url: str, n: int) -> Run:
    return run_process([sys.executable, "-c", BARE_POOLS, url, str(n), str(POOLS), str(CONCURRENCY // POOLS)])


def raw_streams(url: str, n: int, width: int = CONCURRENCY) -> tuple[Run, list[float]]:
    run = run_process([sys.executable, "-c", RAW_STREAMS, url, str(n), str(width)])
    return run, json.loads(run.stdout)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def quiet_env() -> dict[str, str]:
    """The environment for measured processes: no OTLP export, no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env["NO_COLOR"] = "1"
    return env
