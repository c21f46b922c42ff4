"""What changed between two milestones: answers, risks resolved and new, the recommendation."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tether.advisor.explain import answer_words
from tether.advisor.lens import Lens


class AnswerChange(BaseModel):
    question: str
    title: str
    before: str
    after: str


class RiskRef(BaseModel):
    id: str
    level: str
    title: str


class RiskLevelChange(BaseModel):
    id: str
    title: str
    before: str
    after: str


class RecommendationChange(BaseModel):
    changed: bool
    primary_before: str
    primary_after: str
    complementary_before: list[str]
    complementary_after: list[str]


class MilestoneDiff(BaseModel):
    before: int
    after: int
    answers: list[AnswerChange] = Field(default_factory=list)
    risks_resolved: list[RiskRef] = Field(default_factory=list)
    risks_new: list[RiskRef] = Field(default_factory=list)
    risks_changed: list[RiskLevelChange] = Field(default_factory=list)
    recommendation: RecommendationChange


def _words(lens: Lens, question_id: str, value: Any) -> str:
    question = lens.question(question_id)
    if value is None:
        return "(no answer)"
    if question is None:
        return str(value)
    return answer_words(question, float(value) if isinstance(value, int) else value)


def _ref(risk: dict[str, Any]) -> RiskRef:
    return RiskRef(id=risk["id"], level=risk["level"], title=risk["title"])


def diff_milestones(lens: Lens, before: dict[str, Any], after: dict[str, Any]) -> MilestoneDiff:
    """Compare two stored milestones (as `tether.store.assessments.milestone` returns them)."""
    answers: list[AnswerChange] = []
    old, new = before["answers"], after["answers"]
    order = [q.id for q in lens.questions()]
    keys = sorted(set(old) | set(new), key=lambda k: (order.index(k) if k in order else len(order), k))
    for key in keys:
        if old.get(key) != new.get(key):
            question = lens.question(key)
            answers.append(
                AnswerChange(
                    question=key,
                    title=question.title if question else key,
                    before=_words(lens, key, old.get(key)),
                    after=_words(lens, key, new.get(key)),
                )
            )
    old_risks = {r["id"]: r for r in before["risks"]}
    new_risks = {r["id"]: r for r in after["risks"]}
    rec_a, rec_b = before["recommendation"], after["recommendation"]
    return MilestoneDiff(
        before=before["number"],
        after=after["number"],
        answers=answers,
        risks_resolved=[_ref(r) for k, r in old_risks.items() if k not in new_risks],
        risks_new=[_ref(r) for k, r in new_risks.items() if k not in old_risks],
        risks_changed=[
            RiskLevelChange(id=k, title=r["title"], before=old_risks[k]["level"], after=r["level"])
            for k, r in new_risks.items()
            if k in old_risks and old_risks[k]["level"] != r["level"]
        ],
        recommendation=RecommendationChange(
            changed=(rec_a["primary"], rec_a["complementary"]) != (rec_b["primary"], rec_b["complementary"]),
            primary_before=rec_a["primary"],
            primary_after=rec_b["primary"],
            complementary_before=list(rec_a["complementary"]),
            complementary_after=list(rec_b["complementary"]),
        ),
    )
