"""The evidence a scorecard is judged on, gathered from every part of tether.

Each fact is a flag or a number with the evidence in words; None means "not measured" (no
probe has run, no eval, no assessment), which the ladder shows apart from a failure. Every
source reads through the other modules' public functions, for all integrations at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tether.clock import iso
from tether.model.integration import ErrorHandling
from tether.store import Store
from tether.wording import plural
from tether.workspace.loader import Workspace

if TYPE_CHECKING:
    from tether.pricing import PriceBook

DAY = 86400.0


@dataclass(frozen=True)
class FactSpec:
    name: str
    area: str
    number: bool
    """A number is compared (`success_rate_7d >= 99`); a flag stands alone (`owner_set`)."""
    meaning: str
    measure: str | None = None
    """How to measure it, when it can be "not measured"."""


PROBE = "run `tether probe --watch` (or `tether serve`) so probes build up history"
EVAL = "run `tether eval NAME` to measure output quality on its samples"

FACTS: dict[str, FactSpec] = {
    spec.name: spec
    for spec in (
        FactSpec("owner_set", "definition", False, "someone answers for it (`owner:`)"),
        FactSpec("error_scenarios_planned", "definition", True, "error scenarios planned, of the three"),
        FactSpec("budget_set", "definition", False, "a monthly budget is set"),
        FactSpec("checks", "definition", True, "checks that watch it"),
        FactSpec("alert_channels", "definition", True, "alert channels that are told when it fails"),
        FactSpec("samples_defined", "quality", False, "it declares sample suites"),
        FactSpec("pattern_reason_recorded", "advisor", False, "a reason is recorded for its pattern"),
        FactSpec("docs_fresh", "definition", False, "its document and runbook in reports/ are up to date"),
        FactSpec("probe_history_days", "monitoring", True, "days on which it was probed"),
        FactSpec("success_rate_7d", "monitoring", True, "success rate over 7 days, in percent", PROBE),
        FactSpec("p95_ms", "monitoring", True, "p95 processing time over 24 hours, in milliseconds", PROBE),
        FactSpec("open_incidents", "monitoring", True, "incidents open now"),
        FactSpec("projected_cost_usd", "monitoring", True, "projected month-end cost, in USD"),
        FactSpec("cost_within_budget", "monitoring", False, "projected month-end cost within budget", "set `budget:`"),
        FactSpec("eval_pass_rate", "quality", True, "latest eval pass rate, in percent", EVAL),
        FactSpec("eval_meets_target", "quality", False, "every suite's latest pass rate meets its target", EVAL),
        FactSpec("eval_age_days", "quality", True, "days since the oldest of its latest eval runs", EVAL),
        FactSpec(
            "pattern_recommended",
            "advisor",
            False,
            "its pattern is one the latest assessment recommends",
            "run `tether advise` to save an assessment",
        ),
    )
}


@dataclass(frozen=True)
class Fact:
    value: bool | float | None
    """None: not measured."""
    shown: str
    """The evidence in words, e.g. '97.5% over 7 days (1,204 runs)'."""


Facts = dict[str, Fact]
Source = Callable[[Workspace, Store, float, dict[str, Facts]], None]


def definition(ws: Workspace, store: Store, now: float, out: dict[str, Facts]) -> None:
    """What integrations.yaml itself says."""
    for i in ws.integrations:
        f = out[i.name]
        f["owner_set"] = Fact(bool(i.owner), i.owner or "no owner")
        planned = i.error_handling.planned()
        missing = [name.replace("_", " ") for name in ErrorHandling.model_fields if name not in planned]
        f["error_scenarios_planned"] = Fact(
            float(len(planned)),
            f"{len(planned)} of 3 planned" + (f", missing {', '.join(missing)}" if missing else ""),
        )
        f["budget_set"] = Fact(i.budget is not None, f"${i.budget.monthly_usd:g} a month" if i.budget else "none")
        f["checks"] = Fact(float(len(i.checks)), plural(len(i.checks), "check"))
        f["alert_channels"] = Fact(float(len(i.alerts)), plural(len(i.alerts), "alert channel"))
        f["samples_defined"] = Fact(bool(i.samples), plural(len(i.samples), "sample suite"))
        f["pattern_reason_recorded"] = Fact(bool(i.pattern_reason), i.pattern_reason or "none recorded")


def docs(ws: Workspace, store: Store, now: float, out: dict[str, Facts]) -> None:
    """Whether reports/ holds this integration's document and runbook exactly as `tether docs` would write them."""
    import jinja2

    from tether.docs.check import plan
    from tether.docs.gather import gather
    from tether.docs.render import render_documents
    from tether.errors import InputError

    folder = ws.root / "reports"
    try:
        documents = render_documents(gather(ws, store), ws.root)
    except (InputError, jinja2.TemplateError) as exc:
        for i in ws.integrations:
            out[i.name]["docs_fresh"] = Fact(False, f"the documents cannot be rendered: {exc}")
        return
    result = plan(folder, documents)
    for i in ws.integrations:
        mine = [f"integrations/{i.name}.md", f"runbooks/{i.name}.md"]
        missing = [name for name in mine if name in result.missing]
        stale = [name for name in mine if name in result.stale]
        if missing:
            shown = f"reports/{missing[0]} is not generated"
        elif stale:
            shown = f"reports/{stale[0]} is out of date"
        else:
            shown = "up to date in reports/"
        out[i.name]["docs_fresh"] = Fact(not missing and not stale, shown)


