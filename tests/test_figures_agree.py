"""One truth: every view reports the same figures for the same integration, read from one seeded store.

The store is seeded so that each naive recomputation would give another number: runs and probes
disagree (so success is not uptime), a maintenance window hides a failed probe from uptime,
an eval run and a canary spend monitoring money, a middleware plan is prorated, and a declared
volume projects spend where no run reported any. Each view is read through its own door (the
dashboard's rows, the detail screen's data, `tether costs --json`, readiness facts, the rendered
docs, `/metrics` and `/api/status` over a real socket) and compared value by value with
`tether.figures.read_figures`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from tether import clock
from tether.checks.result import CheckResult
from tether.checks.states import State
from tether.cli import app
from tether.clock import stamped
from tether.docs.gather import gather
from tether.docs.render import render_documents
from tether.figures import Basis, IntegrationFigures, Source, read_figures
from tether.model.tokens import TokenCounts
from tether.monitor.maintenance import excluder
from tether.pricing import PriceBook
from tether.readiness import facts as sources
from tether.readiness.facts import gather_facts
from tether.server.app import ServerConfig
from tether.server.run import ServerThread
from tether.store import Store, open_store
from tether.store.evals import CaseRecord, RunRecord, save_run
from tether.store.heartbeats import PingRecord, record_pings
from tether.store.incidents import open_incident
from tether.store.results import record_results
from tether.store.rollups import DAY, HOUR, fold_new
from tether.tui.data import COLUMNS, detail, overview
from tether.workspace import Workspace, load_workspace

NOW = datetime(2026, 5, 20, 12, 0, 0, tzinfo=UTC).timestamp()
"""Day 19.5 of 31: far enough into the month that each projection is distinct."""
MAINTENANCE = datetime.fromtimestamp(NOW - 5 * HOUR, tz=UTC).strftime("%Y-%m-%d %H:%M")

WORKSPACE = f"""
version: 1
workspace: {{name: Agreement, timezone: UTC}}
integrations:
  - name: leads
    title: Lead intake
    pattern: automation-bridge
    ai: {{provider: anthropic, model: claude-sonnet-4-6}}
    middleware: {{platform: zapier, plan_monthly_usd: 31}}
    budget: {{monthly_usd: 100}}
    maintenance:
      - {{start: "{MAINTENANCE}", duration: 1h}}
    checks:
      - {{kind: heartbeat, name: zap-ran, period: 1h}}
      - {{kind: http, name: crm, url: "http://127.0.0.1:9/crm"}}
    samples:
      - name: replies
        prompt: "Reply to {{{{ lead }}}}"
        cases: [{{lead: a}}, {{lead: b}}, {{lead: c}}, {{lead: d}}]
  - name: portal
    title: Support portal
    pattern: custom-app
    ai: {{provider: anthropic, model: claude-sonnet-4-6}}
    volume: {{runs_per_month: 3000}}
    budget: {{monthly_usd: 30}}
    checks:
      - {{kind: http, name: health, url: "http://127.0.0.1:9/health"}}
