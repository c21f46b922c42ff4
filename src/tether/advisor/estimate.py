"""Monthly cost per pattern, from the volume answers and the dated price table."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from tether.advisor.answers import Answers
from tether.advisor.lens import Lens
from tether.model.common import Pattern
from tether.model.prices import Hosting, MiddlewarePlan, PriceTable
from tether.wording import plural


class CostItem(BaseModel):
    what: str
    monthly_usd: float
    source: str | None = None
    as_of: date | None = None
    note: str | None = None


class PatternEstimate(BaseModel):
    pattern: Pattern
    recommended: bool
    monthly_usd: float
    """The total of `items`."""
    items: list[CostItem]
    alternatives: list[CostItem] = Field(default_factory=list)
    """Other ways to pay for the same thing (e.g. the other middleware platforms)."""


class Estimate(BaseModel):
    runs_per_month: int
    actions_per_run: int
    """AI step plus one action per system the workflow writes to (systems touched minus the trigger)."""
    model: str
    input_tokens_per_run: int
    output_tokens_per_run: int
    ai_usd_per_month: float
    team_size: int
    patterns: list[PatternEstimate]

    def for_pattern(self, pattern: Pattern | str) -> PatternEstimate:
        return next(p for p in self.patterns if p.pattern == pattern)


def _chosen_system(lens: Lens, answers: Answers, question_id: str) -> str | None:
    question = lens.question(question_id)
    value = answers.get(question_id)
    if question is None or not isinstance(value, str):
        return None
    choice = question.choice(value)
    return choice.system if choice else None


def _plan_item(platform: str, plan: MiddlewarePlan, cost: float, units: float, unit: str) -> CostItem:
    return CostItem(
        what=f"{platform} {plan.name} ({units:,.0f} {unit}s a month)",
        monthly_usd=round(cost, 2),
        source=plan.source,
        as_of=plan.as_of,
        note=plan.note,
    )


def _hosting_item(hosting: Hosting | None) -> list[CostItem]:
    if hosting is None:
        return []
    return [CostItem(what=hosting.what, monthly_usd=hosting.monthly_usd, source=hosting.source, as_of=hosting.as_of)]


def _number(answers: Answers, question_id: str, default: int) -> int:
    value = answers.get(question_id)
    return int(value) if isinstance(value, int | float) else default


def estimate(lens: Lens, answers: Answers, prices: PriceTable, recommended: list[Pattern]) -> Estimate:
    """What each pattern would cost a month for these answers (list prices, see each item's source)."""
    assume = prices.assumptions
    runs = _number(answers, "monthly_volume", 0)
    actions = max(1, _number(answers, "systems_touched", 2))  # the AI step plus one per system written to
    team = _number(answers, "team_size", assume.team_size)

    provider = _chosen_system(lens, answers, "ai_provider") or assume.default_provider
    model = prices.model(assume.provider_models.get(provider, "")) or prices.models[0]
    cached = assume.input_tokens_per_run * assume.cached_input_share
    per_run = model.cost(assume.input_tokens_per_run - cached, assume.output_tokens_per_run, cached)
    ai_usd = round(runs * per_run, 2)
    ai_item = CostItem(
        what=f"{model.id} API: {runs:,} runs × {assume.input_tokens_per_run:,} in / "
        f"{assume.output_tokens_per_run:,} out tokens",
        monthly_usd=ai_usd,
        source=model.source,
        as_of=model.as_of,
    )

    self_hosting = answers.get("self_hosting") == "self_host_yes"
    chosen = _chosen_system(lens, answers, "middleware") or assume.default_middleware
    bridge_items: list[CostItem] = []
    alternatives: list[CostItem] = []
    for platform in prices.middleware:
        best = platform.cheapest(runs, actions, self_hosting=self_hosting)
        if best is None:
            continue
        plan, cost = best
        item = _plan_item(platform.name, plan, cost, platform.units(runs, actions), platform.unit)
        if plan.self_hosted:
            item.monthly_usd += sum(h.monthly_usd for h in _hosting_item(prices.hosting_cost("self-hosted-middleware")))
            item.note = "self-hosted, server included"
        (bridge_items if platform.platform == chosen else alternatives).append(item)

    native_items: list[CostItem] = []
    owned = answers.get("business_tools")
    for choice_id in owned if isinstance(owned, list) else []:
        question = lens.question("business_tools")
        choice = question.choice(choice_id) if question else None
        native = prices.native(choice.system) if choice and choice.system else None
        if native is not None:
            native_items.append(
                CostItem(
                    what=f"{native.feature} × {plural(team, 'user')}",
                    monthly_usd=round(native.per_user_monthly_usd * team, 2),
                    source=native.source,
                    as_of=native.as_of,
                    note=native.note,
                )
            )

    per_pattern = {
        Pattern.AUTOMATION_BRIDGE: ([*bridge_items, ai_item], alternatives),
        Pattern.NATIVE_FEATURE: (native_items, []),
        Pattern.DIRECT_API: ([ai_item, *_hosting_item(prices.hosting_cost("direct-api"))], []),
        Pattern.CUSTOM_APP: (
            [
                ai_item,
                *_hosting_item(prices.hosting_cost("custom-app")),
                *_hosting_item(prices.hosting_cost("vector-db")),
            ],
            [],
        ),
    }
    order = [*recommended, *(p for p in Pattern if p not in recommended)]
    patterns = [
        PatternEstimate(
            pattern=p,
            recommended=p in recommended,
            monthly_usd=round(sum(i.monthly_usd for i in per_pattern[p][0]), 2),
            items=per_pattern[p][0],
            alternatives=per_pattern[p][1],
        )
        for p in order
    ]
    return Estimate(
        runs_per_month=runs,
        actions_per_run=actions,
        model=model.id,
        input_tokens_per_run=assume.input_tokens_per_run,
        output_tokens_per_run=assume.output_tokens_per_run,
        ai_usd_per_month=ai_usd,
        team_size=team,
        patterns=patterns,
    )
