"""What a probe may use: the shared HTTP client, its deadline, secrets at the moment of use, pings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from tether import clock
from tether.checks.states import State
from tether.model.integration import Integration
from tether.model.systems import SystemCatalogue
from tether.monitor.faults import Category, ProbeFault
from tether.pricing import PriceBook
from tether.secrets import MissingEnv, expand
from tether.store.results import Ping


@dataclass
class ProbeContext:
    client: httpx.AsyncClient
    integration: Integration
    timeout: float
    env: Mapping[str, str] | None = None
    """Where `${ENV}` references are read; the process environment when None."""
    last_ping: Callable[[str, str], Ping | None] = lambda integration, check: None
    last_run: Callable[[str, str], str | None] = lambda integration, source: None
    """The external id of the newest run stored from a source, for this integration."""
    now: Callable[[], float] = clock.now
    shared: dict[str, Any] = field(default_factory=dict)
    """Per-engine cache (SDK clients), closed by the engine at the end."""
    prices: PriceBook = field(default_factory=PriceBook)
    """The engine's price list, loaded once (a bare book prices nothing)."""
    systems: SystemCatalogue | None = None
    """The workspace's systems catalogue (vendors' status platforms); the packaged one when None."""

    def expand(self, text: str) -> str:
        """Expand `${ENV}` references; an unset variable ends the probe as unknown."""
        try:
            return expand(text, self.env)
        except MissingEnv as exc:
            raise ProbeFault(State.UNKNOWN, Category.CONFIG, f"{exc.name} is not set") from None
