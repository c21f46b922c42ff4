"""Every incident in the workspace: open ones first, with acknowledge (it asks first) and a way to the integration."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from tether.store.incidents import Incident
from tether.tui import format as fmt
from tether.tui.data import workspace_incidents
from tether.tui.messages import IncidentAcknowledged, IncidentsLoaded, WorkFailed
from tether.tui.screens.base import TetherScreen
from tether.tui.screens.confirm import acknowledge_question
from tether.tui.widgets.footer import FittingFooter


class IncidentsScreen(TetherScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("a", "acknowledge", "Acknowledge"),
        Binding("enter", "open", "Open integration"),
    ]

    def __init__(self) -> None:
        super().__init__(id="incidents-screen")
        self.shown: list[Incident] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("Incidents — every integration, open first", style="bold"), id="incidents-title")
        yield DataTable(id="all-incidents", cursor_type="row", zebra_stripes=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        table: DataTable[object] = self.query_one(DataTable)
        table.add_columns("#", "Status", "Integration", "Opened", "Cause", "Reason", "Acknowledged")
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="incidents", exit_on_error=False)
    def load(self) -> None:
        app = self.tether
        try:
            with app.access.use() as store:
                found = workspace_incidents(store)
        except Exception as exc:
            self.post_message(WorkFailed("read the incidents", exc))
            return
        self.post_message(IncidentsLoaded(found))

    @on(IncidentsLoaded)
    def _show(self, message: IncidentsLoaded) -> None:
        found = message.incidents
        zone = self.tether.settings.zone
        table: DataTable[object] = self.query_one(DataTable)
        chosen = self.selected()
        table.clear()
        self.shown = found
        for x in found:
            about = x.integration or ", ".join(x.affected) or x.vendor or "—"
            acked = (
                "—" if x.acknowledged_at is None else f"{fmt.when(x.acknowledged_at, zone)} {x.acknowledged_by or ''}"
            )
            table.add_row(
                str(x.id),
                fmt.incident_status(x),
                about,
                fmt.when(x.opened_at, zone),
                x.cause,
                x.reason,
                acked,
                key=str(x.id),
            )
        if chosen is not None and any(x.id == chosen.id for x in found):
            table.move_cursor(row=table.get_row_index(str(chosen.id)), animate=False)

    def selected(self) -> Incident | None:
        table: DataTable[object] = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((x for x in self.shown if str(x.id) == key), None)

    @on(IncidentAcknowledged)
    def _acknowledged(self, message: IncidentAcknowledged) -> None:
        self.notify(f"incident #{message.incident.id} acknowledged; reminders stop", title="acknowledged")
        self.load()
        self.tether.refresh_now()

    @on(WorkFailed)
    def _failed(self, message: WorkFailed) -> None:
        message.stop()
        self.notify(str(message.error), title=f"could not {message.what}", severity="error")

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        incident = self.selected()
        if incident is not None and incident.integration is not None:
            self.tether.open_detail(incident.integration)

    def action_acknowledge(self) -> None:
        incident = self.selected()
        if incident is None or incident.resolved_at is not None or incident.acknowledged_at is not None:
            self.notify("choose an open, unacknowledged incident", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.ack(incident.id)

        self.app.push_screen(acknowledge_question(incident, self.tether.settings.user), answered)

    def palette(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Acknowledge the selected incident…", "Asks first", self.action_acknowledge)
        yield SystemCommand("Open the incident's integration", "Its charts, results and runbook", self.action_open)
        yield SystemCommand("Back to the dashboard", "Close the incidents", self.action_back)
