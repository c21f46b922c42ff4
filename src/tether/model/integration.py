"""One integration: how AI is connected to one business workflow, and how we watch it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator, model_validator

from tether.checks import CheckSpec
from tether.model.alerts import AlertChannel
from tether.model.assertions import Assertion
from tether.model.common import Lifecycle, Pattern, SecretRef, Slug, StrictModel
from tether.model.maintenance import MaintenanceWindow


class Link(StrictModel):
    title: str
    url: str


class AIStep(StrictModel):
    provider: str
    """A system from rules/systems.yaml, e.g. anthropic, openai, google-ai."""
    model: str | None = None
    """The model id, e.g. claude-sonnet-4-6."""


class Volume(StrictModel):
    runs_per_month: int = Field(ge=0)
    input_tokens_per_run: int | None = Field(default=None, ge=0)
    """Left out: the tokens rules/prices.yaml `assumptions` gives a run (as the advisor's estimate)."""
    output_tokens_per_run: int | None = Field(default=None, ge=0)


class SpanAttribute(StrictModel):
    key: str
    value: str


class Telemetry(StrictModel):
    """Which OpenTelemetry GenAI spans sent to `tether serve` (POST /v1/traces) are this integration's runs."""

    service_name: str
    """The resource's `service.name`, as the application's OTEL_SERVICE_NAME sets it."""
    span_attribute: SpanAttribute | None = None
    """Narrows a shared service to the spans carrying this attribute value."""
    token: SecretRef
    """The bearer token the exporter sends (OTEL_EXPORTER_OTLP_HEADERS="authorization=Bearer ..."), as `${ENV}`."""
    degraded_below: float = Field(default=0.95, ge=0, le=1)
    """The spans' success rate over the last 24 h below this makes the integration degraded."""
    down_below: float = Field(default=0.5, ge=0, le=1)
    """... and below this, down (the same defaults as a run-history check's)."""


TELEMETRY_CHECK = "otlp"
"""The check name an integration's spans are stored and rolled up under (no check of the file has it)."""


class Budget(StrictModel):
    monthly_usd: float = Field(ge=0)


class Middleware(StrictModel):
    platform: str
    """A middleware system from rules/systems.yaml: zapier, make, n8n."""
    plan_monthly_usd: float = Field(default=0, ge=0)


class Fallback(StrEnum):
    RETRY = "retry"
    QUEUE = "queue"
    HUMAN = "human"
    SKIP = "skip"
    DEFAULT_VALUE = "default-value"
    ALERT = "alert"


class Scenario(StrictModel):
    what_happens: str
    """What the integration does when this goes wrong, in plain words."""
    fallback: Fallback
    """retry, queue, human (route to a person), skip, default-value or alert."""


class ErrorHandling(StrictModel):
    """The three things every integration must plan for."""

    unexpected_ai_response: Scenario | None = None
    api_down: Scenario | None = None
    malformed_input: Scenario | None = None

    def planned(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name) is not None]


class SampleSuite(StrictModel):
    """Real inputs run through the AI step to measure output quality (see `tether eval`)."""

    name: Slug
    prompt: str
    """A template; `{{ field }}` is filled from each case."""
    system: str | None = None
    """An optional system prompt, sent as the AI step sends it."""
    model: str | None = None
    """The model to run; the integration's `ai.model` when unset."""
    max_tokens: int = Field(default=512, ge=1, le=8192)
    """The most output tokens one case may use (also what the spend cap assumes before a call)."""
    cases: list[dict[str, Any]] = Field(default_factory=list)
    file: str | None = None
    """A CSV or JSONL file of real inputs, relative to integrations.yaml."""
    assertions: list[Assertion] = Field(default_factory=list)
    max_cost_usd: float | None = Field(default=None, gt=0)
    """Spend cap for one run of this suite, in USD: the run stops before a call would pass it."""
    target_pass_rate: float = Field(default=0.9, ge=0, le=1)

    @field_validator("file")
    @classmethod
    def _known_format(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().endswith((".csv", ".jsonl")):
            raise ValueError(f"{value!r}: samples are read from a .csv or .jsonl file")
        return value

    @model_validator(mode="after")
    def _has_inputs(self) -> SampleSuite:
        if not self.cases and self.file is None:
            raise ValueError("a sample suite needs `cases:` or a `file:` of real inputs")
        return self


class Exemption(StrictModel):
    """A readiness check this integration is excused from, for a stated reason, until a date."""

    check: str
    """The check's id in rules/readiness.yaml, e.g. alert-channel."""
    reason: str = Field(min_length=1)
    """Why it does not apply here, for whoever reads the scorecard next."""
    expires: date
    """The exemption lapses after this day (YYYY-MM-DD) and the check counts again."""


class Integration(StrictModel):
    name: Slug
    """A unique slug: how commands, reports and the store name it."""
    title: str
    description: str = ""
    owner: str | None = None
    """Who answers for it: a name or email."""
    oncall: str | None = None
    """Who is paged first when it breaks (a person, a rota, a pager address); the owner when unset."""
    escalation: list[str] = Field(default_factory=list)
    """Who to reach next, in order, when the first contact does not answer."""
    tags: list[str] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    pattern: Pattern
    lifecycle: Lifecycle = Lifecycle.PLANNED
    trigger: str | None = None
    """What starts it, e.g. 'contact form submitted'."""
    source: str | None = None
    """The system the trigger comes from (rules/systems.yaml)."""
    ai: AIStep | None = None
    destinations: list[str] = Field(default_factory=list)
    """The systems its output goes to (rules/systems.yaml)."""
    volume: Volume | None = None
    budget: Budget | None = None
    middleware: Middleware | None = None
    error_handling: ErrorHandling = Field(default_factory=ErrorHandling)
    checks: list[CheckSpec] = Field(default_factory=list)
    alerts: list[AlertChannel] = Field(default_factory=list)
    samples: list[SampleSuite] = Field(default_factory=list)
    telemetry: Telemetry | None = None
    maintenance: list[MaintenanceWindow] = Field(default_factory=list)
    """Planned windows for this integration alone: alerts stay quiet and uptime does not count."""
    exemptions: list[Exemption] = Field(default_factory=list)
    """Readiness checks waived for a reason until a date (see `tether readiness`)."""
    pattern_reason: str | None = None
    """Why this pattern differs from the advisor's recommendation, when it does."""

    @model_validator(mode="after")
    def _unique_check_names(self) -> Integration:
        seen: set[str] = set()
        for check in self.checks:
            if check.name in seen:
                raise ValueError(f"two checks are named {check.name!r}; check names are unique per integration")
            seen.add(check.name)
        return self

    def systems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every system this integration names, with its path in the integration."""
        out: list[tuple[tuple[str | int, ...], str]] = []
        if self.source:
            out.append((("source",), self.source))
        if self.ai:
            out.append((("ai", "provider"), self.ai.provider))
        out.extend((("destinations", i), d) for i, d in enumerate(self.destinations))
        if self.middleware:
            out.append((("middleware", "platform"), self.middleware.platform))
        for i, check in enumerate(self.checks):
            out.extend((("checks", i, "depends_on", j), d) for j, d in enumerate(check.depends_on))
        return out
