"""A small application instrumented with OpenTelemetry: the CRM backend of the bundled example.

What a team's own direct-API code looks like once instrumented: each call to the Claude Messages
API (the sandbox's, here) is a GenAI client span, exported by the stock OpenTelemetry SDK with its
OTLP/HTTP exporter to `tether serve`'s `POST /v1/traces`. Nothing here is tether-specific but the
addresses: the span carries the attributes the GenAI semantic conventions name
(opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/: `gen_ai.operation.name`,
`gen_ai.provider.name`, `gen_ai.request.model`, `gen_ai.response.model`, `gen_ai.response.id`,
`gen_ai.response.finish_reasons`, `gen_ai.usage.input_tokens` — all input tokens, cached ones
included —, `gen_ai.usage.output_tokens`, `gen_ai.usage.cache_read.input_tokens`,
`gen_ai.usage.cache_creation.input_tokens`, and `error.type` with an ERROR status on failure).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

from tether.model.integration import Integration
from tether.sandbox.env import STAND_IN
from tether.sandbox.repeat import Repeating
from tether.secrets import expand

ANTHROPIC_VERSION = "2023-06-01"
CALL_TIMEOUT = 10.0
"""Seconds a Messages API call may take (the sandbox answers in milliseconds)."""
EXPORT_TIMEOUT = 5.0
"""Seconds one span's export may take, retries included (the exporter's own deadline)."""
PROMPT = (
    "Write a short follow-up email to Sam at Northwind Outfitters, who asked for a quote on "
    "120 tents and has a budget approved for March. Keep it under 120 words."
)


@dataclass(frozen=True)
class Call:
    """What one instrumented call did, as its span says."""

    ok: bool
    error_type: str | None
    input_tokens: int
    output_tokens: int


class InstrumentedBackend:
    """Calls the Messages API at `api_url` as `integration`'s backend would, one GenAI span per call.

    The spans go to `traces_url` (tether serve's `/v1/traces`) with the integration's
    `telemetry.token` as the bearer token and its `telemetry.service_name` as the resource's
    `service.name`, so tether counts each call as one of the integration's runs.
    """

    def __init__(self, integration: Integration, api_url: str, traces_url: str, env: Mapping[str, str]) -> None:
        if integration.telemetry is None or integration.ai is None:
            raise ValueError(f"{integration.name} declares no `telemetry:` or no `ai:` model to call")
        telemetry = integration.telemetry
        self.integration = integration
        self.model = integration.ai.model
        self.api_url = api_url.rstrip("/")
        self.span_attribute = telemetry.span_attribute
        self.provider = TracerProvider(resource=Resource.create({"service.name": telemetry.service_name}))
        exporter = OTLPSpanExporter(
            endpoint=traces_url,
            headers={"authorization": f"Bearer {expand(telemetry.token, env)}"},
            timeout=EXPORT_TIMEOUT,
        )
        # Export as each span ends: the demo wants each run on the dashboard at once, not in a batch.
        self.provider.add_span_processor(SimpleSpanProcessor(exporter))
        self.tracer = self.provider.get_tracer("tether.sandbox.instrumented")
        self.made: list[Call] = []
        """Every call so far, as its span reported it."""
        self.client = httpx.Client(
            timeout=CALL_TIMEOUT, headers={"x-api-key": env.get("ANTHROPIC_API_KEY") or STAND_IN}
        )

    def call(self, prompt: str = PROMPT, max_tokens: int = 400) -> Call:
        """One Messages API call inside its GenAI span."""
        with self.tracer.start_as_current_span(f"chat {self.model}", kind=SpanKind.CLIENT) as span:
            span.set_attribute("gen_ai.operation.name", "chat")
            span.set_attribute("gen_ai.provider.name", "anthropic")
            span.set_attribute("gen_ai.request.model", self.model)
            span.set_attribute("gen_ai.request.max_tokens", max_tokens)
            if self.span_attribute is not None:
                span.set_attribute(self.span_attribute.key, self.span_attribute.value)
            try:
                response = self.client.post(
                    f"{self.api_url}/v1/messages",
                    headers={"anthropic-version": ANTHROPIC_VERSION},
                    json={
                        "model": self.model,
                        "max_tokens": max_tokens,
                        "messages": [{"role": "user", "content": prompt}],
                    },
                )
                body: Any = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                return self._failed(span, type(exc).__name__)
            if response.status_code != 200 or not isinstance(body, dict):
                error = body.get("error") if isinstance(body, dict) else None
                kind = error.get("type") if isinstance(error, dict) else None
                return self._failed(span, str(kind or response.status_code))
            usage = body.get("usage") or {}
            read = int(usage.get("cache_read_input_tokens") or 0)
            written = int(usage.get("cache_creation_input_tokens") or 0)
            # Anthropic's input_tokens leaves the cached ones out; the conventions' input_tokens counts them all.
            given = int(usage.get("input_tokens") or 0) + read + written
            output = int(usage.get("output_tokens") or 0)
            span.set_attribute("gen_ai.response.model", str(body.get("model", self.model)))
            span.set_attribute("gen_ai.response.id", str(body.get("id", "")))
            span.set_attribute("gen_ai.response.finish_reasons", [str(body.get("stop_reason", ""))])
            span.set_attribute("gen_ai.usage.input_tokens", given)
            span.set_attribute("gen_ai.usage.output_tokens", output)
            span.set_attribute("gen_ai.usage.cache_read.input_tokens", read)
            span.set_attribute("gen_ai.usage.cache_creation.input_tokens", written)
            return self._made(Call(True, None, given, output))

    def _failed(self, span: Any, error_type: str) -> Call:
        span.set_attribute("error.type", error_type)
        span.set_status(Status(StatusCode.ERROR, error_type))
        return self._made(Call(False, error_type, 0, 0))

    def _made(self, call: Call) -> Call:
        self.made.append(call)
        return call

    def close(self) -> None:
        self.provider.shutdown()
        self.client.close()


class BackendPlayer(Repeating):
    """Runs the instrumented backend every `every` seconds in a thread, until stopped."""

    def __init__(self, backend: InstrumentedBackend, every: float) -> None:
        super().__init__("tether-demo-crm-backend", every)
        self.backend = backend

    def step(self) -> None:
        self.backend.call()

    def stop(self) -> None:
        # The call in progress finishes and its span is exported (a test counts them), which the
        # short timeouts bound: at most CALL_TIMEOUT + EXPORT_TIMEOUT.
        super().stop()
        self.backend.close()
