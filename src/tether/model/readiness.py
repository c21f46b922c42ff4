"""rules/readiness.yaml: the go-live ladder as data.

Levels are numbered from 0 (not ready); each check sits at one level above 0 and says which
patterns and lifecycles it applies to, the fact expression that must hold, its weight in the
score, and how to fix it. Expressions stay strings here; `tether.readiness.ladder` parses
every one with its exact location.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from tether.model.common import Lifecycle, Pattern, Slug, StrictModel


class Link(StrictModel):
    title: str
    url: str


class Level(StrictModel):
    number: int = Field(ge=0)
    id: Slug
    """How commands name it, e.g. production-ready (`tether check --min-level production-ready`)."""
    title: str
    description: str = ""


class AppliesTo(StrictModel):
    patterns: list[Pattern] = Field(default_factory=lambda: list(Pattern))
    """The patterns the check applies to; all four when unset."""
    lifecycles: list[Lifecycle] = Field(default_factory=lambda: list(Lifecycle))
    """The lifecycles it applies to; every one when unset."""


class ReadinessCheck(StrictModel):
    id: Slug
    """Stable: exemptions in integrations.yaml and the store's history name checks by it."""
    title: str
    area: str
    """Where the evidence comes from: definition, monitoring, quality or advisor."""
    level: int = Field(ge=1)
    """The level this check gates; reaching a level needs every applicable check at it and below."""
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    when: str
    """A fact expression that holds when the check passes, e.g. `success_rate_7d >= 99`."""
    weight: float = Field(default=1.0, gt=0)
    """Its share of the 0–100 score."""
    fix: str
    """What to do when it fails, in the user's words."""
    link: Link | None = None


class Ladder(StrictModel):
    levels: list[Level] = Field(min_length=2)
    checks: list[ReadinessCheck] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Ladder:
        numbers = [level.number for level in self.levels]
        if numbers != list(range(len(numbers))):
            raise ValueError(f"levels are numbered 0, 1, 2, ... in order; found {numbers}")
        ids = [level.id for level in self.levels]
        if len(set(ids)) != len(ids):
            raise ValueError("two levels have the same id")
        return self

    def level(self, number: int) -> Level:
        return self.levels[number]

    def find_level(self, text: str) -> Level | None:
        """A level by id, title or number, as a user types it on the command line."""
        wanted = text.strip().lower()
        for level in self.levels:
            if wanted in (level.id, level.title.lower(), str(level.number)):
                return level
        return None
