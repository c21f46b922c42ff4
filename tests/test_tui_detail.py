"""An integration's screen with Pilot: charts from rollups, results, incidents, definition, runbook, and its actions."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Markdown, Static, TabbedContent

from tests.tui_support import NOW, SIZE, copy_bundled, make_app, seeded_store, settle
from tether.demo import demo_env
from tether.sandbox.server import Sandbox
from tether.store import open_store
from tether.store.incidents import incidents
from tether.store.registry import sync_integrations
from tether.store.results import results_for
from tether.store.rollups import DAY
from tether.tui.app import TetherApp
from tether.tui.screens.confirm import ConfirmScreen
from tether.tui.screens.detail import DetailScreen
from tether.tui.widgets.chart import MetricChart


def detail(app: TetherApp) -> DetailScreen:
    assert isinstance(app.screen, DetailScreen)
    return app.screen


def rows(table: DataTable[object]) -> list[list[str]]:
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_charts_draw_rollups_and_switch_span(tmp_path: Path) -> None:
    app = make_app(*seeded_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_detail("support-portal-rag")
        await settle(pilot)
        screen = detail(app)
        charts = list(screen.query(MetricChart))
        assert [c.metric.title for c in charts] == ["processing time p95", "success rate", "cost per bucket"]
        day = len(charts[0].points)
        assert 20 <= day <= 24  # hourly buckets over 24 h
        await pilot.press("1")
        await settle(pilot)
        assert screen.span == "1h"
        assert len(charts[0].points) == 20  # minute buckets: the last 20 minutes were sampled
        await pilot.press("4")
        await settle(pilot)
        assert 28 <= len(charts[0].points) <= 31  # daily buckets
        rendered = charts[1].render()
        assert "success rate (%), 30d" in str(getattr(rendered, "plain", rendered))


async def test_results_name_the_failed_condition(tmp_path: Path) -> None:
    app = make_app(*seeded_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_detail("support-portal-rag")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        screen = detail(app)
        assert screen.query_one(TabbedContent).active == "results"
        latest = rows(screen.query_one("#checks", DataTable))
        assert ["portal-health", "http", "✖ down"] in [r[:3] for r in latest]
        recent = rows(screen.query_one("#recent", DataTable))
        assert next(r[5] for r in recent if r[1] == "portal-health") == "[STATUS] == 200 (saw 503)"
        assert all(r[5] == "" for r in recent if r[1] != "portal-health")


async def test_acknowledge_the_open_incident(tmp_path: Path) -> None:
    ws, path = seeded_store(tmp_path)
    app = make_app(ws, path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_detail("support-portal-rag")
        await settle(pilot)
        screen = detail(app)
        screen.query_one(TabbedContent).active = "incidents"
        table = screen.query_one("#incident-table", DataTable)
        assert [r[1] for r in rows(table)] == ["OPEN", "resolved"]
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # it asks first, naming the incident and integration
        assert "#1 on support-portal-rag" in app.screen.question
        assert [r[1] for r in rows(table)] == ["OPEN", "resolved"]
        await pilot.press("y")
        await settle(pilot)
        assert [r[1] for r in rows(table)] == ["acknowledged", "resolved"]
        assert rows(table)[0][5].endswith("tester")
        await pilot.press("a")  # nothing left to acknowledge: a warning, no change
        await settle(pilot)
    with open_store(path) as store:
        acknowledged = [i for i in incidents(store) if i.acknowledged_at is not None]
    assert [(i.key, i.acknowledged_by) for i in acknowledged] == [("check:support-portal-rag/portal-health", "tester")]


async def test_definition_has_references_not_secrets_and_runbook_renders(tmp_path: Path) -> None:
    app = make_app(*seeded_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_detail("crm-followup-email")
        await settle(pilot)
        screen = detail(app)
        assert screen.data is not None
        assert "api_key: ${ANTHROPIC_API_KEY}" in screen.data.definition
        runbook = screen.query_one("#runbook-text", Markdown)
        assert "Runbook: crm-followup-email" in runbook.source
        title = str(screen.query_one("#detail-title", Static).render())
        assert "crm-followup-email" in title and "owner dev-team@acme.example" in title


async def test_generate_docs_writes_reports_and_refreshes_the_runbook(tmp_path: Path) -> None:
    ws, path = seeded_store(tmp_path)
    app = make_app(ws, path, docs_out=tmp_path / "out")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_detail("support-portal-rag")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert str(tmp_path / "out") in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        written = tmp_path / "out" / "runbooks" / "support-portal-rag.md"
        assert written.is_file()
        assert detail(app).query_one("#runbook-text", Markdown).source == written.read_text(encoding="utf-8")
        assert (tmp_path / "out" / "index.md").is_file()


async def test_probe_now_records_a_result_from_the_sandbox(tmp_path: Path, sandbox: Sandbox) -> None:
    ws, path = seeded_store(tmp_path)
    sandbox.add_fault(route="/app/health", status=503, message="vector database unreachable")
    app = make_app(ws, path, env=demo_env(ws, sandbox.url, {}))
    with open_store(path) as store:
        before = len(results_for(store, "support-portal-rag"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_detail("support-portal-rag")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        recent = rows(detail(app).query_one("#recent", DataTable))
        assert any(r[1] == "portal-health" and r[5].startswith("[STATUS] == 200 (saw 503)") for r in recent)
    with open_store(path) as store:
        after = results_for(store, "support-portal-rag")
    assert len(after) == before + 4  # its four checks, once each


def acknowledged(path: Path) -> list[int]:
    with open_store(path) as store:
        return [i.id for i in incidents(store) if i.acknowledged_at is not None]


async def test_a_stray_enter_in_the_palette_acknowledges_nothing(tmp_path: Path) -> None:
    ws, path = seeded_store(tmp_path)
    app = make_app(ws, path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_detail("support-portal-rag")
        await settle(pilot)
        # Ctrl-P then Enter before a search registers, then Enter again on whatever opened.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert acknowledged(path) == []
        while not isinstance(app.screen, DetailScreen):
            await pilot.press("escape")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"acknowledge", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the focused answer is No
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert acknowledged(path) == []


async def test_declining_to_generate_docs_writes_nothing(tmp_path: Path) -> None:
    ws, path = seeded_store(tmp_path)
    app = make_app(ws, path, docs_out=tmp_path / "out")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_detail("support-portal-rag")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert not (tmp_path / "out").exists()


async def test_charts_have_round_ticks_mark_incidents_and_say_when_empty(tmp_path: Path) -> None:
    app = make_app(*seeded_store(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_detail("support-portal-rag")
        await settle(pilot)
        time, success, cost = detail(app).query(MetricChart)
        assert time.y_labels == ["0 ms", "100 ms", "200 ms", "300 ms", "400 ms"]
        assert success.y_labels == ["0%", "20%", "40%", "60%", "80%", "100%"]
        assert time.marked == 1  # the open incident, 35 minutes ago
        assert cost.message == "no spend recorded in the last 24h"  # not bare axes


async def test_a_new_workspace_s_charts_say_how_to_get_data(tmp_path: Path) -> None:
    ws = copy_bundled(tmp_path)
    path = tmp_path / "tether.db"
    with open_store(path) as store:
        sync_integrations(store, ws.store_definitions(), NOW - DAY)
    app = make_app(ws, path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_detail("crm-followup-email")
        await settle(pilot)
        for chart in detail(app).query(MetricChart):
            assert chart.message.startswith("no data yet — run `tether probe`")
