"""The advisor's API: load the lens, prices and roadmap; list questions; validate; assess.

The CLI and the dashboard's wizard both drive this, so it holds no terminal or screen code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from tether.advisor.answers import (
    AnswerProblem,
    Answers,
    AnswerValue,
    applicable_only,
    not_applicable_reason,
    validate_answer,
)
from tether.advisor.decision_table import departures, unexplained
from tether.advisor.estimate import Estimate, estimate
from tether.advisor.lens import Lens, Question
from tether.advisor.lint import expression_errors, lens_errors, lens_findings
from tether.advisor.open_questions import NotAnswered, not_answered
from tether.advisor.recommend import Recommendation, recommend
from tether.advisor.risks import Risk, risks
from tether.advisor.roadmap import Context, Registered, Roadmap, RoadmapRules, build_roadmap
from tether.errors import InputError, Problem, did_you_mean
from tether.model.prices import PriceTable
from tether.workspace.loader import Workspace
from tether.workspace.rules import load_rules, load_rules_located

LENS_FILE = "questionnaire.yaml"
PRICES_FILE = "prices.yaml"
ROADMAP_FILE = "roadmap.yaml"


class Assessment(BaseModel):
    """One complete run of the lens: what was answered and what follows from it."""

    lens: str
    answers: Answers
    not_applicable: dict[str, str] = Field(default_factory=dict)
    """Questions that did not apply, with the reason."""
    not_answered: list[NotAnswered] = Field(default_factory=list)
    """Required questions left without an answer, and which answers to each would change the
    recommendation."""
    recommendation: Recommendation
    risks: list[Risk]
    estimate: Estimate
    roadmap: Roadmap


@dataclass(frozen=True)
class QuestionView:
    """A question in asking order, and whether it applies given the answers so far."""

    question: Question
    section: str
    not_applicable: str | None


def load_lens(workspace_dir: Path | None = None) -> Lens:
    """The lens (the workspace's own when it has one); InputError when it is unsafe to evaluate."""
    lens, located, shown = load_rules_located(LENS_FILE, Lens, workspace_dir)
    text = located.text
    problems = lens_errors(lens, located, shown, text)
    if problems:
        raise InputError(problems)
    return lens


def load_roadmap_rules(lens: Lens, workspace_dir: Path | None = None) -> RoadmapRules:
    rules, located, shown = load_rules_located(ROADMAP_FILE, RoadmapRules, workspace_dir)
    text = located.text
    problems = expression_errors(lens, list(rules.expressions()), located, shown, text)
    if problems:
        raise InputError(problems)
    return rules


@dataclass(frozen=True)
class Advisor:
    lens: Lens
    prices: PriceTable
    roadmap_rules: RoadmapRules

    @classmethod
    def load(cls, workspace_dir: Path | None = None) -> Advisor:
        """Load the three rules files, a workspace's own overriding the packaged ones."""
        lens = load_lens(workspace_dir)
        return cls(
            lens=lens,
            prices=load_rules(PRICES_FILE, PriceTable, workspace_dir),
            roadmap_rules=load_roadmap_rules(lens, workspace_dir),
        )

    def questions(self, answers: Answers | None = None) -> list[QuestionView]:
        """Every question in asking order; `not_applicable` says why one is skipped given `answers`."""
        given = answers or {}
        views: list[QuestionView] = []
        asked: set[str] = set()
        for section in self.lens.sections:
            for question in section.questions:
                earlier = {qid: value for qid, value in given.items() if qid in asked}
                views.append(QuestionView(question, section.title, not_applicable_reason(self.lens, question, earlier)))
                asked.add(question.id)
        return views

    def question(self, question_id: str) -> Question:
        question = self.lens.question(question_id)
        if question is None:
            ids = [q.id for q in self.lens.questions()]
            raise AnswerProblem(f"unknown question {question_id!r}{did_you_mean(question_id, ids)}")
        return question

    def validate(self, question_id: str, value: object) -> AnswerValue:
        """One answer, as the engine keeps it; AnswerProblem says what is wrong."""
        return validate_answer(self.question(question_id), value)

    def assess(self, answers: Answers, context: Context | None = None) -> Assessment:
        """Recommendation, risks, estimate and roadmap for the answers given; a question left
        unanswered is listed in `not_answered` with what answering it could change."""
        checked = {qid: self.validate(qid, value) for qid, value in answers.items()}
        kept, skipped = applicable_only(self.lens, checked)
        recommendation = recommend(self.lens, kept)
        patterns = recommendation.patterns
        departed = departures(self.lens, kept, recommendation)
        found = risks(self.lens, kept, [str(p) for p in patterns], skipped, [row.answer for row in departed])
        found += unexplained(self.lens, kept, recommendation, departed, found)
        cost = estimate(self.lens, kept, self.prices, patterns)
        roadmap = build_roadmap(self.roadmap_rules, self.lens, kept, patterns, found, context or Context(), cost)
        return Assessment(
            lens=self.lens.name,
            answers=kept,
            not_applicable=skipped,
            not_answered=not_answered(self.lens, kept, recommendation),
            recommendation=recommendation,
            risks=found,
            estimate=cost,
            roadmap=roadmap,
        )


def context_of(workspace: Workspace | None) -> Context:
    """The roadmap's view of a loaded workspace: its integrations and systems catalogue."""
    if workspace is None:
        return Context()
    return Context(
        integrations=[
            Registered(name=i.name, title=i.title, pattern=str(i.pattern), lifecycle=str(i.lifecycle))
            for i in workspace.integrations
        ],
        systems=workspace.systems,
    )


def lint_lens(ws: Workspace) -> list[Problem]:
    """`tether check`: the lens, roadmap and prices the workspace uses (its own, else the packaged ones)."""
    try:
        lens, located, shown = load_rules_located(LENS_FILE, Lens, ws.root)
    except InputError as exc:
        return list(exc.problems)
    problems = lens_findings(lens, located, shown, located.text)
    for load in (lambda: load_roadmap_rules(lens, ws.root), lambda: load_rules(PRICES_FILE, PriceTable, ws.root)):
        try:
            load()
        except InputError as exc:
            problems.extend(exc.problems)
    return problems
