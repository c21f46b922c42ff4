"""Whether anything is probing: another process (`tether probe --watch`, `tether serve --probe`) or none.

The dashboard tells the user when nothing is, and `tether dash` probes in-process by default then.
"""

from __future__ import annotations

from tether.store import Store
from tether.store.results import last_result_at
from tether.workspace import Workspace

GRACE = 2.0
"""Intervals without a result before the store counts as unwatched (one late batch is not silence)."""


def longest_interval(ws: Workspace) -> float:
    """The slowest check's interval: a prober writes at least this often."""
    intervals = [ws.check_interval(c.interval) for i in ws.integrations for c in i.checks]
    return max(intervals, default=ws.file.defaults.interval)


def quiet_after(ws: Workspace) -> float:
    return GRACE * longest_interval(ws)


def nothing_probing(ws: Workspace, store: Store, now: float) -> bool:
    """No result in the last `quiet_after` seconds: no prober is writing to this store."""
    last = last_result_at(store)
    return last is None or now - last > quiet_after(ws)
