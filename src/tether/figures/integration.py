"""Every figure about every integration and check, read at once: the one place they are computed.

- **Uptime** (24 h, 7 d, 30 d, 365 d): the share of our probes of its dependencies that found
  them up (healthy or degraded), maintenance windows left out. Only probes count.
- **Success** (24 h, 7 d): the share of its own runs that succeeded (heartbeat pings, n8n, Make
  and Zapier runs, OpenTelemetry GenAI spans),
  every run counted. Where no run is recorded in the window, the probes' success stands in
  and `source` says so.
- **Processing time** (p50/p95 over 24 h): its runs' durations where they report one, else
  the probes' latency; `source` says which.
- **Quality**: the latest eval pass rate per declared suite and overall (figures.quality).
- **Cost**: month to date, projection with its basis, budget (figures.cost).
- **State**: the worst of its checks' latest states and, for an integration with `telemetry:`, of its
  spans' success rate over 24 h; degraded when the projection is over budget.

Eight queries, however many integrations there are and however long the history: the kept
windows (store.windows: the fold count, the windows' starts, one row per check and window),
each check's latest result, the open incidents, each suite's latest eval run, and the last
day's probes hour by hour (the fold count, the hours: the dashboard's heartbeat bar). A
connection that reads again before a batch folds in reads only the fold counts for the
windows and hours, and an integration whose inputs are the same as at the last read keeps
its figures but its cost (which moves with the clock).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tether.checks.states import SEVERITY, State, worst
from tether.figures.cost import CostFigures, cost_figures
from tether.figures.month import month_of
from tether.figures.quality import QualityFigures, quality_figures
from tether.model.integration import TELEMETRY_CHECK, Integration, Telemetry
from tether.model.workspace_file import WorkspaceFile
from tether.pricing import PriceBook
from tether.store.db import Store
from tether.store.evals import Quality, latest_quality
from tether.store.incidents import Incident, open_incidents
from tether.store.results import latest_per_check
from tether.store.rollups import HOUR, Evidence, Key, Totals, Windows, bucket_start, hourly_uptime, total, windows

HOURS = 24
"""The hours of `last_day`, the dashboard's heartbeat bar."""


class Source(StrEnum):
    """What a success rate or processing time was counted from."""

    RUNS = "runs"
    PROBES = "probes"


@dataclass(frozen=True)
class Success:
    """The share of runs that succeeded over one window."""

    rate: float | None
    """0..1; None when nothing was recorded in the window."""
    count: int
    source: Source | None

    @classmethod
    def of(cls, runs: Totals, probes: Totals) -> Success:
        if runs.count:
            return cls(runs.success_rate, runs.count, Source.RUNS)
        if probes.count:
            return cls(probes.success_rate, probes.count, Source.PROBES)
        return cls(None, 0, None)

    def words(self, window: str) -> str:
        """E.g. '97.5% of 1,204 runs over 7 days' or '... of 40 probes (no runs recorded) ...'."""
        if self.rate is None:
            return f"nothing recorded over {window}"
        what = "runs" if self.source is Source.RUNS else "probes (no runs recorded)"
        return f"{self.rate:.2%} of {self.count:,} {what} over {window}"


@dataclass(frozen=True)
class ProcessingTime:
    """p50 and p95 over the last 24 hours."""

    p50_ms: float | None
    p95_ms: float | None
    timed: int
    source: Source | None

    @classmethod
    def of(cls, runs: Totals, probes: Totals) -> ProcessingTime:
        for totals, source in ((runs, Source.RUNS), (probes, Source.PROBES)):
            if totals.latency_count:
                return cls(totals.p(0.5), totals.p(0.95), totals.latency_count, source)
        return cls(None, None, 0, None)


@dataclass(frozen=True)
class Uptime:
    """Probes that found the dependencies up, maintenance left out, over four windows (0..1 each)."""

    day: float | None
    week: float | None
    month: float | None
    year: float | None
    counted_week: int = 0

    WINDOWS = ("24h", "7d", "30d", "365d")

    @classmethod
    def of(cls, probes: Windows) -> Uptime:
        return cls(probes.day.uptime, probes.week.uptime, probes.month.uptime, probes.year.uptime, probes.week.counted)

    def by_window(self) -> dict[str, float | None]:
        return dict(zip(self.WINDOWS, (self.day, self.week, self.month, self.year), strict=True))


@dataclass(frozen=True)
class CheckFigures:
    integration: str
    check: str
    kind: str
    state: State
    reason: str | None
    uptime: Uptime
    success: Success
    """Over 24 hours."""
    processing: ProcessingTime

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "kind": self.kind,
            "state": str(self.state),
            "reason": self.reason,
            "runs_24h": self.success.count,
            "success_rate_24h": self.success.rate,
            "success_source": None if self.success.source is None else str(self.success.source),
            **{f"uptime_{w}": v for w, v in self.uptime.by_window().items()},
            "p50_ms": self.processing.p50_ms,
            "p95_ms": self.processing.p95_ms,
        }


