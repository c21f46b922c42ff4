"""The store's parts, each read by one function into its fields of the DocumentSet.

A source reads only through the store's public query functions. Where a part of the store
has nothing recorded, its source adds nothing and the documents say "not measured yet".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tether.docs.facts import (
    Answer,
    Assessment,
    CheckStatus,
    DocumentSet,
    EstimateLine,
    IncidentLine,
    Monitoring,
    Readiness,
    ReadinessGap,
    ReasonCount,
    Risk,
    RoadmapMonth,
    SuiteTrend,
)
from tether.model.common import PATTERN_TITLES, Pattern
from tether.store import Store
from tether.store import incidents as incident_store
from tether.store import results as result_store

PASSING = ("ok", "maintenance")
"""Categories that are not failures: they never count toward a failure mode."""


def monitoring(store: Store, docs: DocumentSet) -> None:
    """Each check's latest state, and the figures (tether.figures) as of the newest result."""
    from tether.figures import read_figures

    latest = result_store.latest_per_integration(store)
    if not latest:
        return
    # "Now" for the figures is the newest result in the store, never the clock: same store, same bytes.
    as_of = max(row["started_at"] for rows in latest.values() for row in rows)
    figures = {f.name: f for f in read_figures(docs.file, store, as_of, docs.prices)}
    for integration in docs.integrations:
        rows = latest.get(integration.name, [])
        if not rows:
            continue
        docs.monitoring[integration.name] = Monitoring(
            as_of=max(row["started_at"] for row in rows),
            figures=figures[integration.name],
            checks={row["check"]: CheckStatus(row["state"], row["reason"] or None, row["started_at"]) for row in rows},
        )


@dataclass
class _Seen:
    """Occurrences of one reason from one kind of check: when each ended, and the latest reason text."""

    times: list[float]
    last_text: str | None


def failure_history(store: Store, docs: DocumentSet) -> None:
    """How often each failure reason occurred per integration and check kind, counted in episodes.

    Incidents are episodes already (one per outage, however many probes failed). For an
    integration with no incidents yet, runs of consecutive failing results of one check with
    one category count as one episode each.
    """
    names = {i.name for i in docs.integrations}
    kinds = {(i.name, c.name): c.kind for i in docs.integrations for c in i.checks}
    per_integration: dict[str, dict[tuple[str, str | None], _Seen]] = {}
    for incident in incident_store.incidents(store, limit=1_000_000):
        if not incident.category or incident.category in PASSING:
            continue
        for name in sorted(n for n in names if incident.concerns(n)):
            # A vendor incident joins integrations through their status checks.
            kind = "statuspage" if incident.cause == "vendor" else kinds.get((name, incident.check or ""))
            _note(
                per_integration.setdefault(name, {}), incident.category, kind, incident.last_failure_at, incident.reason
            )
    for name in sorted(names - set(per_integration)):
        episodes = _episodes(result_store.outcomes_for(store, name))
        if episodes:
            per_integration[name] = episodes
    for name, seen in per_integration.items():
        docs.history[name] = sorted(
            (ReasonCount(reason, len(s.times), max(s.times), kind, s.last_text) for (reason, kind), s in seen.items()),
            key=lambda r: (-r.count, -r.last_seen, r.reason, r.kind or ""),
        )


def _note(seen: dict[tuple[str, str | None], _Seen], category: str, kind: str | None, at: float, text: str) -> None:
    found = seen.setdefault((category, kind), _Seen([], None))
    if not found.times or at >= max(found.times):
        found.last_text = text
    found.times.append(at)


def _episodes(results: list[dict[str, Any]]) -> dict[tuple[str, str | None], _Seen]:
    """(category, check kind) → the last time of each episode of consecutive failures of one check."""
    out: dict[tuple[str, str | None], _Seen] = {}
    open_episode: dict[str, str] = {}
    for row in sorted(results, key=lambda r: (r["check"], r["started_at"], r["id"])):
        check, category = row["check"], row["category"]
        if category in PASSING:
            open_episode.pop(check, None)
            continue
        key = (category, row["kind"])
        if open_episode.get(check) == category:
            out[key].times[-1] = row["started_at"]
            out[key].last_text = row["reason"]
        else:
            _note(out, category, row["kind"], row["started_at"], row["reason"])
        open_episode[check] = category
    return out


