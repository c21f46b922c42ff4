"""The decision table held against a recommendation: which of its lines the advice departs from.

A departure is allowed only when it is named: a risk rule that `explains:` that line fires,
or else tether names it itself, with the line's own improvement plan, so no answer set is a
silent contradiction of the table.
"""

from __future__ import annotations

from tether.advisor.answers import Answers, facts
from tether.advisor.explain import answers_behind
from tether.advisor.lens import Lens, Level, TableRow
from tether.advisor.recommend import Recommendation
from tether.advisor.risks import Risk

FALLBACK_PREFIX = "departs-from-table-"


def departures(lens: Lens, answers: Answers, recommendation: Recommendation) -> list[TableRow]:
    """The table lines, for the answers given, that the recommendation does not follow."""
    if lens.decision_table is None:
        return []
    chosen = facts(lens, answers).chosen
    patterns = recommendation.patterns
    return [
        row
        for row in lens.decision_table.rows
        if row.answer in chosen and not row.followed_by(recommendation.primary, patterns)
    ]


def unexplained(
    lens: Lens, answers: Answers, recommendation: Recommendation, departed: list[TableRow], found: list[Risk]
) -> list[Risk]:
    """A MEDIUM risk for each departure no risk rule explains."""
    explained = {answer for risk in found for answer in risk.departs_from}
    owners = lens.choice_owner()
    with_others = ", ".join(str(p) for p in recommendation.complementary) or "nothing"
    return [
        Risk(
            id=FALLBACK_PREFIX + row.answer,
            level=Level.MEDIUM,
            title=f"The recommendation departs from the decision table ({row.says})",
            improvement_plan=row.improvement_plan.strip(),
            question=owners[row.answer].id,
            when=row.answer,
            because=[
                *answers_behind(lens, answers, row.answer),
                f"the recommendation is {recommendation.primary} with {with_others}",
            ],
            departs_from=[row.answer],
        )
        for row in departed
        if row.answer not in explained
    ]
