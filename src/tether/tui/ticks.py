"""Axis ticks a reader can use: steps of 1, 2 or 5 times a power of ten, and labels with their unit.

Plain functions (no textual, no plotext), so the rule is tested on its own.
"""

from __future__ import annotations

import math

NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_step(span: float, count: int) -> float:
    """The smallest 1/2/2.5/5 x 10^k step that covers `span` in at most `count` intervals."""
    if span <= 0 or count < 1:
        return 1.0
    rough = span / count
    power = 10.0 ** math.floor(math.log10(rough))
    return float(next(step * power for step in NICE_STEPS if step * power >= rough * (1 - 1e-9)))


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Ticks from a round number at or below `low` to one at or above `high`, about `count` intervals apart."""
    if high <= low:
        high = low + 1.0
    step = nice_step(high - low, count)
    start = math.floor(low / step + 1e-9) * step
    ticks: list[float] = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
        if len(ticks) > count + 3:  # never more than a handful, whatever the rounding
            break
    return ticks


def tick_label(value: float, unit: str) -> str:
    """`0 ms`, `250 ms`, `1.5 s`, `99 %`, `$0.25`: as few digits as the step needs."""
    if unit == "ms" and value >= 1000:
        return f"{_digits(value / 1000)} s"
    if unit == "USD":
        return f"${value:,.2f}" if value < 10 else f"${value:,.0f}"
    if unit == "%":
        return f"{_digits(value)}%"
    return f"{_digits(value)} {unit}".strip()


def _digits(value: float) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")
