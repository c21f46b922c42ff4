"""Answers to the lens: one value per question, validated, from a file, a prompt or the wizard.

An answer is a choice id (single), a list of choice ids (multiple), a number or a text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from tether.advisor.expr import Facts, holds
from tether.advisor.lens import Lens, Question, QuestionKind
from tether.errors import InputError, Problem, did_you_mean, display_path
from tether.workspace.positions import Located
from tether.workspace.validate import parse_located, read_text

AnswerValue = str | list[str] | int | float
Answers = dict[str, AnswerValue]


class AnswerProblem(ValueError):
    """An answer that does not fit its question; the message says how to fix it."""


def _choice_ids(question: Question) -> list[str]:
    return [c.id for c in question.choices]


def _check_choice(question: Question, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise AnswerProblem(f"expected one choice id of {', '.join(_choice_ids(question))}")
    if question.choice(value) is None:
        raise AnswerProblem(
            f"unknown choice {value!r} for {question.id}{did_you_mean(value, _choice_ids(question))}; "
            f"choices: {', '.join(_choice_ids(question))}"
        )
    return value


def validate_answer(question: Question, value: object) -> AnswerValue:
    """The answer as the engine keeps it, or AnswerProblem saying what is wrong."""
    kind = question.kind
    if kind is QuestionKind.SINGLE:
        if isinstance(value, list):
            raise AnswerProblem(f"{question.id} takes one choice, not a list")
        return _check_choice(question, value)
    if kind is QuestionKind.MULTIPLE:
        values = value if isinstance(value, list) else [value]
        if not values:
            raise AnswerProblem(f"choose at least one of {', '.join(_choice_ids(question))}")
        chosen = [_check_choice(question, v) for v in values]
        if len(set(chosen)) != len(chosen):
            raise AnswerProblem("a choice is listed twice")
        exclusive = [choice for c in chosen if (choice := question.choice(c)) is not None and choice.none_of_these]
        if exclusive and len(chosen) > 1:
            # The wizard shows titles, so the messages it can meet name no internal id.
            raise AnswerProblem(f"“{exclusive[0].title}” cannot be combined with other choices")
        return chosen
    if kind is QuestionKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AnswerProblem(f"{question.id} takes a number, not {type(value).__name__} {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise AnswerProblem("the number must be finite")
        if question.integer and not number.is_integer():
            raise AnswerProblem(f"this question takes a whole number, not {number:g}")
        if question.minimum is not None and number < question.minimum:
            raise AnswerProblem(f"this question takes at least {question.minimum:g}, not {number:g}")
        if question.maximum is not None and number > question.maximum:
            raise AnswerProblem(f"this question takes at most {question.maximum:g}, not {number:g}")
        return int(number) if question.integer else number
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # `use_case: 2` in YAML is a number; it is the same slip as a typed 2
    if not isinstance(value, str):
        raise AnswerProblem(f"{question.id} takes text, not {type(value).__name__}")
    return _check_text(question, value.strip())


TEXT_MIN_LETTERS = 4
"""A text answer with fewer letters is a slip, not an answer: a stray `2` became the roadmap's
`Build "2" as one workflow`."""


def _check_text(question: Question, text: str) -> str:
    if not text:
        raise AnswerProblem("this question needs a few words")
    letters = sum(c.isalpha() for c in text)
    if "".join(text.replace(",", "").replace(".", "").split()).isdigit():
        raise AnswerProblem(f"this question takes a few words, not the number {text!r}; describe it in words")
    if letters < TEXT_MIN_LETTERS:
        raise AnswerProblem(
            f"{text!r} is too short for this question; describe it in a few words (at least {TEXT_MIN_LETTERS} letters)"
        )
    return text


def parse_typed(question: Question, text: str) -> AnswerValue | None:
    """An answer typed at a prompt: choice numbers or ids (comma separated for several), a number, text.

    None for an empty answer (skipping an optional question).
    """
    text = text.strip()
    if not text:
        return None
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        picked: list[str] = []
        for part in (p.strip() for p in text.split(",")):
            if part.isdigit() and 1 <= int(part) <= len(question.choices):
                picked.append(question.choices[int(part) - 1].id)
            else:
                picked.append(part)
        return validate_answer(question, picked if question.kind is QuestionKind.MULTIPLE else picked[0])
    if question.kind is QuestionKind.NUMBER:
        try:
            number = float(text.replace(",", "").replace("_", ""))
        except ValueError:
            raise AnswerProblem("this question takes a number, such as 1200") from None
        return validate_answer(question, number)
    return validate_answer(question, text)


def facts(lens: Lens, answers: Answers, recommended: Sequence[str] = ()) -> Facts:
    """The facts rule expressions see: chosen ids, number answers, the recommended patterns (primary first)."""
    chosen: set[str] = set()
    numbers: dict[str, float] = {}
    for question in lens.questions():
        value = answers.get(question.id)
        if value is None:
            continue
        if question.kind is QuestionKind.SINGLE and isinstance(value, str):
            chosen.add(value)
        elif question.kind is QuestionKind.MULTIPLE and isinstance(value, list):
            chosen.update(value)
        elif question.kind is QuestionKind.NUMBER and isinstance(value, float | int):
            numbers[question.id] = float(value)
    return Facts(
        frozenset(chosen), numbers, frozenset(str(p) for p in recommended), str(recommended[0]) if recommended else None
    )


def not_applicable_reason(lens: Lens, question: Question, answers: Answers) -> str | None:
    """Why the question does not apply given the answers so far, or None when it does."""
    if question.applies_when is None or holds(question.applies_when, facts(lens, answers)):
        return None
    return question.not_applicable_reason or f"it applies only when {question.applies_when}"


def applicable_only(lens: Lens, answers: Answers) -> tuple[Answers, dict[str, str]]:
    """The answers without those to questions that do not apply, and why each does not."""
    kept: Answers = {}
    skipped: dict[str, str] = {}
    for question in lens.questions():
        reason = not_applicable_reason(lens, question, kept)
        if reason is not None:
            skipped[question.id] = reason
        elif question.id in answers:
            kept[question.id] = answers[question.id]
    return kept, skipped


def unanswered(lens: Lens, answers: Answers) -> list[Question]:
    """Required questions that apply and have no answer."""
    kept, skipped = applicable_only(lens, answers)
    return [q for q in lens.questions() if q.required and q.id not in skipped and q.id not in kept]


def load_answers(path: Path, lens: Lens) -> Answers:
    """An answers file (question id: answer); every problem at once, located, as InputError.

    The file may leave questions out: the assessment lists them as not answered."""
    shown = display_path(path)
    located = parse_located(read_text(path, shown), shown)
    data = located.data
    if not isinstance(data, dict):
        raise InputError([Problem(shown, 1, 1, "expected a mapping of question id: answer")])
    problems: list[Problem] = []
    answers: Answers = {}
    ids = [q.id for q in lens.questions()]
    for key, value in data.items():
        question = lens.question(str(key))
        if question is None:
            line, col = located.where((key,), key=True)
            problems.append(
                Problem(
                    shown,
                    line,
                    col,
                    f"unknown question {key!r}{did_you_mean(str(key), ids)}; questions: {', '.join(ids)}",
                )
            )
            continue
        try:
            answers[question.id] = validate_answer(question, value)
        except AnswerProblem as exc:
            line, col = _where_value(located, question, str(key), value)
            problems.append(Problem(shown, line, col, f"{key}: {exc}"))
    if problems:
        raise InputError(problems)
    return answers


def _where_value(located: Located, question: Question, key: str, value: object) -> tuple[int, int]:
    """The position of the bad part: the list item at fault when a multiple-choice answer is a list."""
    if question.kind is QuestionKind.MULTIPLE and isinstance(value, list):
        for i, item in enumerate(value):
            try:
                _check_choice(question, item)
            except AnswerProblem:
                return located.where((key, i))
    return located.where((key,))
