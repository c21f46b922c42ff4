"""The roadmap: rules/roadmap.yaml's four-month path, tailored to the answers and the workspace."""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from tether.advisor.answers import Answers, facts
from tether.advisor.estimate import Estimate
from tether.advisor.expr import Facts, holds
from tether.advisor.lens import Lens, Level
from tether.advisor.risks import Risk
from tether.model.common import Pattern, StrictModel
from tether.model.systems import SystemCatalogue

PLACEHOLDERS = {"use_case", "use_case_2", "use_cases", "middleware", "tools", "model"}
EACH_PLACEHOLDERS = {
    "tool": {"tool", "native_ai"},
    "integration": {"integration", "integration_title", "lifecycle"},
    "bridge_integration": {"integration", "integration_title", "lifecycle"},
}


class ForEach(StrEnum):
    TOOL = "tool"
    INTEGRATION = "integration"
    BRIDGE_INTEGRATION = "bridge_integration"


class Condition(StrictModel):
    when: str
    reason: str


class Merge(Condition):
    into: str | None = None
    """The month to merge into; without it, the month before in the roadmap's order."""


class Opening(StrictModel):
    """Month 1 is another month than the primary pattern's when `when` holds, for `reason`."""

    when: str
    month: str
    reason: str

    @model_validator(mode="after")
    def _placeholders(self) -> Opening:
        for _, name, _, _ in string.Formatter().parse(self.reason):
            if name is not None and name not in PLACEHOLDERS:
                raise ValueError(f"unknown placeholder {{{name}}}; a reason may use {', '.join(sorted(PLACEHOLDERS))}")
        return self


class TaskRule(StrictModel):
    text: str
    when: str | None = None
    for_each: ForEach | None = None

    @model_validator(mode="after")
    def _placeholders(self) -> TaskRule:
        allowed = PLACEHOLDERS | (EACH_PLACEHOLDERS[self.for_each] if self.for_each else set())
        for _, name, _, _ in string.Formatter().parse(self.text):
            if name is not None and name not in allowed:
                raise ValueError(f"unknown placeholder {{{name}}}; this task may use {', '.join(sorted(allowed))}")
        return self


class MonthRule(StrictModel):
    id: str
    pattern: Pattern
    title: str
    goal: str = ""
    opening_title: str | None = None
    """The title when this month opens the roadmap (the primary pattern's month comes first)."""
    opening_goal: str | None = None
    open_ended: bool = False
    """The last step of the path: shown as 'month N and beyond'."""
    tasks: list[TaskRule]
    skip: list[Condition] = Field(default_factory=list)
    merge: list[Merge] = Field(default_factory=list)
    """Merged into the month before it (when there is one), or the month named by `into`, when a rule holds."""


