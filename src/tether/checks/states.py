"""Health states, per check and per integration."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class State(StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNKNOWN = "unknown"
    DOWN = "down"


# Worst last. `unknown` ranks above `degraded` (it may hide an outage) but below `down`, so an
# integration with one check down and another unknown is down: unknown never masks down.
SEVERITY = {State.HEALTHY: 0, State.DEGRADED: 1, State.UNKNOWN: 2, State.DOWN: 3}


def worst(states: Iterable[State | str]) -> State:
    """The worst of some states; `unknown` when there are none (nothing watches it)."""
    found = [State(s) for s in states]
    if not found:
        return State.UNKNOWN
    return max(found, key=SEVERITY.__getitem__)


def is_failing(state: State | str) -> bool:
    """Down or unknown: what `tether probe` exits 1 for."""
    return State(state) in (State.DOWN, State.UNKNOWN)
