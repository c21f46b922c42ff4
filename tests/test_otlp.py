"""OTLP in: a stock OpenTelemetry SDK client, configured only by the standard environment variables,
sends GenAI spans to `tether serve`; the figures and `tether costs` show what those spans imply."""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tether.checks.states import State
from tether.cli import app
from tether.figures import Source, read_figures
from tether.model.tokens import TokenCounts
from tether.pricing import PriceBook
from tether.server.app import ServerConfig
from tether.server.run import ServerThread
from tether.store import open_store
from tether.store.runs import count_runs
from tether.workspace import Workspace, load_workspace

TOKEN = "otlp-test-token"
WORKSPACE = """
version: 1
workspace: {name: t}
integrations:
  - name: crm-email
    title: CRM follow-up email
    pattern: direct-api
    ai: {provider: anthropic, model: claude-sonnet-4-6}
    telemetry: {service_name: crm-backend, token: "${CRM_OTLP_TOKEN}"}
"""
BOOK = PriceBook.load(None)
MS = 1_000_000  # nanoseconds


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Workspace, Path]]:
    (tmp_path / "integrations.yaml").write_text(WORKSPACE, encoding="utf-8")
    ws = load_workspace(tmp_path / "integrations.yaml")
    db = tmp_path / "tether.db"
    open_store(db).close()
    thread = ServerThread(ServerConfig(ws.file, ws.systems, str(db), env={"CRM_OTLP_TOKEN": TOKEN}, book=BOOK))
    url = thread.start()
    try:
        yield url, ws, db
    finally:
        thread.stop()


