"""The dashboard over 1,000 integrations with 30 days of rollups: it opens with every row, sorts, filters, drills in."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from tests.tui_support import SIZE, big_workspace, cell, make_app, settle, shown_names
from tether.tui.screens.dashboard import DashboardScreen
from tether.tui.screens.detail import DetailScreen
from tether.workspace import Workspace

COUNT = 1000


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path]:
    return big_workspace(tmp_path_factory.mktemp("big"), COUNT, days=30)


async def test_a_thousand_integrations_open_sort_filter_and_drill_in(big: tuple[Workspace, Path]) -> None:
    app = make_app(*big)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.query_one(DataTable).row_count == COUNT
        assert app.overview is not None
        counts = {str(state): n for state, n in app.overview.counts.items()}
        # Every tenth integration is degraded or down (tests.tui_support.big_workspace); the rest healthy.
        assert counts == {"healthy": 934, "degraded": 33, "unknown": 0, "down": 33}
        assert cell(app, shown_names(app)[0], "state") == "✖ down"
        month = next(r for r in app.overview.rows if r.name == "service-0001")
        # 30 days of history, one sample a day; sample k fails when (1 + k) % 23 == 0: one of 30.
        assert month.figures.uptime.month == pytest.approx(29 / 30)
        screen.sort_by("name")
        assert shown_names(app)[:2] == ["service-0000", "service-0001"]
        screen.query_one(Input).value = "service-099"
        await pilot.pause()
        assert shown_names(app) == [f"service-099{i}" for i in range(10)]
        await pilot.press("escape", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert len(app.screen.data.points if app.screen.data else []) >= 1
