"""Help: what the marks mean and every key, over whatever screen was showing.

The keys are lists, not Markdown tables: a table wider than the box draws its right edge detached
from the rest.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# tether — help

**States** read by shape as well as colour:
`●` healthy · `▲` degraded (slow, partly failing, or over budget) · `?` unknown (not probed yet, or
the probe could not tell) · `✖` down. `⚑` after a name marks an open incident.

**Why** is the reason for a row's state: the failing check's last result or the budget.
**Uptime 24h** is the share of probes that found the integration's dependencies up (maintenance left
out); **Last 24 hours** draws it hour by hour: `█` all up, `▄` partly, `▁` mostly down, `·` not
probed. **Success** is the share of its own runs that succeeded; a dim `p` after it means no run was
recorded and the probes stand in. **p95** is its runs' processing time (else the probes' latency).

**Cost this month** is spend so far against the monthly budget; the bar fills as it is spent and
a `!` after the figures means the month-end projection is above budget. **Quality** and **Readiness** say
*not measured* until evals and the readiness scorecard have run.

## Dashboard

- `enter` — open the selected integration
- `/` — filter as you type (name, pattern, owner, state or reason); `esc` clears
- `w` — jump to the worst first
- `s` / `r` — sort by the next column / reverse (or click a heading)
- `a` — the advisor wizard
- `g` — the registry and readiness checks
- `i` — every incident in the workspace, open first (`a` acknowledges, asking first; `enter` opens the integration)
- `f5` — refresh now (it also refreshes by itself)

## Integration

- `[` `]` — previous and next tab: charts, results, incidents, definition, runbook
- `1` `2` `3` `4` — charts over 1h, 24h, 7d, 30d
- `p` — probe now
- `a` — acknowledge the selected (or newest) open incident (asks first)
- `g` — generate docs into reports/ and refresh the runbook (asks first)
- `esc` — back

## Advisor

`ctrl+n` next, `ctrl+b` back, `ctrl+s` save the result as a milestone, `esc` leave.
Choices: arrows and `enter` (one answer), `space` to tick (several answers).

## Everywhere

`ctrl+p` command palette (every action is there) · `t` light or dark theme · `?` this help · `q` quit
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(HELP)

    def action_close(self) -> None:
        self.dismiss()
