"""One metric of one integration over time: a plot widget with its own Plotext figure and data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from textual_plotext import PlotextPlot

from tether.store.rollups import SPANS
from tether.tui.ticks import nice_ticks, tick_label
from tether.wording import plural

TICKS = 5
SPARSE = 20


@dataclass(frozen=True)
class Metric:
    """What to draw from a rollup point: its title, unit, value and whether the axis starts at zero."""

    title: str
    unit: str
    value: Callable[[dict[str, Any]], float | None]
    bounds: tuple[float, float] | None = None
    bars: bool = False


def _cost(point: dict[str, Any]) -> float:
    return float(point["cost_usd"] + point["monitoring_cost_usd"])


def _success(point: dict[str, Any]) -> float | None:
    rate = point["success_rate"]
    return None if rate is None else rate * 100


METRICS = {
    "time": Metric("processing time p95", "ms", lambda p: p["p95_ms"]),
    "success": Metric("success rate", "%", _success, bounds=(0, 100)),
    "cost": Metric("cost per bucket", "USD", _cost, bars=True),
}


class MetricChart(PlotextPlot):
    """Draws one metric; `show()` keeps the points, `replot()` clears the figure and draws them again.

    The x axis always covers the whole span ending now, so a new workspace's few samples sit where
    they happened instead of filling the chart; incidents are drawn as red lines where they opened
    (green where they were resolved); an empty span says so instead of drawing bare axes.
    """

    DEFAULT_CSS = """
    MetricChart {
        height: 1fr;
        min-height: 8;
    }
    """

    def __init__(self, metric: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.metric = METRICS[metric]
        self.points: list[dict[str, Any]] = []
        self.span = "24h"
        self.zone = "UTC"
        self.now: float | None = None
        self.incidents: list[tuple[float, float | None]] = []
        self.message = ""
        """What the chart says instead of a plot when there is nothing to draw (empty otherwise)."""
        self.y_labels: list[str] = []
        self.marked = 0
        """Incidents drawn on the last plot."""

    def show(
        self,
        points: Sequence[dict[str, Any]],
        span: str,
        zone: str = "UTC",
        now: float | None = None,
        incidents: Sequence[tuple[float, float | None]] = (),
    ) -> None:
        self.points, self.span, self.zone = list(points), span, zone
        self.now, self.incidents = now, list(incidents)
        self.replot()

    def _label(self, ts: float) -> str:
        try:
            tz = ZoneInfo(self.zone)
        except (KeyError, ValueError):
            tz = ZoneInfo("UTC")
        moment = datetime.fromtimestamp(ts, tz=UTC).astimezone(tz)
        return moment.strftime("%H:%M" if self.span in ("1h", "24h") else "%d %b")

    def _empty(self, heading: str, message: str) -> None:
        plt = self.plt
        self.message, self.y_labels, self.marked = message, [], 0
        plt.title(heading)
        plt.xlim(0, 1)
        plt.ylim(0, 1)
        plt.xticks([])
        plt.yticks([])
        plt.frame(False)
        plt.text(message, 0.5, 0.5, alignment="center", background="default")
        self.refresh()

    def replot(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        measured = [(p["ts"], v) for p in self.points if (v := self.metric.value(p)) is not None]
        heading = f"{self.metric.title} ({self.metric.unit}), {self.span}"
        if not measured:
            self._empty(heading, "no data yet — run `tether probe` (or `tether probe --watch`)")
            return
        if self.metric.bars and not any(v for _, v in measured):
            self._empty(heading, f"no spend recorded in the last {self.span}")
            return
        self.message = ""
        xs = [ts for ts, _ in measured]
        ys = [v for _, v in measured]
        end = self.now if self.now is not None else xs[-1]
        begin = end - SPANS[self.span][0] if self.span in SPANS else xs[0]
        if self.metric.bars:
            plt.bar(xs, ys, width=0.6, marker="hd")
        else:
            # A few points read better as dots joined by a line than as a faint braille trace.
            plt.plot(xs, ys, marker="braille" if len(xs) > SPARSE else "dot")
        plt.xlim(begin, end)
        times = [begin + (end - begin) * i / (TICKS - 1) for i in range(TICKS)]
        plt.xticks(times, [self._label(t) for t in times])
        low, high = self.metric.bounds or (0.0, max(ys))
        ticks = nice_ticks(low, high)
        plt.ylim(ticks[0], ticks[-1])
        self.y_labels = [tick_label(t, self.metric.unit) for t in ticks]
        plt.yticks(ticks, self.y_labels)
        marked = self.marked = self._mark_incidents(begin, end)
        notes = []
        if len(xs) < 3:
            notes.append(f"{plural(len(xs), 'sample')} so far")
        if marked:
            notes.append("incidents in red")
        plt.title(heading + (f" — {', '.join(notes)}" if notes else ""))
        self.refresh()

    def _mark_incidents(self, begin: float, end: float) -> int:
        """A red line where each incident in the span opened, a green one where it was resolved."""
        marked = 0
        for opened, resolved in self.incidents:
            if opened > end or (resolved is not None and resolved < begin):
                continue
            self.plt.vline(max(opened, begin), "red")
            if resolved is not None:
                self.plt.vline(resolved, "green")
            marked += 1
        return marked
