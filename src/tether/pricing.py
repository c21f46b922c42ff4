"""Prices per model from rules/prices.yaml: the one price list every cost in tether is priced from.

Money is Decimal from the price table to the total, so per-token arithmetic is exact; floats
only appear where the store keeps running sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from tether.model.tokens import TokenCounts

if TYPE_CHECKING:
    from tether.model.prices import PriceTable

MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class TokenPrices:
    """USD per million tokens of each type."""

    input: Decimal
    output: Decimal
    cache_read: Decimal
    cache_write: Decimal


def usage_cost(usage: TokenCounts, prices: TokenPrices) -> Decimal:
    """Exact USD for some usage: each token type at its own price."""
    return (
        usage.input_tokens * prices.input
        + usage.output_tokens * prices.output
        + usage.cache_read_tokens * prices.cache_read
        + usage.cache_write_tokens * prices.cache_write
    ) / MILLION


@dataclass(frozen=True)
class RunTokens:
    """Tokens one run is assumed to use when `volume:` does not say (rules/prices.yaml `assumptions`)."""

    input_tokens: int = 2000
    output_tokens: int = 500


class PriceBook:
    """Prices per model from rules/prices.yaml (tether.model.prices).

    A model the table does not price costs None ("not priced"), never a guess.
    """

    def __init__(self, table: PriceTable | None = None) -> None:
        self.table = table

    @classmethod
    def load(cls, workspace_dir: Path | None) -> PriceBook:
        """The workspace's rules/prices.yaml, else the packaged one (InputError when it is malformed)."""
        from tether.model.prices import PriceTable
        from tether.workspace.rules import load_rules

        return cls(load_rules("prices.yaml", PriceTable, workspace_dir))

    @property
    def assumed_run(self) -> RunTokens:
        """What the advisor's estimate assumes a run uses; the volume estimate assumes the same."""
        if self.table is None:
            return RunTokens()
        a = self.table.assumptions
        return RunTokens(a.input_tokens_per_run, a.output_tokens_per_run)

    def for_model(self, model: str | None) -> TokenPrices | None:
        if not model:
            return None
        price = self.table.model(model) if self.table is not None else None
        if price is None:
            return None
        # str() first, so 0.30 becomes Decimal("0.3") rather than the float's binary expansion.
        return TokenPrices(
            Decimal(str(price.input)),
            Decimal(str(price.output)),
            Decimal(str(price.cache_read)),
            Decimal(str(price.cache_write)),
        )

    def cost(self, model: str | None, usage: TokenCounts) -> Decimal | None:
        prices = self.for_model(model)
        return None if prices is None else usage_cost(usage, prices)

    def token_cost(self, model: str | None, usage: TokenCounts) -> float | None:
        """USD for one call's usage as a float, for a probe result; None when not priced."""
        cost = self.cost(model, usage)
        return None if cost is None else round(float(cost), 8)
