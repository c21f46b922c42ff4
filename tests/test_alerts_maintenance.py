"""Maintenance windows: time zones, daily and weekly repeats (across DST changes), and one-off windows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from tether.model.maintenance import MaintenanceWindow
from tether.monitor.maintenance import window_covers


def ts(text: str) -> float:
    """A UTC moment written as 'YYYY-MM-DD HH:MM'."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).timestamp()


def window(**fields: object) -> MaintenanceWindow:
    return MaintenanceWindow.model_validate(fields)


@pytest.mark.parametrize(
    ("fields", "moment", "covered"),
    [
        # One-off, in the workspace zone (Europe/London, BST = UTC+1 in June).
        ({"start": "2026-06-10 22:00", "duration": "2h"}, "2026-06-10 21:00", True),
        ({"start": "2026-06-10 22:00", "duration": "2h"}, "2026-06-10 20:59", False),
        ({"start": "2026-06-10 22:00", "duration": "2h"}, "2026-06-10 23:00", False),  # end is exclusive
        ({"start": "2026-06-10 22:00", "duration": "2h"}, "2026-06-11 21:30", False),  # it does not repeat
        # Daily at 02:00 London: 02:00 UTC in winter, 01:00 UTC in summer (the DST change is on 2026-03-29).
        ({"start": "2026-01-05 02:00", "duration": "1h", "repeat": "daily"}, "2026-03-28 02:30", True),
        ({"start": "2026-01-05 02:00", "duration": "1h", "repeat": "daily"}, "2026-03-30 01:30", True),
        ({"start": "2026-01-05 02:00", "duration": "1h", "repeat": "daily"}, "2026-03-30 02:30", False),
        ({"start": "2026-01-05 02:00", "duration": "1h", "repeat": "daily"}, "2026-01-04 02:30", False),  # before
        # Weekly, Sundays 22:00-01:00 in New York (EDT = UTC-4): crosses midnight into Monday.
        (
            {"start": "2026-06-07 22:00", "duration": "3h", "repeat": "weekly", "timezone": "America/New_York"},
            "2026-06-22 04:30",  # Monday 00:30 EDT, from the Sunday 21 June window
            True,
        ),
        (
            {"start": "2026-06-07 22:00", "duration": "3h", "repeat": "weekly", "timezone": "America/New_York"},
            "2026-06-23 03:00",  # Monday 23:00 EDT: a day later, no window
            False,
        ),
        # A start with its own offset is taken as written.
        ({"start": "2026-06-10T10:00:00+00:00", "duration": "30m"}, "2026-06-10 10:15", True),
    ],
)
def test_window_covers(fields: dict[str, object], moment: str, covered: bool) -> None:
    assert window_covers(window(**fields), ts(moment), "Europe/London") is covered


def test_a_repeating_window_must_be_shorter_than_its_period() -> None:
    with pytest.raises(ValidationError, match="less than 24h"):
        window(start="2026-01-01 00:00", duration="1d", repeat="daily")


def test_unknown_time_zones_are_refused() -> None:
    with pytest.raises(ValidationError, match="not an IANA time zone"):
        window(start="2026-01-01 00:00", duration="1h", timezone="Mars/Olympus")
