"""Lint the lens: every rule parses, names only what exists, ends with `default`; ids are unique.

Pure checks over a parsed lens: loading the rules files is the engine's job (`engine.lint_lens`),
so this module never imports the engine and the two form no circle.

Problems are located in whichever rules/questionnaire.yaml was used; an expression's problem
points at the exact character inside the expression.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tether.advisor.answers import AnswerProblem, validate_answer
from tether.advisor.expr import DEFAULT, PATTERN_PREFIXES, Compare, Default, ExprError, Name, atoms, parse
from tether.advisor.lens import Lens, Level, QuestionKind
from tether.errors import Problem, did_you_mean
from tether.model.common import Pattern
from tether.workspace.positions import Located, Path_
from tether.workspace.validate import format_path


class _Where:
    def __init__(self, located: Located, file: str, text: str) -> None:
        self.located = located
        self.file = file
        self.lines = text.splitlines()

    def at(self, path: Path_, message: str, *, key: bool = False) -> Problem:
        line, col = self.located.where(path, key=key)
        return Problem(self.file, line, col, f"{format_path(path)}: {message}")

    def inside(self, path: Path_, offset: int, message: str) -> Problem:
        """A problem at a character of an expression, allowing for the quote that opens it."""
        line, col = self.located.where(path)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        opener = text[col - 1 : col]
        if opener in ('"', "'"):
            col += 1
        elif opener in ("|", ">"):
            offset = 0  # a block scalar: the first line of the value is not on this line
        return Problem(self.file, line, col + offset, f"{format_path(path)}: {message}")


def _expressions(lens: Lens) -> Iterator[tuple[Path_, str, str]]:
    """(path, expression, role) for every expression; role is risk, scoring or applies_when."""
    for s, section in enumerate(lens.sections):
        for q, question in enumerate(section.questions):
            base: Path_ = ("sections", s, "questions", q)
            if question.applies_when is not None:
                yield (*base, "applies_when"), question.applies_when, "applies_when"
            for r, rule in enumerate(question.risk_rules):
                yield (*base, "risk_rules", r, "when"), rule.when, "risk"
    for r, scoring in enumerate(lens.scoring.rules):
        yield ("scoring", "rules", r, "when"), scoring.when, "scoring"


def lens_errors(lens: Lens, located: Located, file: str, text: str) -> list[Problem]:
    """Problems that make the lens unsafe to evaluate."""
    where = _Where(located, file, text)
    problems: list[Problem] = []
    problems += _duplicate_ids(lens, where)
    problems += _shapes(lens, where)
    problems += _rules(lens, where)
    problems += _table(lens, where)
    return problems


def lens_findings(lens: Lens, located: Located, file: str, text: str) -> list[Problem]:
    """Everything `tether check` reports: the errors, plus choices no rule uses."""
    where = _Where(located, file, text)
    return lens_errors(lens, located, file, text) + _unused_choices(lens, where)


def _duplicate_ids(lens: Lens, where: _Where) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}

    def claim(path: Path_, value: str, what: str) -> None:
        if value in seen:
            problems.append(
                where.at(path, f"id {value!r} is already used by {seen[value]}; ids are unique in the lens")
            )
        else:
            seen[value] = f"{what} {format_path(path[:-1])}"

    for s, section in enumerate(lens.sections):
        claim(("sections", s, "id"), section.id, "section")
        for q, question in enumerate(section.questions):
            claim(("sections", s, "questions", q, "id"), question.id, "question")
            for c, choice in enumerate(question.choices):
                claim(("sections", s, "questions", q, "choices", c, "id"), choice.id, "choice")
    for r, rule in enumerate(lens.scoring.rules):
        claim(("scoring", "rules", r, "id"), rule.id, "scoring rule")
    return problems


def _shapes(lens: Lens, where: _Where) -> list[Problem]:
    problems: list[Problem] = []
    for s, section in enumerate(lens.sections):
        for q, question in enumerate(section.questions):
            base: Path_ = ("sections", s, "questions", q)
            with_choices = question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
            if with_choices and not question.choices:
                problems.append(where.at(base, f"a {question.kind} question needs `choices:`"))
            if not with_choices and question.choices:
                problems.append(where.at((*base, "choices"), f"a {question.kind} question has no choices"))
            if question.applies_when is not None and not question.not_applicable_reason:
                problems.append(
                    where.at(
                        (*base, "applies_when"), "add `not_applicable_reason:` so the user is told why it is skipped"
                    )
                )
            rules = question.risk_rules
            for r, rule in enumerate(rules):
                path: Path_ = (*base, "risk_rules", r)
                if rule.when.strip() == DEFAULT and r != len(rules) - 1:
                    problems.append(
                        where.at((*path, "when"), "`default` must be the last rule; the rules after it never run")
                    )
                if rule.level is not Level.NONE and not (rule.title and rule.improvement_plan):
                    problems.append(where.at(path, f"a {rule.level} rule needs `title:` and `improvement_plan:`"))
            if rules and rules[-1].when.strip() != DEFAULT:
                problems.append(
                    where.at(
                        (*base, "risk_rules"),
                        "the last risk rule must be `when: default` (first match wins; default catches the rest)",
                    )
                )
    if len(set(lens.scoring.tie_break)) != len(lens.scoring.tie_break):
        problems.append(where.at(("scoring", "tie_break"), "a pattern is listed twice"))
    return problems


def _table(lens: Lens, where: _Where) -> list[Problem]:
    """The decision table names real choices once each; `explains:` names lines of it; example answers fit."""
    owners = lens.choice_owner()
    table = lens.decision_table
    rows = [r.answer for r in table.rows] if table else []
    problems: list[Problem] = []
    if table is not None:
        seen: set[str] = set()
        for r, row in enumerate(table.rows):
            path: Path_ = ("decision_table", "rows", r, "answer")
            if row.answer not in owners:
                problems.append(where.at(path, f"unknown choice {row.answer!r}{did_you_mean(row.answer, owners)}"))
            elif row.answer in seen:
                problems.append(where.at(path, f"{row.answer!r} already has a line in the table"))
            seen.add(row.answer)
        varied = {q.id for q in lens.table_questions()}
        for key, value in table.example_answers.items():
            path = ("decision_table", "example_answers", key)
            question = lens.question(key)
            if question is None:
                ids = [q.id for q in lens.questions()]
                problems.append(where.at(path, f"unknown question {key!r}{did_you_mean(key, ids)}", key=True))
            elif key in varied:
                problems.append(
                    where.at(path, f"{key} is one of the table's own questions; the report tries every answer")
                )
            else:
                try:
                    validate_answer(question, value)
                except AnswerProblem as exc:
                    problems.append(where.at(path, str(exc)))
        for question in lens.questions():
            open_ = question.required and question.applies_when is None
            if open_ and question.id not in varied and question.id not in table.example_answers:
                problems.append(
                    where.at(
                        ("decision_table", "example_answers"),
                        f"no answer for {question.id!r}; the report needs every required answer besides the table's",
                        key=True,
                    )
                )
    for s, section in enumerate(lens.sections):
        for q, question in enumerate(section.questions):
            for r, rule in enumerate(question.risk_rules):
                for e, answer in enumerate(rule.explains):
                    if answer not in rows:
                        path = ("sections", s, "questions", q, "risk_rules", r, "explains", e)
                        hint = did_you_mean(answer, rows)
                        problems.append(where.at(path, f"{answer!r} has no line in `decision_table:`{hint}"))
    return problems


def _rules(lens: Lens, where: _Where) -> list[Problem]:
    order = [q.id for q in lens.questions()]
    items: list[tuple[Path_, str, str, int | None]] = []
    for path, expression, role in _expressions(lens):
        asking = None
        if role == "applies_when":
            asking = order.index(lens.sections[int(path[1])].questions[int(path[3])].id)
        items.append((path, expression, role, asking))
    return _check(lens, where, items)


def expression_errors(
    lens: Lens, expressions: list[tuple[Path_, str]], located: Located, file: str, text: str
) -> list[Problem]:
    """Problems in another rules file's expressions (e.g. the roadmap), checked against the lens."""
    return _check(lens, _Where(located, file, text), [(path, expr, "risk", None) for path, expr in expressions])


