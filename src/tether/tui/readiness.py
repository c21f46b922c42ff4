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


def levels(store: Store, ws: Workspace) -> dict[str, str]:
    """Each scored integration's latest level by its title (Pilot-ready), the one spelling people read."""
    from tether.model.readiness import Ladder
    from tether.workspace.rules import load_rules

    latest = latest_readiness(store)
    if not latest:
        return {}
    titles = {level.id: level.title for level in load_rules("readiness.yaml", Ladder, ws.root).levels}
    return {name: titles.get(snap.level_id, snap.level_id) for name, snap in latest.items()}


def score_all(ws: Workspace, store: Store, now: float) -> list[Scorecard]:
    """Every integration's scorecard from live evidence, recorded like `tether readiness` records it."""
    from tether.readiness.ladder import scorecards

    return scorecards(ws, store, now)
