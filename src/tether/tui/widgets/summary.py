"""The dashboard's header: counts per state, open incidents, spend this month, how the table is ordered.

Wide terminals get two lines in words; narrow ones one line of marks and numbers, so the header
never wraps mid-phrase.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tether.checks.states import State
from tether.tui import format as fmt
from tether.tui.data import COLUMNS, Overview
from tether.wording import plural

ORDER = (State.DOWN, State.UNKNOWN, State.DEGRADED, State.HEALTHY)
WIDE = 110
"""Columns from which the header has room for words."""


def summary_text(
    workspace: str, overview: Overview | None, zone: str, sort: str, reverse: bool, shown: int, width: int = WIDE
) -> Text:
    if width < WIDE:
        return _short(workspace, overview, shown, width)
    text = Text()
    text.append(workspace, style="bold")
    if overview is None:
        text.append("  loading the store…", style="dim")
        return text
    total = len(overview.rows)
    text.append(f"  {plural(total, 'integration')}")
    if shown != total:
        text.append(f" ({shown} shown)")
    text.append("  ")
    for state in ORDER:
        text.append(f" {fmt.SYMBOLS[state]} {overview.counts.get(state, 0)} {state} ", style=fmt.STYLES[state])
    if overview.incidents:
        text.append(f"   ⚑ {plural(overview.incidents, 'open incident')}", style="bold red")
    text.append("\n")
    text.append(f"spend this month {fmt.money(overview.spent)} of {fmt.money(overview.budget)} budgeted")
    heading = dict(COLUMNS)[sort].lower()
    order = "worst first" if sort == "state" and not reverse else ("reversed" if reverse else "ascending")
    text.append(f"   sorted by {heading} ({order})", style="dim")
    text.append(f"   as of {fmt.when(overview.now, zone)}", style="dim")
    return text


def _short(workspace: str, overview: Overview | None, shown: int, width: int) -> Text:
    """One line: `Acme  5  ✖1 ?1 ▲2 ●1  ⚑1  $213/$490`, the workspace name cut first."""
    tail = Text()
    if overview is None:
        tail.append("  loading…", style="dim")
    else:
        total = len(overview.rows)
        tail.append(f"  {total}" if shown == total else f"  {shown}/{total}")
        tail.append(" ")
        for state in ORDER:
            tail.append(f" {fmt.SYMBOLS[state]}{overview.counts.get(state, 0)}", style=fmt.STYLES[state])
        if overview.incidents:
            tail.append(f"  ⚑{overview.incidents}", style="bold red")
        tail.append(f"  {fmt.money(overview.spent)}/{fmt.whole_money(overview.budget)}", style="dim")
    name = Text(workspace, style="bold")
    room = max(4, width - 2 - tail.cell_len)
    name.truncate(room, overflow="ellipsis")
    return name + tail


class Summary(Static):
    DEFAULT_CSS = """
    Summary {
        height: auto;
        max-height: 2;
        padding: 0 1;
    }
    """
