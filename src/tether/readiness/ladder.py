"""Score integrations against rules/readiness.yaml.

A check's expression is the advisor's safe rule language over facts, judged in three-valued
logic: a fact that is not measured makes the check "not measured" unless the rest of the
expression already decides it. An integration reaches a level only when every applicable check
at that level and every level below passes (or is exempt); the score weighs every applicable
check, so progress towards the next level shows before the level changes.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tether.advisor.expr import DEFAULT, And, Compare, Default, Expr, ExprError, Name, Not, atoms, parse
from tether.errors import InputError, Problem, did_you_mean, display_path
from tether.model.integration import Integration
from tether.model.readiness import Ladder, Level, ReadinessCheck
from tether.readiness.facts import FACTS, Facts, gather_facts
from tether.store import Store
from tether.store.readiness import Snapshot, record_readiness
from tether.wording import article
from tether.workspace.loader import Workspace
from tether.workspace.positions import Located, Path_
from tether.workspace.rules import load_rules_located
from tether.workspace.validate import format_path

LADDER_FILE = "readiness.yaml"


class Result(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIPPED = "skipped"
    """Not applicable to this pattern or lifecycle."""
    NOT_MEASURED = "not-measured"
    EXEMPT = "exempt"
    """Waived in integrations.yaml, with a reason, until a date."""


CLEARS = (Result.PASS, Result.SKIPPED, Result.EXEMPT)
"""Results that do not hold an integration back from a level."""


# -- loading --------------------------------------------------------------------------------------


def _inside(located: Located, lines: list[str], file: str, path: Path_, offset: int, message: str) -> Problem:
    """A problem at a character of an expression, allowing for the quote that opens it."""
    line, col = located.where(path)
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    opener = text[col - 1 : col]
    if opener in ('"', "'"):
        col += 1
    elif opener in ("|", ">"):
        offset = 0  # a block scalar starts on the next line
    return Problem(file, line, col + offset, f"{format_path(path)}: {message}")


def _atom_problem(atom: Name | Compare) -> str | None:
    spec = FACTS.get(atom.name)
    if spec is None:
        return f"unknown fact {atom.name!r}{did_you_mean(atom.name, FACTS)}; known facts: {', '.join(FACTS)}"
    if isinstance(atom, Compare) and not spec.number:
        return f"`{atom.name}` is a yes/no fact; write it alone (or `!{atom.name}`), without a comparison"
    if isinstance(atom, Name) and spec.number:
        return f"`{atom.name}` is a number; compare it, as in `{atom.name} >= 1`"
    return None


def ladder_problems(ladder: Ladder, located: Located, file: str, text: str) -> list[Problem]:
    """What the schema cannot see: duplicate ids, levels that do not exist, and expression errors."""
    lines = text.splitlines()
    problems: list[Problem] = []

    def at(path: Path_, message: str) -> None:
        line, col = located.where(path)
        problems.append(Problem(file, line, col, f"{format_path(path)}: {message}"))

    seen: set[str] = set()
    top = len(ladder.levels) - 1
    for n, check in enumerate(ladder.checks):
        base: Path_ = ("checks", n)
        if check.id in seen:
            at((*base, "id"), f"{check.id!r} is the id of an earlier check; ids are unique")
        seen.add(check.id)
        if check.level > top:
            at((*base, "level"), f"there is no level {check.level}; levels go from 0 to {top}")
        try:
            parsed = parse(check.when)
        except ExprError as exc:
            problems.append(_inside(located, lines, file, (*base, "when"), exc.offset, f"rule syntax: {exc.message}"))
            continue
        if isinstance(parsed, Default):
            problems.append(
                _inside(located, lines, file, (*base, "when"), parsed.offset, f"`{DEFAULT}` has no meaning here")
            )
        for atom in atoms(parsed):
            message = _atom_problem(atom)
            if message is not None:
                problems.append(_inside(located, lines, file, (*base, "when"), atom.offset, message))
    return problems


def load_ladder(workspace_dir: Path | None = None) -> Ladder:
    """rules/readiness.yaml (the workspace's own when it has one); InputError, located, on any problem."""
    ladder, located, shown = load_rules_located(LADDER_FILE, Ladder, workspace_dir)
    text = located.text
    problems = ladder_problems(ladder, located, shown, text)
    if problems:
        raise InputError(problems)
    return ladder


def exemption_problems(ws: Workspace, ladder: Ladder) -> list[Problem]:
    """Exemptions in integrations.yaml must name a check the ladder has."""
    ids = [c.id for c in ladder.checks]
    problems: list[Problem] = []
    for i, integration in enumerate(ws.integrations):
        for j, exemption in enumerate(integration.exemptions):
            if exemption.check not in ids:
                path: Path_ = ("integrations", i, "exemptions", j, "check")
                line, col = ws.located.where(path)
                problems.append(
                    Problem(
                        display_path(ws.path),
                        line,
                        col,
                        f"{format_path(path)}: no readiness check {exemption.check!r}"
                        f"{did_you_mean(exemption.check, ids)}; `tether readiness` lists them",
                    )
                )
    return problems


# -- judging --------------------------------------------------------------------------------------

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


def truth(expr: Expr, facts: Facts) -> bool | None:
    """Kleene's three-valued logic: None (not measured) unless the measured parts decide."""
    if isinstance(expr, Name):
        fact = facts.get(expr.name)
        return None if fact is None or fact.value is None else bool(fact.value)
    if isinstance(expr, Compare):
        fact = facts.get(expr.name)
        if fact is None or fact.value is None:
            return None
        return _OPS[expr.op](float(fact.value), expr.number)
    if isinstance(expr, Not):
        inner = truth(expr.operand, facts)
        return None if inner is None else not inner
    if isinstance(expr, Default):
        return True
    values = [truth(operand, facts) for operand in expr.operands]
    decisive = not isinstance(expr, And)  # False decides an and, True decides an or
    if decisive in values:
        return decisive
    return None if None in values else not decisive


@dataclass(frozen=True)
class CheckResult:
    check: ReadinessCheck
    result: Result
    message: str
    """The evidence when it passes; what to do when it does not."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.check.id,
            "title": self.check.title,
            "area": self.check.area,
            "level": self.check.level,
            "weight": self.check.weight,
            "result": str(self.result),
            "message": self.message,
            "link": self.check.link.url if self.check.link else None,
        }


@dataclass(frozen=True)
class Scorecard:
    integration: Integration
    level: Level
    next_level: Level | None
    score: float
    """Passing weight over applicable (not exempt) weight, 0–100."""
    checks: list[CheckResult]

    @property
    def gaps(self) -> list[CheckResult]:
        """What stands between this integration and the next level."""
        if self.next_level is None:
            return []
        return [c for c in self.checks if c.check.level <= self.next_level.number and c.result not in CLEARS]

    def snapshot(self) -> Snapshot:
        return Snapshot(
            integration=self.integration.name,
            level=self.level.number,
            level_id=self.level.id,
            score=self.score,
            checks={c.check.id: str(c.result) for c in self.checks},
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.integration.name,
            "pattern": str(self.integration.pattern),
            "lifecycle": str(self.integration.lifecycle),
            "level": self.level.number,
            "level_id": self.level.id,
            "level_title": self.level.title,
            "next_level": None if self.next_level is None else self.next_level.id,
            "score": self.score,
            "checks": [c.to_json() for c in self.checks],
        }


def _evidence(expr: Expr, facts: Facts, only_unmeasured: bool = False, only_holding: bool = False) -> str:
    shown: list[str] = []
    for atom in atoms(expr):
        fact = facts.get(atom.name)
        if fact is None or (only_unmeasured and fact.value is not None):
            continue
        # A pass shows what made it pass: not the other side of an `||` that did not hold.
        if only_holding and (fact.value is None or (isinstance(atom, Name) and not fact.value)):
            continue
        if fact.shown not in shown:
            shown.append(fact.shown)
    return "; ".join(shown)


def _judge(check: ReadinessCheck, integration: Integration, facts: Facts, today: date) -> CheckResult:
    applies = check.applies_to
    if integration.pattern not in applies.patterns or integration.lifecycle not in applies.lifecycles:
        return CheckResult(
            check,
            Result.SKIPPED,
            f"does not apply to {article(integration.pattern)} integration in {integration.lifecycle}",
        )
    exemption = next((e for e in integration.exemptions if e.check == check.id), None)
    if exemption is not None and exemption.expires >= today:
        return CheckResult(check, Result.EXEMPT, f"exempt until {exemption.expires}: {exemption.reason}")
    lapsed = f" (its exemption expired on {exemption.expires})" if exemption is not None else ""
    expr = parse(check.when)
    verdict = truth(expr, facts)
    if verdict is True:
        return CheckResult(check, Result.PASS, _evidence(expr, facts, only_holding=True))
    if verdict is False:
        return CheckResult(check, Result.FAIL, f"{check.fix.strip()} Now: {_evidence(expr, facts)}{lapsed}.")
    hints: list[str] = []
    for atom in atoms(expr):
        spec, fact = FACTS.get(atom.name), facts.get(atom.name)
        if spec is not None and spec.measure and (fact is None or fact.value is None) and spec.measure not in hints:
            hints.append(spec.measure)
    how = f"; {'; '.join(hints)}" if hints else ""
    return CheckResult(
        check, Result.NOT_MEASURED, f"not measured yet ({_evidence(expr, facts, only_unmeasured=True)}){how}{lapsed}"
    )


def score_integration(ladder: Ladder, integration: Integration, facts: Facts, today: date) -> Scorecard:
    results = [_judge(check, integration, facts, today) for check in ladder.checks]
    reached = 0
    for level in ladder.levels[1:]:
        if all(r.result in CLEARS for r in results if r.check.level <= level.number):
            reached = level.number
        else:
            break
    counted = [r for r in results if r.result not in (Result.SKIPPED, Result.EXEMPT)]
    total = sum(r.check.weight for r in counted)
    passing = sum(r.check.weight for r in counted if r.result is Result.PASS)
    score = round(100.0 * passing / total, 1) if total else 100.0
    following = ladder.levels[reached + 1] if reached + 1 < len(ladder.levels) else None
    return Scorecard(integration, ladder.level(reached), following, score, results)


def today_in(ws: Workspace, now: float) -> date:
    """The workspace's calendar day: exemptions expire at the end of their day there."""
    return datetime.fromtimestamp(now, ZoneInfo(ws.file.workspace.timezone)).date()


def scorecards(
    ws: Workspace,
    store: Store,
    now: float,
    *,
    ladder: Ladder | None = None,
    names: list[str] | None = None,
    record: bool = True,
) -> list[Scorecard]:
    """Gather the facts, score every integration (or the named ones) and keep the result in the store."""
    ladder = ladder if ladder is not None else load_ladder(ws.root)
    problems = exemption_problems(ws, ladder)
    if problems:
        raise InputError(problems)
    chosen = [ws.integration(name) for name in names] if names else list(ws.integrations)
    facts = gather_facts(ws, store, now)
    today = today_in(ws, now)
    cards = [score_integration(ladder, i, facts[i.name], today) for i in chosen]
    if record:
        record_readiness(store, [card.snapshot() for card in cards], now)
    return cards


def lint_readiness(ws: Workspace) -> list[Problem]:
    """`tether check`: the ladder the workspace uses, and its exemptions naming real checks."""
    try:
        ladder = load_ladder(ws.root)
    except InputError as exc:
        return list(exc.problems)
    return exemption_problems(ws, ladder)
