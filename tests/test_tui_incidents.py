"""The workspace's incidents view: open first, acknowledge asks first, Enter opens the integration."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from tests.tui_support import NOW, SIZE, make_app, seeded_store, settle
from tether.store import open_store
from tether.store.incidents import incidents, open_incident
from tether.store.rollups import MINUTE
from tether.tui.screens.confirm import ConfirmScreen
from tether.tui.screens.detail import DetailScreen
from tether.tui.screens.incidents import IncidentsScreen


def rows(table: DataTable[object]) -> list[list[str]]:
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_incidents_open_first_acknowledge_asks_and_enter_opens(tmp_path: Path) -> None:
    ws, path = seeded_store(tmp_path)
    with open_store(path) as store, store.transaction() as db:
        open_incident(
            db,
            "budget:lead-intake-zapier",
            "budget",
            "projected $461.66 against $120.00",
            NOW - 90 * MINUTE,
            integration="lead-intake-zapier",
            category="budget",
        )
    app = make_app(ws, path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IncidentsScreen)
        table = screen.query_one(DataTable)
        # Open ones first (newest first), the resolved one last.
        assert [(r[1], r[2]) for r in rows(table)] == [
            ("OPEN", "support-portal-rag"),
            ("OPEN", "lead-intake-zapier"),
            ("resolved", "support-portal-rag"),
        ]
        await pilot.press("down", "a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "on lead-intake-zapier" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert [r[1] for r in rows(table)] == ["OPEN", "acknowledged", "resolved"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.integration_name == "lead-intake-zapier"
    with open_store(path) as store:
        assert [i.key for i in incidents(store) if i.acknowledged_at is not None] == ["budget:lead-intake-zapier"]
