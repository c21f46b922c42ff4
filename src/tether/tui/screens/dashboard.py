"""The dashboard: one row per integration, live; sort by any column, filter as you type, worst first."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey, RowDoesNotExist

from tether.tui import format as fmt
from tether.tui.data import COLUMNS, Overview, Row, fit_columns, natural_widths, visible
from tether.tui.screens.base import TetherScreen
from tether.tui.widgets.footer import FittingFooter
from tether.tui.widgets.summary import Summary, summary_text

SORTABLE = [key for key, _ in COLUMNS]
INDEX = {key: i for i, (key, _) in enumerate(COLUMNS)}
HEADINGS = dict(COLUMNS)
ROOMY = 24
"""Terminal rows from which the highlighted integration gets its panel under the table."""
CHUNK = 100
"""Rows added to the table per frame when it is refilled (more than a screenful)."""


class DashboardScreen(TetherScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", show=True),
        Binding("slash", "filter", "Filter"),
        Binding("w", "worst", "Worst"),
        Binding("s", "sort", "Sort"),
        # Shown in help and the palette: the footer keeps one line at 60 columns.
        Binding("r", "reverse", "Reverse", show=False),
        Binding("a", "advisor", "Advisor"),
        Binding("g", "registry", "Registry"),
        Binding("i", "incidents", "Incidents"),
        Binding("f5", "refresh", "Refresh", show=False),
        Binding("P", "probe_here", "Probe here", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="dashboard")
        self.overview: Overview | None = None
        self.sort_column = "state"
        self.reverse = False
        self._shown: list[str] = []
        self._cells: dict[str, tuple[Text, ...]] = {}
        self._signatures: dict[str, str] = {}
        self._generation = 0
        self._filling = False
        """Rows of the last rebuild are still being added (a chunk per frame)."""
        self._columns: dict[str, int | None] = {}
        """The columns on show (those that fit the width, by priority): key -> fixed width or None."""

    def compose(self) -> ComposeResult:
        yield Summary(id="summary")
        yield Static(id="probe-hint")
        yield Input(placeholder="/ filter: name, pattern, owner, state or reason", id="filter", compact=True)
        # The cells keep their colours under the cursor: a light theme's cursor would turn the cost bar white.
        yield DataTable(id="table", cursor_type="row", zebra_stripes=True, cursor_foreground_priority="renderable")
        yield Static(id="selected")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._summary()
        if self.tether.overview is not None:
            self.show(self.tether.overview)

    # -- data ------------------------------------------------------------------------------

    def show(self, overview: Overview) -> None:
        """Apply a fresh overview: only changed cells are touched unless the order of rows changed."""
        self.overview = overview
        self._apply()

    def _apply(self, rebuild: bool = False) -> None:
        if self.overview is None:
            return
        started = time.perf_counter()
        table: DataTable[object] = self.query_one(DataTable)
        rows = visible(self.overview.rows, self.query_one(Input).value, self.sort_column, self.reverse)
        names = [r.name for r in rows]
        current = self.selected()
        widths = self.overview.widths or natural_widths(self.overview.rows)
        columns = fit_columns(widths, max(20, table.size.width - 2) if table.size.width else 120)
        if columns != self._columns:
            self._columns = columns
            rebuild = True
        if rebuild or self._filling or len(names) != len(self._shown) or set(names) != set(self._shown):
            self._rebuild(table, rows)
        else:
            # The same rows: change the cells that changed, then reorder in place. Adding rows again
            # would make the table measure every cell anew (hundreds of ms for a thousand rows).
            self._update(table, rows)
            if names != self._shown:
                position = {name: i for i, name in enumerate(names)}
                table.sort("name", key=lambda cell: position[_plain(cell).split(" ", 1)[0]])
                # DataTable.sort keeps the cursor on its row number; the user chose an integration.
                self._follow(table, current)
        self._shown = names
        self._summary()
        self._probe_hint()
        self._show_selected()
        self.tether.note_apply(time.perf_counter() - started)

    def _rebuild(self, table: DataTable[object], rows: list[Row]) -> None:
        """Refill the table: a screenful now, the rest a chunk at a time once it is painted.

        The table measures every new cell on the UI thread; a thousand rows at once would hold
        key presses for a few hundred milliseconds, and the first screenful is what is seen.
        """
        current = self.selected()
        table.clear(columns=True)
        for key, width in self._columns.items():
            table.add_column(HEADINGS[key], key=key, width=width)
        self._cells, self._signatures = {}, {}
        self._generation += 1
        self._fill(self._generation, rows, 0, current)

    def _fill(self, generation: int, rows: list[Row], start: int, current: str | None) -> None:
        if generation != self._generation:  # a newer rebuild started: this one is stale
            return
        table: DataTable[object] = self.query_one(DataTable)
        for row in rows[start : start + CHUNK]:
            table.add_row(*(self._cell(row.cells, key) for key in self._columns), key=row.name)
            self._cells[row.name] = row.cells
            self._signatures[row.name] = row.signature
        if current is not None and current in self._cells and table.cursor_row == 0:
            table.move_cursor(row=table.get_row_index(current), animate=False)
            current = None
        self._filling = start + CHUNK < len(rows)
        if self._filling:
            # The first screenful is painted before the rest goes in; the rest is off screen, so its
            # chunks wait only for the messages (key presses) ahead of them, not for a repaint each.
            later = self.call_after_refresh if start == 0 else self.call_later
            later(self._fill, generation, rows, start + CHUNK, current)

    @staticmethod
    def _follow(table: DataTable[object], name: str | None) -> None:
        """Put the cursor back on `name`'s row, wherever it now is (it stays put when the row is gone)."""
        if name is None:
            return
        try:
            index = table.get_row_index(name)
        except RowDoesNotExist:
            return
        if index != table.cursor_row:
            table.move_cursor(row=index, animate=False, scroll=True)

    def _update(self, table: DataTable[object], rows: list[Row]) -> None:
        for row in rows:
            if self._signatures.get(row.name) == row.signature:
                continue
            before = self._cells.get(row.name)
            for key, fixed in self._columns.items():
                index = INDEX[key]
                if before is None or before[index] != row.cells[index]:
                    cell = self._cell(row.cells, key)
                    # Widen a column for a wider cell; never re-measure a whole column to narrow it.
                    wider = fixed is None and cell.cell_len > table.columns[ColumnKey(key)].content_width
                    table.update_cell(row.name, key, cell, update_width=wider)
            self._cells[row.name] = row.cells
            self._signatures[row.name] = row.signature

    def _cell(self, cells: tuple[Text, ...], key: str) -> Text:
        cell = cells[INDEX[key]]
        width = self._columns.get(key)
        if width is None or cell.cell_len <= width:
            return cell
        cut = cell.copy()
        cut.truncate(width, overflow="ellipsis")
        return cut

    def _summary(self) -> None:
        settings = self.tether.settings
        shown = len(self._shown) if self.overview is not None else 0
        summary = self.query_one(Summary)
        width = summary.size.width or self.app.size.width
        self.query_one(Summary).update(
            summary_text(settings.title, self.overview, settings.zone, self.sort_column, self.reverse, shown, width)
        )

    def _probe_hint(self) -> None:
        """Say so when nothing is probing: every row would otherwise sit at "? unknown" or go stale unexplained."""
        hint = self.query_one("#probe-hint", Static)
        overview = self.overview
        quiet = overview is not None and overview.quiet and self.tether.prober is None
        hint.display = quiet
        if not quiet or overview is None:
            return
        since = (
            "nothing has been probed yet"
            if overview.last_result is None
            else (f"the last result is {fmt.ago(overview.last_result, overview.now)}")
        )
        text = Text(f"Nothing is probing: {since}. ", style="bold")
        text.append("Press P to probe from here, or run `tether probe --watch`.")
        hint.update(text)

    def _show_selected(self) -> None:
        """The highlighted integration under the table: its reason in full and every figure with its source."""
        panel = self.query_one("#selected", Static)
        row = self._row(self.selected())
        panel.display = row is not None and self.app.size.height >= ROOMY
        if row is None:
            return
        f = row.figures
        text = fmt.state_text(f.state)
        text.append(" ")
        text.append(f.name, style="bold")
        text.append(f" — {f.title}")
        if f.reason:
            text.append("\n")
            text.append(f.reason, style="italic")
        text.append("\n")
        text.append_text(fmt.figures_line(f))
        panel.update(text)

    def _row(self, name: str | None) -> Row | None:
        if self.overview is None or name is None:
            return None
        return next((r for r in self.overview.rows if r.name == name), None)

    def on_resize(self) -> None:
        self._apply()

    def selected(self) -> str | None:
        table: DataTable[object] = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return None if key.value is None else str(key.value)

    # -- events and actions ----------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filtered(self) -> None:
        self._apply()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self._show_selected()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.tether.open_detail(str(event.row_key.value))

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column == self.sort_column:
            self.reverse = not self.reverse
        else:
            self.sort_column, self.reverse = column, False
        self._apply()

    def key_escape(self) -> None:
        box = self.query_one(Input)
        if box.has_focus or box.value:
            box.value = ""
            self.query_one(DataTable).focus()

    def action_open(self) -> None:
        name = self.selected()
        if name is not None:
            self.tether.open_detail(name)

    def action_filter(self) -> None:
        self.query_one(Input).focus()

    def action_worst(self) -> None:
        self.sort_column, self.reverse = "state", False
        self._apply()
        table: DataTable[object] = self.query_one(DataTable)
        table.focus()
        if table.row_count:
            table.move_cursor(row=0, animate=False)

    def sort_by(self, column: str) -> None:
        self.sort_column, self.reverse = column, False
        self._apply()

    def action_sort(self) -> None:
        self.sort_by(SORTABLE[(SORTABLE.index(self.sort_column) + 1) % len(SORTABLE)])

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self._apply()

    def action_advisor(self) -> None:
        self.tether.open_wizard()

    def action_registry(self) -> None:
        self.tether.open_registry()

    def action_incidents(self) -> None:
        self.tether.open_incidents()

    def action_refresh(self) -> None:
        self.tether.refresh_now()

    def action_probe_here(self) -> None:
        if self.tether.prober is not None:
            self.notify("already probing in this process")
            return
        self.tether.start_probing()
        self.notify("probing every check on its schedule, in this process, until you quit", title="probing")
        self._probe_hint()

    def palette(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Open the selected integration", "Charts, results, incidents, runbook", self.action_open)
        yield SystemCommand("Filter integrations", "Type part of a name, pattern, owner or state", self.action_filter)
        yield SystemCommand("Jump to the worst first", "Sort by state, worst at the top", self.action_worst)
        yield SystemCommand("Reverse the order", "Flip the current sort", self.action_reverse)
        yield SystemCommand(
            "Probe from here", "Run every check on its schedule in this process until quit", self.action_probe_here
        )
        for key, heading in COLUMNS:
            yield SystemCommand(
                f"Sort by {heading.lower()}", f"Order the dashboard by {heading.lower()}", _sorter(self, key)
            )


def _sorter(screen: DashboardScreen, column: str) -> Callable[[], None]:
    return lambda: screen.sort_by(column)


def _plain(cell: object) -> str:
    return str(getattr(cell, "plain", cell))
