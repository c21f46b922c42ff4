"""One integration: charts over 1h/24h/7d/30d, latest results, incidents, its definition and runbook."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Markdown, Static, TabbedContent, TabPane

from tether.checks.states import State, worst
from tether.store.rollups import SPANS
from tether.tui import format as fmt
from tether.tui.data import Detail, detail, failed_conditions, generate_docs, runbook
from tether.tui.messages import (
    DetailLoaded,
    IncidentAcknowledged,
    ProbeFinished,
    RunbookRendered,
    WorkFailed,
)
from tether.tui.probing import probe_once
from tether.tui.screens.base import TetherScreen
from tether.tui.screens.confirm import ConfirmScreen, acknowledge_question
from tether.tui.widgets.chart import MetricChart
from tether.tui.widgets.footer import FittingFooter
from tether.wording import plural

SPAN_KEYS = {"1": "1h", "2": "24h", "3": "7d", "4": "30d"}


class DetailScreen(TetherScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("p", "probe", "Probe now"),
        Binding("a", "acknowledge", "Acknowledge"),
        Binding("g", "generate_docs", "Generate docs"),
        Binding("right_square_bracket", "tab(1)", "Next tab"),
        Binding("left_square_bracket", "tab(-1)", "Previous tab", show=False),
        # The span line above the charts names these keys; the footer keeps to one line.
        Binding("1", "span('1h')", "1h", show=False),
        Binding("2", "span('24h')", "24h", show=False),
        Binding("3", "span('7d')", "7d", show=False),
        Binding("4", "span('30d')", "30d", show=False),
    ]

    def __init__(self, name: str, span: str) -> None:
        super().__init__(id="detail")
        self.integration_name = name
        self.span = span
        self.data: Detail | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(self.integration_name, style="bold"), id="detail-title")
        with TabbedContent(initial="charts", id="tabs"):
            with TabPane("Charts", id="charts"):
                yield Static(id="span-label")
                with Vertical(id="chart-stack"):
                    yield MetricChart("time", id="chart-time")
                    yield MetricChart("success", id="chart-success")
                    yield MetricChart("cost", id="chart-cost")
            with TabPane("Results", id="results"):
                yield DataTable(id="checks", cursor_type="row")
                yield DataTable(id="recent", cursor_type="row", zebra_stripes=True)
            with TabPane("Incidents", id="incidents"):
                yield DataTable(id="incident-table", cursor_type="row")
            with TabPane("Definition", id="definition"), VerticalScroll():
                yield Static(id="definition-text")
            with TabPane("Runbook", id="runbook"), VerticalScroll():
                yield Markdown("Rendering the runbook…", id="runbook-text")
        yield FittingFooter()

    def on_mount(self) -> None:
        checks: DataTable[object] = self.query_one("#checks", DataTable)
        checks.add_columns("Check", "Kind", "State", "Since", "Runs", "Reason")
        recent: DataTable[object] = self.query_one("#recent", DataTable)
        recent.add_columns("Time", "Check", "State", "Latency", "Reason", "Failed condition")
        table: DataTable[object] = self.query_one("#incident-table", DataTable)
        table.add_columns("#", "Status", "Opened", "Cause", "Reason", "Acknowledged", "Alerts")
        self._span_label()
        self.load()
        self.load_runbook()

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    # -- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load(self) -> None:
        app = self.tether
        try:
            with app.access.use() as store:
                data = detail(app.settings.workspace, store, self.integration_name, self.span, app.now(), app.book)
        except Exception as exc:
            self.post_message(WorkFailed("load this integration", exc))
            return
        self.post_message(DetailLoaded(data))

    @work(thread=True, exclusive=True, group="runbook", exit_on_error=False)
    def load_runbook(self) -> None:
        app = self.tether
        try:
            with app.access.use() as store:
                markdown = runbook(app.settings.workspace, store, self.integration_name)
        except Exception as exc:
            self.post_message(WorkFailed("render the runbook", exc))
            return
        self.post_message(RunbookRendered(markdown))

    @work(thread=True, exclusive=True, group="docs", exit_on_error=False)
    def write_docs(self) -> None:
        app = self.tether
        try:
            with app.access.use() as store:
                written = generate_docs(app.settings.workspace, store, app.settings.docs_out, self.integration_name)
        except Exception as exc:
            self.post_message(WorkFailed("generate the documents", exc))
            return
        self.post_message(RunbookRendered(written.markdown, written.written))

    @work(thread=True, exclusive=True, group="probe-now", exit_on_error=False)
    def probe(self) -> None:
        s = self.tether.settings
        try:
            results = probe_once(s.workspace, s.store_path, [self.integration_name], s.env)
        except Exception as exc:
            self.post_message(WorkFailed("probe now", exc))
            return
        self.post_message(ProbeFinished(self.integration_name, results))

    @on(DetailLoaded)
    def _loaded(self, message: DetailLoaded) -> None:
        self.show(message.detail)
        self._arm()

    @on(RunbookRendered)
    def _runbook(self, message: RunbookRendered) -> None:
        self.query_one("#runbook-text", Markdown).update(message.markdown)
        if message.written is not None:
            out = self.tether.settings.docs_out
            self.notify(f"{len(message.written)} written, the rest unchanged, in {out}", title="documents")

    @on(ProbeFinished)
    def _probed(self, message: ProbeFinished) -> None:
        states = ", ".join(f"{r.check} {r.state}" for r in message.results)
        overall = worst(r.state for r in message.results) if message.results else State.UNKNOWN
        self.notify(states or "no checks to run", title=f"probed {message.name}: {overall}")
        self.reload()

    @on(IncidentAcknowledged)
    def _acknowledged(self, message: IncidentAcknowledged) -> None:
        self.notify(f"incident #{message.incident.id} acknowledged; reminders stop", title="acknowledged")
        self.reload()

    @on(WorkFailed)
    def _failed(self, message: WorkFailed) -> None:
        message.stop()  # handled here, not again by the app
        self.notify(f"{message.error}", title=f"could not {message.what}", severity="error")
        if message.what == "load this integration":
            self._arm()

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.tether.settings.refresh_every * 2, self.load)

    def reload(self) -> None:
        self.load()
        self.tether.refresh_now()

    # -- showing ---------------------------------------------------------------------------

    def _span_label(self) -> None:
        text = Text("span ")
        for key, span in SPAN_KEYS.items():
            style = "reverse bold" if span == self.span else "dim"
            text.append(f" {key}:{span} ", style=style)
        text.append("   press 1–4 to switch", style="dim")
        self.query_one("#span-label", Static).update(text)

    def show(self, data: Detail) -> None:
        started = time.perf_counter()
        self.data = data
        zone = self.tether.settings.zone
        i = data.integration
        f = data.figures
        title = fmt.state_text(f.state)
        title.append(f"  {i.name}", style="bold")
        title.append(f" — {i.title}\n")
        title.append(f"{i.pattern} · {i.lifecycle} · owner {i.owner or '—'}", style="dim")
        open_ones = [x for x in data.incidents if x.resolved_at is None]
        if open_ones:
            title.append(f"   ⚑ {plural(len(open_ones), 'open incident')}", style="bold red")
        if f.reason:
            title.append(f"\n{f.reason}", style="italic")
        title.append("\n")
        title.append_text(fmt.figures_line(f))
        self.query_one("#detail-title", Static).update(title)
        marks = [(x.opened_at, x.resolved_at) for x in data.incidents]
        for chart in self.query(MetricChart):
            chart.show(data.points, data.span, zone, now=data.now, incidents=marks)
        self._fill_checks(data, zone)
        self._fill_recent(data, zone)
        self._fill_incidents(data, zone)
        self.query_one("#definition-text", Static).update(Syntax(data.definition, "yaml", word_wrap=True))
        self.tether.note_apply(time.perf_counter() - started)

    def _fill_checks(self, data: Detail, zone: str) -> None:
        table: DataTable[object] = self.query_one("#checks", DataTable)
        table.clear()
        for r in data.latest:
            since = f"{fmt.when(r['since'], zone)} ({fmt.ago(r['since'], data.now)})"
            table.add_row(r["check"], r["kind"], fmt.state_text(r["state"]), since, r["streak"], r["reason"])

    def _fill_recent(self, data: Detail, zone: str) -> None:
        table: DataTable[object] = self.query_one("#recent", DataTable)
        table.clear()
        for r in data.results:
            table.add_row(
                fmt.when(r["started_at"], zone),
                r["check"],
                fmt.state_text(r["state"]),
                fmt.millis(r["latency_ms"]),
                r["reason"],
                Text(failed_conditions(r), style="red"),
            )

    def _fill_incidents(self, data: Detail, zone: str) -> None:
        table: DataTable[object] = self.query_one("#incident-table", DataTable)
        chosen = self.selected_incident()
        table.clear()
        for x in data.incidents:
            acked = (
                "—" if x.acknowledged_at is None else f"{fmt.when(x.acknowledged_at, zone)} {x.acknowledged_by or ''}"
            )
            table.add_row(
                str(x.id),
                fmt.incident_status(x),
                fmt.when(x.opened_at, zone),
                x.cause,
                x.reason,
                acked,
                fmt.delivery_text(x),
                key=str(x.id),
            )
        if chosen is not None and any(x.id == chosen for x in data.incidents):
            table.move_cursor(row=table.get_row_index(str(chosen)), animate=False)

    def selected_incident(self) -> int | None:
        table: DataTable[object] = self.query_one("#incident-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key is None else int(key)

    # -- actions ---------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_span(self, span: str) -> None:
        if span in SPANS and span != self.span:
            self.span = span
            self._span_label()
            self.load()

    def action_probe(self) -> None:
        self.notify(f"probing {self.integration_name}…")
        self.probe()

    def action_acknowledge(self) -> None:
        """The incident selected on the Incidents tab when it is open; else the newest open one."""
        if self.data is None:
            return
        open_ones = {x.id: x for x in self.data.incidents if x.resolved_at is None and x.acknowledged_at is None}
        chosen = self.selected_incident()
        target = chosen if chosen in open_ones else next(iter(sorted(open_ones, reverse=True)), None)
        if target is None:
            self.notify("no unacknowledged open incident for this integration", severity="warning")
            return
        incident = open_ones[target]

        def answered(yes: bool | None) -> None:
            if yes:
                self.ack(target)

        self.app.push_screen(acknowledge_question(incident, self.tether.settings.user), answered)

    def action_generate_docs(self) -> None:
        out = self.tether.settings.docs_out

        def answered(yes: bool | None) -> None:
            if yes:
                self.notify(f"writing documents to {out}…")
                self.write_docs()

        self.app.push_screen(
            ConfirmScreen(
                f"Write every document into {out}?",
                "Write documents",
                "Runbooks, decision records and the index are written there; files that changed are overwritten.",
            ),
            answered,
        )

    def action_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        order = [pane.id for pane in tabs.query(TabPane) if pane.id]
        current = order.index(tabs.active) if tabs.active in order else 0
        tabs.active = order[(current + step) % len(order)]

    def palette(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Probe now", f"Run {self.integration_name}'s checks once", self.action_probe)
        # Both ask first (a confirmation naming the target), so the palette never runs them on a stray Enter.
        yield SystemCommand(
            "Acknowledge incident…", "Asks first: the selected (or newest) open incident", self.action_acknowledge
        )
        yield SystemCommand(
            "Generate docs…", "Asks first: write reports/ and refresh this runbook", self.action_generate_docs
        )
        for span in SPANS:
            yield SystemCommand(f"Show {span} of history", f"Charts over the last {span}", _spanner(self, span))
        for tab, title in (
            ("charts", "Charts"),
            ("results", "Results"),
            ("incidents", "Incidents"),
            ("definition", "Definition"),
            ("runbook", "Runbook"),
        ):
            yield SystemCommand(f"Show {title.lower()}", f"Open the {title} tab", _tabber(self, tab))
        yield SystemCommand("Back to the dashboard", "Close this integration", self.action_back)


def _spanner(screen: DetailScreen, span: str) -> Callable[[], None]:
    return lambda: screen.action_span(span)


def _tabber(screen: DetailScreen, tab: str) -> Callable[[], None]:
    def show() -> None:
        screen.query_one(TabbedContent).active = tab

    return show