"""

BOOK = PriceBook.load(None)


def _probe(integration: str, check: str, ts: float, ok: bool, latency: float, cost: float | None = None) -> CheckResult:
    state = State.HEALTHY if ok else State.DOWN
    return CheckResult(integration, check, "http", state, "ok" if ok else "503", "ok", ts, latency, cost_usd=cost)


def _seed(ws: Workspace, store: Store) -> None:
    excluded = excluder(ws.file)
    probes = [_probe("leads", "crm", NOW - h * HOUR, h not in (4, 5, 9), 100.0 + h) for h in range(20)]
    probes += [_probe("leads", "zap-ran", NOW - h * HOUR, True, 5.0) for h in range(20)]
    # The portal: a week of probes, the last day's cost canary spend (monitoring money).
    probes += [_probe("portal", "health", NOW - h * HOUR, h % 6 != 1, 300.0 + 3 * h, 0.002) for h in range(7 * 24)]
    probes.append(_probe("leads", "crm", NOW, True, 90.0))  # the newest result, so the docs' "as of" is NOW
    record_results(store, probes)
    runs = [
        PingRecord(
            "leads", "zap-ran", NOW - k * 2 * HOUR, ok=k != 3, duration_s=1.5 + k / 10, tokens=tokens, cost_usd=c
        )
        for k in range(8)
        for tokens in [TokenCounts(2000, 500)]
        for c in [float(BOOK.cost("claude-sonnet-4-6", tokens) or 0)]
    ]
    record_pings(store, runs, excluded, NOW)
    with store.transaction() as db:
        fold_new(db, excluded, NOW)
        open_incident(db, "check:portal/health", "check", "503", NOW - HOUR, integration="portal", check="health")
    cases = [CaseRecord(n, f"integrations.yaml:{n}", "passed" if n else "failed", cost_usd=0.005) for n in range(4)]
    save_run(store, RunRecord("leads", "replies", "claude-sonnet-4-6", NOW - DAY, NOW - DAY + 30, 0.9, cases))


Seeded = tuple[Workspace, Path, list[IntegrationFigures]]


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Seeded:
    (tmp_path / "integrations.yaml").write_text(WORKSPACE, encoding="utf-8")
    ws = load_workspace(tmp_path / "integrations.yaml")
    path = tmp_path / "tether.db"
    monkeypatch.setattr(clock, "now", lambda: NOW)  # every view reads the same moment
    monkeypatch.chdir(tmp_path)
    with open_store(path) as store:
        _seed(ws, store)
        truth = read_figures(ws.file, store, NOW, BOOK)
    return ws, path, truth


def _percent(text: str) -> float:
    return float(re.search(r"([\d.]+)%", text).group(1)) / 100  # type: ignore[union-attr]


def _money(text: str) -> float:
    return float(re.search(r"\$([\d,.]+)", text).group(1).replace(",", ""))  # type: ignore[union-attr]


def test_the_seed_makes_every_figure_distinct(seeded: Seeded) -> None:
    """The store is one where shortcuts show: otherwise the agreement below proves little."""
    _, _, (leads, portal) = seeded
    assert leads.success.source is Source.RUNS and portal.success.source is Source.PROBES
    assert leads.success.rate == pytest.approx(7 / 8)  # its runs, not its probes
    # 41 probes, 3 failed; the hour of maintenance leaves out one failure and one success.
    assert leads.uptime.day == pytest.approx(37 / 39)
    assert leads.processing.source is Source.RUNS and leads.processing.p95_ms is not None
    assert leads.processing.p95_ms > 1500  # runs take seconds; the probes took 100 ms
    assert leads.quality_rate == pytest.approx(3 / 4)
    assert leads.cost.evals_usd == Decimal("0.02")
    assert leads.cost.basis is Basis.MEASURED
    assert portal.cost.basis is Basis.BOTH  # canary spend measured, model spend from volume
    assert portal.cost.volume is not None and portal.cost.volume.usd == Decimal("40.5")
    assert portal.cost.over_budget and portal.state is State.DEGRADED  # its checks are up; its money is not
    # $40.50 of model spend from volume, plus 168 canaries at $0.002 run to the month's end (19.5 of 31 days).
    assert float(portal.cost.projected_usd) == pytest.approx(40.5 + 0.336 / (19.5 / 31))
    assert portal.reason == (
        "over budget: $41.03 projected from measured spend and declared volume × rules/prices.yaml"
        " against a budget of $30.00"
    )
    assert portal.incident is not None


def test_dashboard_cells_show_the_figures(seeded: Seeded) -> None:
    ws, path, truth = seeded
    with open_store(path) as store:
        rows = overview(ws, store, NOW, BOOK).rows
    columns = [key for key, _ in COLUMNS]
    for row, f in zip(rows, truth, strict=True):
        cell = {key: row.cells[columns.index(key)].plain for key in columns}
        assert cell["uptime"] and _percent(cell["uptime"]) == pytest.approx(f.uptime.day, abs=0.0005)
        assert f.success.rate is not None
        assert _percent(cell["success"]) == pytest.approx(f.success.rate, abs=0.0005)
        assert cell["success"].endswith(" p") == (f.success.source is Source.PROBES)
        assert f.processing.p95_ms is not None
        shown_ms = float(cell["p95"].split()[0]) * (1000 if cell["p95"].endswith(" s") else 1)
        assert shown_ms == pytest.approx(f.processing.p95_ms, rel=0.05)
        assert _money(cell["cost"]) == pytest.approx(float(f.cost.month_to_date_usd), abs=0.005)
        if f.quality_rate is None:
            assert cell["quality"] == "not measured"
        else:
            assert _percent(cell["quality"]) == pytest.approx(f.quality_rate, abs=0.0005)


def test_detail_screen_reads_the_same_figures(seeded: Seeded) -> None:
    ws, path, truth = seeded
    with open_store(path) as store:
        for f in truth:
            assert detail(ws, store, f.name, "24h", NOW, BOOK).figures.to_json() == f.to_json()


def test_tether_costs_reports_the_same_cost(seeded: Seeded) -> None:
    _, path, truth = seeded
    result = CliRunner().invoke(app, ["--db", str(path), "costs", "--no-refresh", "--json"])
    assert result.exit_code == 0, result.output
    reported = json.loads(result.stdout)["integrations"]
    assert reported == [f.cost.to_json() for f in truth]


def test_readiness_facts_are_the_figures(seeded: Seeded) -> None:
    ws, path, truth = seeded
    with open_store(path) as store:
        found = gather_facts(ws, store, NOW, [sources.monitoring, sources.quality])
    for f in truth:
        facts = found[f.name]
        assert f.success_week.rate is not None
        assert facts["success_rate_7d"].value == pytest.approx(f.success_week.rate * 100, abs=0.001)
        assert facts["p95_ms"].value == f.processing.p95_ms
        assert facts["projected_cost_usd"].value == pytest.approx(float(f.cost.projected_usd))
        assert facts["cost_within_budget"].value == (not f.cost.over_budget)
        assert facts["open_incidents"].value == (1 if f.incident else 0)
        expected_quality = None if f.quality_rate is None else pytest.approx(f.quality_rate * 100, abs=0.001)
        assert facts["eval_pass_rate"].value == expected_quality
        assert f.cost.basis.words in facts["projected_cost_usd"].shown  # the same words everywhere


def _figures_table(markdown: str) -> dict[str, str]:
    """The "Current figures" list of a rendered document: each `- figure: value` item, unwrapped."""
    section = markdown.split("### Current figures", 1)[1].split("\n## ", 1)[0]
    items = re.findall(r"^- (.+?)(?=^- |^$|\Z)", section, flags=re.M | re.S)
    return dict(" ".join(item.split()).split(": ", 1) for item in items)


def test_docs_show_the_same_figures(seeded: Seeded) -> None:
    ws, path, truth = seeded
    with open_store(path) as store:
        documents = render_documents(gather(ws, store), ws.root)
    for f in truth:
        table = _figures_table(documents[f"integrations/{f.name}.md"])
        assert f.success.rate is not None and f.success_week.rate is not None
        assert _percent(table["success rate (24 hours)"]) == pytest.approx(f.success.rate, abs=0.00005)
        assert _percent(table["success rate (7 days)"]) == pytest.approx(f.success_week.rate, abs=0.00005)
        uptimes = table["uptime, from probes (maintenance left out)"].split(", ")
        assert [None if "not measured" in u else pytest.approx(_percent(u), abs=0.0005) for u in uptimes] == [
            f.uptime.day,
            f.uptime.week,
            f.uptime.month,
            f.uptime.year,
        ]
        assert f.processing.p95_ms is not None
        assert float(table["p95 processing time (24 hours)"].split()[0].replace(",", "")) == pytest.approx(
            f.processing.p95_ms, abs=0.5
        )
        assert _money(table["cost this month"]) == pytest.approx(float(f.cost.month_to_date_usd), abs=0.005)
        assert table["projected month end"] == f.cost.projection_words
        if f.quality_rate is None:
            assert "not measured" in table["quality (eval pass rate)"]
        else:
            assert _percent(table["quality (eval pass rate)"]) == pytest.approx(f.quality_rate, abs=0.0005)


@contextmanager
def _served(path: Path, ws: Workspace) -> Iterator[str]:
    """`tether serve` on a real socket on 127.0.0.1."""
    thread = ServerThread(ServerConfig(ws.file, ws.systems, str(path), env={}, book=BOOK))
    url = thread.start()
    try:
        yield url
    finally:
        thread.stop()


def test_api_status_is_the_figures(seeded: Seeded) -> None:
    ws, path, truth = seeded
    with _served(path, ws) as url:
        status = httpx.get(f"{url}/api/status", timeout=30).json()
    # The same figures, their times as ISO 8601 with the epoch beside (as every JSON out of tether).
    assert status["integrations"] == json.loads(json.dumps(stamped([f.to_json() for f in truth])))


def _samples(exposition: str) -> dict[str, float]:
    out = {}
    for line in exposition.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def test_metrics_are_the_figures(seeded: Seeded) -> None:
    ws, path, truth = seeded
    with _served(path, ws) as url:
        samples = _samples(httpx.get(f"{url}/metrics", timeout=30).text)
    for f in truth:
        base = f'integration="{f.name}",pattern="{f.pattern}"'
        for window, value in f.uptime.by_window().items():
            assert samples[f'tether_integration_uptime_ratio{{{base},window="{window}"}}'] == pytest.approx(value)
        source = f.success.source
        assert samples[f'tether_integration_success_ratio{{{base},window="24h",source="{source}"}}'] == pytest.approx(
            f.success.rate
        )
        assert f.processing.p95_ms is not None
        p95 = samples[f'tether_integration_processing_seconds{{{base},quantile="0.95",source="{f.processing.source}"}}']
        assert p95 == pytest.approx(f.processing.p95_ms / 1000)
        projected = samples[f'tether_integration_projected_month_usd{{{base},basis="{f.cost.basis}"}}']
        assert projected == pytest.approx(float(f.cost.projected_usd))
        spent = sum(v for k, v in samples.items() if k.startswith(f"tether_integration_month_to_date_usd{{{base},"))
        assert spent == pytest.approx(float(f.cost.month_to_date_usd))
        quality = samples.get(f"tether_integration_quality_ratio{{{base}}}")
        assert quality == (None if f.quality_rate is None else pytest.approx(f.quality_rate))


def _advisor_model_spend(runs: int) -> Decimal:
    """What the advisor's estimate says the model costs a month for this many runs (rules/prices.yaml)."""
    from tether.advisor.engine import load_lens
    from tether.advisor.estimate import estimate

    assert BOOK.table is not None
    found = estimate(load_lens(None), {"monthly_volume": runs, "ai_provider": "anthropic"}, BOOK.table, [])
    return Decimal(str(found.ai_usd_per_month))


