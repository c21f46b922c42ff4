"""Questions left unanswered, and which answers to them would change the recommendation.

Found by asking the lens's own scoring rules: each unanswered question is given, one at a time,
every answer that can make a rule fire or stop firing (each choice; each side of every number a
rule compares it with), and the recommendation is worked out again. Nothing here names a
question, so a lens with other rules gets other findings.
"""

from __future__ import annotations

import itertools

from pydantic import BaseModel, Field

from tether.advisor.answers import Answers, AnswerValue, applicable_only, unanswered
from tether.advisor.explain import answer_words
from tether.advisor.expr import Compare, atoms, parse
from tether.advisor.lens import Lens, Question, QuestionKind
from tether.advisor.recommend import Recommendation, recommend
from tether.model.common import Pattern


class Alternative(BaseModel):
    """A recommendation other than the one given, and the answers to one question that lead to it."""

    answers: list[str]
    """The answers, in words, each of which alone leads here."""
    primary: Pattern
    complementary: list[Pattern]


class NotAnswered(BaseModel):
    """A required question with no answer; the recommendation was made without it."""

    question: str
    title: str
    could_change: list[Alternative] = Field(default_factory=list)
    """Empty when no answer to this question alone changes the recommendation."""


def _thresholds(lens: Lens, question_id: str) -> set[float]:
    expressions = [rule.when for rule in lens.scoring.rules]
    expressions += [q.applies_when for q in lens.questions() if q.applies_when]
    return {
        atom.number
        for text in expressions
        for atom in atoms(parse(text))
        if isinstance(atom, Compare) and atom.name == question_id
    }


def candidates(lens: Lens, question: Question) -> list[AnswerValue]:
    """Answers to try: enough to make every rule on this question both fire and not fire."""
    if question.kind is QuestionKind.SINGLE:
        return [c.id for c in question.choices]
    if question.kind is QuestionKind.MULTIPLE:
        combinable = [c.id for c in question.choices if not c.none_of_these]
        tried: list[AnswerValue] = [[c.id] for c in question.choices]
        tried += [list(pair) for pair in itertools.combinations(combinable, 2)]  # a rule may want two at once
        return tried + ([combinable] if len(combinable) > 2 else [])
    if question.kind is QuestionKind.NUMBER:
        step = 1.0 if question.integer else 0.01
        numbers = {n + d for n in _thresholds(lens, question.id) for d in (-step, 0.0, step)}
        numbers |= {n for n in (question.minimum, question.maximum) if n is not None}
        low = question.minimum if question.minimum is not None else float("-inf")
        high = question.maximum if question.maximum is not None else float("inf")
        return sorted(n for n in numbers if low <= n <= high)
    return []  # rules name choices and numbers, never text


Outcome = tuple[Pattern, tuple[Pattern, ...]]


def _outcome(recommendation: Recommendation) -> Outcome:
    return recommendation.primary, tuple(recommendation.complementary)


def _tried(lens: Lens, answers: Answers, question: Question) -> list[tuple[str, Outcome]]:
    """(the answer in words, the recommendation it leads to) for each answer worth trying.

    Numbers are tried on both sides of every threshold, so neighbours with one outcome bound a
    range in which nothing else happens: they are said as one range."""
    tried = [
        (value, _outcome(recommend(lens, applicable_only(lens, {**answers, question.id: value})[0])))
        for value in candidates(lens, question)
    ]
    if question.kind is not QuestionKind.NUMBER:
        return [(answer_words(question, value), outcome) for value, outcome in tried]
    ranges: list[tuple[str, Outcome]] = []
    start = 0
    for i, (value, outcome) in enumerate(tried):
        if i + 1 < len(tried) and tried[i + 1][1] == outcome:
            continue
        low, high = tried[start][0], value
        last = i + 1 == len(tried)
        words = answer_words(question, low)
        if high != low:
            words = f"{words} or more" if last else f"{words} to {answer_words(question, high)}"
        ranges.append((words, outcome))
        start = i + 1
    return ranges


def not_answered(lens: Lens, answers: Answers, recommendation: Recommendation) -> list[NotAnswered]:
    """Each required question that applies and has no answer, with the answers that would change the
    recommendation (this question alone answered, the others left as they are)."""
    given = _outcome(recommendation)
    found: list[NotAnswered] = []
    for question in unanswered(lens, answers):
        outcomes: dict[Outcome, list[str]] = {}
        for words, outcome in _tried(lens, answers, question):
            if outcome != given:
                outcomes.setdefault(outcome, []).append(words)
        found.append(
            NotAnswered(
                question=question.id,
                title=question.title,
                could_change=[
                    Alternative(answers=words, primary=primary, complementary=list(complementary))
                    for (primary, complementary), words in outcomes.items()
                ],
            )
        )
    return found
