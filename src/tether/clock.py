"""Time, in one place, so tests and generated documents can fix it."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now() -> float:
    """Seconds since the epoch, UTC. Every time in the store is one of these."""
    return time.time()


def month_start(ts: float) -> float:
    """The start of ts's calendar month, UTC (as the providers' cost reports count days)."""
    moment = datetime.fromtimestamp(ts, tz=UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC).timestamp()


def iso(ts: float) -> str:
    """A store time as an ISO 8601 UTC string, second precision."""
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
