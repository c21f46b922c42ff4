"""What one run of one check found: the probe's outcome, and the stored result around it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tether.checks.states import State
from tether.model.tokens import TokenCounts


@dataclass(frozen=True)
class ConditionResult:
    """One condition of an http check: its text, whether it held, and the value it saw."""

    condition: str
    ok: bool
    actual: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"condition": self.condition, "ok": self.ok, "actual": self.actual}


@dataclass(frozen=True)
class Run:
    """One execution of an integration's real work, as its source reported it (an n8n execution,
    a GenAI span): not our probe of it. Stored once per (integration, source, external_id)."""

    integration: str
    source: str
    """Where it came from: `n8n`, `otlp`, ..."""
    check: str
    """The check (or, for pushed telemetry, the source) it is filed under in the rollups."""
    started_at: float
    status: str
    """success, error or other."""
    status_word: str = ""
    """The source's own word for it (n8n's `crashed`, a span's `STATUS_CODE_ERROR`)."""
    finished_at: float | None = None
    model: str | None = None
    tokens: TokenCounts = field(default_factory=TokenCounts)
    cost_usd: float = 0.0
    error_type: str | None = None
    external_id: str | None = None
    """The source's id, so a run seen twice (a re-read page, a re-sent span) is stored once."""

    @property
    def duration_ms(self) -> float | None:
        if self.finished_at is None or self.finished_at < self.started_at:
            return None
        return (self.finished_at - self.started_at) * 1000

    @property
    def ok(self) -> bool:
        return self.status == "success"


@dataclass
class Outcome:
    """What a probe returns. `category` is a stable word for the reason (see faults.Category)."""

    state: State
    reason: str
    category: str
    conditions: list[ConditionResult] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    tokens_in: int | None = None
    tokens_out: int | None = None
    cost_usd: float | None = None
    request_id: str | None = None
    latency_ms: float | None = None
    """Set by probes that time their own calls; the engine times the whole run otherwise."""
    timed: bool = True
    """False for checks with no round trip to time (heartbeat): latency_ms stays None."""
    runs: list[Run] = field(default_factory=list)
    """Runs of the integration's own work the probe read (n8n executions), stored with the result."""


@dataclass(frozen=True)
class CheckResult:
    """One recorded run of one check: what goes to the store, `--json`, rollups and alerts."""

    integration: str
    check: str
    kind: str
    state: State
    reason: str
    category: str
    started_at: float
    latency_ms: float | None
    conditions: tuple[ConditionResult, ...] = ()
    metrics: dict[str, Any] = field(default_factory=dict)
    tokens_in: int | None = None
    tokens_out: int | None = None
    cost_usd: float | None = None
    request_id: str | None = None
    runs: tuple[Run, ...] = ()
    """Runs the probe read, stored in the same transaction as the result."""

    def to_json(self) -> dict[str, Any]:
        return {
            "integration": self.integration,
            "check": self.check,
            "kind": self.kind,
            "state": str(self.state),
            "reason": self.reason,
            "category": self.category,
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 1),
            "conditions": [c.to_json() for c in self.conditions],
            "metrics": self.metrics,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "cost_usd": self.cost_usd,
            "request_id": self.request_id,
            "started_at": self.started_at,
        }
