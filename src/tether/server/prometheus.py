"""The Prometheus text exposition format (version 0.0.4) for the four figures.

Names follow Prometheus conventions: a `tether_` prefix, base units in the name (`_seconds`,
`_usd`, `_ratio`), `_total` on counters. Counters come from all-time rollups, so they only
grow; ratios and money this month are gauges.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from tether.checks.states import State
from tether.figures import IntegrationFigures
from tether.store.histogram import EDGES, STEPS_PER_DOUBLING
from tether.store.rollups import Evidence, Key, Totals, total

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


def render(rows: Iterable[IntegrationFigures], totals: Mapping[Key, Totals]) -> str:
    """The figures (tether.figures) as gauges, and all-time rollups as counters."""
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
        for window, uptime in row.uptime.by_window().items():
            if uptime is not None:
                out.add(
                    "tether_integration_uptime_ratio",
                    "gauge",
                    "Share of probes that found its dependencies up over the window, maintenance windows left out.",
                    {**base, "window": window},
                    uptime,
                )
        for window, success in (("24h", row.success), ("7d", row.success_week)):
            if success.rate is not None:
                out.add(
                    "tether_integration_success_ratio",
                    "gauge",
                    "Share of its runs that succeeded over the window (`source` probes: no runs recorded).",
                    {**base, "window": window, "source": str(success.source)},
                    success.rate,
                )
        for quantile, value in (("0.5", row.processing.p50_ms), ("0.95", row.processing.p95_ms)):
            if value is not None:
                out.add(
                    "tether_integration_processing_seconds",
                    "gauge",
                    "Processing time over 24 hours at a quantile (`source` probes: no timed runs recorded).",
                    {**base, "quantile": quantile, "source": str(row.processing.source)},
                    value / 1000,
                )
        if row.quality_rate is not None:
            out.add(
                "tether_integration_quality_ratio",
                "gauge",
                "Share of graded eval cases passing in the latest run of each declared sample suite.",
                base,
                row.quality_rate,
            )
        cost = row.cost
        for spend, usd in (
            ("production", cost.production_usd),
            ("canaries", cost.canaries_usd),
            ("evals", cost.evals_usd),
            ("middleware", cost.middleware_usd),
        ):
            out.add(
                "tether_integration_month_to_date_usd",
                "gauge",
                "Spend this calendar month (UTC) so far, by kind of spend.",
                {**base, "spend": spend},
                float(usd),
            )
        out.add(
            "tether_integration_projected_month_usd",
            "gauge",
            "Projected spend by the end of this calendar month (`basis`: measured, volume, measured+volume).",
            {**base, "basis": str(cost.basis)},
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
            if check.success.rate is not None:
                out.add(
                    "tether_check_success_ratio",
                    "gauge",
                    "Share of the check's runs in the last 24 hours that succeeded.",
                    {**labels, "source": str(check.success.source)},
                    check.success.rate,
                )
            for evidence in (Evidence.PROBE, Evidence.RUN):
                found = totals.get((row.name, check.check, evidence))
                if found is not None:
                    _counters(out, {**labels, "evidence": str(evidence)}, found)
        runs = total([t for key, t in totals.items() if key[0] == row.name and key[2] is Evidence.RUN])
        if runs.count:
            out.add(
                "tether_integration_runs_total",
                "counter",
                "Runs of the integration's own work (heartbeats, n8n executions, GenAI spans).",
                base,
                runs.count,
            )
            out.add(
                "tether_integration_run_failures_total",
                "counter",
                "Runs of the integration's own work that failed.",
                base,
                runs.count - runs.successes,
            )
            out.histogram(
                "tether_integration_run_duration_seconds", "How long the integration's own runs took.", base, runs
            )
        suites = sorted({key[1] for key in totals if key[0] == row.name and key[2] is Evidence.EVAL})
        for suite in suites:
            t = totals[(row.name, suite, Evidence.EVAL)]
            out.add(
                "tether_eval_cost_usd_total",
                "counter",
                "Spend by eval runs of a sample suite (monitoring spend).",
                {**base, "suite": suite},
                t.monitoring_cost_usd,
            )
    return out.render()


def _counters(out: Exposition, labels: Mapping[str, str], t: Totals) -> None:
    out.add(
        "tether_check_runs_total",
        "counter",
        "Samples of the check: probes (evidence=probe) and the integration's own runs (evidence=run).",
        labels,
        t.count,
    )
    failures = t.count - t.successes
    out.add("tether_check_failures_total", "counter", "Samples of the check that failed.", labels, failures)
    out.histogram("tether_check_latency_seconds", "Processing time of the check's samples, in seconds.", labels, t)
    for token_type, count in t.tokens.as_dict().items():
        out.add(
            "tether_tokens_total",
            "counter",
            "Model tokens used, by type (input is uncached input).",
            {**labels, "type": token_type.removesuffix("_tokens")},
            count,
        )
    for spend, usd in (("production", t.cost_usd), ("monitoring", t.monitoring_cost_usd)):
        out.add(
            "tether_cost_usd_total",
            "counter",
            "Model spend, production (reported by runs) and monitoring (canaries) apart.",
            {**labels, "spend": spend},
            usd,
        )
