"""OTLP metrics out: the path past one machine.

With the standard `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`) set,
a monitoring session also exports, through the official opentelemetry-sdk and its OTLP/HTTP
exporter, every probe result (a duration histogram and a counter by state) and the figures
(uptime, success rate, p95, projected cost, quality, state) as gauges, each with a `location`
attribute, so probers in several places feed one OpenTelemetry Collector. The exporter reads
every other setting (headers, timeout, interval) from the standard variables.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tether import clock
from tether.checks.result import CheckResult
from tether.model.workspace_file import WorkspaceFile
from tether.pricing import PriceBook
from tether.store.db import Store

if TYPE_CHECKING:
    from opentelemetry.metrics import CallbackOptions, Observation
    from opentelemetry.sdk.metrics import MeterProvider

    from tether.figures import IntegrationFigures

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def default_location() -> str:
    return socket.gethostname() or "unknown"


def wanted(env: Mapping[str, str] | None = None) -> bool:
    """Whether the environment asks for OTLP export (the standard endpoint variables)."""
    environ = os.environ if env is None else env
    return any(environ.get(name) for name in ENDPOINT_VARIABLES)


class MetricsExport:
    """The OTLP pipeline for one monitoring session: a batch sink for results, gauges for figures."""

    def __init__(self, file: WorkspaceFile, store_path: str, book: PriceBook, location: str) -> None:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
        from opentelemetry.sdk.resources import Resource

        self.file = file
        self.store_path = store_path
        self.book = book
        self.location = location
        resource = Resource.create({"service.name": "tether", "location": location})
        self.provider: MeterProvider = MeterProvider(
            metric_readers=[PeriodicExportingMetricReader(OTLPMetricExporter())], resource=resource
        )
        meter = self.provider.get_meter("tether")
        self._duration = meter.create_histogram(
            "tether.probe.duration", unit="s", description="How long each probe took (our probes of the dependencies)."
        )
        self._results = meter.create_counter(
            "tether.probe.results", unit="{result}", description="Probe results, by state."
        )
        gauges = {
            "tether.integration.uptime": ("1", "Share of probes that found its dependencies up, by window."),
            "tether.integration.success_rate": (
                "1",
                "Share of its runs that succeeded over 24 hours (source: runs or probes).",
            ),
            "tether.integration.processing_time_p95": ("s", "p95 processing time over 24 hours."),
            "tether.integration.projected_cost": ("USD", "Projected spend by the end of the month (basis attribute)."),
            "tether.integration.quality": ("1", "Latest eval pass rate of its declared suites."),
            "tether.integration.up": ("1", "1 while its state is healthy or degraded, else 0."),
        }
        for name, (unit, description) in gauges.items():
            meter.create_observable_gauge(name, callbacks=[self._observer(name)], unit=unit, description=description)
        self._figures: list[IntegrationFigures] | None = None

    def __call__(self, batch: list[CheckResult]) -> None:
        """The engine's batch sink: each result as a duration and a count."""
        for r in batch:
            labels = {"integration": r.integration, "check": r.check, "kind": r.kind, "location": self.location}
            self._results.add(1, {**labels, "state": str(r.state)})
            if r.latency_ms is not None:
                self._duration.record(r.latency_ms / 1000, labels)

    def _read(self) -> list[IntegrationFigures]:
        # Called from the exporter's thread: a connection of its own, read once per collection.
        with Store(self.store_path) as store:
            from tether.figures import read_figures  # only an exporting session reads figures

            return read_figures(self.file, store, clock.now(), self.book)

    def _observer(self, name: str) -> Any:
        def observe(options: CallbackOptions) -> Iterable[Observation]:
            if name == "tether.integration.uptime" or self._figures is None:
                self._figures = self._read()  # the first gauge of each collection reads, the rest reuse it
            return list(self._observations(name, self._figures))

        return observe

    def _observations(self, name: str, rows: list[IntegrationFigures]) -> Iterable[Observation]:
        from opentelemetry.metrics import Observation

        for f in rows:
            base = {"integration": f.name, "pattern": f.pattern, "location": self.location}
            if name == "tether.integration.uptime":
                for window, value in f.uptime.by_window().items():
                    if value is not None:
                        yield Observation(value, {**base, "window": window})
            elif name == "tether.integration.success_rate" and f.success.rate is not None:
                yield Observation(f.success.rate, {**base, "source": str(f.success.source)})
            elif name == "tether.integration.processing_time_p95" and f.processing.p95_ms is not None:
                yield Observation(f.processing.p95_ms / 1000, {**base, "source": str(f.processing.source)})
            elif name == "tether.integration.projected_cost":
                yield Observation(float(f.cost.projected_usd), {**base, "basis": str(f.cost.basis)})
            elif name == "tether.integration.quality" and f.quality_rate is not None:
                yield Observation(f.quality_rate, base)
            elif name == "tether.integration.up":
                yield Observation(1 if str(f.state) in ("healthy", "degraded") else 0, {**base, "state": str(f.state)})

    def close(self) -> None:
        """Export what is pending and stop (the session's end)."""
        self.provider.shutdown()