def assessment(store: Store, docs: DocumentSet) -> None:
    """The latest milestone of the advisor, and the one before it for "what changed"."""
    from tether.advisor.engine import load_lens
    from tether.advisor.explain import answer_words
    from tether.store import assessments

    latest = assessments.latest_milestone(store)
    if latest is None:
        return
    lens = load_lens(docs.root)
    order = [q.id for q in lens.questions()]

    def facts(row: dict[str, Any]) -> Assessment:
        answers = []
        for qid in sorted(row["answers"], key=lambda k: (order.index(k) if k in order else len(order), k)):
            question = lens.question(qid)
            value = row["answers"][qid]
            words = answer_words(question, value) if question else str(value)
            answers.append(Answer(question.title if question else qid, words))
        rec = row["recommendation"]
        estimate = [
            EstimateLine(
                PATTERN_TITLES[Pattern(p["pattern"])] + (" (recommended)" if p["recommended"] else ""), p["monthly_usd"]
            )
            for p in row["estimate"].get("patterns", [])
        ]
        plan = row["roadmap"]
        opening = [plan["opening_reason"]] if plan.get("opening_reason") else []
        months = [
            RoadmapMonth(
                f"{m['label']}: {m['title']}",
                [*m["tasks"], *(f"Must do ({a['title']}): {a['improvement_plan']}" for a in m.get("must_do", []))],
                " ".join(
                    [
                        *(opening if i == 0 else []),
                        m["goal"],
                        *([f"About ${m['monthly_usd']:,.2f} a month at list prices."] if "monthly_usd" in m else []),
                        *(f"Merged in: {x['title']} ({x['reason']})." for x in m.get("merged", [])),
                    ]
                ).strip()
                or None,
            )
            for i, m in enumerate(plan.get("months", []))
        ]
        months += [RoadmapMonth(f"Skipped: {x['title']}", [], x["reason"]) for x in plan.get("skipped", [])]
        if plan.get("checklist"):
            months.append(RoadmapMonth("Implementation checklist", list(plan["checklist"])))
        return Assessment(
            number=row["number"],
            created_at=row["created_at"],
            answers=answers,
            primary=rec.get("primary"),
            complementary=list(rec.get("complementary", [])),
            trace=[step["text"] for step in rec.get("trace", [])],
            risks=[Risk(r["level"], r["title"], r["improvement_plan"]) for r in row["risks"]],
            estimate=estimate,
            roadmap=months,
        )

    docs.assessment = facts(latest)
    previous = assessments.milestone(store, latest["number"] - 1) if latest["number"] > 1 else None
    docs.previous_assessment = facts(previous) if previous else None


def readiness(store: Store, docs: DocumentSet) -> None:
    """Each integration's stored scorecard (the latest `tether readiness`): its level, and every
    failing check with its fix from rules/readiness.yaml, in the ladder's order."""
    from tether.model.readiness import Ladder
    from tether.store.readiness import latest_readiness
    from tether.workspace.rules import load_rules

    latest = latest_readiness(store)
    if not latest:
        return
    ladder = load_rules("readiness.yaml", Ladder, docs.root)
    titles = {level.id: level.title for level in ladder.levels}
    for integration in docs.integrations:
        found = latest.get(integration.name)
        if found is None:
            continue
        gaps = [ReadinessGap(c.title, c.fix) for c in ladder.checks if found.checks.get(c.id) == "fail"]
        # Since when it holds, not when it was last confirmed: re-scoring the same card changes no document.
        docs.readiness[integration.name] = Readiness(
            titles.get(found.level_id, found.level_id), found.first_at, found.score, gaps
        )


RECENT_INCIDENTS = 5
"""Resolved incidents listed per integration, after every open one."""


def incidents(store: Store, docs: DocumentSet) -> None:
    """Each integration's open incidents and its latest resolved ones, newest first."""
    found = incident_store.incidents(store, limit=1_000_000)
    for integration in docs.integrations:
        mine = [x for x in found if x.concerns(integration.name)]
        mine.sort(key=lambda x: (-x.opened_at, -x.id))
        chosen = [x for x in mine if x.resolved_at is None] + [x for x in mine if x.resolved_at is not None][
            :RECENT_INCIDENTS
        ]
        if chosen:
            docs.incidents[integration.name] = [
                IncidentLine(x.id, x.opened_at, x.resolved_at, x.reason, x.cause) for x in chosen
            ]


def quality(store: Store, docs: DocumentSet) -> None:
    """Each declared sample suite's latest eval runs: the pass rate now and how it moved."""
    from tether.store.evals import recent_runs

    recent = recent_runs(store)
    for integration in docs.integrations:
        trends = [
            SuiteTrend(s.name, s.target_pass_rate, [(r.id, r.started_at, r.pass_rate) for r in runs])
            for s in integration.samples
            if (runs := recent.get((integration.name, s.name)))
        ]
        if trends:
            docs.quality[integration.name] = trends


SOURCES = [assessment, monitoring, failure_history, readiness, incidents, quality]
