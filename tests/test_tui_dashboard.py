"""The dashboard with Pilot: rows and header from the store, sort, filter, worst first, navigation, live refresh."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Input
from textual.widgets.data_table import ColumnKey

from tests.tui_support import NOW, SIZE, _result, cell, make_app, seeded_store, settle, shown_names
from tether.checks.states import State
from tether.sandbox.server import Sandbox
from tether.store import open_store
from tether.store.results import latest_per_check, record_results
from tether.tui.screens.dashboard import DashboardScreen


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[object, Path]:
    return seeded_store(tmp_path)


async def test_rows_show_state_figures_cost_and_not_measured(seeded: tuple[object, Path]) -> None:
    app = make_app(*seeded)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        # Worst first by default: down, unknown, degraded (by name), healthy. The Zap is degraded by its overrun.
        assert shown_names(app) == [
            "support-portal-rag",
            "lead-intake-n8n",
            "hubspot-ai-scoring",
            "lead-intake-zapier",
            "crm-followup-email",
        ]
        assert cell(app, "support-portal-rag", "state") == "✖ down"
        assert cell(app, "lead-intake-n8n", "state") == "? unknown"
        assert cell(app, "support-portal-rag", "name") == "support-portal-rag ⚑"  # an open incident
        assert cell(app, "lead-intake-n8n", "uptime") == "—"
        assert cell(app, "crm-followup-email", "owner") == "dev-team"
        assert cell(app, "crm-followup-email", "quality") == "not measured"
        assert cell(app, "crm-followup-email", "readiness") == "not measured"
        zap = cell(app, "lead-intake-zapier", "cost")
        assert zap.endswith("/$120 !"), zap  # the spend runs over its budget
        summary = str(app.screen.query_one("#summary").render())
        assert "✖ 1 down" in summary and "? 1 unknown" in summary and "▲ 2 degraded" in summary
        assert "● 1 healthy" in summary
        assert "spend this month" in summary


async def test_sort_by_columns_reverse_and_worst_first(seeded: tuple[object, Path]) -> None:
    app = make_app(*seeded)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")  # next column: name
        assert shown_names(app) == sorted(shown_names(app))
        await pilot.press("r")
        assert shown_names(app) == sorted(shown_names(app), reverse=True)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        screen.sort_by("p95")
        p95 = [cell(app, n, "p95") for n in shown_names(app)]
        assert p95[-1] == "—"  # not measured sorts last
        await pilot.press("w")
        assert shown_names(app)[0] == "support-portal-rag"
        assert app.screen.query_one(DataTable).cursor_row == 0


async def test_clicking_a_heading_sorts_by_it(seeded: tuple[object, Path]) -> None:
    app = make_app(*seeded)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        table = screen.query_one(DataTable)
        owner = ColumnKey("owner")
        table.post_message(DataTable.HeaderSelected(table, owner, 3, table.columns[owner].label))
        await pilot.pause()
        assert screen.sort_column == "owner"
        owners = [cell(app, n, "owner") for n in shown_names(app)]
        assert owners == sorted(owners)


async def test_filter_as_you_type_and_escape_clears(seeded: tuple[object, Path]) -> None:
    app = make_app(*seeded)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"intake")
        assert sorted(shown_names(app)) == ["lead-intake-n8n", "lead-intake-zapier"]
        app.screen.query_one(Input).value = "maria.lopez@"  # the owner's full address matches too
        await pilot.pause()
        assert sorted(shown_names(app)) == ["lead-intake-n8n", "lead-intake-zapier"]
        app.screen.query_one(Input).value = "down"
        await pilot.pause()
        assert shown_names(app) == ["support-portal-rag"]
        await pilot.press("escape")
        assert len(shown_names(app)) == 5
        assert isinstance(app.focused, DataTable)


async def test_enter_opens_detail_and_escape_returns(seeded: tuple[object, Path]) -> None:
    app = make_app(*seeded)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "DetailScreen"
        assert app.screen.integration_name == "support-portal-rag"  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_the_cursor_follows_the_integration_through_a_re_sort(seeded: tuple[object, Path]) -> None:
    ws, path = seeded
    app = make_app(ws, path)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        table = screen.query_one(DataTable)
        table.move_cursor(row=shown_names(app).index("hubspot-ai-scoring"))
        with open_store(path) as writer:  # crm-followup-email goes down: it sorts to the top, above the cursor
            record_results(
                writer, [_result("crm-followup-email", "crm-webhook", "http", State.DOWN, "HTTP 500", 5, None, NOW - 5)]
            )
        await pilot.press("f5")
        await settle(pilot)
        assert shown_names(app)[0] == "crm-followup-email"
        assert screen.selected() == "hubspot-ai-scoring"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.integration_name == "hubspot-ai-scoring"  # type: ignore[attr-defined]


async def test_the_cursor_follows_the_integration_through_a_filter(seeded: tuple[object, Path]) -> None:
    app = make_app(*seeded)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        screen.query_one(DataTable).move_cursor(row=shown_names(app).index("lead-intake-zapier"))
        await pilot.press("slash", *"intake")
        assert screen.selected() == "lead-intake-zapier"
        await pilot.press("escape")
        assert screen.selected() == "lead-intake-zapier"
        await pilot.press("s")  # sorted by name now
        assert screen.selected() == "lead-intake-zapier"


@pytest.mark.parametrize(
    ("key", "screen"), [("a", "WizardScreen"), ("g", "RegistryScreen"), ("question_mark", "HelpScreen")]
)
async def test_keys_open_each_screen(seeded: tuple[object, Path], key: str, screen: str) -> None:
    app = make_app(*seeded)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert type(app.screen).__name__ == screen
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_theme_toggles_between_dark_and_light(seeded: tuple[object, Path]) -> None:
    app = make_app(*seeded)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        await pilot.press("t")
        assert app.theme == "textual-light"
        await pilot.press("t")
        assert app.theme == "textual-dark"


async def test_every_action_is_in_the_command_palette(seeded: tuple[object, Path]) -> None:
    app = make_app(*seeded)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for expected in (
            "Advisor wizard",
            "Registry and readiness",
            "Help",
            "Toggle light and dark theme",
            "Refresh now",
            "Jump to the worst first",
            "Filter integrations",
            "Sort by owner",
            "Open the selected integration",
        ):
            assert expected in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"registry", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "RegistryScreen"


async def test_refresh_shows_what_another_process_wrote(seeded: tuple[object, Path]) -> None:
    ws, path = seeded
    app = make_app(ws, path)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert cell(app, "lead-intake-n8n", "state") == "? unknown"
        with open_store(path) as writer:  # another connection, as `tether probe --watch` would be
            record_results(
                writer, [_result("lead-intake-n8n", "workflow-runs", "n8n", State.DOWN, "HTTP 401", 5.0, None, NOW - 5)]
            )
        await pilot.press("f5")
        await settle(pilot)
        assert cell(app, "lead-intake-n8n", "state") == "✖ down"
        assert app.apply_times  # the main thread's share of each refresh is recorded


async def test_in_process_probing_reaches_the_dashboard(
    tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, path = seeded_store(tmp_path)
    from tether.demo import demo_env

    env = demo_env(ws, sandbox.url, {})
    import time

    app = make_app(
        ws, path, clock=time.time, probe=True, env=env, probe_interval=2.0, max_jitter=0.5, refresh_every=0.5
    )
    async with app.run_test(size=SIZE) as pilot:
        # The probe schedule writes through its own connection; the dashboard's next refresh reads it.
        for _ in range(600):  # up to 30 s: a bound on waiting, not a margin the run has to meet
            await asyncio.sleep(0.05)
            with open_store(path) as reader:
                n8n = [r for r in latest_per_check(reader) if r["integration"] == "lead-intake-n8n"]
            if n8n and app.overview is not None and app.overview.now > n8n[0]["started_at"]:
                break
        await pilot.pause(0.5)
        assert n8n, "the in-process schedule never probed lead-intake-n8n"
        assert cell(app, "lead-intake-n8n", "state") != "? unknown"
        prober = app.prober
        assert prober is not None
    assert prober.join(30)  # quitting stopped the schedule (without holding the screen for it)


async def test_when_nothing_is_probing_the_dashboard_says_so_and_offers_to_probe(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    from tests.tui_support import copy_bundled
    from tether.demo import demo_env
    from tether.store.registry import sync_integrations

    ws = copy_bundled(tmp_path)
    path = tmp_path / "tether.db"
    with open_store(path) as store:
        sync_integrations(store, ws.store_definitions(), NOW - 3600)
    app = make_app(ws, path, env=demo_env(ws, sandbox.url, {}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hint = app.screen.query_one("#probe-hint")
        assert hint.display
        assert "Nothing is probing: nothing has been probed yet" in str(hint.render())
        await pilot.press("P")
        await pilot.pause()
        assert app.prober is not None
        assert not hint.display


async def test_no_hint_while_another_process_probes(seeded: tuple[object, Path]) -> None:
    app = make_app(*seeded)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#probe-hint").display  # the seeded results are a minute old


async def test_a_screenshot_goes_to_a_folder_that_exists_and_says_where(seeded: tuple[object, Path]) -> None:
    ws, path = seeded
    folder = path.parent / "not" / "yet" / "there"
    app = make_app(ws, path, screenshots=folder)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_screenshot()
        await pilot.pause()
        saved = list(folder.glob("*.svg"))
        assert len(saved) == 1
        assert any(str(saved[0]) in str(n.message) for n in app._notifications)
