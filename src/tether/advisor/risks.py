"""Named risks: each question's risk rules, in order, first match wins, `default` last."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from pydantic import BaseModel, Field

from tether.advisor.answers import Answers, facts
from tether.advisor.explain import answers_behind
from tether.advisor.expr import holds
from tether.advisor.lens import Lens, Level


class Risk(BaseModel):
    id: str
    level: Level
    title: str
    improvement_plan: str
    question: str
    """The question whose risk rule fired."""
    when: str
    because: list[str] = Field(default_factory=list)
    """The answers the rule looked at, as `Question → answer`."""
    departs_from: list[str] = Field(default_factory=list)
    """Decision-table answers whose advice the recommendation departs from, which this risk explains."""


def risks(
    lens: Lens,
    answers: Answers,
    recommended: Sequence[str],
    skipped: Iterable[str] = (),
    departed: Collection[str] = (),
) -> list[Risk]:
    """The HIGH and MEDIUM risks, highest first, in lens order within a level.

    `departed`: the decision-table answers the recommendation departs from; a risk names those its rule explains.
    """
    known = facts(lens, answers, recommended)
    not_applicable = set(skipped)
    found: list[Risk] = []
    for question in lens.questions():
        if question.id in not_applicable:
            continue
        for rule in question.risk_rules:
            if not holds(rule.when, known):
                continue
            if rule.level is not Level.NONE:
                plans = [c.improvement_plan for c in question.choices if c.id in known.chosen and c.improvement_plan]
                found.append(
                    Risk(
                        id=rule.risk or f"{question.id}-{rule.level.value.lower()}",
                        level=rule.level,
                        title=rule.title or question.title,
                        improvement_plan=rule.improvement_plan or " ".join(plans),
                        question=question.id,
                        when=rule.when,
                        because=answers_behind(lens, answers, rule.when),
                        departs_from=[a for a in rule.explains if a in departed],
                    )
                )
            break
    return sorted(found, key=lambda r: -r.level.rank)
