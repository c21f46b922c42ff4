"""Maintenance windows: planned time when alerts stay quiet and uptime does not count."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator, model_validator

from tether.model.common import Seconds, StrictModel


class Repeat(StrEnum):
    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"


REPEAT_SECONDS = {Repeat.DAILY: 86400.0, Repeat.WEEKLY: 7 * 86400.0}


class MaintenanceWindow(StrictModel):
    """For example: `start: 2025-06-01 02:00`, `duration: 1h`, `repeat: weekly` (Sundays 02:00-03:00)."""

    start: datetime
    """The first window's start, as wall-clock time in `timezone`; a repeat keeps its time of day (and weekday)."""
    duration: Seconds
    timezone: str | None = None
    """An IANA time zone; the workspace's `timezone` when unset."""
    repeat: Repeat = Repeat.NONE
    """none, daily or weekly."""
    reason: str | None = None
    """What is being maintained, for incident notes and reports."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone; write e.g. UTC or Europe/Berlin") from None
        return value

    @model_validator(mode="after")
    def _shorter_than_repeat(self) -> MaintenanceWindow:
        period = REPEAT_SECONDS.get(self.repeat)
        if period is not None and self.duration >= period:
            raise ValueError(f"a {self.repeat} window must last less than {period / 3600:g}h")
        return self
