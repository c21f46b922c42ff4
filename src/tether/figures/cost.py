"""One integration's money this month: spend so far, the projection and what it rests on, the budget.

Production spend is what the integration's own runs reported; monitoring spend is ours
(canary probes and eval runs), shown apart; a middleware plan is prorated per day of the month
started so far. The projection runs the measured rate to the month's end; where the
integration's runs have reported no spend yet it uses the declared `volume` priced from
rules/prices.yaml instead, and `basis` says which, in the same words in every view.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tether.figures.month import month_of
from tether.model.integration import Integration
from tether.model.tokens import TokenCounts
from tether.pricing import PriceBook


class Basis(StrEnum):
    """What a projection rests on."""

    MEASURED = "measured"
    VOLUME = "volume"
    BOTH = "measured+volume"
    NOTHING = "nothing"

    @property
    def words(self) -> str:
        return _BASIS_WORDS[self]


_BASIS_WORDS = {
    Basis.MEASURED: "from measured spend",
    Basis.VOLUME: "from declared volume × rules/prices.yaml",
    Basis.BOTH: "from measured spend and declared volume × rules/prices.yaml",
    Basis.NOTHING: "no spend measured or volume declared yet",
}


@dataclass(frozen=True)
class VolumeEstimate:
    """A month's model spend from `volume:` at list prices, and how it was reckoned."""

    usd: Decimal | None
    """None when the model is not priced."""
    how: str


@dataclass(frozen=True)
class CostFigures:
    """One integration's money this month."""

    integration: str
    production_usd: Decimal
    """Spend its own runs reported (heartbeats with usage)."""
    canaries_usd: Decimal
    """Spend by our canary probes."""
    evals_usd: Decimal
    """Spend by our eval runs."""
    middleware_usd: Decimal
    """The middleware plan, prorated per day started."""
    projected_usd: Decimal
    basis: Basis
    budget_usd: Decimal | None
    volume: VolumeEstimate | None
    """The estimate from `volume:`, when declared (used by the projection only while no run reports spend)."""

    @property
    def monitoring_usd(self) -> Decimal:
        """Canaries and evals: what watching the integration costs."""
        return self.canaries_usd + self.evals_usd

    @property
    def month_to_date_usd(self) -> Decimal:
        return self.production_usd + self.monitoring_usd + self.middleware_usd

    @property
    def over_budget(self) -> bool:
        return self.budget_usd is not None and self.projected_usd > self.budget_usd

    @property
    def projection_words(self) -> str:
        """E.g. '$41.20 projected from declared volume × rules/prices.yaml'."""
        return f"${self.projected_usd:,.2f} projected {self.basis.words}"

    def budget_words(self) -> str:
        if self.budget_usd is None:
            return "no budget set"
        return f"{self.projection_words} against a budget of ${self.budget_usd:,.2f}"

    def to_json(self) -> dict[str, Any]:
        def money(value: Decimal | None) -> float | None:
            return None if value is None else float(round(value, 4))

        return {
            "integration": self.integration,
            "month_to_date_usd": money(self.month_to_date_usd),
            "production_usd": money(self.production_usd),
            "monitoring_usd": money(self.monitoring_usd),
            "canaries_usd": money(self.canaries_usd),
            "evals_usd": money(self.evals_usd),
            "middleware_usd": money(self.middleware_usd),
            "projected_usd": money(self.projected_usd),
            "projection_basis": str(self.basis),
            "projection_words": self.basis.words,
            "volume_estimate_usd": None if self.volume is None else money(self.volume.usd),
            "volume_estimate": None if self.volume is None else self.volume.how,
            "budget_usd": money(self.budget_usd),
            "over_budget": self.over_budget,
        }


def volume_estimate(integration: Integration, book: PriceBook) -> VolumeEstimate | None:
    """A month's model spend from `volume` (runs × tokens per run) at list prices.

    Tokens per run the definition leaves out are the ones the advisor's estimate assumes
    (rules/prices.yaml `assumptions`), so both estimates agree for the same setup.
    """
    if integration.volume is None or integration.ai is None:
        return None
    v = integration.volume
    assumed = book.assumed_run
    tokens_in = v.input_tokens_per_run if v.input_tokens_per_run is not None else assumed.input_tokens
    tokens_out = v.output_tokens_per_run if v.output_tokens_per_run is not None else assumed.output_tokens
    guessed = v.input_tokens_per_run is None or v.output_tokens_per_run is None
    model = integration.ai.model
    how = (
        f"{v.runs_per_month:,} runs × {tokens_in:,} in / {tokens_out:,} out tokens"
        + (" (tokens per run assumed in rules/prices.yaml)" if guessed else "")
        + f" on {model}"
    )
    usd = book.cost(model, TokenCounts(tokens_in, tokens_out) * v.runs_per_month)
    if usd is None:
        how += f": {model} is not priced in rules/prices.yaml"
    return VolumeEstimate(usd, how)


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 10)))


def cost_figures(
    integration: Integration,
    production: float,
    canaries: float,
    evals: float,
    now: float,
    book: PriceBook,
) -> CostFigures:
    """Month to date and projection from the month's measured spend (floats summed by the store)."""
    month = month_of(now)
    fraction = Decimal(str(month.elapsed_fraction(now)))
    production_usd, canaries_usd, evals_usd = _money(production), _money(canaries), _money(evals)
    plan = Decimal(str(integration.middleware.plan_monthly_usd)) if integration.middleware else Decimal(0)
    middleware = plan * month.days_started(now) / month.days
    volume = volume_estimate(integration, book)
    monitoring = canaries_usd + evals_usd
    if production_usd > 0:
        basis, production_projection = Basis.MEASURED, production_usd / fraction
    elif volume is not None and volume.usd is not None:
        basis, production_projection = (Basis.BOTH if monitoring > 0 else Basis.VOLUME), volume.usd
    else:
        basis, production_projection = (Basis.MEASURED if monitoring > 0 else Basis.NOTHING), Decimal(0)
    projected = production_projection + monitoring / fraction + plan
    budget = Decimal(str(integration.budget.monthly_usd)) if integration.budget else None
    return CostFigures(
        integration.name,
        production_usd,
        canaries_usd,
        evals_usd,
        middleware,
        projected,
        basis,
        budget,
        volume,
    )
