"""The roadmap: rules/roadmap.yaml's four-month path, tailored to the answers and the workspace."""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from tether.advisor.answers import Answers, facts
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
    open_ended: bool = False
    """The last step of the path: shown as 'month N and beyond'."""
    tasks: list[TaskRule]
    skip: list[Condition] = Field(default_factory=list)
    merge: list[Condition] = Field(default_factory=list)
    """Merged into the month before it (when there is one) when a rule holds."""


class RoadmapRules(StrictModel):
    version: Literal[1] = 1
    months: list[MonthRule] = Field(min_length=1)
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
        return self

    def expressions(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        for m, month in enumerate(self.months):
            for t, task in enumerate(month.tasks):
                if task.when is not None:
                    yield ("months", m, "tasks", t, "when"), task.when
            for kind in ("skip", "merge"):
                for c, condition in enumerate(getattr(month, kind)):
                    yield ("months", m, kind, c, "when"), condition.when


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


class SkippedMonth(BaseModel):
    id: str
    title: str
    reason: str


class Roadmap(BaseModel):
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
    model: str,
) -> Roadmap:
    """Tailor the path: fill in the team's words, skip or merge pointless months, place HIGH risks."""
    known = facts(lens, answers, recommended)
    fill = _fill(lens, answers, context, model)
    months: list[RoadmapMonth] = []
    skipped: list[SkippedMonth] = []
    placed_in: dict[str, RoadmapMonth] = {}
    for rule in rules.months:
        skip = next((c for c in rule.skip if holds(c.when, known)), None)
        if skip is not None:
            skipped.append(SkippedMonth(id=rule.id, title=rule.title, reason=skip.reason.strip()))
            continue
        tasks = _tasks(rule, fill, known)
        registered = [i.name for i in fill.integrations.get(str(rule.pattern), [])]
        merge = next((c for c in rule.merge if holds(c.when, known)), None)
        if merge is not None and months:
            target = months[-1]
            target.tasks.extend(tasks)
            target.integrations.extend(registered)
            target.merged.append(MergedMonth(id=rule.id, title=rule.title, reason=merge.reason.strip()))
            placed_in[rule.id] = target
            continue
        month = RoadmapMonth(
            number=len(months) + 1,
            label="",
            id=rule.id,
            pattern=rule.pattern,
            title=rule.title,
            goal=rule.goal,
            tasks=tasks,
            integrations=registered,
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
    return Roadmap(months=months, skipped=skipped, checklist=list(rules.habits))
