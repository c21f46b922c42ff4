"""Chart ticks are round numbers with units."""

from __future__ import annotations

import pytest

from tether.tui.ticks import nice_ticks, tick_label


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (0, 2065.8, [0, 500, 1000, 1500, 2000, 2500]),
        (0, 365.2, [0, 100, 200, 300, 400]),
        (0, 100, [0, 20, 40, 60, 80, 100]),
        (0, 0.9, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (0, 0.03, [0, 0.01, 0.02, 0.03]),
        (5, 5, [5, 5.2, 5.4, 5.6, 5.8, 6.0]),
    ],
)
def test_ticks_are_round(low: float, high: float, ticks: list[float]) -> None:
    assert nice_ticks(low, high) == pytest.approx(ticks)


@pytest.mark.parametrize(
    ("value", "unit", "label"),
    [(0, "ms", "0 ms"), (250, "ms", "250 ms"), (1500, "ms", "1.5 s"), (75, "%", "75%"), (0.25, "USD", "$0.25")],
)
def test_labels_carry_units(value: float, unit: str, label: str) -> None:
    assert tick_label(value, unit) == label