def _book(ws: Workspace) -> PriceBook:
    from tether.errors import InputError
    from tether.pricing import PriceBook

    try:
        return PriceBook.load(ws.root)
    except (InputError, OSError):
        return PriceBook()


def monitoring(ws: Workspace, store: Store, now: float, out: dict[str, Facts]) -> None:
    """Probe history, success rate, p95, open incidents and cost: the figures (tether.figures)."""
    from tether.figures import read_figures
    from tether.store.incidents import open_incidents
    from tether.store.readiness import probe_history_days

    rows = {row.name: row for row in read_figures(ws.file, store, now, _book(ws))}
    days = probe_history_days(store)
    incidents = open_incidents(store.db)
    for i in ws.integrations:
        f, row = out[i.name], rows[i.name]
        f["probe_history_days"] = Fact(float(days.get(i.name, 0)), plural(days.get(i.name, 0), "day") + " with probes")
        success = row.success_week
        f["success_rate_7d"] = Fact(
            None if success.rate is None else round(success.rate * 100, 3), success.words("7 days")
        )
        p95 = row.processing.p95_ms
        f["p95_ms"] = Fact(p95, "no timed runs in 24 hours" if p95 is None else f"p95 {p95:,.0f} ms over 24 hours")
        mine = [x for x in incidents if x.concerns(i.name)]
        f["open_incidents"] = Fact(
            float(len(mine)),
            "none open" if not mine else f"#{mine[0].id} open since {iso(mine[0].opened_at)}: {mine[0].reason}",
        )
        cost = row.cost
        f["projected_cost_usd"] = Fact(float(cost.projected_usd), cost.projection_words)
        f["cost_within_budget"] = Fact(None if cost.budget_usd is None else not cost.over_budget, cost.budget_words())


def quality(ws: Workspace, store: Store, now: float, out: dict[str, Facts]) -> None:
    """The latest eval run of each sample suite the integration declares now (the figures' quality)."""
    from tether.figures.quality import quality_figures
    from tether.store.evals import latest_quality

    latest = latest_quality(store)
    for i in ws.integrations:
        f = out[i.name]
        q = quality_figures(i, latest.get(i.name))
        if q is None:
            for name in ("eval_pass_rate", "eval_meets_target", "eval_age_days"):
                f[name] = Fact(None, "no sample suites to run; add `samples:`")
            continue
        rate = q.pass_rate
        f["eval_pass_rate"] = Fact(
            None if rate is None else round(rate * 100, 3),
            "no eval has run" if rate is None else f"{rate:.1%} of {q.graded} graded cases",
        )
        below = q.below_target
        if below:
            s = below[0]
            why = s.stopped or (
                "no case graded"
                if s.pass_rate is None
                else f"{s.pass_rate:.1%} against a target of {s.target_pass_rate:.0%}"
            )
            f["eval_meets_target"] = Fact(False, f"suite {s.suite}: {why}")
        elif q.never_run:
            f["eval_meets_target"] = Fact(None, f"suite {q.never_run[0]} has never run")
        else:
            f["eval_meets_target"] = Fact(True, f"{plural(len(q.suites), 'suite')} at or above target")
        oldest = q.as_of
        f["eval_age_days"] = Fact(
            None if q.never_run or oldest is None else round((now - oldest) / DAY, 2),
            f"suite {q.never_run[0]} has never run"
            if q.never_run
            else f"quality last measured at {iso(oldest or now)}",
        )


def advisor(ws: Workspace, store: Store, now: float, out: dict[str, Facts]) -> None:
    """Whether each integration's pattern is one the latest saved assessment recommends."""
    from tether.store.assessments import latest_milestone

    latest = latest_milestone(store)
    patterns: list[str] = []
    if latest is not None:
        rec = latest["recommendation"]
        patterns = [str(rec.get("primary")), *(str(p) for p in rec.get("complementary", []))]
    for i in ws.integrations:
        if latest is None:
            out[i.name]["pattern_recommended"] = Fact(None, "no assessment saved")
            continue
        which = f"assessment #{latest['number']} recommends {', '.join(patterns)}"
        out[i.name]["pattern_recommended"] = Fact(str(i.pattern) in patterns, which)


SOURCES: list[Source] = [definition, docs, monitoring, quality, advisor]


def gather_facts(ws: Workspace, store: Store, now: float, sources: list[Source] | None = None) -> dict[str, Facts]:
    """Every fact for every integration, keyed by integration name then fact name."""
    out: dict[str, Facts] = {i.name: {} for i in ws.integrations}
    for source in sources if sources is not None else SOURCES:
        source(ws, store, now, out)
    return out
