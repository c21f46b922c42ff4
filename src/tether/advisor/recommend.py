"""The recommendation: pattern scores from the lens's scoring rules, with a trace in plain words."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tether.advisor.answers import Answers, facts
from tether.advisor.explain import answers_behind
from tether.advisor.expr import holds
from tether.advisor.lens import Lens
from tether.model.common import Pattern


class TraceStep(BaseModel):
    rule: str
    """The scoring rule's id, or `decision` for the final pick."""
    when: str
    answers: list[str] = Field(default_factory=list)
    """The answers the rule looked at, as `Question → answer`."""
    scores: dict[str, int] = Field(default_factory=dict)
    text: str
    """The step in plain words."""


class Recommendation(BaseModel):
    primary: Pattern
    complementary: list[Pattern]
    scores: dict[str, int]
    trace: list[TraceStep]

    @property
    def patterns(self) -> list[Pattern]:
        return [self.primary, *self.complementary]


def _signed(scores: dict[str, int]) -> str:
    return ", ".join(f"{pattern} {'+' if points >= 0 else '−'}{abs(points)}" for pattern, points in scores.items())


def recommend(lens: Lens, answers: Answers) -> Recommendation:
    """Add up the scoring rules that hold; the highest score is primary (ties by the lens's order)."""
    scores = {str(p): 0 for p in Pattern}
    trace: list[TraceStep] = []
    known = facts(lens, answers)
    for rule in lens.scoring.rules:
        if not holds(rule.when, known):
            continue
        points = {str(p): n for p, n in rule.scores.items()}
        for pattern, n in points.items():
            scores[pattern] += n
        behind = answers_behind(lens, answers, rule.when)
        trace.append(
            TraceStep(
                rule=rule.id,
                when=rule.when,
                answers=behind,
                scores=points,
                text=f"Rule {rule.id} (`{rule.when}`) fired on your answer{'s' if len(behind) > 1 else ''} "
                f"{'; '.join(behind)}: {_signed(points)} — {rule.because}.",
            )
        )
    order = [str(p) for p in lens.scoring.tie_break] + [str(p) for p in Pattern if p not in lens.scoring.tie_break]
    ranked = sorted(scores, key=lambda p: (-scores[p], order.index(p)))
    primary = Pattern(ranked[0])
    threshold = lens.scoring.complementary_min_score
    complementary = [Pattern(p) for p in ranked[1:] if scores[p] >= threshold]
    standings = ", ".join(f"{p} {scores[p]}" for p in ranked)
    tie = [p for p in ranked[1:] if scores[p] == scores[ranked[0]]]
    why_primary = f"{primary} has the highest score" + (
        f" (tied with {', '.join(tie)}; the lens prefers {primary} to start with)" if tie else ""
    )
    why_others = (
        f"; {', '.join(str(p) for p in complementary)} also reach{'es' if len(complementary) == 1 else ''} "
        f"{threshold} points, so {'it is' if len(complementary) == 1 else 'they are'} recommended beside it"
        if complementary
        else f"; no other pattern reaches {threshold} points"
    )
    trace.append(
        TraceStep(
            rule="decision",
            when="",
            scores=dict(scores),
            text=f"Totals: {standings}. {why_primary}{why_others}.",
        )
    )
    return Recommendation(primary=primary, complementary=complementary, scores=scores, trace=trace)
