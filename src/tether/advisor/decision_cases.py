"""The decision table as tether applies it: every combination of the table's questions, run.

reports/decision-table.md is rendered from this, so the report is the lens's own output and
cannot drift from it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from tether.advisor.answers import Answers
from tether.advisor.engine import Advisor
from tether.advisor.explain import answer_words
from tether.advisor.lens import Lens, TableRow


@dataclass(frozen=True)
class Departure:
    answer: str
    risks: list[str]
    """The ids of the risks that name it."""


@dataclass(frozen=True)
class TableCase:
    choices: list[str]
    """One choice id per table question, in lens order."""
    primary: str
    complementary: list[str]
    departures: list[Departure]
    month_one: str
    """The pattern month 1 of the roadmap starts with."""
    opening_reason: str | None


def check_words(row: TableRow) -> str:
    """What tether checks for a line, in plain words."""
    parts: list[str] = []
    if row.includes_all:
        parts.append("the recommendation includes " + " and ".join(map(str, row.includes_all)))
    if row.includes_one_of:
        parts.append("the recommendation includes " + " or ".join(map(str, row.includes_one_of)))
    if row.primary_one_of:
        parts.append("the primary is " + " or ".join(map(str, row.primary_one_of)))
    return "; ".join(parts) or "nothing"


def example_words(lens: Lens) -> list[str]:
    """The fixed other answers, as `question → answer`."""
    table = lens.decision_table
    out: list[str] = []
    for question in lens.questions():
        if table is None or question.id not in table.example_answers:
            continue
        value = table.example_answers[question.id]
        out.append(f"{question.title} → {answer_words(question, float(value) if isinstance(value, int) else value)}")
    return out


def every_combination(advisor: Advisor) -> list[TableCase]:
    """Each combination of the table's questions' choices, with the other answers as the table fixes them."""
    lens = advisor.lens
    if lens.decision_table is None:
        return []
    questions = lens.table_questions()
    cases: list[TableCase] = []
    for choices in itertools.product(*([c.id for c in q.choices] for q in questions)):
        answers: Answers = {**lens.decision_table.example_answers}
        answers.update({q.id: c for q, c in zip(questions, choices, strict=True)})
        result = advisor.assess(answers)
        named: dict[str, list[str]] = {}
        for risk in result.risks:
            for answer in risk.departs_from:
                named.setdefault(answer, []).append(risk.id)
        cases.append(
            TableCase(
                choices=list(choices),
                primary=str(result.recommendation.primary),
                complementary=[str(p) for p in result.recommendation.complementary],
                departures=[Departure(answer, ids) for answer, ids in named.items()],
                month_one=str(result.roadmap.months[0].pattern) if result.roadmap.months else "",
                opening_reason=result.roadmap.opening_reason,
            )
        )
    return cases
