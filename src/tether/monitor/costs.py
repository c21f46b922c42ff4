"""Cost: token usage priced per token type, month to date, projection, budget burn.

Money is Decimal from the price table to the total, so per-token arithmetic is exact; floats
only appear where the store keeps running sums. Months are UTC calendar months (the
providers' cost reports use UTC days). Canary and eval spend is monitoring spend, shown
apart; a middleware plan is prorated per day of the month started so far.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tether.model.integration import Integration

if TYPE_CHECKING:
    from tether.model.prices import PriceTable

MILLION = Decimal(1_000_000)
DAY = 86400.0


@dataclass(frozen=True)
class TokenPrices:
    """USD per million tokens of each type."""

    input: Decimal
    output: Decimal
    cache_read: Decimal
    cache_write: Decimal


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    """Uncached input tokens."""
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


def usage_cost(usage: Usage, prices: TokenPrices) -> Decimal:
    """Exact USD for some usage: each token type at its own price."""
    return (
        usage.input_tokens * prices.input
        + usage.output_tokens * prices.output
        + usage.cache_read_tokens * prices.cache_read
        + usage.cache_write_tokens * prices.cache_write
    ) / MILLION


class PriceBook:
    """Prices per model from rules/prices.yaml (tether.model.prices), the one price list.

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

    def cost(self, model: str | None, usage: Usage) -> Decimal | None:
        prices = self.for_model(model)
        return None if prices is None else usage_cost(usage, prices)

    def token_cost(self, model: str | None, usage: Usage) -> float | None:
        """USD for one call's usage as a float, for a probe result; None when not priced."""
        cost = self.cost(model, usage)
        return None if cost is None else round(float(cost), 8)


# -- the month ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    start: float
    end: float
    days: int

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def elapsed_fraction(self, now: float) -> float:
        # At least one day, so the first hours of a month do not project wild figures.
        return min(1.0, max(now - self.start, DAY) / self.seconds)

    def days_started(self, now: float) -> int:
        return min(self.days, int((now - self.start) // DAY) + 1)


def month_of(now: float) -> Month:
    moment = datetime.fromtimestamp(now, tz=UTC)
    days = calendar.monthrange(moment.year, moment.month)[1]
    start = datetime(moment.year, moment.month, 1, tzinfo=UTC)
    return Month(start.timestamp(), start.timestamp() + days * DAY, days)


# -- per-integration figures -------------------------------------------------------------------


@dataclass
class CostFigures:
    """One integration's money this month."""

    integration: str
    production_usd: Decimal
    """Spend its own runs reported (heartbeats with usage)."""
    monitoring_usd: Decimal
    """Spend by our canaries and evals."""
    middleware_usd: Decimal
    """The middleware plan, prorated per day started."""
    projected_usd: Decimal
    budget_usd: Decimal | None
    estimated: bool
    """True when no run reported usage yet and the projection comes from `volume` and list prices."""

    @property
    def month_to_date_usd(self) -> Decimal:
        return self.production_usd + self.monitoring_usd + self.middleware_usd

    @property
    def over_budget(self) -> bool:
        return self.budget_usd is not None and self.projected_usd > self.budget_usd

    def to_json(self) -> dict[str, Any]:
        def money(value: Decimal | None) -> float | None:
            return None if value is None else float(round(value, 4))

        return {
            "integration": self.integration,
            "month_to_date_usd": money(self.month_to_date_usd),
            "production_usd": money(self.production_usd),
            "monitoring_usd": money(self.monitoring_usd),
            "middleware_usd": money(self.middleware_usd),
            "projected_usd": money(self.projected_usd),
            "budget_usd": money(self.budget_usd),
            "over_budget": self.over_budget,
            "estimated": self.estimated,
        }


def volume_estimate(integration: Integration, book: PriceBook) -> Decimal | None:
    """A month's model spend from `volume` (runs x tokens per run) at list prices, if both are known."""
    if integration.volume is None or integration.ai is None:
        return None
    v = integration.volume
    usage = Usage(v.runs_per_month * v.input_tokens_per_run, v.runs_per_month * v.output_tokens_per_run)
    return book.cost(integration.ai.model, usage)


def figures(
    integration: Integration,
    production_mtd: float,
    monitoring_mtd: float,
    now: float,
    book: PriceBook,
) -> CostFigures:
    """Month to date and projection; measured run rate when there is one, else the volume estimate."""
    month = month_of(now)
    fraction = Decimal(str(month.elapsed_fraction(now)))
    production = Decimal(str(round(production_mtd, 10)))
    monitoring = Decimal(str(round(monitoring_mtd, 10)))
    plan = Decimal(str(integration.middleware.plan_monthly_usd)) if integration.middleware else Decimal(0)
    middleware = plan * month.days_started(now) / month.days
    estimated = production == 0
    from_volume = volume_estimate(integration, book) or Decimal(0)
    production_projection = from_volume if estimated else production / fraction
    projected = production_projection + monitoring / fraction + plan
    budget = Decimal(str(integration.budget.monthly_usd)) if integration.budget else None
    return CostFigures(integration.name, production, monitoring, middleware, projected, budget, estimated)
