"""One metric of one integration over time: a plot widget with its own Plotext figure and data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from textual_plotext import PlotextPlot

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
    """Draws one metric; `show()` keeps the points, `replot()` clears the figure and draws them again."""

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

    def show(self, points: Sequence[dict[str, Any]], span: str, zone: str = "UTC") -> None:
        self.points, self.span, self.zone = list(points), span, zone
        self.replot()

    def _label(self, ts: float) -> str:
        try:
            tz = ZoneInfo(self.zone)
        except (KeyError, ValueError):
            tz = ZoneInfo("UTC")
        moment = datetime.fromtimestamp(ts, tz=UTC).astimezone(tz)
        return moment.strftime("%H:%M" if self.span in ("1h", "24h") else "%d %b")

    def replot(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        measured = [(p["ts"], v) for p in self.points if (v := self.metric.value(p)) is not None]
        heading = f"{self.metric.title} ({self.metric.unit}), {self.span}"
        if not measured:
            plt.title(f"{heading}: no history in this span yet")
            self.refresh()
            return
        xs = [ts for ts, _ in measured]
        ys = [v for _, v in measured]
        if self.metric.bars:
            plt.bar(xs, ys, width=0.6, marker="hd")
        else:
            # A few points read better as dots joined by a line than as a faint braille trace.
            plt.plot(xs, ys, marker="braille" if len(xs) > SPARSE else "dot")
        step = max(1, len(xs) // TICKS)
        ticks = xs[::step]
        plt.xticks(ticks, [self._label(t) for t in ticks])
        if len(xs) == 1:  # one point: give the x axis some width so the point sits in the middle
            plt.xlim(xs[0] - 1, xs[0] + 1)
        low, high = self.metric.bounds or (0.0, max(ys) * 1.1 or 1.0)
        plt.ylim(low, high)
        plt.title(heading)
        self.refresh()
