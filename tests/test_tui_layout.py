"""The dashboard fits the terminal: columns drop by priority, the filter and footer take a line each,
the reason for a row's state is on the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Footer, Input, Static
from textual.widgets._footer import FooterKey

from tests.tui_support import SIZE, cell, make_app, seeded_store, settle
from tether.tui.data import PRIORITY, fit_columns, natural_widths
from tether.tui.screens.dashboard import ROOMY, DashboardScreen
from tether.tui.widgets.summary import Summary


def shown_columns(app: object) -> list[str]:
    table = app.screen.query_one(DataTable)  # type: ignore[attr-defined]
    return [str(key.value) for key in table.columns]


@pytest.mark.parametrize(("width", "height"), [(60, 15), (120, 40), (250, 70)])
async def test_the_dashboard_fits_the_terminal(tmp_path: Path, width: int, height: int) -> None:
    app = make_app(*seeded_store(tmp_path))
    async with app.run_test(size=(width, height)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        columns = shown_columns(app)
        assert columns[:3] == ["state", "name", "reason"]  # these never drop
        # The rest are a prefix of the priority order: a later column never shows while an earlier one is gone.
        rest = [key for key in PRIORITY if key in columns]
        assert rest == list(PRIORITY[: len(rest)])
        table = screen.query_one(DataTable)
        widths = sum(column.get_render_width(table) for column in table.columns.values())
        assert widths <= width, (widths, width)  # nothing is cut at the right edge
        assert screen.query_one(Input).region.height == 1
        assert screen.query_one(Summary).region.height == (1 if width < 110 else 2)
        footer = screen.query_one(Footer)
        assert footer.region.height == 1 and footer.region.bottom == height  # the footer is on screen
        shown_keys = [k for k in footer.query(FooterKey) if k.display]
        assert shown_keys and all(k.region.right <= width for k in shown_keys)  # no key cut at the edge
        assert any(k.has_class("-command-palette") for k in shown_keys)
        # The table takes the rest: header, filter, footer and (from ROOMY rows) the highlighted row's panel.
        assert table.region.height >= height - 4 - (6 if height >= ROOMY else 0)
    if width >= 250:
        assert len(columns) == len(PRIORITY)


async def test_the_reason_is_on_the_dashboard(tmp_path: Path) -> None:
    app = make_app(*seeded_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert cell(app, "hubspot-ai-scoring", "reason").startswith("hubspot-status: min")
        assert cell(app, "lead-intake-n8n", "reason") == "workflow-runs: not probed yet"
        assert cell(app, "lead-intake-zapier", "reason").startswith("over budget: $461.66 projected")
        assert cell(app, "crm-followup-email", "reason") == ""  # healthy: nothing to explain
        # The highlighted row's reason in full, with its figures, under the table.
        panel = str(app.screen.query_one("#selected", Static).render())
        assert "portal-health: 1 of 3 conditions failed: [STATUS] == 200" in panel
        assert "uptime" in panel and "(141 probes)" in panel


async def test_a_long_reason_is_cut_with_an_ellipsis_to_its_column(tmp_path: Path) -> None:
    app = make_app(*seeded_store(tmp_path))
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        text = cell(app, "support-portal-rag", "reason")
        assert text.startswith("portal-health") and text.endswith("…")


def test_columns_drop_by_priority_as_the_width_shrinks(tmp_path: Path) -> None:
    from tests.tui_support import NOW
    from tether.pricing import PriceBook
    from tether.store import open_store
    from tether.tui.data import overview

    ws, path = seeded_store(tmp_path)
    with open_store(path) as store:
        rows = overview(ws, store, NOW, PriceBook.load(ws.root)).rows
    natural = natural_widths(rows)
    seen = [list(fit_columns(natural, width)) for width in range(40, 260, 10)]
    counts = [len(keys) for keys in seen]
    assert counts == sorted(counts)  # wider never shows fewer columns
    assert all(keys[:3] == ["state", "name", "reason"] for keys in seen)


async def test_each_row_has_a_heartbeat_of_the_last_24_hours(tmp_path: Path) -> None:
    app = make_app(*seeded_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        portal = cell(app, "support-portal-rag", "beat")
        assert len(portal) == 24
        assert portal[-1] == "·"  # the hour that has just begun: no probe yet
        assert portal[-2] in "▄▁"  # the last 40 minutes failed
        assert set(cell(app, "lead-intake-n8n", "beat")) == {"·"}  # never probed


def test_the_heartbeat_reads_in_shape_as_well_as_colour() -> None:
    from tether.tui.format import heartbeat

    assert heartbeat((None, 1.0, 0.75, 0.0)).plain == "·█▄▁"
