"""Heartbeat throughput of `tether serve`, against a bare endpoint on the same server stack.

Each server runs in its own process (uvicorn + Starlette, as `tether serve` does); this
process floods it over loopback with keep-alive connections. The baseline is a Starlette
route that reads nothing and stores nothing, so the ratio is what authenticating, validating
and durably storing each ping (group-committed, with rollups) costs. Every tether ping is
checked as stored afterwards: every ping answered 200 is folded into the rollups, and the raw
table holds exactly what the per-check cap leaves. Goal: at least 0.9 of the bare endpoint.

    python bench/heartbeat_throughput.py [--pings 5000] [--connections 64] [--integrations 1 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.http_flood import flood, post  # noqa: E402

TOKEN = "bench-token-0123456789"
GOAL = 0.9
"""tether's pings a second over the bare endpoint's, at least."""


def workspace(integrations: int) -> str:
    lines = ["version: 1", "workspace: {name: bench}", "integrations:"]
    for k in range(integrations):
        lines += [
            f"  - name: zap-{k:04d}",
            f"    title: Zap {k}",
            "    pattern: automation-bridge",
            "    ai: {provider: anthropic, model: claude-haiku-4-5}",
            "    checks:",
            '      - {kind: heartbeat, name: ran, period: 1h, token: "${BENCH_TOKEN}"}',
        ]
    return "\n".join(lines) + "\n"


def serve(kind: str, folder: str, integrations: int) -> None:
    """Child process: serve one app on a free loopback port, print the port, run until killed."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from tether.server.run import ServerThread, bind

    if kind == "bare":
        import uvicorn

        async def ping(request: Request) -> JSONResponse:
            return JSONResponse({"ok": True})

        app = Starlette(routes=[Route("/ping/{name}", ping, methods=["POST"])])
        sock = bind("127.0.0.1", 0)
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        print(sock.getsockname()[1], flush=True)
        asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))
        return
    from tether.pricing import PriceBook
    from tether.server.app import ServerConfig
    from tether.store import open_store
    from tether.workspace import load_workspace

    (Path(folder) / "integrations.yaml").write_text(workspace(integrations), encoding="utf-8")
    ws = load_workspace(Path(folder) / "integrations.yaml")
    db = Path(folder) / "tether.db"
    open_store(db).close()
    server = ServerThread(ServerConfig(ws.file, ws.systems, str(db), env={"BENCH_TOKEN": TOKEN}, book=PriceBook()))
    server.start()
    print(server.url.rsplit(":", 1)[1], flush=True)
    server.thread.join()


def measure(kind: str, folder: str, pings: int, connections: int, integrations: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--folder", folder, "--integrations", str(integrations)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        url = f"http://127.0.0.1:{port}"
        requests = [
            post(f"/ping/zap-{k:04d}?duration=0.2", f"127.0.0.1:{port}", {"x-tether-token": TOKEN})
            for k in range(integrations)
        ]
        asyncio.run(flood(url, WARM_UP, connections, lambda i: requests[i % integrations]))
        cpu = cpu_seconds(child.pid)
        start = time.perf_counter()
        statuses = asyncio.run(flood(url, pings, connections, lambda i: requests[i % integrations]))
        elapsed = time.perf_counter() - start
        CPU[kind] = (cpu_seconds(child.pid) - cpu) / pings
    finally:
        child.terminate()
        child.wait(timeout=30)
    bad = [s for s in statuses if s != 200]
    if bad or len(statuses) != pings:
        raise SystemExit(f"{kind}: {len(bad)} pings failed (first status {bad[0] if bad else None})")
    return pings / elapsed


WARM_UP = 500
CPU: dict[str, float] = {}
"""Server CPU seconds a request, by server: steadier than throughput on a loaded machine."""


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(pings: int, connections: int, integrations: int) -> list[str]:
    """Measure both servers with `integrations` heartbeat integrations; returns what failed."""
    with tempfile.TemporaryDirectory() as folder:
        baseline = measure("bare", folder, pings, connections, integrations)
        ours = measure("tether", folder, pings, connections, integrations)
        from tether.store import open_store
        from tether.store.heartbeats import count_pings
        from tether.store.retention import KEEP_PER_CHECK, slack
        from tether.store.rollups import Evidence, all_time

        with open_store(Path(folder) / "tether.db") as store:
            raw = count_pings(store)
            folded = sum(t.count for (_, _, evidence), t in all_time(store).items() if evidence == Evidence.RUN)
    answered = pings + WARM_UP
    # Each integration got every `integrations`-th ping; the raw table keeps its newest
    # KEEP_PER_CHECK, and up to `slack` more between trims.
    per_check = [len(range(k, answered, integrations)) for k in range(integrations)]
    fewest = sum(min(n, KEEP_PER_CHECK) for n in per_check)
    most = sum(min(n, KEEP_PER_CHECK + slack(KEEP_PER_CHECK)) for n in per_check)
    print(
        f"{integrations} integration(s): {pings} pings over {connections} keep-alive connections "
        f"(after {WARM_UP} to warm up)"
    )
    print(f"  bare Starlette endpoint (baseline): {baseline:8.0f} requests/s")
    print(
        f"  tether serve POST /ping:            {ours:8.0f} pings/s; {answered} answered 200, {folded} stored "
        f"(in the rollups; {raw} raw rows kept, {fewest}-{most} due under the cap)"
    )
    print(f"  ratio: {ours / baseline:.2f} of the baseline (goal {GOAL:g})")
    if CPU.get("bare") and CPU.get("tether"):
        print(
            f"  server CPU a request: bare {CPU['bare'] * 1e6:.0f} us, tether {CPU['tether'] * 1e6:.0f} us "
            f"(bare / tether = {CPU['bare'] / CPU['tether']:.2f})"
        )
    failed = []
    if folded != answered or not fewest <= raw <= most:
        failed.append(f"{integrations} integration(s): the pings stored are not the pings answered 200")
    if ours < GOAL * baseline:
        failed.append(f"{integrations} integration(s): {ours / baseline:.2f} of the bare endpoint, under {GOAL:g}")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pings", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--integrations", type=int, nargs="+", default=[1, 1000])
    parser.add_argument("--serve", choices=["tether", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.folder, args.integrations[0])
        return 0
    failed = [reason for n in args.integrations for reason in one_run(args.pings, args.connections, n)]
    for reason in failed:
        print(f"FAIL: {reason}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
