"""What every check has, whatever its kind."""

from __future__ import annotations

from pydantic import Field

from tether.model.common import Seconds, Slug, StrictModel


class CheckBase(StrictModel):
    """A probe of one part of an integration. Subclasses set `kind: Literal[...]`."""

    kind: str
    name: Slug
    """Unique within the integration."""
    interval: Seconds | None = None
    """How often it runs; `defaults.interval` when unset."""
    timeout: Seconds | None = None
    """How long one run may take; `defaults.timeout` when unset. Always below the interval."""
    degraded_ms: float | None = Field(default=None, gt=0)
    """Slower than this (milliseconds) is degraded rather than healthy."""
    depends_on: list[str] = Field(default_factory=list)
    """Systems (from rules/systems.yaml) whose outage explains this check failing."""

    def describe(self) -> str:
        """One line saying what it probes, for tables and documents."""
        return self.kind