@dataclass
class IntegrationFigures:
    """Everything any view shows about one integration."""

    name: str
    title: str
    pattern: str
    lifecycle: str
    state: State
    reason: str | None
    """Why it is in that state: its worst check's reason, or the budget's."""
    uptime: Uptime
    success: Success
    """Over 24 hours."""
    success_week: Success
    processing: ProcessingTime
    quality: QualityFigures | None
    """None when it declares no sample suites."""
    cost: CostFigures
    incident: Incident | None
    checks: list[CheckFigures] = field(default_factory=list)
    last_day: tuple[float | None, ...] = ()
    """Uptime in each of the last 24 hours, oldest first, from probes (None: no probe counted that hour)."""
    spans: Verdict | None = None
    """The spans' own verdict over 24 h, for an integration with `telemetry:` that sent any: the
    state counts it, and alerting observes it as the `otlp` check."""

    @property
    def quality_rate(self) -> float | None:
        return None if self.quality is None else self.quality.pass_rate

    def to_json(self) -> dict[str, Any]:
        return {
            "integration": self.name,
            "title": self.title,
            "pattern": self.pattern,
            "lifecycle": self.lifecycle,
            "state": str(self.state),
            "reason": self.reason,
            "runs_24h": self.success.count,
            "success_rate_24h": self.success.rate,
            "success_rate_7d": self.success_week.rate,
            "success_source": None if self.success.source is None else str(self.success.source),
            **{f"uptime_{w}": v for w, v in self.uptime.by_window().items()},
            "p50_ms": self.processing.p50_ms,
            "p95_ms": self.processing.p95_ms,
            "processing_source": None if self.processing.source is None else str(self.processing.source),
            "quality": self.quality_rate,
            "quality_detail": None if self.quality is None else self.quality.to_json(),
            "cost": self.cost.to_json(),
            "incident": None if self.incident is None else self.incident.to_json(),
            "checks": [c.to_json() for c in self.checks],
        }


NOTHING = Windows()
"""The windows of evidence never recorded (shared: figures read windows, never change them)."""


def _evidence(found: dict[Evidence, list[Windows]], kind: Evidence) -> Windows:
    parts = found.get(kind, [])
    if not parts:
        return NOTHING
    if len(parts) == 1:
        return parts[0]  # one check of this kind: its windows are the integration's (read, never changed)
    return Windows(
        day=total([w.day for w in parts]),
        week=total([w.week for w in parts]),
        month=total([w.month for w in parts]),
        year=total([w.year for w in parts]),
        month_to_date=total([w.month_to_date for w in parts]),
    )


def read_figures(
    file: WorkspaceFile, store: Store, now: float, book: PriceBook, names: Sequence[str] | None = None
) -> list[IntegrationFigures]:
    """Every integration's figures (or those named), in file order."""
    wanted = None if names is None else set(names)
    integrations = [i for i in file.integrations if wanted is None or i.name in wanted]
    history = windows(store, now, month_of(now).start, None if names is None else list(names))
    latest = {(r["integration"], r["check"]): r for r in latest_per_check(store)}
    incidents = open_incidents(store.db)
    evals = latest_quality(store)
    hourly = hourly_uptime(store, now, HOURS, None if names is None else list(names))
    hours = [bucket_start(now, HOUR) - HOUR * back for back in range(HOURS - 1, -1, -1)]
    by_integration: dict[str, dict[Evidence, list[Windows]]] = {}
    for (name, _, evidence), w in history.items():
        by_integration.setdefault(name, {}).setdefault(evidence, []).append(w)
    seen = _SEEN.setdefault(store, {})
    rows: list[IntegrationFigures] = []
    for integration in integrations:
        name = integration.name
        own = by_integration.get(name, {})
        inputs = (
            integration,
            tuple(w for kind in Evidence for w in own.get(kind, ())),
            tuple(latest.get((name, check.name)) for check in integration.checks),
            [i for i in incidents if i.concerns(name)][:1],
            evals.get(name),
            hourly.get(name),
            hours[0],
        )
        parts = seen.get(name)
        if parts is None or not _same(parts.inputs, inputs):
            parts = _Parts(inputs, *_parts(integration, history, latest, own, inputs[3], evals, inputs[5], hours))
            seen[name] = parts
        probes, runs, evals_of = parts.evidence
        cost = cost_figures(
            integration,
            production=probes.month_to_date.cost_usd + runs.month_to_date.cost_usd,
            canaries=probes.month_to_date.monitoring_cost_usd + runs.month_to_date.monitoring_cost_usd,
            evals=evals_of.month_to_date.monitoring_cost_usd,
            now=now,
            book=book,
        )
        spans = history.get((name, TELEMETRY_CHECK, Evidence.RUN), NOTHING).day
        verdict = _judge_spans(integration.telemetry, spans)
        state, reason = _state(parts.checks, cost, verdict)
        rows.append(
            IntegrationFigures(
                name=name,
                title=integration.title,
                pattern=str(integration.pattern),
                lifecycle=str(integration.lifecycle),
                state=state,
                reason=reason,
                uptime=parts.uptime,
                success=parts.success,
                success_week=parts.success_week,
                processing=parts.processing,
                quality=parts.quality,
                cost=cost,
                incident=parts.incident,
                checks=list(parts.checks),
                last_day=parts.last_day,
                spans=verdict,
            )
        )
    return rows


