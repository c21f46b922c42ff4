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
        claims: dict[str, list[FailureMode]] = {}
        for mode in self.failure_modes:
            if mode.id in ids:
                raise ValueError(f"failure mode id {mode.id!r} is used twice")
            ids.add(mode.id)
            for reason in mode.reasons:
                for other in claims.get(reason, []):
                    mine, theirs = set(mode.applies_to.check_kinds), set(other.applies_to.check_kinds)
                    # One reason may mean two things only for different check kinds (no_data of n8n, of a heartbeat).
                    if not mine or not theirs or mine & theirs:
                        raise ValueError(
                            f"reason {reason!r} maps to both {other.id!r} and {mode.id!r} for the same check kinds; "
                            "a reason counts once per check kind (give each its own `applies_to.check_kinds`)"
                        )
                claims.setdefault(reason, []).append(mode)
        return self

    def for_reason(self, reason: str, kind: str | None = None) -> FailureMode | None:
        """The failure mode a reason recorded by a check of this kind counts toward, if any.

        A reason claimed for some check kinds only counts for those: a heartbeat's `no_data` is
        a missed heartbeat, never an n8n execution failure. With no kind known (a budget
        incident), the reason counts where it is unambiguous: the one mode claiming it, or the
        one claiming it for every kind.
        """
        claiming = [mode for mode in self.failure_modes if reason in mode.reasons]
        if kind is None:
            # Unknown kind: the reason is clear only if one mode claims it (or one claims it for every kind).
            general = [mode for mode in claiming if not mode.applies_to.check_kinds]
            return general[0] if general else (claiming[0] if len(claiming) == 1 else None)
        for mode in claiming:
            kinds = mode.applies_to.check_kinds
            if not kinds or kind in kinds:
                return mode
        return None

    def claims(self, reason: str) -> bool:
        """Whether any failure mode explains this reason, for some check kind."""
        return any(reason in mode.reasons for mode in self.failure_modes)
