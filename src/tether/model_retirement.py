"""Models a provider is about to retire: an integration on one stops working on that day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from tether.model.integration import Integration
from tether.model.prices import PriceTable
from tether.wording import plural

WARN_DAYS = 90
"""How far ahead a retirement is worth a finding: time to test and switch."""


@dataclass(frozen=True)
class Retirement:
    path: tuple[str | int, ...]
    """Where the model is named, within the integration."""
    model: str
    retires: date
    days_left: int

    def message(self) -> str:
        when = (
            f"was retired on {self.retires}"
            if self.days_left < 0
            else f"reaches end of life on {self.retires} (in {plural(self.days_left, 'day')})"
        )
        return f"{self.model} {when}; move to a current model, test it with `tether eval`, then update this field"


def retirements(integration: Integration, prices: PriceTable, today: date | None = None) -> list[Retirement]:
    """Every model this integration names that retires within WARN_DAYS (or already has)."""
    today = today or datetime.now(tz=UTC).date()
    named: list[tuple[tuple[str | int, ...], str]] = []
    if integration.ai and integration.ai.model:
        named.append((("ai", "model"), integration.ai.model))
    for i, check in enumerate(integration.checks):
        model = getattr(check, "model", None)
        if isinstance(model, str):
            named.append((("checks", i, "model"), model))
    found: list[Retirement] = []
    for path, model in named:
        price = prices.model(model)
        if price is None or price.retires is None:
            continue
        days_left = (price.retires - today).days
        if days_left <= WARN_DAYS:
            found.append(Retirement(path, model, price.retires, days_left))
    return found
