"""The Prometheus text exposition format (version 0.0.4) for the four figures.

Names follow Prometheus conventions: a `tether_` prefix, base units in the name (`_seconds`,
`_usd`, `_ratio`), `_total` on counters. Counters come from all-time rollups, so they only
grow; ratios and money this month are gauges.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from tether.monitor.metrics import IntegrationFigures
from tether.monitor.states import State
from tether.store.histogram import EDGES, STEPS_PER_DOUBLING
from tether.store.rollups import TOKEN_TYPES, Totals

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Every power of two from 1 ms to 131 s: a subset of the histogram's edges, so each count is exact.
BUCKETS_MS: tuple[float, ...] = EDGES[::STEPS_PER_DOUBLING]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Mapping[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items()) + "}"


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


class Exposition:
    def __init__(self) -> None:
        self._families: dict[str, tuple[str, str, list[str]]] = {}

    def add(self, name: str, kind: str, help_text: str, labels: Mapping[str, str], value: float) -> None:
        family = self._families.setdefault(name, (kind, help_text, []))
        family[2].append(f"{name}{_labels(labels)} {_number(value)}")

    def histogram(self, name: str, help_text: str, labels: Mapping[str, str], totals: Totals) -> None:
        family = self._families.setdefault(name, ("histogram", help_text, []))
        for bound_ms, count in totals.hist.cumulative(BUCKETS_MS):
            family[2].append(f"{name}_bucket{_labels({**labels, 'le': _number(bound_ms / 1000)})} {count}")
        family[2].append(f"{name}_bucket{_labels({**labels, 'le': '+Inf'})} {totals.latency_count}")
        family[2].append(f"{name}_sum{_labels(labels)} {_number(totals.latency_sum_ms / 1000)}")
        family[2].append(f"{name}_count{_labels(labels)} {totals.latency_count}")

    def render(self) -> str:
        lines: list[str] = []
        for name, (kind, help_text, samples) in self._families.items():
            lines.append(f"# HELP {name} {help_text}")
            lines.append(f"# TYPE {name} {kind}")
            lines.extend(samples)
        return "\n".join(lines) + "\n"


def render(rows: Iterable[IntegrationFigures], totals: Mapping[tuple[str, str], Totals]) -> str:
    out = Exposition()
    for row in rows:
        base = {"integration": row.name, "pattern": row.pattern}
        for state in State:
            out.add(
                "tether_integration_state",
                "gauge",
                "1 for the state the integration is in (healthy, degraded, unknown, down), else 0.",
                {**base, "state": str(state)},
                1 if row.state == state else 0,
            )
        for window, span in (("24h", row.day), ("7d", row.week), ("30d", row.month)):
            if span.uptime is not None:
                out.add(
                    "tether_integration_uptime_ratio",
                    "gauge",
                    "Share of runs that succeeded over the window, maintenance windows left out.",
                    {**base, "window": window},
                    span.uptime,
                )
        cost = row.cost
        for spend, value in (
            ("production", cost.production_usd),
            ("monitoring", cost.monitoring_usd),
            ("middleware", cost.middleware_usd),
        ):
            out.add(
                "tether_integration_month_to_date_usd",
                "gauge",
                "Spend this calendar month (UTC) so far, by kind of spend.",
                {**base, "spend": spend},
                float(value),
            )
        out.add(
            "tether_integration_projected_month_usd",
            "gauge",
            "Projected spend by the end of this calendar month.",
            base,
            float(cost.projected_usd),
        )
        if cost.budget_usd is not None:
            out.add(
                "tether_integration_budget_usd",
                "gauge",
                "The monthly budget (budget.monthly_usd).",
                base,
                float(cost.budget_usd),
            )
        out.add(
            "tether_integration_open_incidents",
            "gauge",
            "Incidents open for this integration (its own or a vendor outage it is part of).",
            base,
            1 if row.incident else 0,
        )
        for check in row.checks:
            labels = {**base, "check": check.check}
            for state in State:
                out.add(
                    "tether_check_state",
                    "gauge",
                    "1 for the state of the check's latest run, else 0.",
                    {**labels, "state": str(state)},
                    1 if check.state == state else 0,
                )
            if check.day.success_rate is not None:
                out.add(
                    "tether_check_success_ratio",
                    "gauge",
                    "Share of the check's runs in the last 24 hours that succeeded.",
                    labels,
                    check.day.success_rate,
                )
            found = totals.get((row.name, check.check))
            if found is None:
                continue
            t = found
            out.add(
                "tether_check_runs_total", "counter", "Runs of the check (probes and heartbeat pings).", labels, t.count
            )
            out.add(
                "tether_check_failures_total",
                "counter",
                "Runs of the check that failed.",
                labels,
                t.count - t.successes,
            )
            out.histogram("tether_check_latency_seconds", "Processing time of the check's runs, in seconds.", labels, t)
            for token_type in TOKEN_TYPES:
                out.add(
                    "tether_tokens_total",
                    "counter",
                    "Model tokens used, by type (input is uncached input).",
                    {**labels, "type": token_type.removesuffix("_tokens")},
                    getattr(t, token_type),
                )
            for spend, usd in (("production", t.cost_usd), ("monitoring", t.monitoring_cost_usd)):
                out.add(
                    "tether_cost_usd_total",
                    "counter",
                    "Model spend, production (reported by runs) and monitoring (canaries, evals) apart.",
                    {**labels, "spend": spend},
                    usd,
                )
    return out.render()
