"""Readiness as the dashboard and the Registry screen read it (no textual here).

The dashboard's column is the latest stored scorecard of each integration (one query); an
integration never scored reads "not measured". The Registry screen scores every integration
from live evidence, as `tether readiness` does, and keeps the result in the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tether.store import Store
from tether.store.readiness import latest_readiness
from tether.workspace import Workspace

if TYPE_CHECKING:
    from tether.readiness.ladder import Scorecard


def levels(store: Store) -> dict[str, str]:
    """Each scored integration's latest level id (e.g. pilot-ready), in one query."""
    return {name: snap.level_id for name, snap in latest_readiness(store).items()}


def score_all(ws: Workspace, store: Store, now: float) -> list[Scorecard]:
    """Every integration's scorecard from live evidence, recorded like `tether readiness` records it."""
    from tether.readiness.ladder import scorecards

    return scorecards(ws, store, now)
