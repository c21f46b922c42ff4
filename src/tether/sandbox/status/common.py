"""What the platform stand-ins share: the scenario clock as ISO times, stable ids, and component lists."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache

DEFAULT_COMPONENTS = ["API", "Web app", "AI features", "Integrations"]
"""A vendor's components when the catalogue names none (tests and vendors outside it)."""
RANK = ["none", "maintenance", "minor", "major", "critical"]


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def ident(*parts: object, size: int = 12) -> str:
    """A deterministic id in the vendor's style (the same incident keeps its id between polls)."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:size]


@cache
def components(vendor: str) -> list[str]:
    """The components a vendor's page lists: the catalogue's (what native features depend on) first."""
    from tether.model.systems import SystemCatalogue
    from tether.workspace.rules import load_rules

    system = load_rules("systems.yaml", SystemCatalogue).resolve(vendor)
    named = list(system.status_components) if system else []
    return named + [c for c in DEFAULT_COMPONENTS if c not in named]
