"""Snapshots of every screen at a fixed size, over a deterministic store on a fixed clock.

Update after a deliberate change with `pytest tests/test_tui_snapshots.py --snapshot-update`, then look at
the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TabbedContent

from tests.test_tui_wizard import answer_current
from tests.tui_support import SIZE, make_app, seeded_store, settle

Steps = Callable[[Pilot[None]], Awaitable[None]]


def steps(*keys: str, tab: str | None = None, detail: str | None = None, finish_wizard: bool = False) -> Steps:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        app: Any = pilot.app
        if detail is not None:
            app.open_detail(detail)
            await settle(pilot)
        if tab is not None:
            app.screen.query_one(TabbedContent).active = tab
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if finish_wizard:
            while app.screen.assessment is None:
                await answer_current(pilot, app)
            await settle(pilot)
        await pilot.pause()

    return run


CASES: dict[str, tuple[Steps, dict[str, Any]]] = {
    "dashboard": (steps(), {}),
    "dashboard_60x15": (steps(), {"size": (60, 15)}),
    "dashboard_120x40": (steps(), {"size": (120, 40)}),
    "dashboard_light": (steps(), {"theme": "textual-light"}),
    "dashboard_filtered_by_owner": (steps("slash", *"maria"), {}),
    "detail_charts": (steps(detail="support-portal-rag"), {}),
    "detail_charts_30d": (steps("4", detail="support-portal-rag"), {}),
    "detail_results": (steps(detail="support-portal-rag", tab="results"), {}),
    "detail_incidents": (steps(detail="support-portal-rag", tab="incidents"), {}),
    "detail_definition": (steps(detail="crm-followup-email", tab="definition"), {}),
    "detail_runbook": (steps(detail="crm-followup-email", tab="runbook"), {}),
    "wizard_first_question": (steps("a"), {}),
    "wizard_recommendation": (steps("a", finish_wizard=True), {}),
    "registry": (steps("g"), {}),
    "incidents": (steps("i"), {}),
    "acknowledge_asks_first": (steps("a", detail="support-portal-rag", tab="incidents"), {}),
    "help": (steps("question_mark"), {}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_screen(case: str, snap_compare: Any, tmp_path: Path) -> None:
    run_before, settings = CASES[case]
    options = dict(settings)
    size = options.pop("size", SIZE)
    app = make_app(*seeded_store(tmp_path), **options)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
