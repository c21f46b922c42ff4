"""Probe throughput: 1,000 http checks against a sandbox route with 50 ms latency at concurrency 100.

Compares the engine (results persisted to SQLite in batches) with a bare httpx.AsyncClient +
semaphore loop making the same requests in the same run, against the ideal of 10 waves x 50 ms.
The sandbox runs in its own process so it does not share this one's CPU budget.
"""

from __future__ import annotations

import asyncio
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tether.model.integration import Integration
from tether.monitor.engine import Engine, make_jobs
from tether.store import open_store
from tether.store.results import count_results

CHECKS = 1000
CONCURRENCY = 100
LATENCY = 0.05
IDEAL = CHECKS / CONCURRENCY * LATENCY
ROUNDS = 3


def start_sandbox(folder: Path) -> tuple[subprocess.Popen[str], str]:
    scenario = folder / "bench.yaml"
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
    return proc, line.split("=", 1)[1]


async def bare(url: str) -> float:
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    semaphore = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(limits=limits) as client:

        async def one() -> int:
            async with semaphore:
                response = await client.get(url, timeout=30)
                return response.status_code

        start = time.perf_counter()
        statuses = await asyncio.gather(*(one() for _ in range(CHECKS)))
        elapsed = time.perf_counter() - start
    assert statuses.count(200) == CHECKS
    return elapsed


async def bare_pools(url: str) -> float:
    """The same loop over pools of 10 connections, as the engine does (httpcore's pool is O(n^2))."""
    pools = CONCURRENCY // 10
    limits = httpx.Limits(max_connections=10, max_keepalive_connections=10)
    clients = [httpx.AsyncClient(limits=limits) for _ in range(pools)]
    semaphores = [asyncio.Semaphore(10) for _ in range(pools)]

    async def one(i: int) -> int:
        async with semaphores[i % pools]:
            response = await clients[i % pools].get(url, timeout=30)
            return response.status_code

    start = time.perf_counter()
    statuses = await asyncio.gather(*(one(i) for i in range(CHECKS)))
    elapsed = time.perf_counter() - start
    for client in clients:
        await client.aclose()
    assert statuses.count(200) == CHECKS
    return elapsed


async def sockets(url: str) -> float:
    """The floor: raw asyncio keep-alive connections (100 of them, 10 requests each), no HTTP library."""
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    request = f"GET /bench HTTP/1.1\r\nhost: {host}\r\n\r\n".encode()

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        for _ in range(CHECKS // CONCURRENCY):
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
            )
            await reader.readexactly(length)
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return time.perf_counter() - start


async def engine(url: str, db: Path) -> float:
    checks = [{"kind": "http", "name": f"c{i}", "url": url, "conditions": ["[STATUS] == 200"]} for i in range(CHECKS)]
    integration = Integration.model_validate(
        {"name": "bench", "title": "Bench", "pattern": "custom-app", "checks": checks}
    )
    jobs = make_jobs([integration], 60.0, 30.0)
    with open_store(db) as store:
        before = count_results(store)
        async with Engine(jobs, store=store, concurrency=CONCURRENCY, batch_size=250) as running:
            start = time.perf_counter()
            results = await running.run_once()
            elapsed = time.perf_counter() - start
        assert sum(r.state == "healthy" for r in results) == CHECKS, {r.reason for r in results}
        assert count_results(store) - before == CHECKS
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        proc, base = start_sandbox(folder)
        url = f"{base}/bench"
        try:
            asyncio.run(bare(url))  # warm up the sandbox and this process
            bare_times, engine_times, bare_cpu, engine_cpu = [], [], [], []
            floor = min(asyncio.run(sockets(url)) for _ in range(ROUNDS))
            pooled = min(asyncio.run(bare_pools(url)) for _ in range(ROUNDS))
            for _ in range(ROUNDS):
                cpu = time.process_time()
                bare_times.append(asyncio.run(bare(url)))
                bare_cpu.append(time.process_time() - cpu)
                cpu = time.process_time()
                engine_times.append(asyncio.run(engine(url, folder / "bench.db")))
                engine_cpu.append(time.process_time() - cpu)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    b, e = min(bare_times), min(engine_times)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{CHECKS} http checks, {LATENCY * 1000:.0f} ms route latency, concurrency {CONCURRENCY} (best of {ROUNDS})")
    print(f"  ideal (10 waves x 50 ms)   {IDEAL:6.3f} s")
    print(f"  raw asyncio sockets        {floor:6.3f} s   {floor / IDEAL:4.2f}x ideal   (the sandbox's floor)")
    per_cpu_bare, per_cpu_engine = CHECKS / min(bare_cpu), CHECKS / min(engine_cpu)
    print(f"  bare httpx + semaphore     {b:6.3f} s   {b / IDEAL:4.2f}x ideal   {per_cpu_bare:7.0f} probes/CPU-s")
    print(f"  bare httpx, pools of 10    {pooled:6.3f} s   {pooled / IDEAL:4.2f}x ideal")
    print(f"  engine, results persisted  {e:6.3f} s   {e / IDEAL:4.2f}x ideal   {per_cpu_engine:7.0f} probes/CPU-s")
    print(f"  engine / bare              {e / b:6.2f}x   (aim: within 1.5x)")
    print(f"  engine / bare pools of 10  {e / pooled:6.2f}x   (the fair comparison)")
    print(f"  peak RSS                   {peak_mb:6.1f} MiB")


if __name__ == "__main__":
    main()
