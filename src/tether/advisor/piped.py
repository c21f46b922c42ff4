"""Answers read from lines (`tether advise` with piped stdin), each matched to the question it answers.

The rule, as `tether advise --help` gives it:
- a line `id: answer` answers the question with that id, wherever it stands;
- any other line answers the next question still open, in the order `tether advise` would ask
  them at a terminal given the answers before (a question that does not apply is not asked,
  so it takes no line); an empty line skips an optional question;
- a line that is a choice of a question that was not asked (`self_host_no` when self-hosting
  does not apply) is taken as that question's answer and set aside, not given to the next one.
A line that does not fit its question is an error naming the question and the line: from a
pipe, asking again would only shift every later line onto the wrong question. Lines running out
leave the remaining questions not answered; lines left over are an error, and so is no line at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tether.advisor.answers import AnswerProblem, Answers, AnswerValue, not_applicable_reason, parse_typed
from tether.advisor.lens import Lens, Question
from tether.errors import InputError, Problem, did_you_mean, unlocated

_KEYED = re.compile(r"\s*([A-Za-z_][\w-]*)\s*:\s*(.*)")


@dataclass(frozen=True)
class Line:
    number: int
    text: str


@dataclass(frozen=True)
class Matched:
    """What became of one question: the line that answered it, or why no line did."""

    question: Question
    line: Line | None
    value: AnswerValue | None
    not_applicable: str | None = None
    set_aside: Line | None = None
    """A line given to this question although it does not apply; its answer is not used."""


@dataclass
class _Lines:
    keyed: dict[str, Line]
    bare: list[Line]


def _split(lens: Lens, lines: list[str], source: str) -> _Lines:
    ids = [q.id for q in lens.questions()]
    keyed: dict[str, Line] = {}
    bare: list[Line] = []
    problems: list[Problem] = []
    for number, text in enumerate(lines, 1):
        match = _KEYED.fullmatch(text)
        key = match.group(1) if match else None
        if match is None or key is None:
            bare.append(Line(number, text))
        elif key in ids:
            if key in keyed:
                problems.append(
                    Problem(source, number, 1, f"{key} is answered twice (line {keyed[key].number} and here)")
                )
            keyed[key] = Line(number, match.group(2))
        elif hint := did_you_mean(key, ids):
            problems.append(Problem(source, number, 1, f"unknown question {key!r}{hint}"))
        else:
            bare.append(Line(number, text))  # a text answer with a colon in it, such as "Triage: tickets"
    if problems:
        raise InputError(problems)
    return _Lines(keyed, bare)


def match_lines(lens: Lens, lines: list[str], source: str = "<stdin>") -> tuple[Answers, list[Matched]]:
    """The answers the lines give, and for each question in asking order what answered it.

    InputError, with the line, for a line that does not fit its question."""
    if not any(line.strip() for line in lines):
        # Nothing at all is a mistake (`< /dev/null`, a cron job), not an assessment of no answers.
        raise InputError([unlocated(f"no answers in {source}; pipe one answer a line, or pass --answers FILE.yaml")])
    split = _split(lens, lines, source)
    answers: Answers = {}
    matched: list[Matched] = []
    skipped: set[str] = set()
    owners = lens.choice_owner()
    for question in lens.questions():
        reason = not_applicable_reason(lens, question, answers)
        if reason is not None:
            skipped.add(question.id)
            matched.append(Matched(question, None, None, reason, split.keyed.pop(question.id, None)))
            continue
        while split.bare and (owner := owners.get(split.bare[0].text.strip())) and owner.id in skipped:
            aside = split.bare.pop(0)
            matched = [m if m.question.id != owner.id else _set_aside(m, aside) for m in matched]
        line = split.keyed.pop(question.id, None)
        if line is None and split.bare:
            line = split.bare.pop(0)
        if line is None:
            matched.append(Matched(question, None, None))
            continue
        value = _answer(question, line, source, [m for m in matched if m.not_applicable and m.set_aside is None])
        if value is not None:
            answers[question.id] = value
        matched.append(Matched(question, line, value))
    if split.bare:
        extra = split.bare[0]
        raise InputError(
            [
                Problem(
                    source,
                    extra.number,
                    1,
                    f"more lines than questions: every question has its answer by line {extra.number - 1}; "
                    f"remove the lines from here on, or write each as `id: answer`",
                )
            ]
        )
    return answers, matched


def _set_aside(matched: Matched, line: Line) -> Matched:
    return Matched(matched.question, None, None, matched.not_applicable, line)


def _answer(question: Question, line: Line, source: str, skipped: list[Matched]) -> AnswerValue | None:
    try:
        value = parse_typed(question, line.text)
    except AnswerProblem as exc:
        said = str(exc) if str(exc).startswith(question.id) else f"{question.id}: {exc}"
        raise InputError([Problem(source, line.number, 1, f"{said}{_why_here(skipped)}")]) from None
    if value is None and question.required:
        needed = f"{question.id}: an answer is needed here ({question.title}){_why_here(skipped)}"
        raise InputError([Problem(source, line.number, 1, needed)])
    return value


def _why_here(skipped: list[Matched]) -> str:
    """A hint for a line that landed on the wrong question: which questions took no line."""
    if not skipped:
        return "; lines answer the questions in the order `tether advise` asks them, or write `id: answer`"
    names = ", ".join(f"{m.question.id} ({(m.not_applicable or '').rstrip('.')})" for m in skipped)
    return (
        f"; this line went to this question because a question before it does not apply and takes no line: "
        f"{names}; leave its line out, or write each line as `id: answer`"
    )
