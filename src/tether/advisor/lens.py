"""rules/questionnaire.yaml: the lens, modelled on the AWS Well-Architected custom-lens format.

Sections hold questions; questions hold choices (each with help text, an improvement plan and
an optional link) and an ordered list of risk rules (first match wins, `default` last).
Pattern scoring rules add points to the four patterns; the highest score is the primary.
Expressions stay strings here; `advisor.load` parses every one with its exact location.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from tether.model.common import Pattern, StrictModel

ChoiceId = str


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    NUMBER = "number"
    TEXT = "text"


class Level(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    NONE = "NONE"

    @property
    def rank(self) -> int:
        return {"HIGH": 2, "MEDIUM": 1, "NONE": 0}[self.value]


class Link(StrictModel):
    title: str
    url: str


class Choice(StrictModel):
    id: ChoiceId
    """Unique across the whole lens: rule expressions name choices by id alone."""
    title: str
    help: str = ""
    """What this choice means, to help the user pick (the lens's 'helpful resource')."""
    improvement_plan: str = ""
    """What to do about it, when this answer leads to a risk."""
    link: Link | None = None
    none_of_these: bool = False
    """A 'none of these' choice: it cannot be combined with others in a multiple-choice question."""
    informational: bool = False
    """Used by the estimate or the roadmap rather than by a rule (lint does not ask for a rule)."""
    system: str | None = None
    """For owned tools: the system id in rules/systems.yaml, whose `native_ai` names the feature."""


class RiskRule(StrictModel):
    when: str
    """A rule expression, or `default` for the last rule."""
    level: Level
    risk: str | None = None
    """A stable id for the named risk (e.g. complex-without-developers); the roadmap places it by this id."""
    title: str | None = None
    improvement_plan: str | None = None
    explains: list[ChoiceId] = Field(default_factory=list)
    """Decision-table answers whose advice this risk explains departing from (see `decision_table`)."""


class Question(StrictModel):
    id: str
    title: str
    help: str = ""
    kind: QuestionKind
    required: bool = True
    choices: list[Choice] = Field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True
    """Number questions: whole numbers only (volumes, counts)."""
    applies_when: str | None = None
    """A rule expression over earlier answers; when false the question is not applicable."""
    not_applicable_reason: str | None = None
    """Shown when `applies_when` is false."""
    risk_rules: list[RiskRule] = Field(default_factory=list)

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


class Section(StrictModel):
    id: str
    title: str
    description: str = ""
    questions: list[Question]


class ScoringRule(StrictModel):
    id: str
    when: str
    scores: dict[Pattern, int]
    """Points added to each pattern when the rule holds (negative to count against one)."""
    because: str
    """Why, in plain words, for the trace."""


class Scoring(StrictModel):
    complementary_min_score: int = 3
    """Patterns other than the primary with at least this score are recommended beside it."""
    tie_break: list[Pattern] = Field(default_factory=lambda: list(Pattern))
    """On equal scores the earlier pattern wins (the cheaper one to start with first)."""
    rules: list[ScoringRule]


class TableRow(StrictModel):
    """One answer's line of the decision table, and how a recommendation is held to it."""

    answer: ChoiceId
    says: str
    """The table's advice for this answer, in its own words."""
    includes_all: list[Pattern] = Field(default_factory=list)
    """Every one of these patterns is in the recommendation (primary or beside it)."""
    includes_one_of: list[Pattern] = Field(default_factory=list)
    """At least one of these patterns is in the recommendation."""
    primary_one_of: list[Pattern] = Field(default_factory=list)
    """The primary is one of these."""
    improvement_plan: str
    """What to do when the recommendation departs from this line and no risk rule explains why."""

    def followed_by(self, primary: Pattern, patterns: list[Pattern]) -> bool:
        return (
            all(p in patterns for p in self.includes_all)
            and (not self.includes_one_of or any(p in patterns for p in self.includes_one_of))
            and (not self.primary_one_of or primary in self.primary_one_of)
        )


class DecisionTable(StrictModel):
    source: str = ""
    """Where the table comes from."""
    example_answers: dict[str, Any] = Field(default_factory=dict)
    """The other answers, fixed, when the report runs every combination of the table's questions."""
    rows: list[TableRow]

    def row(self, answer: str) -> TableRow | None:
        return next((r for r in self.rows if r.answer == answer), None)


class Lens(StrictModel):
    version: Literal[1] = 1
    name: str
    description: str = ""
    sections: list[Section]
    scoring: Scoring
    decision_table: DecisionTable | None = None
    """The seed's decision table: every recommendation follows it or a risk says why not."""

    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions() if q.id == question_id), None)

    def choice_owner(self) -> dict[str, Question]:
        """Each choice id to the question it belongs to."""
        return {c.id: q for q in self.questions() for c in q.choices}

    def table_questions(self) -> list[Question]:
        """The questions the decision table's rows answer, in lens order."""
        answers = {r.answer for r in self.decision_table.rows} if self.decision_table else set()
        return [q for q in self.questions() if any(c.id in answers for c in q.choices)]

    def number_questions(self) -> set[str]:
        return {q.id for q in self.questions() if q.kind is QuestionKind.NUMBER}
