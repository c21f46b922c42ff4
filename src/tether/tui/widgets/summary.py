"""The dashboard's header line: counts per state, spend this month, how the table is ordered."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tether.checks.states import State
from tether.tui import format as fmt
from tether.tui.data import COLUMNS, Overview

ORDER = (State.DOWN, State.UNKNOWN, State.DEGRADED, State.HEALTHY)


def summary_text(workspace: str, overview: Overview | None, zone: str, sort: str, reverse: bool, shown: int) -> Text:
    text = Text()
    text.append(workspace, style="bold")
    if overview is None:
        text.append("  loading the store…", style="dim")
        return text
    total = len(overview.rows)
    text.append(f"  {total} integration{'s' if total != 1 else ''}")
    if shown != total:
        text.append(f" ({shown} shown)")
    text.append("  ")
    for state in ORDER:
        text.append(f" {fmt.SYMBOLS[state]} {overview.counts.get(state, 0)} {state} ", style=fmt.STYLES[state])
    text.append("\n")
    text.append(f"spend this month {fmt.money(overview.spent)} of {fmt.money(overview.budget)} budgeted")
    heading = dict(COLUMNS)[sort].lower()
    order = "worst first" if sort == "state" and not reverse else ("reversed" if reverse else "ascending")
    text.append(f"   sorted by {heading} ({order})", style="dim")
    text.append(f"   as of {fmt.when(overview.now, zone)}", style="dim")
    return text


class Summary(Static):
    DEFAULT_CSS = """
    Summary {
        height: 2;
        padding: 0 1;
    }
    """
