"""The four figures per integration and per check: success rate, processing time, quality, cost.

Read from rollups only, for every integration at once in a fixed number of queries (the
dashboard, `tether serve`'s /metrics and /api/status, reports). Quality is None until the
evals fill it ("not measured").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tether.model.workspace_file import WorkspaceFile
from tether.monitor.costs import CostFigures, PriceBook, figures, month_of
from tether.monitor.states import State, worst
from tether.store.db import Store
from tether.store.incidents import Incident, open_incidents
from tether.store.results import latest_per_check
from tether.store.rollups import Totals, Windows, windows


@dataclass
class CheckFigures:
    integration: str
    check: str
    kind: str
    state: State
    reason: str | None
    day: Totals
    week: Totals
    month: Totals

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "kind": self.kind,
            "state": str(self.state),
            "reason": self.reason,
            "runs_24h": self.day.count,
            "success_rate_24h": self.day.success_rate,
            "uptime_24h": self.day.uptime,
            "uptime_7d": self.week.uptime,
            "uptime_30d": self.month.uptime,
            "p50_ms": self.day.p(0.5),
            "p95_ms": self.day.p(0.95),
        }


@dataclass
class IntegrationFigures:
    """What one dashboard row shows."""

    name: str
    title: str
    pattern: str
    lifecycle: str
    state: State
    day: Totals
    week: Totals
    month: Totals
    cost: CostFigures
    incident: Incident | None
    checks: list[CheckFigures] = field(default_factory=list)
    quality: float | None = None
    """Share of eval cases passing; None means "not measured" (no evals have run)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "integration": self.name,
            "title": self.title,
            "pattern": self.pattern,
            "lifecycle": self.lifecycle,
            "state": str(self.state),
            "runs_24h": self.day.count,
            "success_rate_24h": self.day.success_rate,
            "uptime_24h": self.day.uptime,
            "uptime_7d": self.week.uptime,
            "uptime_30d": self.month.uptime,
            "p50_ms": self.day.p(0.5),
            "p95_ms": self.day.p(0.95),
            "quality": self.quality,
            "cost": self.cost.to_json(),
            "incident": None if self.incident is None else self.incident.to_json(),
            "checks": [c.to_json() for c in self.checks],
        }


def _sum(parts: list[Totals]) -> Totals:
    total = Totals()
    for part in parts:
        total.add_row(part.row())
    return total


def dashboard(file: WorkspaceFile, store: Store, now: float, book: PriceBook | None = None) -> list[IntegrationFigures]:
    """Every integration's row, in file order. Five queries, however many integrations there are."""
    book = book or PriceBook()
    month = month_of(now)
    history = windows(store, now, month.start)  # three queries
    latest = {(r["integration"], r["check"]): r for r in latest_per_check(store)}  # one
    incidents = open_incidents(store.db)  # one
    by_integration: dict[str, list[Windows]] = {}
    for (name, _), w in history.items():
        by_integration.setdefault(name, []).append(w)
    rows: list[IntegrationFigures] = []
    for integration in file.integrations:
        checks: list[CheckFigures] = []
        for check in integration.checks:
            w = history.get((integration.name, check.name), Windows())
            last = latest.get((integration.name, check.name))
            state = State(last["state"]) if last else State.UNKNOWN
            checks.append(
                CheckFigures(
                    integration.name,
                    check.name,
                    check.kind,
                    state,
                    last["reason"] if last else None,
                    w.day,
                    w.week,
                    w.month,
                )
            )
        own = by_integration.get(integration.name, [])
        mtd = _sum([w.month_to_date for w in own])
        cost = figures(integration, mtd.cost_usd, mtd.monitoring_cost_usd, now, book)
        states = [c.state for c in checks]
        if cost.over_budget:
            states.append(State.DEGRADED)
        incident = next(
            (i for i in incidents if i.integration == integration.name or integration.name in i.affected), None
        )
        rows.append(
            IntegrationFigures(
                name=integration.name,
                title=integration.title,
                pattern=str(integration.pattern),
                lifecycle=str(integration.lifecycle),
                state=worst(states) if states else State.UNKNOWN,
                day=_sum([w.day for w in own]),
                week=_sum([w.week for w in own]),
                month=_sum([w.month for w in own]),
                cost=cost,
                incident=incident,
                checks=checks,
            )
        )
    return rows
