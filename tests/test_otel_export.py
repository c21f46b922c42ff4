"""OTLP metrics out: with the standard endpoint variable set, a monitoring session exports its
results and the figures, each with the prober's location, to a collector (here: a loopback
receiver that decodes what arrives with the official OTLP messages)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tether import clock
from tether.figures import read_figures
from tether.monitor.session import Watching, monitoring, plan_jobs
from tether.pricing import PriceBook
from tether.sandbox.server import Sandbox
from tether.store import open_store
from tether.workspace import load_workspace

WORKSPACE = """
version: 1
workspace: {{name: t}}
integrations:
  - name: portal
    title: Portal
    pattern: custom-app
    checks:
      - {{kind: http, name: health, url: "{url}/app/health", conditions: ["[STATUS] == 200"]}}
"""


class Collector(ThreadingHTTPServer):
    bodies: list[bytes]


class _Receive(BaseHTTPRequestHandler):
    server: Collector

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        if self.path == "/v1/metrics":
            self.server.bodies.append(self.rfile.read(length))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[Collector]:
    server = Collector(("127.0.0.1", 0), _Receive)
    server.bodies = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _points(bodies: list[bytes]) -> tuple[set[str], dict[str, list[tuple[dict[str, Any], float]]]]:
    """(each resource's location, metric name → [(attributes, value)]) from the exported requests."""
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest

    locations: set[str] = set()
    out: dict[str, list[tuple[dict[str, Any], float]]] = {}
    for body in bodies:
        request = ExportMetricsServiceRequest()
        request.ParseFromString(body)
        for rm in request.resource_metrics:
            locations |= {a.value.string_value for a in rm.resource.attributes if a.key == "location"}
            for sm in rm.scope_metrics:
                for metric in sm.metrics:
                    kind = metric.WhichOneof("data")
                    for p in getattr(metric, kind).data_points:
                        attrs = {a.key: a.value.string_value for a in p.attributes}
                        value = p.count if kind == "histogram" else (p.as_double or p.as_int)
                        out.setdefault(metric.name, []).append((attrs, float(value)))
    return locations, out


async def test_a_session_exports_results_and_figures_with_its_location(
    tmp_path: Path, sandbox: Sandbox, collector: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{collector.server_address[1]}")
    (tmp_path / "integrations.yaml").write_text(WORKSPACE.format(url=sandbox.url), encoding="utf-8")
    ws = load_workspace(tmp_path / "integrations.yaml")
    with open_store(tmp_path / "t.db") as store:
        for _ in range(3):
            async with monitoring(Watching.of(ws, {}), store, plan_jobs(ws.file), location="eu-west") as engine:
                await engine.run_once()
        [portal] = read_figures(ws.file, store, clock.now(), PriceBook.load(ws.root))
    locations, points = _points(collector.bodies)
    assert locations == {"eu-west"}
    results = [v for attrs, v in points["tether.probe.results"] if attrs["state"] == "healthy"]
    assert results and max(results) == 1  # one probe per session; each session exports its own
    assert all(attrs["location"] == "eu-west" for attrs, _ in points["tether.probe.duration"])
    [(attrs, rate)] = points["tether.integration.success_rate"][-1:]
    assert (attrs["integration"], attrs["source"]) == ("portal", "probes")
    assert rate == pytest.approx(portal.success.rate)  # the same figure as every other view
    uptime = {a["window"]: v for a, v in points["tether.integration.uptime"] if a["integration"] == "portal"}
    assert uptime["24h"] == pytest.approx(portal.uptime.day)
    [(_, up)] = points["tether.integration.up"][-1:]
    assert up == 1