def _send_with_the_sdk(url: str, monkeypatch: pytest.MonkeyPatch, spans: list[tuple[int, bool]], start_ns: int) -> None:
    """Ten GenAI spans as an instrumented app would send them; only OTEL_* variables configure the exporter."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.trace import Status, StatusCode

    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", url)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", f"authorization=Bearer%20{TOKEN}")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "crm-backend")
    provider = TracerProvider(resource=Resource.create())
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter()))
    tracer = provider.get_tracer("test")
    at = start_ns
    for duration_ms, ok in spans:
        span = tracer.start_span("chat claude-sonnet-4-6", start_time=at)
        span.set_attribute("gen_ai.operation.name", "chat")
        span.set_attribute("gen_ai.provider.name", "anthropic")
        span.set_attribute("gen_ai.request.model", "claude-sonnet-4-6")
        span.set_attribute("gen_ai.usage.input_tokens", 1200)  # includes the 200 read from the cache
        span.set_attribute("gen_ai.usage.cache_read.input_tokens", 200)
        span.set_attribute("gen_ai.usage.output_tokens", 300)
        if not ok:
            span.set_attribute("error.type", "overloaded_error")
            span.set_status(Status(StatusCode.ERROR))
        span.end(end_time=at + duration_ms * MS)
        at += 60_000 * MS
    provider.shutdown()


def test_sdk_spans_become_the_integrations_runs(
    served: tuple[str, Workspace, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tether import clock

    url, ws, db = served
    now = clock.now()
    durations = [800 + 150 * k for k in range(10)]
    spans = [(d, k not in (3, 7)) for k, d in enumerate(durations)]
    _send_with_the_sdk(url, monkeypatch, spans, int((now - 3600) * 1e9))
    with open_store(db) as store:
        assert count_runs(store, "crm-email") == 10
        [crm] = read_figures(ws.file, store, clock.now(), BOOK)
    assert crm.success.source is Source.RUNS
    assert (crm.success.count, crm.success.rate) == (10, pytest.approx(0.8))
    # No check judges the spans, so their rate does: 80 % is under the default 95 %.
    assert (crm.state, crm.reason) == (State.DEGRADED, "otlp: 8/10 spans succeeded in the last 24h (80%)")
    nearest_rank = sorted(durations)[math.ceil(0.95 * 10) - 1]
    assert crm.processing.source is Source.RUNS
    assert crm.processing.p95_ms == pytest.approx(nearest_rank, rel=0.0905)
    per_span = BOOK.cost("claude-sonnet-4-6", TokenCounts(1000, 300, 200, 0))
    assert per_span is not None
    assert crm.cost.production_usd == pytest.approx(per_span * 10, abs=Decimal("0.000001"))
    result = CliRunner().invoke(
        app, ["--file", str(ws.path), "--db", str(db), "costs", "--no-refresh", "--json"], env={}
    )
    assert result.exit_code == 0, result.output
    [costs] = json.loads(result.stdout)["integrations"]
    assert costs == crm.cost.to_json()  # the same figure in `tether costs`
    metrics = httpx.get(f"{url}/metrics", timeout=30).text
    assert 'tether_integration_runs_total{integration="crm-email",pattern="direct-api"} 10' in metrics
    assert 'tether_integration_run_failures_total{integration="crm-email",pattern="direct-api"} 2' in metrics
    assert 'tether_integration_run_duration_seconds_count{integration="crm-email",pattern="direct-api"} 10' in metrics


@pytest.mark.parametrize(
    ("failed", "state"), [(set(), State.HEALTHY), ({1, 4, 6}, State.DEGRADED), ({0, 2, 3, 5, 8, 9}, State.DOWN)]
)
def test_the_spans_success_rate_judges_an_integration_no_check_watches(
    served: tuple[str, Workspace, Path], monkeypatch: pytest.MonkeyPatch, failed: set[int], state: State
) -> None:
    from tether import clock

    url, ws, db = served
    _send_with_the_sdk(url, monkeypatch, [(500, k not in failed) for k in range(10)], int((clock.now() - 3600) * 1e9))
    with open_store(db) as store:
        [crm] = read_figures(ws.file, store, clock.now(), BOOK)
    assert crm.state is state  # 100 %, 70 % (under 95 %: degraded), 40 % (under 50 %: down)
    ok = 10 - len(failed)
    assert crm.reason == f"otlp: {ok}/10 spans succeeded in the last 24h ({ok / 10:.0%})"


def _otlp_json(service: str, span_id: str, tokens: int = 10) -> dict[str, object]:
    """A minimal OTLP/JSON ExportTraceServiceRequest, ids in hex as the OTLP spec writes them."""
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": "5b8efff798038103d269b633813fc60c",
                                "spanId": span_id,
                                "name": "chat",
                                "startTimeUnixNano": "1764633600000000000",
                                "endTimeUnixNano": "1764633601000000000",
                                "attributes": [
                                    {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
                                    {"key": "gen_ai.usage.input_tokens", "value": {"intValue": str(tokens)}},
                                ],
                            }
                        ]
                    }
                ],
            }
        ]
    }


def test_json_gzip_duplicates_unknown_services_and_absurd_spans(served: tuple[str, Workspace, Path]) -> None:
    url, _, db = served
    auth = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    with httpx.Client(base_url=url, headers=auth, timeout=30) as client:
        body = gzip.compress(json.dumps(_otlp_json("crm-backend", "eee19b7ec3c1b174")).encode())
        first = client.post("/v1/traces", content=body, headers={"content-encoding": "gzip"})
        assert first.status_code == 200, first.text
        assert first.json() == {}  # everything accepted: no partial_success
        again = client.post("/v1/traces", content=body, headers={"content-encoding": "gzip"})
        assert again.status_code == 200  # the same span re-sent is stored once
        other = client.post("/v1/traces", json=_otlp_json("billing", "eee19b7ec3c1b175"), headers=auth)
        partial = other.json()["partialSuccess"]
        assert partial["rejectedSpans"] == "1" and "'billing'" in partial["errorMessage"]  # counted, not dropped
        absurd = client.post("/v1/traces", json=_otlp_json("crm-backend", "eee19b7ec3c1b176", 10**12), headers=auth)
        assert absurd.json()["partialSuccess"]["rejectedSpans"] == "1"
        assert client.post("/v1/traces", content=b"{not json", headers=auth).status_code == 400
        bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))
        assert client.post("/v1/traces", content=bomb, headers={"content-encoding": "gzip"}).status_code == 413
        wrong = client.post("/v1/traces", content=body, headers={**auth, "authorization": "Bearer nope"})
        assert wrong.status_code == 403
    with open_store(db) as store:
        assert count_runs(store, "crm-email") == 1


def test_otlp_metrics_are_answered_never_silently_dropped(served: tuple[str, Workspace, Path]) -> None:
    url, _, _ = served
    body = {
        "resourceMetrics": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "crm-backend"}}]},
                "scopeMetrics": [
                    {
                        "metrics": [
                            {
                                "name": "gen_ai.client.token.usage",
                                "unit": "{token}",
                                "sum": {"dataPoints": [{"asInt": "1200"}, {"asInt": "300"}]},
                            }
                        ]
                    }
                ],
            }
        ]
    }
    auth = {"authorization": f"Bearer {TOKEN}"}
    answer = httpx.post(f"{url}/v1/metrics", json=body, headers=auth, timeout=30)
    assert answer.status_code == 200
    partial = answer.json()["partialSuccess"]
    assert partial["rejectedDataPoints"] == "2" and "/v1/traces" in partial["errorMessage"]
    assert httpx.post(f"{url}/v1/metrics", json=body, timeout=30).status_code == 401


def test_failing_spans_open_an_incident_as_a_failing_check_would(
    served: tuple[str, Workspace, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No probe judges the spans: the watcher observes their verdict as the `otlp` check, each round."""
    from tether import clock
    from tether.monitor.watch import Watcher
    from tether.store.incidents import open_incidents

    url, ws, db = served
    _send_with_the_sdk(url, monkeypatch, [(500, k < 4) for k in range(10)], int((clock.now() - 3600) * 1e9))
    with open_store(db) as store:
        watcher = Watcher(ws.file, ws.systems, store, book=BOOK, budget_every=0)
        for round_ in range(3):  # the default failure_threshold: three failing observations in a row
            assert open_incidents(store.db) == []
            watcher.check_budgets(clock.now() + round_)
        [incident] = open_incidents(store.db)
    assert (incident.integration, incident.check) == ("crm-email", "otlp")
    assert incident.reason == "4/10 spans succeeded in the last 24h (40%)"
