"""The registry screen: each integration's readiness checks from live evidence, then the dashboard's column."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from tests.tui_support import NOW, SIZE, cell, make_app, seeded_store, settle
from tether.readiness.ladder import scorecards
from tether.store import open_store
from tether.tui.screens.dashboard import DashboardScreen
from tether.tui.screens.detail import DetailScreen
from tether.tui.screens.registry import RegistryScreen


def plain(value: object) -> str:
    return str(getattr(value, "plain", value))


async def test_registry_scores_readiness_and_the_dashboard_shows_the_level(tmp_path: Path) -> None:
    ws, path = seeded_store(tmp_path)
    with open_store(path) as store:
        expected = {c.integration.name: c for c in scorecards(ws, store, NOW, record=False)}
    app = make_app(ws, path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert cell(app, "crm-followup-email", "readiness") == "not measured"  # never scored yet
        await pilot.press("g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RegistryScreen)
        table = screen.query_one("#integrations", DataTable)
        levels = {plain(table.get_row_at(i)[0]): plain(table.get_row_at(i)[5]) for i in range(table.row_count)}
        assert levels == {name: card.level.title for name, card in expected.items()}
        # The first integration's checks, each with its result and what to do.
        first = expected[ws.integrations[0].name]
        checks = screen.query_one("#readiness-checks", DataTable)
        shown = [(plain(checks.get_row_at(i)[0]), plain(checks.get_row_at(i)[2])) for i in range(checks.row_count)]
        assert [title for _, title in shown] == [c.check.title for c in first.checks]
        marks = {
            "pass": "✔ pass",
            "fail": "✖ fail",
            "skipped": "– skipped",
            "not-measured": "? not measured",
            "exempt": "~ exempt",
        }
        assert [mark for mark, _ in shown] == [marks[str(c.result)] for c in first.checks]
        failing = [c for c in first.checks if str(c.result) == "fail"]
        if failing:
            messages = [plain(checks.get_row_at(i)[3]) for i in range(checks.row_count)]
            assert failing[0].message in messages
        note = plain(screen.query_one("#readiness-note", Static).render())
        assert note.startswith(f"{first.integration.name}: {first.level.title}")
        await pilot.press("down")
        second = expected[ws.integrations[1].name]
        assert plain(screen.query_one("#readiness-note", Static).render()).startswith(second.integration.name)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        app.open_dashboard()
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        # The level by its title, as `tether readiness` and the docs spell it.
        assert cell(app, "crm-followup-email", "readiness") == expected["crm-followup-email"].level.title


async def test_what_to_do_wraps_inside_the_screen(tmp_path: Path) -> None:
    app = make_app(*seeded_store(tmp_path))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        checks = app.screen.query_one("#readiness-checks", DataTable)
        width = sum(column.get_render_width(checks) for column in checks.columns.values())
        assert width <= 100  # nothing sits off the right edge
        rows = [checks.get_row_at(i) for i in range(checks.row_count)]
        longest = max(range(len(rows)), key=lambda i: len(plain(rows[i][3])))
        assert checks.ordered_rows[longest].height > 1  # the long advice wraps instead of being cut
