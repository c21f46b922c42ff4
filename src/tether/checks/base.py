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


class RunHistoryCheck(CheckBase):
    """What every check over a platform's run history shares (n8n, Make, Zapier): a window and
    the success rates that make it degraded or down."""

    window: Seconds = 86400.0
    """How far back to look, e.g. 24h."""
    degraded_below: float = Field(default=0.95, ge=0, le=1)
    """A success rate below this is degraded."""
    down_below: float = Field(default=0.5, ge=0, le=1)
    """A success rate below this is down."""
    max_pages: int = Field(default=20, ge=1, le=1000)
    """Stop paging after this many pages (a bound on one run's cost)."""
