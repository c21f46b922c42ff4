"""`tether check` warns before a provider retires a model an integration depends on."""

from __future__ import annotations

from datetime import date

import pytest

from tether.model.integration import Integration
from tether.model.prices import PriceTable
from tether.model_retirement import WARN_DAYS, retirements
from tether.workspace.rules import load_rules


@pytest.fixture
def prices() -> PriceTable:
    return load_rules("prices.yaml", PriceTable)


def _integration(model: str) -> Integration:
    return Integration.model_validate(
        {"name": "x", "title": "X", "pattern": "direct-api", "ai": {"provider": "anthropic", "model": model}}
    )


@pytest.mark.parametrize(
    ("model", "today", "expected"),
    [
        ("claude-sonnet-4-5", date(2026, 11, 24), "reaches end of life on 2026-11-30 (in 6 days)"),
        ("claude-sonnet-4-5-20250929", date(2026, 11, 29), "(in 1 day)"),
        ("claude-sonnet-4-5", date(2026, 12, 1), "was retired on 2026-11-30"),
        ("claude-opus-4-5", date(2026, 11, 24), "reaches end of life on 2027-01-22 (in 59 days)"),
    ],
)
def test_a_retiring_model_is_named_with_its_date(prices: PriceTable, model: str, today: date, expected: str) -> None:
    (found,) = retirements(_integration(model), prices, today)
    assert found.path == ("ai", "model")
    assert expected in found.message()


@pytest.mark.parametrize(
    ("model", "today"),
    [
        ("claude-sonnet-4-5", date(2026, 8, 31)),  # 91 days ahead
        ("claude-haiku-4-5", date(2026, 11, 24)),  # no retirement announced
        ("a-model-we-do-not-price", date(2026, 11, 24)),
    ],
)
def test_no_finding_when_retirement_is_far_or_unknown(prices: PriceTable, model: str, today: date) -> None:
    assert WARN_DAYS == 90
    assert retirements(_integration(model), prices, today) == []
