"""The registry: every integration's definition at a glance and its readiness checks with how to fix them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from tether.readiness.ladder import Scorecard
from tether.tui.format import NOT_MEASURED
from tether.tui.messages import ReadinessScored, WorkFailed
from tether.tui.readiness import score_all
from tether.tui.screens.base import TetherScreen
from tether.tui.widgets.footer import FittingFooter
from tether.wording import plural

RESULT_MARKS = {
    "pass": Text("✔ pass", style="green"),
    "fail": Text("✖ fail", style="bold red"),
    "skipped": Text("– skipped", style="dim"),
    "not-measured": Text("? not measured", style="magenta"),
    "exempt": Text("~ exempt", style="yellow"),
}
RESULT_WIDTH, LEVEL_WIDTH, CHECK_WIDTH, MESSAGE_MIN = 14, 5, 44, 20
CELL_PADDING, SCROLLBAR = 2, 2
SCORING = "Scoring every integration against the readiness ladder (rules/readiness.yaml)…"


class RegistryScreen(TetherScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("enter", "open", "Open"),
    ]

    def __init__(self) -> None:
        super().__init__(id="registry")
        self.cards: dict[str, Scorecard] | None = None
        """None until scored (or when scoring failed): levels then read "not measured"."""

    def compose(self) -> ComposeResult:
        yield Static(Text("Registry and readiness", style="bold"), id="registry-title")
        yield DataTable(id="integrations", cursor_type="row", zebra_stripes=True)
        yield Static(id="readiness-note")
        yield DataTable(id="readiness-checks", cursor_type="row")
        yield Static(id="readiness-detail")
        yield FittingFooter()

    def on_mount(self) -> None:
        table: DataTable[object] = self.query_one("#integrations", DataTable)
        table.add_columns("Integration", "Pattern", "Lifecycle", "Owner", "Checks", "Readiness", "Score")
        self._fill()
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="readiness", exit_on_error=False)
    def load(self) -> None:
        app = self.tether
        try:
            with app.access.use() as store:
                cards = {c.integration.name: c for c in score_all(app.settings.workspace, store, app.now())}
        except Exception as exc:
            self.post_message(WorkFailed("score readiness", exc))
            return
        self.post_message(ReadinessScored(cards))

    @on(ReadinessScored)
    def _scored(self, message: ReadinessScored) -> None:
        self.cards = message.cards
        self._fill()
        self.tether.refresh_now()  # the dashboard's readiness column reads what was just recorded

    @on(WorkFailed)
    def _failed(self, message: WorkFailed) -> None:
        message.stop()
        self.notify(str(message.error), title=f"could not {message.what}", severity="error", timeout=20)
        self.query_one("#readiness-note", Static).update(
            Text(f"Readiness could not be scored: {message.error}", style="bold red")
        )

    def _fill(self) -> None:
        table: DataTable[object] = self.query_one("#integrations", DataTable)
        current = table.cursor_row
        table.clear()
        for i in self.tether.settings.workspace.integrations:
            card = self.cards.get(i.name) if self.cards else None
            level = Text(card.level.title) if card else Text(NOT_MEASURED, style="dim")
            score = f"{card.score:.0f}" if card else "—"
            table.add_row(
                i.name, str(i.pattern), str(i.lifecycle), i.owner or "—", str(len(i.checks)), level, score, key=i.name
            )
        if table.row_count:
            table.move_cursor(row=min(current, table.row_count - 1), animate=False)
        self._show_checks()

    def selected(self) -> str | None:
        table: DataTable[object] = self.query_one("#integrations", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key is None else str(key)

    @on(DataTable.RowHighlighted, "#integrations")
    def _highlighted(self) -> None:
        self._show_checks()

    @on(DataTable.RowHighlighted, "#readiness-checks")
    def _check_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, row: int) -> None:
        """The highlighted check in full: the table cuts long messages at the screen's edge."""
        detail = self.query_one("#readiness-detail", Static)
        card = self.cards.get(self.selected() or "") if self.cards else None
        if card is None or not 0 <= row < len(card.checks):
            detail.update("")
            return
        outcome = card.checks[row]
        text = Text(f"{outcome.check.title}: ", style="bold")
        text.append(outcome.message)
        if outcome.check.link is not None:
            text.append(f"  {outcome.check.link.title}: {outcome.check.link.url}", style="dim")
        detail.update(text)

    @on(DataTable.RowSelected, "#integrations")
    def _selected(self) -> None:
        self.action_open()

    def _show_checks(self) -> None:
        name = self.selected()
        note = self.query_one("#readiness-note", Static)
        checks: DataTable[object] = self.query_one("#readiness-checks", DataTable)
        checks.clear()
        if self.cards is None:
            note.update(Text(SCORING, style="dim"))
            return
        card = self.cards.get(name or "")
        if card is None:
            return
        text = Text(f"{card.integration.name}: {card.level.title}", style="bold")
        text.append(f" (level {card.level.number}), score {card.score:.0f}/100")
        if card.next_level is not None:
            gaps = len(card.gaps)
            text.append(f" — {plural(gaps, 'check')} to reach {card.next_level.title}", style="dim")
        note.update(text)
        # The message wraps in what is left of the width, with the link under it: a column of its
        # own after a long message sat off-screen.
        room = (checks.size.width or self.app.size.width) - RESULT_WIDTH - LEVEL_WIDTH - 4 * CELL_PADDING - SCROLLBAR
        longest = max((len(o.check.title) for o in card.checks), default=5)
        check_width = max(10, min(CHECK_WIDTH, longest, room // 3))
        message_width = max(MESSAGE_MIN, room - check_width)
        checks.clear(columns=True)
        checks.add_column("Result", width=RESULT_WIDTH)
        checks.add_column("Level", width=LEVEL_WIDTH)
        checks.add_column("Check", width=check_width)
        checks.add_column("What was found / what to do", width=message_width)
        for outcome in card.checks:
            result = str(outcome.result)
            found = Text(outcome.message)
            if outcome.check.link is not None:
                found.append(f"\n{outcome.check.link.title}: {outcome.check.link.url}", style="dim")
            checks.add_row(
                RESULT_MARKS.get(result, Text(result)),
                str(outcome.check.level),
                Text(outcome.check.title),
                found,
                height=None,
            )

    def on_resize(self) -> None:
        self._show_checks()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        name = self.selected()
        if name is not None:
            self.tether.open_detail(name)

    def palette(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Open the selected integration", "Its charts, results and runbook", self.action_open)
        yield SystemCommand("Back to the dashboard", "Close the registry", self.action_back)
