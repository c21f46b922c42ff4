"""The calendar month money is counted in: UTC, as the providers' cost reports count days."""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from tether.clock import month_start

DAY = 86400.0


@dataclass(frozen=True)
class Month:
    start: float
    end: float
    days: int

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def elapsed_fraction(self, now: float) -> float:
        # At least one day, so the first hours of a month do not project wild figures.
        return min(1.0, max(now - self.start, DAY) / self.seconds)

    def days_started(self, now: float) -> int:
        return min(self.days, int((now - self.start) // DAY) + 1)


@functools.lru_cache(maxsize=64)
def month_of(now: float) -> Month:
    """The month `now` falls in (cached: every integration's cost figures ask for the same moment)."""
    moment = datetime.fromtimestamp(now, tz=UTC)
    days = calendar.monthrange(moment.year, moment.month)[1]
    start = month_start(now)
    return Month(start, start + days * DAY, days)
