"""Is the prober itself the bottleneck? The event loop's lag, and each probe's own waiting.

A monitor must not report its own congestion as the target's slowness (docs/adr/0014). Two
measures, both of tether and none of the target:

- **Loop lag**: `LagMonitor` arms a timer every `TICK` seconds and notes how late it fired. A
  late timer means every task on the loop was held up that long (CPU-bound batches, a blocking
  call), so any exchange in flight then may have been stamped late.
- **Waiting**: what a probe spent between starting an exchange and its bytes moving — waiting
  for a pooled connection, or for its task to be resumed (`Waits`, filled by `fetch`).
- **Queueing** (on a schedule, `probe --watch`): how long a due check waited for a free slot.

Past `OVERLOADED_MS` of any of them during a probe, its result carries the `probe_overloaded` metric,
and a timeout becomes `unknown` (tether could not tell) instead of `down` (the target's fault).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

TICK = 0.05
OVERLOADED_MS = 100.0
"""Our own delay, in one probe, past which its timing no longer speaks for the target."""
KEPT = 512
"""Late ticks remembered (a probe only looks back over its own run)."""


@dataclass
class Waits:
    """What the current probe's HTTP exchanges cost on the wire, and what tether made them wait."""

    network_ms: float = 0.0
    waited_ms: float = 0.0
    exchanges: int = 0

    def add(self, network_ms: float, waited_ms: float) -> None:
        self.network_ms += network_ms
        self.waited_ms += max(0.0, waited_ms)
        self.exchanges += 1


current: ContextVar[Waits | None] = ContextVar("tether_probe_waits", default=None)
"""Set by the engine around each probe (each probe runs in its own task, so its own context)."""


def note(network_ms: float, waited_ms: float) -> None:
    """Called by `fetch` after each exchange; nothing happens outside a probe."""
    waits = current.get()
    if waits is not None:
        waits.add(network_ms, waited_ms)


@dataclass
class LagMonitor:
    """How late the loop ran its timers, over time (perf_counter seconds)."""

    tick: float = TICK
    late: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=KEPT))
    """(when, lag in ms) for each tick that fired more than a tick late."""
    _handle: asyncio.TimerHandle | None = None
    _due: float = 0.0

    def start(self) -> None:
        self._arm(asyncio.get_running_loop())

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        self._due = time.perf_counter() + self.tick
        self._handle = loop.call_later(self.tick, self._fire, loop)

    def _fire(self, loop: asyncio.AbstractEventLoop) -> None:
        now = time.perf_counter()
        lag = (now - self._due) * 1000
        if lag > self.tick * 1000:
            self.late.append((now, lag))
        self._arm(loop)

    def worst_since(self, since: float) -> float:
        """The worst lag (ms) of a tick that fired at or after `since`, 0 when none was late."""
        worst = 0.0
        for when, lag in reversed(self.late):
            if when < since:
                break
            worst = max(worst, lag)
        return worst


def signal(lag_ms: float, waited_ms: float, queued_ms: float = 0.0) -> dict[str, Any] | None:
    """The `probe_overloaded` metric for a probe past `OVERLOADED_MS` on any count, else None."""
    if max(lag_ms, waited_ms, queued_ms) <= OVERLOADED_MS:
        return None
    return {"loop_lag_ms": round(lag_ms, 1), "waited_ms": round(waited_ms, 1), "queued_ms": round(queued_ms, 1)}
