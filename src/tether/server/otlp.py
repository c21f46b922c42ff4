"""OTLP/HTTP traces in: GenAI spans (OpenTelemetry semantic conventions) become runs.

`POST /v1/traces` takes an `ExportTraceServiceRequest` as protobuf (`application/x-protobuf`)
or JSON (`application/json`, with hex trace and span ids as the OTLP spec writes them),
optionally gzip-encoded. Decoding uses the official `opentelemetry-proto` messages. A span is
a run when it carries GenAI attributes (`gen_ai.operation.name`, `gen_ai.request.model`,
`gen_ai.usage.*`); its resource's `service.name` says which integration it belongs to
(`telemetry: {service_name: ...}` on the integration, optionally narrowed by one span
attribute). Spans of services no integration claims are counted and reported back in the
response's `partial_success`, never silently dropped.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tether.checks.result import Run
from tether.model.integration import TELEMETRY_CHECK, Integration
from tether.model.tokens import TokenCounts
from tether.pricing import PriceBook

if TYPE_CHECKING:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
    from opentelemetry.proto.common.v1.common_pb2 import KeyValue

MAX_BODY = 4 * 1024 * 1024
"""Bytes an OTLP request may carry, compressed or not (a gzip bomb stops here too)."""
MAX_TOKENS = 10_000_000
"""More tokens than any model takes in one call: a span claiming more is rejected alone."""
SOURCE = TELEMETRY_CHECK


class BadPayload(ValueError):
    """The request cannot be decoded: a 400 with this reason."""


class TooLarge(ValueError):
    """The request is over MAX_BODY once decompressed: a 413."""


def inflate(body: bytes, encoding: str | None) -> bytes:
    """The body, gunzipped when it says so, never more than MAX_BODY bytes."""
    if not encoding or encoding.lower() == "identity":
        if len(body) > MAX_BODY:
            raise TooLarge(f"the body is larger than {MAX_BODY} bytes")
        return body
    if encoding.lower() != "gzip":
        raise BadPayload(f"Content-Encoding {encoding!r} is not supported; send gzip or none")
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(body, MAX_BODY + 1)
    except zlib.error as exc:
        raise BadPayload(f"the gzip body is corrupt: {exc}") from None
    if len(out) > MAX_BODY or inflater.unconsumed_tail:
        raise TooLarge(f"the body is larger than {MAX_BODY} bytes once decompressed")
    return out


_HEX_IDS = ("traceId", "spanId", "parentSpanId")


def _hex_ids_to_base64(value: Any) -> Any:
    """OTLP/JSON writes trace and span ids in hex; protobuf's JSON mapping wants base64."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in _HEX_IDS and isinstance(item, str) and item:
                try:
                    out[key] = base64.b64encode(bytes.fromhex(item)).decode()
                except ValueError:
                    raise BadPayload(f"{key} {item[:40]!r} is not hex") from None
            else:
                out[key] = _hex_ids_to_base64(item)
        return out
    if isinstance(value, list):
        return [_hex_ids_to_base64(item) for item in value]
    return value


def decode(body: bytes, content_type: str) -> ExportTraceServiceRequest:
    from google.protobuf import json_format
    from google.protobuf.message import DecodeError
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    request = ExportTraceServiceRequest()
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-protobuf":
        try:
            request.ParseFromString(body)
        except DecodeError as exc:
            raise BadPayload(f"the protobuf body is not an ExportTraceServiceRequest: {exc}") from None
        return request
    if kind == "application/json":
        try:
            data = json.loads(body)
            json_format.ParseDict(_hex_ids_to_base64(data), request, ignore_unknown_fields=True)
        except (ValueError, json_format.ParseError, binascii.Error) as exc:
            raise BadPayload(f"the JSON body is not an ExportTraceServiceRequest: {exc}") from None
        return request
    raise BadPayload(f"Content-Type {kind or 'none'!r} is not OTLP; send application/x-protobuf or application/json")


def decode_metrics(body: bytes, content_type: str) -> int:
    """How many data points an ExportMetricsServiceRequest carries (tether takes runs from spans only)."""
    from google.protobuf import json_format
    from google.protobuf.message import DecodeError
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest

    request = ExportMetricsServiceRequest()
    kind = content_type.split(";", 1)[0].strip().lower()
    try:
        if kind == "application/x-protobuf":
            request.ParseFromString(body)
        elif kind == "application/json":
            json_format.ParseDict(json.loads(body), request, ignore_unknown_fields=True)
        else:
            raise BadPayload(
                f"Content-Type {kind or 'none'!r} is not OTLP; send application/x-protobuf or application/json"
            )
    except (DecodeError, ValueError, json_format.ParseError) as exc:
        if isinstance(exc, BadPayload):
            raise
        raise BadPayload(f"the body is not an ExportMetricsServiceRequest: {exc}") from None
    points = 0
    for rm in request.resource_metrics:
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                kind_of = metric.WhichOneof("data")
                if kind_of is not None:
                    points += len(getattr(metric, kind_of).data_points)
    return points


