"""rules/troubleshooting.yaml: the failure modes a runbook explains, and what counts toward each."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from tether.model.common import Pattern, Slug, StrictModel
from tether.model.systems import SystemKind


class AppliesTo(StrictModel):
    """A failure mode belongs in a runbook when any one of these matches the integration."""

    patterns: list[Pattern] = Field(default_factory=list)
    check_kinds: list[str] = Field(default_factory=list)
    """Check kinds (`kind:` in integrations.yaml) whose failure this explains."""
    systems: list[str] = Field(default_factory=list)
    """System ids from rules/systems.yaml used as source, AI provider, destination or middleware."""
    system_kinds: list[SystemKind] = Field(default_factory=list)
    """Kinds of system, e.g. every integration that uses an `ai-api` or a `vector-db`."""


class DiagnosisStep(StrictModel):
    command: str
    """A tether command; `{name}` is replaced by the integration's name."""
    look_for: str
    """What in its output confirms or rules out this failure mode."""


class FailureMode(StrictModel):
    id: Slug
    title: str
    applies_to: AppliesTo
    reasons: list[str] = Field(default_factory=list)
    """Reason categories recorded by checks and incidents that count as this failure mode."""
    meaning: str
    impact: str
    diagnosis: list[DiagnosisStep] = Field(min_length=1)
    mitigation: list[str] = Field(min_length=1)


class Troubleshooting(StrictModel):
    version: Literal[1] = 1
    failure_modes: list[FailureMode]

    @model_validator(mode="after")
    def _unique(self) -> Troubleshooting:
        ids: set[str] = set()
        reasons: dict[str, str] = {}
        for mode in self.failure_modes:
            if mode.id in ids:
                raise ValueError(f"failure mode id {mode.id!r} is used twice")
            ids.add(mode.id)
            for reason in mode.reasons:
                if reason in reasons:
                    raise ValueError(
                        f"reason {reason!r} maps to both {reasons[reason]!r} and {mode.id!r}; a reason counts once"
                    )
                reasons[reason] = mode.id
        return self

    def for_reason(self, reason: str) -> FailureMode | None:
        """The failure mode a recorded reason counts toward, if any."""
        for mode in self.failure_modes:
            if reason in mode.reasons:
                return mode
        return None