def test_a_declared_volume_projects_what_the_advisor_estimates(
    seeded: Seeded,
) -> None:
    """`volume: {runs_per_month: 3000}` on claude-sonnet-4-6 projected $0.00 before; now the advisor's figure."""
    _, _, (_, portal) = seeded
    assert portal.cost.volume is not None
    assert portal.cost.volume.usd == _advisor_model_spend(3000)
    assert "assumed" in portal.cost.volume.how


def test_uptime_covers_a_year_from_daily_rollups(tmp_path: Path) -> None:
    (tmp_path / "integrations.yaml").write_text(WORKSPACE, encoding="utf-8")
    ws = load_workspace(tmp_path / "integrations.yaml")
    with open_store(tmp_path / "t.db") as store:
        old = [_probe("portal", "health", NOW - d * DAY, d != 200, 100.0) for d in (40, 100, 200, 300)]
        recent = [_probe("portal", "health", NOW - h * HOUR, True, 100.0) for h in range(4)]
        for batch in (old, recent):  # the old ones first, so retention keeps what a year keeps
            record_results(store, batch)
            with store.transaction() as db:
                fold_new(db, excluder(ws.file), min(r.started_at for r in batch))
        _, portal = read_figures(ws.file, store, NOW, BOOK)
    assert portal.uptime.month == 1.0  # the last 30 days: 4 probes, all up
    assert portal.uptime.year == pytest.approx(7 / 8)  # a year: the failure 200 days ago counts


def test_json_numbers_are_plain(seeded: Seeded) -> None:
    _, _, truth = seeded
    data: dict[str, Any] = truth[0].to_json()
    json.dumps(data)  # every figure serialises: no Decimal, no enum left in the JSON
    assert data["success_source"] == "runs"
    assert data["cost"]["projection_basis"] == "measured"
