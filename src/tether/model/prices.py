"""rules/prices.yaml: a dated price table for AI models, middleware plans, native AI and hosting.

Shared by the advisor's estimate and by cost tracking: token prices are USD per million tokens,
split the way providers bill them (input, output, cache read, cache write). Every entry says
where the price comes from (`source`) and when it was true (`as_of`).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from tether.model.common import StrictModel

PER_MILLION = 1_000_000

# Dated model ids: claude-sonnet-4-5-20250929, gpt-4o-2024-08-06, claude-sonnet-4-5@20250929.
_DATED = re.compile(r"(?:[-@]\d{8}|-\d{4}-\d{2}-\d{2}|-latest)$")


class Sourced(StrictModel):
    source: str
    """Where the price is published (a URL)."""
    as_of: date
    """The day the price was known to be true."""
    note: str | None = None


class ModelPrice(Sourced):
    id: str
    """The model id as the provider names it, without a date suffix."""
    provider: str
    """A system id from rules/systems.yaml: anthropic, openai, google-ai."""
    aliases: list[str] = Field(default_factory=list)
    """Other ids that mean this model, e.g. the dated snapshot id."""
    input: float = Field(ge=0)
    """USD per million input tokens."""
    output: float = Field(ge=0)
    """USD per million output tokens."""
    cache_read: float = Field(ge=0)
    """USD per million input tokens read from the prompt cache."""
    cache_write: float = Field(ge=0)
    """USD per million input tokens written to the prompt cache."""
    retires: date | None = None
    """The day the provider retires the model (its deprecation page); `tether check` warns ahead."""

    def cost(
        self, input_tokens: float, output_tokens: float, cache_read_tokens: float = 0, cache_write_tokens: float = 0
    ) -> float:
        """USD for these token counts."""
        return (
            input_tokens * self.input
            + output_tokens * self.output
            + cache_read_tokens * self.cache_read
            + cache_write_tokens * self.cache_write
        ) / PER_MILLION


class BillingUnit(StrEnum):
    TASK = "task"
    """Zapier: each action step that runs (the trigger is free)."""
    OPERATION = "operation"
    """Make: each module that runs, the trigger included."""
    EXECUTION = "execution"
    """n8n: one run of a workflow, however many steps."""


class MiddlewarePlan(Sourced):
    name: str
    monthly_usd: float = Field(ge=0)
    included: int | None = Field(default=None, ge=0)
    """Units included a month; none means unlimited."""
    overage_usd_per_unit: float | None = Field(default=None, ge=0)
    """Price of each unit beyond `included`; none means the plan stops (upgrade instead)."""
    max_actions: int | None = Field(default=None, ge=1)
    """The most action steps a workflow may have on this plan (free plans limit it)."""
    self_hosted: bool = False
    """Runs on your own server (server costs are not included)."""

    def monthly_cost(self, units: float, actions_per_run: int) -> float | None:
        """USD a month for this many units, or None when the plan cannot carry the workflow."""
        if self.max_actions is not None and actions_per_run > self.max_actions:
            return None
        if self.included is None or units <= self.included:
            return self.monthly_usd
        if self.overage_usd_per_unit is None:
            return None
        return self.monthly_usd + (units - self.included) * self.overage_usd_per_unit


class MiddlewarePlatform(StrictModel):
    platform: str
    """A middleware system id from rules/systems.yaml: zapier, make, n8n."""
    name: str
    """Its everyday name, e.g. Zapier."""
    unit: BillingUnit
    plans: list[MiddlewarePlan] = Field(min_length=1)

    def units(self, runs: float, actions_per_run: int) -> float:
        """Billed units a month for `runs` runs of a workflow with this many action steps."""
        if self.unit is BillingUnit.TASK:
            return runs * actions_per_run
        if self.unit is BillingUnit.OPERATION:
            return runs * (actions_per_run + 1)
        return runs

    def cheapest(
        self, runs: float, actions_per_run: int, self_hosting: bool = False
    ) -> tuple[MiddlewarePlan, float] | None:
        """The cheapest plan that carries the workflow, and its monthly cost."""
        units = self.units(runs, actions_per_run)
        options = [
            (plan, cost)
            for plan in self.plans
            if (self_hosting or not plan.self_hosted)
            and (cost := plan.monthly_cost(units, actions_per_run)) is not None
        ]
        return min(options, key=lambda o: o[1]) if options else None


class NativeAI(Sourced):
    system: str
    """A business-app system id from rules/systems.yaml."""
    feature: str
    per_user_monthly_usd: float = Field(ge=0)
    """What the AI feature adds per user a month on top of the plan already paid for."""


class Hosting(Sourced):
    id: str
    what: str
    monthly_usd: float = Field(ge=0)


class Assumptions(StrictModel):
    """What an estimate assumes when the answers do not say."""

    input_tokens_per_run: int = Field(default=2000, ge=0)
    output_tokens_per_run: int = Field(default=500, ge=0)
    cached_input_share: float = Field(default=0.0, ge=0, le=1)
    """Share of input tokens read from the prompt cache (e.g. a long shared instruction)."""
    provider_models: dict[str, str] = Field(default_factory=dict)
    """The model an estimate prices for each provider system id."""
    default_provider: str = "anthropic"
    default_middleware: str = "zapier"
    team_size: int = Field(default=5, ge=1)


class PriceTable(StrictModel):
    version: Literal[1] = 1
    currency: Literal["USD"] = "USD"
    models: list[ModelPrice]
    middleware: list[MiddlewarePlatform] = Field(default_factory=list)
    native_ai: list[NativeAI] = Field(default_factory=list)
    hosting: list[Hosting] = Field(default_factory=list)
    assumptions: Assumptions = Field(default_factory=Assumptions)

    @model_validator(mode="after")
    def _unique_names(self) -> PriceTable:
        seen: dict[str, str] = {}
        for price in self.models:
            for name in (price.id, *price.aliases):
                key = name.lower()
                if key in seen:
                    raise ValueError(f"model id {name!r} names both {seen[key]!r} and {price.id!r}")
                seen[key] = price.id
        for provider, model_id in self.assumptions.provider_models.items():
            if self.model(model_id) is None:
                raise ValueError(f"assumptions.provider_models.{provider}: no price for model {model_id!r}")
        return self

    def model(self, model_id: str) -> ModelPrice | None:
        """The price of a model by id or alias, tolerating a dated suffix (…-20250929, @20250929, -latest)."""
        wanted = model_id.strip().lower()
        while True:
            for price in self.models:
                if wanted == price.id.lower() or wanted in (a.lower() for a in price.aliases):
                    return price
            shorter = _DATED.sub("", wanted)
            if shorter == wanted:
                return None
            wanted = shorter

    def platform(self, platform: str) -> MiddlewarePlatform | None:
        return next((m for m in self.middleware if m.platform == platform), None)

    def native(self, system: str) -> NativeAI | None:
        return next((n for n in self.native_ai if n.system == system), None)

    def hosting_cost(self, hosting_id: str) -> Hosting | None:
        return next((h for h in self.hosting if h.id == hosting_id), None)
