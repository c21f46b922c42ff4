"""Plain words for a rule that fired: which answers it looked at, as the user gave them."""

from __future__ import annotations

from tether.advisor.answers import Answers, AnswerValue
from tether.advisor.expr import PRIMARY, RECOMMENDED, Compare, atoms, parse
from tether.advisor.lens import Lens, Question, QuestionKind
from tether.model.common import Pattern


def answer_words(question: Question, value: AnswerValue | None) -> str:
    """An answer as the user would read it: choice titles, the number, the text."""
    if value is None:
        return "(no answer)"
    if question.kind is QuestionKind.SINGLE and isinstance(value, str):
        choice = question.choice(value)
        return choice.title if choice else value
    if question.kind is QuestionKind.MULTIPLE and isinstance(value, list):
        return ", ".join((c.title if (c := question.choice(v)) else v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return str(value)


def answers_behind(lens: Lens, answers: Answers, expression: str) -> list[str]:
    """`Question? → answer` for each question the expression refers to, in order, once each."""
    owners = lens.choice_owner()
    seen: list[str] = []
    out: list[str] = []
    for atom in atoms(parse(expression)):
        if atom.name.startswith((RECOMMENDED, PRIMARY)):
            primary = atom.name.startswith(PRIMARY)
            pattern = atom.name.removeprefix(PRIMARY if primary else RECOMMENDED)
            verb = "the primary pattern is" if primary else "the recommendation includes"
            words = f"{verb} {Pattern(pattern).label.lower()}" if pattern in set(Pattern) else ""
            if words and words not in out:
                out.append(words)
            continue
        question = lens.question(atom.name) if isinstance(atom, Compare) else owners.get(atom.name)
        if question is None or question.id in seen:
            continue
        seen.append(question.id)
        out.append(f"{question.title} → {answer_words(question, answers.get(question.id))}")
    return out