class RoadmapRules(StrictModel):
    version: Literal[1] = 1
    months: list[MonthRule] = Field(min_length=1)
    opening: list[Opening] = Field(default_factory=list)
    """Rules to open with another month than the primary pattern's; first that holds wins."""
    risk_months: dict[str, str] = Field(default_factory=dict)
    habits: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_months(self) -> RoadmapRules:
        ids = [m.id for m in self.months]
        if len(set(ids)) != len(ids):
            raise ValueError("two months share an id")
        for risk, month in self.risk_months.items():
            if month not in ids:
                raise ValueError(f"risk_months.{risk}: no month {month!r}; months: {', '.join(ids)}")
        named = [(f"opening[{i}].month", o.month) for i, o in enumerate(self.opening)]
        named += [(f"{m.id}.merge.into", c.into) for m in self.months for c in m.merge if c.into is not None]
        for where, month in named:
            if month not in ids:
                raise ValueError(f"{where}: no month {month!r}; months: {', '.join(ids)}")
        return self

    def expressions(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        for m, month in enumerate(self.months):
            for t, task in enumerate(month.tasks):
                if task.when is not None:
                    yield ("months", m, "tasks", t, "when"), task.when
            for kind in ("skip", "merge"):
                for c, condition in enumerate(getattr(month, kind)):
                    yield ("months", m, kind, c, "when"), condition.when
        for o, opening in enumerate(self.opening):
            yield ("opening", o, "when"), opening.when


class RiskAction(BaseModel):
    risk: str
    level: Level
    title: str
    improvement_plan: str


class MergedMonth(BaseModel):
    id: str
    title: str
    reason: str


class RoadmapMonth(BaseModel):
    number: int
    label: str
    id: str
    pattern: Pattern
    title: str
    goal: str
    tasks: list[str]
    must_do: list[RiskAction] = Field(default_factory=list)
    """Improvement plans of HIGH risks that must be done in this month."""
    merged: list[MergedMonth] = Field(default_factory=list)
    integrations: list[str] = Field(default_factory=list)
    """Registered integrations of this month's pattern(s)."""
    monthly_usd: float | None = None
    """What this month's pattern costs a month at list prices: its total in the estimate."""


class SkippedMonth(BaseModel):
    id: str
    title: str
    reason: str


class Roadmap(BaseModel):
    primary: Pattern | None = None
    """The recommendation's primary pattern, which month 1 starts with unless `opening_reason` says why not."""
    opening_reason: str | None = None
    """Why month 1 is not the primary pattern's month; None when it is."""
    months: list[RoadmapMonth]
    skipped: list[SkippedMonth] = Field(default_factory=list)
    checklist: list[str] = Field(default_factory=list)
    """The implementation habits, as checklist items."""


@dataclass(frozen=True)
class Registered:
    """An integration from the workspace, as the roadmap names it."""

    name: str
    title: str
    pattern: str
    lifecycle: str


@dataclass(frozen=True)
class Context:
    """What the roadmap knows beyond the answers: the workspace's integrations and systems."""

    integrations: list[Registered] = field(default_factory=list)
    systems: SystemCatalogue | None = None


@dataclass
class _Fill:
    values: dict[str, str]
    tools: list[dict[str, str]]
    integrations: dict[str, list[Registered]]


def _use_cases(answers: Answers) -> list[str]:
    text = answers.get("use_case")
    parts = [p.strip() for p in str(text).replace("\n", ";").split(";")] if isinstance(text, str) else []
    return [p for p in parts if p] or ["your highest-impact use case"]


def _fill(lens: Lens, answers: Answers, context: Context, model: str) -> _Fill:
    cases = _use_cases(answers)
    tools: list[dict[str, str]] = []
    owned = answers.get("business_tools")
    question = lens.question("business_tools")
    for choice_id in owned if isinstance(owned, list) and question else []:
        choice = question.choice(choice_id) if question else None
        if choice is None or choice.none_of_these:
            continue
        system = context.systems.resolve(choice.system) if context.systems and choice.system else None
        tools.append(
            {
                "tool": system.name if system else choice.title,
                "native_ai": (system and system.native_ai) or "its AI features",
            }
        )
    middleware = "an automation platform (Zapier, Make or n8n)"
    chosen = lens.question("middleware")
    picked = chosen.choice(str(answers.get("middleware"))) if chosen else None
    if picked is not None and picked.system:
        system = context.systems.resolve(picked.system) if context.systems else None
        middleware = system.name if system else picked.title
    by_pattern: dict[str, list[Registered]] = {}
    for integration in context.integrations:
        by_pattern.setdefault(integration.pattern, []).append(integration)
    return _Fill(
        values={
            "use_case": cases[0],
            "use_case_2": cases[1] if len(cases) > 1 else "",
            "use_cases": "; ".join(cases),
            "middleware": middleware,
            "tools": ", ".join(t["tool"] for t in tools) or "your tools",
            "model": model,
        },
        tools=tools,
        integrations=by_pattern,
    )


def _tasks(month: MonthRule, fill: _Fill, known: Facts) -> list[str]:
    out: list[str] = []
    for task in month.tasks:
        if task.when is not None and not holds(task.when, known):
            continue
        if "{use_case_2}" in task.text and not fill.values["use_case_2"]:
            continue  # only one use case was named
        if task.for_each is None:
            out.append(task.text.format_map(fill.values))
            continue
        if task.for_each is ForEach.TOOL:
            rows = fill.tools
        else:
            pattern = Pattern.AUTOMATION_BRIDGE if task.for_each is ForEach.BRIDGE_INTEGRATION else month.pattern
            rows = [
                {"integration": i.name, "integration_title": i.title, "lifecycle": i.lifecycle}
                for i in fill.integrations.get(str(pattern), [])
            ]
        out.extend(task.text.format_map({**fill.values, **row}) for row in rows)
    return out


def build_roadmap(
    rules: RoadmapRules,
    lens: Lens,
    answers: Answers,
    recommended: list[Pattern],
    found: list[Risk],
    context: Context,
    cost: Estimate,
) -> Roadmap:
    """Tailor the path: open with the primary pattern, fill in the team's words, skip or merge
    pointless months, place HIGH risks, and price each month from the estimate."""
    known = facts(lens, answers, [str(p) for p in recommended])
    fill = _fill(lens, answers, context, cost.model)
    primary = recommended[0] if recommended else None
    opening = next((o for o in rules.opening if holds(o.when, known)), None)
    lead = opening.month if opening else next((m.id for m in rules.months if m.pattern == primary), None)
    ordered = sorted(rules.months, key=lambda m: m.id != lead)  # stable: the rest keep the path's order
    months: list[RoadmapMonth] = []
    skipped: list[SkippedMonth] = []
    placed_in: dict[str, RoadmapMonth] = {}
    for rule in ordered:
        skip = next((c for c in rule.skip if holds(c.when, known)), None)
        if skip is not None:
            skipped.append(SkippedMonth(id=rule.id, title=rule.title, reason=skip.reason.strip()))
            continue
        tasks = _tasks(rule, fill, known)
        registered = [i.name for i in fill.integrations.get(str(rule.pattern), [])]
        merge = next((c for c in rule.merge if holds(c.when, known)), None)
        target = placed_in.get(merge.into) if merge is not None and merge.into else (months[-1] if months else None)
        if merge is not None and target is not None:
            target.tasks.extend(tasks)
            target.integrations.extend(registered)
            target.merged.append(MergedMonth(id=rule.id, title=rule.title, reason=merge.reason.strip()))
            placed_in[rule.id] = target
            continue
        first = not months
        month = RoadmapMonth(
            number=len(months) + 1,
            label="",
            id=rule.id,
            pattern=rule.pattern,
            title=(rule.opening_title if first and rule.opening_title else rule.title),
            goal=(rule.opening_goal if first and rule.opening_goal else rule.goal),
            tasks=tasks,
            integrations=registered,
            monthly_usd=cost.for_pattern(rule.pattern).monthly_usd,
        )
        months.append(month)
        placed_in[rule.id] = month
    for i, month in enumerate(months):
        last_open = i == len(months) - 1 and any(r.open_ended for r in rules.months if r.id == month.id)
        month.label = f"Month {month.number}" + (" and beyond" if last_open else "")
    for risk in found:
        if risk.level is not Level.HIGH or not months:
            continue
        target = placed_in.get(rules.risk_months.get(risk.id, ""), months[0])
        target.must_do.append(
            RiskAction(risk=risk.id, level=risk.level, title=risk.title, improvement_plan=risk.improvement_plan.strip())
        )
    return Roadmap(
        primary=primary,
        opening_reason=_opening_reason(opening, lead, months, skipped, fill),
        months=months,
        skipped=skipped,
        checklist=list(rules.habits),
    )


def _opening_reason(
    opening: Opening | None, lead: str | None, months: list[RoadmapMonth], skipped: list[SkippedMonth], fill: _Fill
) -> str | None:
    """Why month 1 is not the primary pattern's month: an opening rule's reason, or why that month was skipped."""
    if not months:
        return None
    if opening is not None:
        return " ".join(opening.reason.format_map(fill.values).split())
    if months[0].id == lead:
        return None
    gone = next((s for s in skipped if s.id == lead), None)
    if gone is not None:
        return f"The month of the primary pattern ({gone.title}) is skipped: {gone.reason}"
    return None