@dataclass(frozen=True)
class _Parts:
    """An integration's figures that follow from its history, latest results, incident and evals alone
    (not from the clock, as its cost does): made again only when one of those changed."""

    inputs: tuple[Any, ...]
    evidence: tuple[Windows, Windows, Windows]
    """Its probes', runs' and evals' windows, its checks summed."""
    checks: tuple[CheckFigures, ...]
    uptime: Uptime
    success: Success
    success_week: Success
    processing: ProcessingTime
    quality: QualityFigures | None
    incident: Incident | None
    last_day: tuple[float | None, ...]


_SEEN: weakref.WeakKeyDictionary[Store, dict[str, _Parts]] = weakref.WeakKeyDictionary()
"""Each connection's last parts per integration (the dashboard reads every few seconds, mostly the same)."""


def _same(before: tuple[Any, ...], now: tuple[Any, ...]) -> bool:
    # The windows and hours are the very objects read last time when nothing folded in since.
    return all(a is b or a == b for a, b in zip(before, now, strict=True))


def _parts(
    integration: Integration,
    history: dict[Key, Windows],
    latest: dict[tuple[str, str], dict[str, Any]],
    own: dict[Evidence, list[Windows]],
    incident: list[Incident],
    evals: dict[str, Quality],
    hourly: dict[float, float | None] | None,
    hours: list[float],
) -> tuple[Any, ...]:
    checks: list[CheckFigures] = []
    for check in integration.checks:
        probes = history.get((integration.name, check.name, Evidence.PROBE), NOTHING)
        runs = history.get((integration.name, check.name, Evidence.RUN), NOTHING)
        last = latest.get((integration.name, check.name))
        checks.append(
            CheckFigures(
                integration.name,
                check.name,
                check.kind,
                State(last["state"]) if last else State.UNKNOWN,
                last["reason"] if last else None,
                Uptime.of(probes),
                Success.of(runs.day, probes.day),
                ProcessingTime.of(runs.day, probes.day),
            )
        )
    probes, runs, evals_of = (_evidence(own, kind) for kind in (Evidence.PROBE, Evidence.RUN, Evidence.EVAL))
    return (
        (probes, runs, evals_of),
        tuple(checks),
        Uptime.of(probes),
        Success.of(runs.day, probes.day),
        Success.of(runs.week, probes.week),
        ProcessingTime.of(runs.day, probes.day),
        quality_figures(integration, evals.get(integration.name)),
        incident[0] if incident else None,
        tuple(map((hourly or {}).get, hours)),
    )


@dataclass(frozen=True)
class Verdict:
    """One judgement the integration's state is the worst of: a check's latest state, or its spans'."""

    state: State
    by: str
    """The check's name (or `otlp` for the spans), named in the reason."""
    reason: str | None


def _judge_spans(telemetry: Telemetry | None, day: Totals) -> Verdict | None:
    """Spans have no check of the file to judge them: their success rate over 24 h does, as a
    run-history check's would, so a failing application never shows healthy beside its own rate."""
    if telemetry is None or not day.count:
        return None  # a quiet application is not a failing one
    rate = day.successes / day.count
    state = State.HEALTHY
    if rate < telemetry.down_below:
        state = State.DOWN
    elif rate < telemetry.degraded_below:
        state = State.DEGRADED
    return Verdict(state, TELEMETRY_CHECK, f"{day.successes}/{day.count} spans succeeded in the last 24h ({rate:.0%})")


def _state(checks: Sequence[CheckFigures], cost: CostFigures, spans: Verdict | None = None) -> tuple[State, str | None]:
    """The worst check's state and reason (the spans' judgement among them); a projection over
    budget makes it at least degraded."""
    verdicts = [Verdict(c.state, c.check, c.reason) for c in checks] + ([spans] if spans is not None else [])
    if not verdicts and not cost.over_budget:
        return State.UNKNOWN, "nothing watches it: add a check under `checks:`"
    state = worst([v.state for v in verdicts] + ([State.DEGRADED] if cost.over_budget else []))
    culprit = next((v for v in verdicts if v.state == state), None)
    if culprit is not None and (culprit.state != State.DEGRADED or not cost.over_budget):
        # A check with no result yet has no reason of its own: say so rather than name it bare.
        return state, f"{culprit.by}: {culprit.reason or 'not probed yet'}"
    if cost.over_budget and SEVERITY[state] <= SEVERITY[State.DEGRADED]:
        return state, f"over budget: {cost.budget_words()}"
    return state, None
