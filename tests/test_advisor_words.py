"""What the wizard can say about an answer names no internal id: a person sees titles, not `tools_none`."""

from __future__ import annotations

import pytest

from tether.advisor.answers import AnswerProblem, parse_typed, validate_answer
from tether.advisor.engine import load_lens
from tether.advisor.lens import Question, QuestionKind

LENS = load_lens(None)
QUESTIONS = {q.id: q for q in LENS.questions()}


def _problem(question: Question, typed: str) -> str:
    with pytest.raises(AnswerProblem) as caught:
        parse_typed(question, typed)
    return str(caught.value)


def _ids() -> set[str]:
    return set(QUESTIONS) | {c.id for q in QUESTIONS.values() for c in q.choices}


def test_none_of_these_with_another_choice_is_named_by_its_title() -> None:
    tools = next(q for q in QUESTIONS.values() if any(c.none_of_these for c in q.choices))
    none = next(c for c in tools.choices if c.none_of_these)
    other = next(c for c in tools.choices if not c.none_of_these)
    with pytest.raises(AnswerProblem) as caught:
        validate_answer(tools, [other.id, none.id])
    assert str(caught.value) == f"“{none.title}” cannot be combined with other choices"


@pytest.mark.parametrize(
    "question_id", [q.id for q in LENS.questions() if q.kind is QuestionKind.NUMBER and q.maximum is not None]
)
def test_number_problems_name_no_id(question_id: str) -> None:
    question = QUESTIONS[question_id]
    assert question.maximum is not None
    over = int(question.maximum) + 1
    said = [
        _problem(question, "lots"),
        _problem(question, str(over)),
        _problem(question, "2.5") if question.integer else "",
    ]
    if question.minimum is not None and question.minimum > 0:
        said.append(_problem(question, "0"))
    assert said[0] == "this question takes a number, such as 1200"
    assert said[1] == f"this question takes at most {question.maximum:g}, not {over:g}"
    for message in said:
        assert not any(word.strip("'“”.,()") in _ids() for word in message.split()), message
