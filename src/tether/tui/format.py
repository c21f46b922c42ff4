"""How figures read on screen: state marks that work without colour, percentages, money, a budget bar.

Plain functions over plain values (no textual), so a worker thread can format rows off the UI thread.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from rich.text import Text

from tether.checks.states import SEVERITY, State
from tether.figures import IntegrationFigures
from tether.store.incidents import Incident

SYMBOLS = {State.HEALTHY: "●", State.DEGRADED: "▲", State.UNKNOWN: "?", State.DOWN: "✖"}
"""A distinct shape per state, so the table reads in monochrome and for colour-blind users."""
STYLES = {State.HEALTHY: "green", State.DEGRADED: "yellow", State.UNKNOWN: "magenta", State.DOWN: "bold red"}
NOT_MEASURED = "not measured"
BAR_WIDTH = 8


def state_text(state: State | str) -> Text:
    s = State(state)
    # The style sits on the span, not on the Text: text appended after it keeps its own style.
    return Text.assemble((f"{SYMBOLS[s]} {s}", STYLES[s]))


def reason_text(state: State | str, reason: str | None) -> Text:
    """Why a row is not healthy, in its state's colour; nothing for a healthy one (no news is good news)."""
    s = State(state)
    if s is State.HEALTHY or not reason:
        return Text("")
    return Text(reason, style=STYLES[s].replace("bold ", ""))


def incident_status(incident: Incident) -> Text:
    if incident.resolved_at is not None:
        return Text("resolved", style="dim")
    if incident.acknowledged_at is not None:
        return Text("acknowledged", style="yellow")
    return Text("OPEN", style="bold red")


def delivery_text(incident: Incident) -> Text:
    """The last notification per channel: green when sent, red when it failed (with why)."""
    text = Text()
    for d in incident.deliveries:
        if text:
            text.append("; ")
        style = "green" if d.state == "sent" else "yellow" if d.state == "sending" else "bold red"
        text.append(d.summary(), style=style)
    return text or Text("—")


def state_rank(state: State | str) -> int:
    """Higher is worse: down, unknown, degraded, healthy."""
    return SEVERITY[State(state)]


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 0.9995 or value == 0:
        return f"{value * 100:.0f}%"
    return f"{value * 100:.1f}%"


def millis(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 10_000:
        return f"{value / 1000:.0f} s"
    if value >= 1000:
        return f"{value / 1000:.1f} s"
    return f"{value:.0f} ms"


def money(value: Decimal | float | None) -> str:
    if value is None:
        return "—"
    amount = float(value)
    if amount >= 1000:
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


def whole_money(value: Decimal | float) -> str:
    """A budget: whole dollars when it is a whole number ($120), cents otherwise."""
    amount = float(value)
    return f"${amount:,.0f}" if amount.is_integer() else money(amount)


def owner_text(owner: str | None) -> str:
    """The owner as a table shows it: the mailbox name of an address (the detail screen shows it all)."""
    if not owner:
        return "—"
    return owner.split("@", 1)[0] if "@" in owner else owner


def budget_bar(spent: Decimal, budget: Decimal | None, over: bool, width: int = BAR_WIDTH) -> Text:
    """Month to date against the monthly budget: a bar, the figures, and `!` when the month-end projection is over."""
    if budget is None:
        return Text(f"{money(spent)} (no budget)", style="dim")
    share = 1.0 if budget == 0 and spent > 0 else (0.0 if budget == 0 else float(spent / budget))
    filled = min(width, round(share * width))
    style = "bold red" if over else ("yellow" if share >= 0.8 else "green")
    text = Text()
    text.append("█" * filled, style=style)
    text.append("░" * (width - filled), style="dim")
    text.append(f" {money(spent)}/{whole_money(budget)}")
    if over:
        text.append(" !", style="bold red")
    return text


def heartbeat(hours: tuple[float | None, ...]) -> Text:
    """One mark per hour, oldest first (Uptime Kuma's heartbeat bar): shape and colour both say how it went."""
    text = Text()
    # One span per run of like hours (a day is mostly one run): a thousand rows are made per refresh.
    for (mark, style), run in itertools.groupby(_hour_mark(uptime) for uptime in hours):
        text.append(mark * sum(1 for _ in run), style=style)
    return text


def _hour_mark(uptime: float | None) -> tuple[str, str]:
    if uptime is None:
        return "·", "dim"
    if uptime >= 0.9995:
        return "█", "green"
    if uptime >= 0.5:
        return "▄", "yellow"
    return "▁", "bold red"


def success_text(value: float | None, from_probes: bool) -> Text:
    """A success rate; dim with a `p` when it stands in from probes (no runs recorded)."""
    if value is None:
        return Text("—", style="dim")
    if from_probes:
        return Text(f"{percent(value)} p", style="dim")
    return Text(percent(value))


def quality_text(value: float | None) -> Text:
    if value is None:
        return Text(NOT_MEASURED, style="dim")
    return Text(percent(value))


def readiness_text(level: str | None) -> Text:
    if level is None:
        return Text(NOT_MEASURED, style="dim")
    return Text(level)


def when(ts: float | None, zone: str = "UTC") -> str:
    """A store time in the workspace's time zone, to the second."""
    if ts is None:
        return "—"
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    return datetime.fromtimestamp(ts, tz=UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def ago(ts: float | None, now: float) -> str:
    """How long before `now` (the app's clock, so tests can fix it)."""
    if ts is None:
        return "never"
    seconds = max(0.0, now - ts)
    if seconds < 60:
        return f"{seconds:.0f}s ago"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m ago"
    if seconds < 86400:
        return f"{seconds / 3600:.1f}h ago"
    return f"{seconds / 86400:.1f}d ago"


def figures_line(f: IntegrationFigures) -> Text:
    """The detail screen's figures, each with where it comes from (the same figures as the dashboard row)."""
    out = Text()
    uptimes = " ".join(f"{window} {percent(value)}" for window, value in f.uptime.by_window().items())
    out.append("uptime ", style="dim")
    out.append(uptimes)
    out.append("   success 24h ", style="dim")
    out.append(percent(f.success.rate))
    if f.success.source is not None:
        out.append(f" ({f.success.count:,} {f.success.source})", style="dim")
    out.append("   p95 ", style="dim")
    out.append(millis(f.processing.p95_ms))
    if f.processing.source is not None:
        out.append(f" ({f.processing.source})", style="dim")
    out.append("   quality ", style="dim")
    out.append(NOT_MEASURED if f.quality_rate is None else percent(f.quality_rate))
    c = f.cost
    out.append("\n")
    out.append(f"{money(c.month_to_date_usd)} this month", style="bold" if c.over_budget else "")
    out.append(f" (model {money(c.production_usd)}, monitoring {money(c.monitoring_usd)}, ", style="dim")
    out.append(f"middleware {money(c.middleware_usd)})", style="dim")
    out.append(f"   {c.projection_words}")
    out.append("   budget " + ("none" if c.budget_usd is None else money(c.budget_usd)), style="dim")
    return out
