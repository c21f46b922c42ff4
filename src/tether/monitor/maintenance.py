"""Is a moment inside a maintenance window? Windows repeat in wall-clock time, across DST changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tether.model.integration import Integration
from tether.model.maintenance import MaintenanceWindow, Repeat
from tether.model.workspace_file import WorkspaceFile

_STEP = {Repeat.DAILY: timedelta(days=1), Repeat.WEEKLY: timedelta(days=7)}


def _local_start(window: MaintenanceWindow, zone: ZoneInfo) -> datetime:
    start = window.start
    return start.astimezone(zone) if start.tzinfo is not None else start.replace(tzinfo=zone)


def _occurrence_starts(window: MaintenanceWindow, zone: ZoneInfo, ts: float) -> Iterable[datetime]:
    """Starts (aware, local) of the occurrences that could cover `ts`: the latest one at or before it."""
    first = _local_start(window, zone)
    if window.repeat is Repeat.NONE:
        yield first
        return
    step = _STEP[window.repeat]
    moment = datetime.fromtimestamp(ts, tz=zone)
    # Whole steps of wall-clock time from the first start, so 02:00 stays 02:00 after a DST change.
    naive_first = first.replace(tzinfo=None)
    steps = (moment.replace(tzinfo=None) - naive_first) // step
    for k in (steps, steps - 1):
        if k >= 0:
            yield (naive_first + k * step).replace(tzinfo=zone)


def window_covers(window: MaintenanceWindow, ts: float, default_zone: str) -> bool:
    zone = ZoneInfo(window.timezone or default_zone)
    for start in _occurrence_starts(window, zone, ts):
        begins = start.astimezone(UTC).timestamp()
        if begins <= ts < begins + window.duration:
            return True
    return False


def windows_for(file: WorkspaceFile, integration: Integration) -> list[MaintenanceWindow]:
    return [*file.maintenance, *integration.maintenance]


def in_maintenance(file: WorkspaceFile, integration: Integration, ts: float) -> bool:
    """Whether `ts` falls in one of the workspace's or the integration's windows."""
    zone = file.workspace.timezone
    return any(window_covers(w, ts, zone) for w in windows_for(file, integration))


def excluder(file: WorkspaceFile) -> Callable[[str, float], bool]:
    """`excluded(integration, ts)`: whether a run of that integration at that time is inside one of
    its maintenance windows (left out of uptime). The one excluder every writer folds with."""
    by_name = {i.name: i for i in file.integrations}

    def excluded(name: str, ts: float) -> bool:
        found = by_name.get(name)
        return found is not None and in_maintenance(file, found, ts)

    return excluded
