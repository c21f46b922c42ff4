"""The price table and the cost estimate: dated prices, model aliases, the $20–$200 bridge range."""

from __future__ import annotations

from typing import Any

import pytest

from tether.advisor.engine import Advisor
from tether.model.prices import PriceTable
from tether.workspace.rules import load_rules

from .test_advisor_decisions import BASE


@pytest.fixture(scope="module")
def prices() -> PriceTable:
    return load_rules("prices.yaml", PriceTable)


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        ("claude-sonnet-4-5", "claude-sonnet-4-5"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("claude-sonnet-4-5-20991231", "claude-sonnet-4-5"),  # a future snapshot still resolves
        ("claude-haiku-4-5@20251001", "claude-haiku-4-5"),
        ("Claude-Opus-4-5", "claude-opus-4-5"),
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("gpt-5-mini", "gpt-5-mini"),
        ("gemini-2.5-flash", "gemini-2.5-flash"),
        ("gemini-2.5-pro-latest", "gemini-2.5-pro"),
    ],
)
def test_model_lookup_tolerates_dated_ids(prices: PriceTable, model_id: str, expected: str) -> None:
    price = prices.model(model_id)
    assert price is not None
    assert price.id == expected


def test_unknown_model_is_none(prices: PriceTable) -> None:
    assert prices.model("claude-sonnet-9") is None


@pytest.mark.parametrize(
    ("model_id", "split"),
    [
        ("claude-sonnet-4-5", (3.00, 15.00, 0.30, 3.75)),
        ("claude-haiku-4-5", (1.00, 5.00, 0.10, 1.25)),
        ("claude-opus-4-5", (5.00, 25.00, 0.50, 6.25)),
    ],
)
def test_token_prices_split_four_ways(prices: PriceTable, model_id: str, split: tuple[float, ...]) -> None:
    price = prices.model(model_id)
    assert price is not None
    assert (price.input, price.output, price.cache_read, price.cache_write) == split
    # A million of each costs the sum of the four prices.
    assert price.cost(1e6, 1e6, 1e6, 1e6) == pytest.approx(sum(split))


def test_every_entry_is_sourced_and_dated(prices: PriceTable) -> None:
    entries: list[Any] = [*prices.models, *prices.native_ai, *prices.hosting]
    entries += [plan for platform in prices.middleware for plan in platform.plans]
    assert {p.platform for p in prices.middleware} == {"zapier", "make", "n8n"}
    for entry in entries:
        assert entry.source.startswith("https://")
        assert entry.as_of.year >= 2024


# Typical small-business volumes: a few hundred to a few thousand runs, 2-4 systems.
TYPICAL = [(200, 2), (300, 3), (600, 3), (1000, 3), (1500, 4), (2500, 4), (5000, 3)]


@pytest.mark.parametrize(("runs", "systems"), TYPICAL)
def test_bridge_middleware_lands_in_the_20_to_200_range(runs: int, systems: int) -> None:
    advisor = Advisor.load()
    answers = {**BASE, "dev_resources": "dev_none", "monthly_volume": runs, "systems_touched": systems}
    answers.pop("self_hosting")
    est = advisor.assess(answers).estimate
    bridge = est.for_pattern("automation-bridge")
    middleware, ai = bridge.items
    assert middleware.what.startswith("Zapier")  # the default platform when none is named
    assert 20 <= round(middleware.monthly_usd) <= 200
    assert ai.monthly_usd == pytest.approx(runs * (2000 * 3.00 + 500 * 15.00) / 1e6)
    assert bridge.monthly_usd == pytest.approx(middleware.monthly_usd + ai.monthly_usd)


def test_the_range_spans_from_about_20_to_about_200() -> None:
    advisor = Advisor.load()
    low = advisor.assess({**BASE, "monthly_volume": 200, "systems_touched": 3}).estimate
    high = advisor.assess({**BASE, "monthly_volume": 5000, "systems_touched": 3}).estimate
    assert round(low.for_pattern("automation-bridge").items[0].monthly_usd) == 20
    assert 150 <= high.for_pattern("automation-bridge").items[0].monthly_usd <= 200


def test_named_middleware_and_provider_are_priced() -> None:
    advisor = Advisor.load()
    est = advisor.assess(
        {**BASE, "middleware": "middleware_n8n", "ai_provider": "provider_openai", "monthly_volume": 2000}
    ).estimate
    bridge = est.for_pattern("automation-bridge")
    assert bridge.items[0].what.startswith("n8n Cloud Starter")
    assert bridge.items[0].monthly_usd == 20.0
    assert est.model == "gpt-4o-mini"
    assert {a.what.split()[0] for a in bridge.alternatives} == {"Zapier", "Make"}


def test_self_hosting_offers_n8n_community_with_its_server() -> None:
    advisor = Advisor.load()
    est = advisor.assess({**BASE, "self_hosting": "self_host_yes", "monthly_volume": 50000}).estimate
    n8n = next(a for a in est.for_pattern("automation-bridge").alternatives if a.what.startswith("n8n"))
    assert "Community" in n8n.what
    assert n8n.monthly_usd == 10.0


def test_native_features_are_priced_per_user() -> None:
    advisor = Advisor.load()
    est = advisor.assess({**BASE, "business_tools": ["microsoft-365", "slack"], "team_size": 3}).estimate
    native = est.for_pattern("native-feature")
    assert [i.monthly_usd for i in native.items] == [90.0, 30.0]
    assert native.monthly_usd == 120.0