def _check(lens: Lens, where: _Where, items: list[tuple[Path_, str, str, int | None]]) -> list[Problem]:
    problems: list[Problem] = []
    owners = lens.choice_owner()
    numbers = lens.number_questions()
    order = [q.id for q in lens.questions()]
    patterns = [str(p) for p in Pattern]
    for path, expression, role, asking in items:
        try:
            parsed = parse(expression)
        except ExprError as exc:
            problems.append(where.inside(path, exc.offset, f"rule syntax: {exc.message}"))
            continue
        if isinstance(parsed, Default) and role != "risk":
            problems.append(where.inside(path, parsed.offset, "`default` belongs only at the end of a risk rule list"))
        for atom in atoms(parsed):
            message = _atom_problem(atom, role, owners, numbers, patterns)
            if message is None and asking is not None:
                owner = owners[atom.name].id if isinstance(atom, Name) else atom.name
                if order.index(owner) >= asking:
                    message = f"`{atom.name}` is answered later; `applies_when` may only use earlier questions"
            if message is not None:
                problems.append(where.inside(path, atom.offset, message))
    return problems


def _atom_problem(
    atom: Name | Compare, role: str, owners: Mapping[str, object], numbers: set[str], patterns: list[str]
) -> str | None:
    name = atom.name
    if isinstance(atom, Compare):
        if name in numbers:
            return None
        hint = did_you_mean(name, numbers)
        return f"`{name}` is not a number question{hint}; comparisons work on: {', '.join(sorted(numbers))}"
    prefix = next((p for p in PATTERN_PREFIXES if name.startswith(p)), None)
    if prefix is not None:
        if role != "risk":
            return f"`{prefix}` can be used only in risk rules (scoring decides the recommendation)"
        pattern = name.removeprefix(prefix)
        return None if pattern in patterns else f"unknown pattern {pattern!r}{did_you_mean(pattern, patterns)}"
    if name in owners:
        return None
    if name in numbers:
        return f"`{name}` is a number; compare it, as in `{name} > 1000`"
    return f"unknown choice {name!r}{did_you_mean(name, owners)}"


def _unused_choices(lens: Lens, where: _Where) -> list[Problem]:
    used: set[str] = set()
    for _, expression, _role in _expressions(lens):
        try:
            used.update(a.name for a in atoms(parse(expression)))
        except ExprError:
            continue
    problems: list[Problem] = []
    for s, section in enumerate(lens.sections):
        for q, question in enumerate(section.questions):
            for c, choice in enumerate(question.choices):
                if choice.id not in used and not choice.informational:
                    problems.append(
                        where.at(
                            ("sections", s, "questions", q, "choices", c, "id"),
                            f"choice {choice.id!r} is used by no rule; "
                            "use it in a rule or mark it `informational: true`",
                        )
                    )
    return problems
