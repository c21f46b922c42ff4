"""The decision-table report's facts: the lens's table and every combination of its answers, run."""

from __future__ import annotations

from pathlib import Path

from tether.docs.facts import DecisionTable, TableCase, TableGroup, TableLine


def _short(title: str) -> str:
    """A choice title up to its explanation: 'None — nobody on the team writes code' → 'None'."""
    return title.split(" — ", maxsplit=1)[0].strip()


def decision_table(workspace_dir: Path | None) -> DecisionTable | None:
    """None when the lens has no decision table, or its example answers leave a required question open."""
    from tether.advisor.answers import AnswerProblem
    from tether.advisor.decision_cases import check_words, every_combination, example_words
    from tether.advisor.engine import Advisor

    advisor = Advisor.load(workspace_dir)
    lens = advisor.lens
    table = lens.decision_table
    if table is None:
        return None
    try:
        cases = every_combination(advisor)
    except AnswerProblem:
        return None  # `tether check` names the missing example answer
    owners = lens.choice_owner()
    says = {row.answer: row.says for row in table.rows}

    def title(choice: str) -> str:
        found = owners[choice].choice(choice)
        return found.title if found else choice

    lines = [
        TableLine(
            answer=f"{owners[row.answer].title} → {title(row.answer)}",
            says=row.says,
            checks=check_words(row),
            improvement_plan=" ".join(row.improvement_plan.split()),
        )
        for row in table.rows
        if row.answer in owners
    ]
    groups: dict[str, list[TableCase]] = {}
    for case in cases:
        beside = f" with {', '.join(case.complementary)}" if case.complementary else " alone"
        month_one = case.month_one + (" (see where month 1 starts elsewhere)" if case.opening_reason else "")
        groups.setdefault(title(case.choices[0]), []).append(
            TableCase(
                answers=[_short(title(c)) for c in case.choices],
                recommendation=case.primary + beside,
                month_one=month_one,
                departures=[f"{says.get(d.answer, d.answer)}: named by {', '.join(d.risks)}" for d in case.departures],
            )
        )
    return DecisionTable(
        source=table.source,
        lines=lines,
        example_answers=example_words(lens),
        groups=[TableGroup(name, items) for name, items in groups.items()],
        openings=list(dict.fromkeys(c.opening_reason for c in cases if c.opening_reason)),
        followed=sum(not c.departures for c in cases),
        total=len(cases),
    )
