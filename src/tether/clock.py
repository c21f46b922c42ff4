"""Time, in one place, so tests and generated documents can fix it."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any


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


def stamped(data: Any) -> Any:
    """Data on its way out as JSON, its times readable: a field named `at` or `*_at` holding epoch
    seconds becomes ISO 8601 UTC (`2026-12-02T00:08:50Z`), the epoch kept beside it as `*_epoch`."""
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            if _is_time(key, value):
                out[key] = None if value is None else iso(value)
                out[f"{key}_epoch"] = value
            else:
                out[key] = stamped(value)
        return out
    if isinstance(data, list | tuple):
        return [stamped(value) for value in data]
    return data


def _is_time(key: object, value: object) -> bool:
    named = isinstance(key, str) and (key == "at" or key.endswith("_at"))
    return named and (value is None or (isinstance(value, int | float) and not isinstance(value, bool)))
