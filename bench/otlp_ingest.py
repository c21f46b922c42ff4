"""OTLP ingestion: GenAI spans per second into the store through `tether serve`'s POST /v1/traces,
against a bare endpoint on the same stack that only decodes the same payloads.

Both apps run in this process on their own loopback ports (uvicorn + Starlette, as `tether
serve` does); the client posts protobuf ExportTraceServiceRequests of `--batch` spans each, as
an SDK's batch processor does, over `--connections` keep-alive connections. Every tether span is
checked as stored afterwards (a bench that stores nothing fails).

    python bench/otlp_ingest.py [--requests 200] [--batch 100] [--connections 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = "bench-otlp-token"
WORKSPACE = """
version: 1
workspace: {name: bench}
integrations:
  - name: crm
    title: CRM
    pattern: direct-api
    ai: {provider: anthropic, model: claude-sonnet-4-6}
    telemetry: {service_name: crm-backend, token: "${BENCH_TOKEN}"}
"""


def payloads(requests: int, batch: int) -> list[bytes]:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

    now = int(time.time() * 1e9)
    out = []
    for r in range(requests):
        request = ExportTraceServiceRequest()
        rs = request.resource_spans.add()
        rs.resource.attributes.append(KeyValue(key="service.name", value=AnyValue(string_value="crm-backend")))
        spans = rs.scope_spans.add()
        for s in range(batch):
            span = spans.spans.add()
            n = r * batch + s
            span.trace_id = n.to_bytes(16, "big")
            span.span_id = (n + 1).to_bytes(8, "big")
            span.name = "chat claude-sonnet-4-6"
            span.start_time_unix_nano = now - 3_600_000_000_000 + n * 1_000_000
            span.end_time_unix_nano = span.start_time_unix_nano + 900_000_000
            for key, value in (("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "claude-sonnet-4-6")):
                span.attributes.append(KeyValue(key=key, value=AnyValue(string_value=value)))
            for key, count in (("gen_ai.usage.input_tokens", 1200), ("gen_ai.usage.output_tokens", 300)):
                span.attributes.append(KeyValue(key=key, value=AnyValue(int_value=count)))
        out.append(request.SerializeToString())
    return out


def bare_app() -> object:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
        ExportTraceServiceResponse,
    )
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def traces(request: Request) -> Response:
        decoded = ExportTraceServiceRequest()
        decoded.ParseFromString(await request.body())
        return Response(ExportTraceServiceResponse().SerializeToString(), media_type="application/x-protobuf")

    return Starlette(routes=[Route("/v1/traces", traces, methods=["POST"])])


async def send(url: str, bodies: list[bytes], connections: int) -> float:
    import httpx

    headers = {"authorization": f"Bearer {TOKEN}", "content-type": "application/x-protobuf"}
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as client:

        async def worker() -> None:
            while not queue.empty():
                body = queue.get_nowait()
                answer = await client.post("/v1/traces", content=body)
                assert answer.status_code == 200, answer.text

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    import uvicorn

    from tether.pricing import PriceBook
    from tether.server.app import ServerConfig
    from tether.server.run import ServerThread, bind
    from tether.store import open_store
    from tether.store.rollups import Evidence, all_time
    from tether.store.runs import count_runs
    from tether.workspace import load_workspace

    bodies = payloads(args.requests, args.batch)
    spans = args.requests * args.batch
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "integrations.yaml"
        path.write_text(WORKSPACE, encoding="utf-8")
        ws = load_workspace(path)
        db = Path(folder) / "tether.db"
        open_store(db).close()
        config = ServerConfig(ws.file, ws.systems, str(db), env={"BENCH_TOKEN": TOKEN}, book=PriceBook.load(None))
        thread = ServerThread(config)
        url = thread.start()
        try:
            ours = asyncio.run(send(url, bodies, args.connections))
        finally:
            thread.stop()
        with open_store(db) as store:
            # Raw runs are capped per check (the newest 10,000 stay); the rollups count every one.
            stored = all_time(store)[("crm", "otlp", Evidence.RUN)].count
            kept = count_runs(store, "crm")
        if stored != spans:
            raise SystemExit(f"tether recorded {stored} of {spans} spans")

        import threading

        sock = bind("127.0.0.1", 0)
        server = uvicorn.Server(uvicorn.Config(bare_app(), log_level="warning", access_log=False))  # type: ignore[arg-type]
        runner = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
        runner.start()
        while not server.started:
            time.sleep(0.01)
        try:
            bare = asyncio.run(send(f"http://127.0.0.1:{sock.getsockname()[1]}", bodies, args.connections))
        finally:
            server.should_exit = True
            runner.join(timeout=30)
    print(
        f"OTLP ingestion, {spans:,} GenAI spans in {args.requests} requests of {args.batch}, "
        f"{args.connections} connections, on {os.cpu_count()} cores"
    )
    print(
        f"  tether serve, decoded, priced and stored (every span counted, {kept:,} raw rows kept): "
        f"{spans / ours:,.0f} spans/s ({ours:.2f} s)"
    )
    print(f"  bare endpoint that only decodes the same payloads: {spans / bare:,.0f} spans/s ({bare:.2f} s)")
    print(f"  ratio: tether's rate is {bare / ours:.2f} of the bare endpoint's ({ours / bare:.1f}x its time)")


if __name__ == "__main__":
    main()
