"""What answering an unanswered question could change, held against brute force: every answer set
built independently (all choices, pairs of a multiple choice, a grid of numbers) must find exactly
the recommendations tether reports, for every required question left out of every example."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tether.advisor.answers import AnswerValue, applicable_only
from tether.advisor.engine import Advisor
from tether.advisor.lens import Question, QuestionKind
from tether.advisor.recommend import recommend

EXAMPLES = sorted((ROOT / "docs" / "examples").glob("answers-*.yaml"))
GRID = [float(n) for n in [*range(0, 2001, 50), *range(2000, 200_001, 500), 1_000_000, 10_000_000]]


def every_answer(question: Question) -> list[AnswerValue]:
    if question.kind is QuestionKind.SINGLE:
        return [c.id for c in question.choices]
    if question.kind is QuestionKind.MULTIPLE:
        ids = [c.id for c in question.choices]
        return [[a] for a in ids] + [list(pair) for pair in itertools.combinations(ids, 2)] + [ids]
    if question.kind is QuestionKind.NUMBER:
        low = question.minimum if question.minimum is not None else 0.0
        high = question.maximum if question.maximum is not None else float("inf")
        return [n for n in GRID if low <= n <= high]
    return ["score inbound leads", "draft support replies from the knowledge base"]


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.load()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_reported_changes_are_exactly_the_ones_brute_force_finds(advisor: Advisor, example: Path) -> None:
    full: dict[str, Any] = yaml.safe_load(example.read_text(encoding="utf-8"))
    lens = advisor.lens
    checked = changing = 0
    for question in lens.questions():
        if not question.required or question.id not in full:
            continue
        answers = {k: v for k, v in full.items() if k != question.id}
        result = advisor.assess(answers)
        reported = {q.question: q for q in result.not_answered}
        assert question.id in reported
        given = (result.recommendation.primary, result.recommendation.complementary)
        kept = dict(result.answers)
        found = set()
        for value in every_answer(question):
            try:
                advisor.validate(question.id, value)
            except ValueError:
                continue  # a combination the question refuses (none-of-these with others)
            other = recommend(lens, applicable_only(lens, {**kept, question.id: value})[0])
            if (other.primary, other.complementary) != given:
                found.add((str(other.primary), tuple(map(str, other.complementary))))
        claimed = {(str(a.primary), tuple(map(str, a.complementary))) for a in reported[question.id].could_change}
        assert claimed == found, (example.stem, question.id)
        checked += 1
        changing += bool(found)
    assert checked >= 8
    assert changing >= 1  # the comparison is not between two empty sets
