"""Sandbox scenarios (YAML): faults over time, vendor incidents, scripted model replies, n8n workflows.

faults:                          # every field optional; `route` is a glob on the path
  - route: /v1/messages
    after: 20s                   # active from t=20s after start ...
    until: 50s                   # ... until t=50s (open-ended when unset)
    status: 529                  # or 429 with retry_after, 500, 401, ...
    retry_after: 30
    latency: 2s                  # wait before answering
    body: html                   # malformed-json | html | redirect-html | oversize | empty
    drop: mid-body               # before-response | mid-body
    slow_body: 3s                # trickle the body over this long
    headers: {anthropic-ratelimit-requests-remaining: "3"}
    error_type: rate_limit_error # Anthropic error type / details.error_code for an error status
    error_code: enforced_spend_limit_reached
incidents:                       # what /status/<vendor>/... reports while active, in the vendor's platform
  - {vendor: hubspot, impact: minor, name: Lead scoring delays, components: [AI features]}
  - {vendor: salesforce, impact: major, name: Einstein errors, instance: NA123}
replies:                         # Messages API: first rule whose text the prompt contains wins
  - {contains: "score this lead", reply: '{"score": 82}'}
  - {regex: "(?i)summari[sz]e", reply: "A short summary."}
default_reply: OK                # when no rule matches ("echo" repeats the last user message)
workflows:                       # n8n executions, Make scenario logs, Zapier zap runs: seven days of
                                 # history, one run every 24h/runs_per_day, newest first ...
  - {id: lead-intake, runs_per_day: 48, failure_every: 10, duration_ms: 1200, live_every: 20s}
                                 # ... and, with live_every, a new run that often after the start
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator

from tether.errors import InputError, Problem, display_path
from tether.model.common import StrictModel, parse_duration
from tether.workspace.validate import load_text, read_text

BUNDLED = Path(__file__).parent / "scenarios"

Duration = Annotated[float, BeforeValidator(parse_duration), Field(ge=0)]
"""Seconds, or 250ms, 20s, 5m (zero allowed: `after: 0`)."""


class Fault(StrictModel):
    route: str = "*"
    """A glob on the request path (after host mirroring), e.g. /v1/messages or /status/hubspot/*."""
    method: str | None = None
    after: Duration = 0.0
    """Seconds after the sandbox started (or its clock was reset) when the fault begins."""
    until: Duration | None = None
    latency: Duration = 0.0
    status: int | None = Field(default=None, ge=100, le=599)
    retry_after: int | None = Field(default=None, ge=0)
    body: Literal["malformed-json", "html", "redirect-html", "oversize", "empty"] | None = None
    drop: Literal["before-response", "mid-body"] | None = None
    slow_body: Duration | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    error_type: str | None = None
    error_code: str | None = None
    message: str | None = None

    def active(self, elapsed: float, path: str, method: str) -> bool:
        if elapsed < self.after or (self.until is not None and elapsed >= self.until):
            return False
        if self.method and self.method.upper() != method:
            return False
        return fnmatch.fnmatchcase(path, self.route)


class Incident(StrictModel):
    vendor: str
    """A status page id as served at /status/<vendor>/ (systems.yaml ids: hubspot, zapier, ...)."""
    name: str = "Investigating an issue"
    impact: Literal["minor", "major", "critical", "maintenance"] = "minor"
    components: list[str] = Field(default_factory=list)
    """Components (services, products) it touches, by the vendor's names; all of them when empty."""
    instance: str | None = None
    """Salesforce Trust: the instance it hits (NA123, EU45); every instance when unset."""
    after: Duration = 0.0
    until: Duration | None = None

    def active(self, elapsed: float) -> bool:
        return elapsed >= self.after and (self.until is None or elapsed < self.until)


class Reply(StrictModel):
    contains: str | None = None
    regex: str | None = None
    reply: str
    model: str | None = None
    """Only for this model, if set."""

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
        return value

    def matches(self, prompt: str, model: str) -> bool:
        if self.model is not None and self.model != model:
            return False
        if self.contains is not None and self.contains.lower() not in prompt.lower():
            return False
        return not (self.regex is not None and not re.search(self.regex, prompt))


class Workflow(StrictModel):
    id: str
    runs_per_day: int = Field(default=48, ge=1, le=100_000)
    failure_every: int = Field(default=0, ge=0)
    """Every Nth run fails (0: none)."""
    duration_ms: float = Field(default=1200.0, gt=0)
    live_every: Annotated[float, BeforeValidator(parse_duration), Field(ge=0.1)] | None = None
    """After the sandbox starts, one more run every this long (unset: the history stays as it was)."""


DEFAULT_MODELS = [
    "claude-opus-4-1",
    "claude-sonnet-4-6",
    "claude-sonnet-4-5",
    "claude-haiku-4-5",
    "claude-3-5-haiku-latest",
]


class Scenario(StrictModel):
    faults: list[Fault] = Field(default_factory=list)
    incidents: list[Incident] = Field(default_factory=list)
    replies: list[Reply] = Field(default_factory=list)
    default_reply: str = "OK"
    workflows: list[Workflow] = Field(default_factory=lambda: [Workflow(id="lead-intake")])
    models: list[str] = Field(default_factory=lambda: list(DEFAULT_MODELS))
    openai_models: list[str] = Field(default_factory=lambda: ["gpt-4o", "gpt-4o-mini"])
    gemini_models: list[str] = Field(default_factory=lambda: ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash"])


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A scenario file, or a bundled one by name (`demo`); problems located as FILE:LINE:COL."""
    path = Path(name_or_path)
    if not path.exists() and (BUNDLED / f"{name_or_path}.yaml").exists():
        path = BUNDLED / f"{name_or_path}.yaml"
    shown = display_path(path)
    if not path.exists():
        bundled = ", ".join(sorted(p.stem for p in BUNDLED.glob("*.yaml")))
        raise InputError([Problem(shown, 1, 1, f"no scenario file here (bundled scenarios: {bundled})")])
    return load_text(read_text(path, shown), Scenario, shown, refuse_secrets=False)[0]