def metrics_response(points: int, content_type: str) -> tuple[bytes, str]:
    """Every data point refused, and why, in the response's standard `partial_success`: never a silent drop."""
    from google.protobuf import json_format
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceResponse

    answer = ExportMetricsServiceResponse()
    if points:
        answer.partial_success.rejected_data_points = points
        answer.partial_success.error_message = (
            "tether records runs from GenAI spans (POST /v1/traces); metrics are not stored here. "
            "Export traces to tether and metrics to your collector."
        )
    if content_type.split(";", 1)[0].strip().lower() == "application/json":
        return json.dumps(json_format.MessageToDict(answer)).encode(), "application/json"
    return answer.SerializeToString(), "application/x-protobuf"


def _attributes(pairs: Iterable[KeyValue]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        which = pair.value.WhichOneof("value")
        if which in ("string_value", "bool_value", "int_value", "double_value"):
            out[pair.key] = getattr(pair.value, which)
    return out


def _count(attrs: Mapping[str, Any], *names: str) -> int:
    for name in names:
        value = attrs.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 0 or value > MAX_TOKENS:
                raise ValueError(f"{name} = {value} is not a plausible token count")
            return value
    return 0


def is_genai(attrs: Mapping[str, Any]) -> bool:
    return any(key.startswith("gen_ai.") for key in attrs)


@dataclass
class Ingested:
    """What one request brought: the runs, and the spans left out with why."""

    runs: list[Run] = field(default_factory=list)
    unclaimed: dict[str, int] = field(default_factory=dict)
    """service.name → GenAI spans no integration claims."""
    rejected: list[str] = field(default_factory=list)
    """One reason per span refused on its own (absurd token counts)."""

    @property
    def refused(self) -> int:
        return sum(self.unclaimed.values()) + len(self.rejected)

    def message(self) -> str:
        parts = [
            f"{n} span(s) of service {name!r}, which no integration's `telemetry` claims"
            for name, n in sorted(self.unclaimed.items())
        ]
        return "; ".join([*parts, *self.rejected[:5]])


def _owner(integrations: list[Integration], service: str, attrs: Mapping[str, Any]) -> Integration | None:
    for integration in integrations:
        t = integration.telemetry
        if t is None or t.service_name != service:
            continue
        if t.span_attribute is None or str(attrs.get(t.span_attribute.key)) == t.span_attribute.value:
            return integration
    return None


def runs_from(request: ExportTraceServiceRequest, integrations: list[Integration], book: PriceBook) -> Ingested:
    """Every GenAI span of a claimed service as a run, priced from rules/prices.yaml."""
    out = Ingested()
    claiming = [i for i in integrations if i.telemetry is not None]
    for resource_spans in request.resource_spans:
        service = str(_attributes(resource_spans.resource.attributes).get("service.name", "unknown_service"))
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                attrs = _attributes(span.attributes)
                if not is_genai(attrs):
                    continue
                owner = _owner(claiming, service, attrs)
                if owner is None:
                    out.unclaimed[service] = out.unclaimed.get(service, 0) + 1
                    continue
                try:
                    out.runs.append(_run(owner, span, attrs, book))
                except ValueError as exc:
                    out.rejected.append(f"span {span.span_id.hex()}: {exc}")
    return out


def _run(owner: Integration, span: Any, attrs: Mapping[str, Any], book: PriceBook) -> Run:
    from opentelemetry.proto.trace.v1.trace_pb2 import Status

    read = _count(attrs, "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens")
    written = _count(attrs, "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens")
    # The conventions count cached tokens inside input_tokens; ours counts uncached input apart.
    given = _count(attrs, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
    tokens = TokenCounts(
        max(0, given - read - written),
        _count(attrs, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"),
        read,
        written,
    )
    model = attrs.get("gen_ai.response.model") or attrs.get("gen_ai.request.model")
    model = str(model) if model else (owner.ai.model if owner.ai else None)
    cost = book.cost(model, tokens) if tokens else Decimal(0)
    failed = span.status.code == Status.STATUS_CODE_ERROR or "error.type" in attrs
    started, ended = span.start_time_unix_nano / 1e9, span.end_time_unix_nano / 1e9
    return Run(
        integration=owner.name,
        source=SOURCE,
        check=SOURCE,
        started_at=started,
        finished_at=ended if ended >= started else None,
        status="error" if failed else "success",
        status_word=Status.StatusCode.Name(span.status.code),
        model=model,
        tokens=tokens,
        cost_usd=float(cost or 0),
        error_type=str(attrs["error.type"]) if "error.type" in attrs else None,
        external_id=f"{span.trace_id.hex()}:{span.span_id.hex()}",
    )


def response(ingested: Ingested, content_type: str) -> tuple[bytes, str]:
    """An ExportTraceServiceResponse, encoded as the request was, with `partial_success` when spans were left out."""
    from google.protobuf import json_format
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

    answer = ExportTraceServiceResponse()
    if ingested.refused:
        answer.partial_success.rejected_spans = ingested.refused
        answer.partial_success.error_message = ingested.message()
    if content_type.split(";", 1)[0].strip().lower() == "application/json":
        return json.dumps(json_format.MessageToDict(answer)).encode(), "application/json"
    return answer.SerializeToString(), "application/x-protobuf"
