"""What changed between two milestones: answers, risks resolved and new, the recommendation,
the estimate and the roadmap.

Milestones are stored JSON, and older ones lack fields added since; every read tolerates that.
"""

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


class FigureChange(BaseModel):
    what: str
    before: str
    after: str


class PatternCostChange(BaseModel):
    pattern: str
    before_usd: float | None
    """None when the earlier estimate did not price this pattern."""
    after_usd: float | None
    recommended_before: bool
    recommended_after: bool


class EstimateChange(BaseModel):
    changed: bool
    basis: list[FigureChange] = Field(default_factory=list)
    """What the estimate is computed from: runs, steps, the model, team size."""
    patterns: list[PatternCostChange] = Field(default_factory=list)
    """Patterns whose monthly total, or whether they are recommended, changed."""


class MonthChange(BaseModel):
    id: str
    title: str
    before: str
    """Where the month stood: `Month 2`, `merged into Month 1`, `skipped` or `not in the roadmap`."""
    after: str
    tasks_added: list[str] = Field(default_factory=list)
    tasks_removed: list[str] = Field(default_factory=list)


class RoadmapChange(BaseModel):
    changed: bool
    opening_before: str
    """Month 1 of the earlier roadmap, as `title [pattern]`."""
    opening_after: str
    opening_reason_after: str | None = None
    months: list[MonthChange] = Field(default_factory=list)
    """Months that moved, were skipped or merged, or whose tasks changed."""


class MilestoneDiff(BaseModel):
    before: int
    after: int
    answers: list[AnswerChange] = Field(default_factory=list)
    risks_resolved: list[RiskRef] = Field(default_factory=list)
    risks_new: list[RiskRef] = Field(default_factory=list)
    risks_changed: list[RiskLevelChange] = Field(default_factory=list)
    recommendation: RecommendationChange
    estimate: EstimateChange
    roadmap: RoadmapChange


def _words(lens: Lens, question_id: str, value: Any) -> str:
    question = lens.question(question_id)
    if value is None:
        return "(no answer)"
    if question is None:
        return str(value)
    return answer_words(question, float(value) if isinstance(value, int) else value)


def _ref(risk: dict[str, Any]) -> RiskRef:
    return RiskRef(id=risk["id"], level=risk["level"], title=risk["title"])


_BASIS = (
    ("runs_per_month", "runs a month", "{:,}"),
    ("actions_per_run", "action steps a run", "{}"),
    ("model", "model", "{}"),
    ("team_size", "people using native AI", "{}"),
)


def _usd(value: float | None) -> str:
    return "—" if value is None else f"${value:,.2f}"


def diff_estimates(before: dict[str, Any], after: dict[str, Any]) -> EstimateChange:
    basis = [
        FigureChange(
            what=label,
            before=shape.format(before[key]) if key in before else "—",
            after=shape.format(after[key]) if key in after else "—",
        )
        for key, label, shape in _BASIS
        if before.get(key) != after.get(key)
    ]
    old = {p["pattern"]: p for p in before.get("patterns", [])}
    new = {p["pattern"]: p for p in after.get("patterns", [])}
    patterns = []
    for pattern in [*new, *(p for p in old if p not in new)]:
        a, b = old.get(pattern, {}), new.get(pattern, {})
        change = PatternCostChange(
            pattern=pattern,
            before_usd=a.get("monthly_usd"),
            after_usd=b.get("monthly_usd"),
            recommended_before=bool(a.get("recommended")),
            recommended_after=bool(b.get("recommended")),
        )
        if (change.before_usd, change.recommended_before) != (change.after_usd, change.recommended_after):
            patterns.append(change)
    return EstimateChange(changed=bool(basis or patterns), basis=basis, patterns=patterns)


def _places(road: dict[str, Any]) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """Each month id's place, title and tasks (a merged month's tasks are its host's)."""
    places: dict[str, str] = {}
    titles: dict[str, str] = {}
    tasks: dict[str, list[str]] = {}
    for month in road.get("months", []):
        places[month["id"]] = month["label"]
        titles[month["id"]] = month["title"]
        must = [f"MUST DO: {a['title']}" for a in month.get("must_do", [])]
        tasks[month["id"]] = [*month.get("tasks", []), *must]
        for merged in month.get("merged", []):
            places[merged["id"]] = f"merged into {month['label']}"
            titles[merged["id"]] = merged["title"]
    for skipped in road.get("skipped", []):
        places[skipped["id"]] = "skipped"
        titles[skipped["id"]] = skipped["title"]
    return places, titles, tasks


def _opening(road: dict[str, Any]) -> str:
    months = road.get("months", [])
    return f"{months[0]['title']} [{months[0]['pattern']}]" if months else "(no months)"


def diff_roadmaps(before: dict[str, Any], after: dict[str, Any]) -> RoadmapChange:
    old_places, old_titles, old_tasks = _places(before)
    new_places, new_titles, new_tasks = _places(after)
    months: list[MonthChange] = []
    for month_id in [*new_places, *(m for m in old_places if m not in new_places)]:
        was, now = old_places.get(month_id, "not in the roadmap"), new_places.get(month_id, "not in the roadmap")
        a, b = old_tasks.get(month_id, []), new_tasks.get(month_id, [])
        added, removed = [t for t in b if t not in a], [t for t in a if t not in b]
        if was != now or added or removed:
            title = new_titles.get(month_id) or old_titles.get(month_id, month_id)
            months.append(
                MonthChange(id=month_id, title=title, before=was, after=now, tasks_added=added, tasks_removed=removed)
            )
    opening_before, opening_after = _opening(before), _opening(after)
    return RoadmapChange(
        changed=bool(months) or opening_before != opening_after,
        opening_before=opening_before,
        opening_after=opening_after,
        opening_reason_after=after.get("opening_reason"),
        months=months,
    )


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
        estimate=diff_estimates(before.get("estimate") or {}, after.get("estimate") or {}),
        roadmap=diff_roadmaps(before.get("roadmap") or {}, after.get("roadmap") or {}),
    )
