"""Costs: per-token-type arithmetic, the cents conversion, provider figures from the sandbox, budgets."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tether import clock
from tether.checks.result import CheckResult
from tether.checks.states import State
from tether.cli import app
from tether.figures import Basis, read_figures
from tether.figures.cost import cost_figures
from tether.figures.month import month_of
from tether.model.integration import Integration
from tether.model.tokens import TokenCounts as Usage
from tether.monitor import billing
from tether.monitor.watch import Watcher
from tether.pricing import PriceBook, TokenPrices, usage_cost
from tether.sandbox.billing import ANTHROPIC_DAILY_CENTS, ANTHROPIC_DAILY_USAGE, OPENAI_DAILY_USD
from tether.sandbox.server import Sandbox
from tether.store import open_store
from tether.store.costs import provider_month_to_date, save_provider_figures
from tether.store.heartbeats import PingRecord, record_pings
from tether.store.incidents import incidents
from tether.store.results import record_results
from tether.workspace import load_workspace

BOOK = PriceBook.load(None)  # the packaged rules/prices.yaml
SONNET = TokenPrices(Decimal("3"), Decimal("15"), Decimal("0.3"), Decimal("3.75"))


def test_the_packaged_price_table_prices_each_token_type() -> None:
    assert BOOK.for_model("claude-sonnet-4-5") == SONNET
    assert BOOK.for_model("claude-sonnet-4-5-20250929") == SONNET  # a dated id prices like its alias
    assert BOOK.for_model("no-such-model") is None


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        (Usage(input_tokens=1_000_000), Decimal("3")),
        (Usage(output_tokens=1_000_000), Decimal("15")),
        (Usage(cache_read_tokens=1_000_000), Decimal("0.3")),
        (Usage(cache_write_tokens=1_000_000), Decimal("3.75")),
        (Usage(1500, 400, 1000, 200), Decimal("0.01155")),  # (4500 + 6000 + 300 + 750) / 1e6
        (Usage(1, 1, 1, 1), Decimal("0.00002205")),
    ],
)
def test_usage_is_priced_per_token_type_exactly(usage: Usage, expected: Decimal) -> None:
    assert usage_cost(usage, SONNET) == expected


@pytest.mark.parametrize(
    ("cents", "usd"),
    [
        ("123.45", Decimal("1.2345")),
        ("0.0001", Decimal("0.000001")),
        ("100000", Decimal("1000")),
        ("67.8901", Decimal("0.678901")),
        ("0", Decimal("0")),
    ],
)
def test_anthropic_cents_convert_to_exact_dollars(cents: str, usd: Decimal) -> None:
    assert billing.cents_to_usd(cents) == usd


def test_many_small_amounts_sum_without_float_drift() -> None:
    page = {"data": [{"starting_at": "2026-05-01T00:00:00Z", "results": [{"amount": "0.1"}] * 1000}]}
    [day] = billing.parse_anthropic_costs([page])
    assert day.amount_usd == Decimal("1")  # 1000 x 0.1 cents; as floats this would not be exactly 1
    openai = {"data": [{"start_time": 1777593600, "results": [{"amount": {"value": 0.1, "currency": "usd"}}] * 3}]}
    assert billing.parse_openai_costs([openai])[0].amount_usd == Decimal("0.3")


def month_days_so_far(now: float) -> int:
    return math.floor((now - month_of(now).start) / 86400) + 1


async def test_provider_figures_come_from_the_sandbox_in_the_real_shapes(sandbox: Sandbox) -> None:
    now = clock.now()
    start = month_of(now).start
    env = {
        "ANTHROPIC_ADMIN_BASE_URL": sandbox.url,
        "ANTHROPIC_ADMIN_API_KEY": "sandbox-admin-key",
        "OPENAI_ADMIN_BASE_URL": sandbox.url + "/openai",
        "OPENAI_ADMIN_KEY": "sandbox-admin-key",
    }
    days = month_days_so_far(now)
    async with httpx.AsyncClient() as client:
        anthropic, openai = [await billing.fetch(client, a, start, now, env) for a in billing.DEFAULT_ACCESS]
        # Pagination: three buckets a page still yields every day once.
        pages = await billing._pages(
            client,
            f"{sandbox.url}/v1/organizations/cost_report",
            {"starting_at": billing._rfc3339(start), "limit": 3},
            {"x-api-key": "k"},
        )
        unconfigured = await billing.fetch(client, billing.DEFAULT_ACCESS[0], start, now, {})
    assert anthropic.error is None and openai.error is None
    daily = sum(billing.cents_to_usd(c) for c in ANTHROPIC_DAILY_CENTS)
    assert [c.amount_usd for c in anthropic.costs] == [daily] * days
    assert len(pages) == math.ceil(days / 3)
    assert len(billing.parse_anthropic_costs(pages)) == days
    [usage_day, *_] = anthropic.usage
    assert usage_day.input_tokens == ANTHROPIC_DAILY_USAGE["uncached_input_tokens"]
    assert usage_day.cache_write_tokens == 20_000
    assert [c.amount_usd for c in openai.costs] == [sum(Decimal(str(v)) for v in OPENAI_DAILY_USD)] * days
    assert unconfigured.configured is False


async def test_a_wrong_or_missing_admin_key_is_an_error_not_a_zero(sandbox: Sandbox) -> None:
    env = {"OPENAI_ADMIN_BASE_URL": sandbox.url, "OPENAI_ADMIN_KEY": "k"}
    sandbox.add_fault(route="/v1/organization/costs", status=401)
    async with httpx.AsyncClient() as client:
        result = await billing.fetch(client, billing.DEFAULT_ACCESS[1], 0, clock.now(), env)
    assert result.costs == []
    assert result.error is not None and "401" in result.error


def integration(**fields: object) -> Integration:
    data = {"name": "leads", "title": "Leads", "pattern": "automation-bridge", **fields}
    return Integration.model_validate(data)


MAY_10_NOON = 1_778_414_400.0  # 2026-05-10 12:00 UTC; May has 31 days


def test_middleware_plans_are_prorated_per_day_started() -> None:
    lead = integration(middleware={"platform": "zapier", "plan_monthly_usd": 31})
    f = cost_figures(lead, 0.0, 0.0, 0.0, MAY_10_NOON, BOOK)
    assert f.middleware_usd == Decimal(10)  # ten days started of 31
    assert f.projected_usd == Decimal(31)


def test_projection_uses_the_measured_run_rate_and_keeps_monitoring_apart() -> None:
    lead = integration(budget={"monthly_usd": 30}, ai={"provider": "anthropic", "model": "claude-sonnet-4-5"})
    elapsed = (MAY_10_NOON - month_of(MAY_10_NOON).start) / (31 * 86400)
    f = cost_figures(lead, production=10.0, canaries=0.3, evals=0.2, now=MAY_10_NOON, book=BOOK)
    assert f.month_to_date_usd == Decimal("10.5")
    assert float(f.projected_usd) == pytest.approx(10.5 / elapsed)
    assert f.over_budget  # $10.50 by day 9.5 of 31 projects about $34, over $30
    assert f.monitoring_usd == Decimal("0.5")
    assert f.basis is Basis.MEASURED


def test_with_no_runs_yet_the_projection_comes_from_volume() -> None:
    lead = integration(
        ai={"provider": "anthropic", "model": "claude-sonnet-4-5"},
        volume={"runs_per_month": 1000, "input_tokens_per_run": 1000, "output_tokens_per_run": 100},
    )
    f = cost_figures(lead, 0.0, 0.0, 0.0, MAY_10_NOON, BOOK)
    assert f.basis is Basis.VOLUME
    assert f.projected_usd == Decimal("4.5")  # 1M input at $3 + 100k output at $15


BUDGETED = """
version: 1
workspace: {name: t}
integrations:
  - name: leads
    title: Leads
    pattern: automation-bridge
    ai: {provider: anthropic, model: claude-sonnet-4-5}
    budget: {monthly_usd: 5}
    checks:
      - {kind: heartbeat, name: beat, period: 1h, token: "${PING_TOKEN}"}
"""


def test_budget_burn_is_a_degraded_state_and_an_incident(tmp_path: Path) -> None:
    path = tmp_path / "integrations.yaml"
    path.write_text(BUDGETED, encoding="utf-8")
    ws = load_workspace(path)
    now = clock.now()
    with open_store(tmp_path / "t.db") as store:
        record_pings(store, [PingRecord("leads", "beat", now, True, 1.0, cost_usd=20.0)], lambda _i, _t: False, now)
        record_results(store, [CheckResult("leads", "beat", "heartbeat", State.HEALTHY, "ok", "ok", now, None)])
        [row] = read_figures(ws.file, store, now, BOOK)
        assert row.cost.over_budget
        assert row.state == State.DEGRADED
        watcher = Watcher(ws.file, ws.systems, store, budget_every=0)
        for _ in range(3):  # the default failure threshold
            watcher.check_budgets(clock.now())
        [found] = incidents(store)
    assert (found.cause, found.integration) == ("budget", "leads")
    assert "against a budget of $5.00" in found.reason


def test_tether_costs_shows_the_gap_to_the_providers_figure(workspace: Path, sandbox: Sandbox) -> None:
    env = {"ANTHROPIC_ADMIN_BASE_URL": sandbox.url, "ANTHROPIC_ADMIN_API_KEY": "k", "OPENAI_ADMIN_KEY": ""}
    result = CliRunner().invoke(app, ["costs", "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [anthropic] = [p for p in data["providers"] if p["provider"] == "anthropic"]
    days = month_days_so_far(clock.now())
    reported = sum(billing.cents_to_usd(c) for c in ANTHROPIC_DAILY_CENTS) * days
    assert Decimal(anthropic["provider_usd"]) == reported
    assert anthropic["gap_usd"] == pytest.approx(float(Decimal(anthropic["our_estimate_usd"]) - reported), abs=1e-4)
    assert {r["integration"] for r in data["integrations"]} >= {"lead-intake-zapier", "crm-followup-email"}
    one = CliRunner().invoke(app, ["costs", "lead-intake-zapier", "--no-refresh"])
    assert one.exit_code == 0, one.output
    assert "lead-intake-zapier" in one.stdout and "crm-followup-email" not in one.stdout
    typo = CliRunner().invoke(app, ["costs", "lead-intake-zapeir", "--no-refresh"])
    assert typo.exit_code == 2
    assert "did you mean 'lead-intake-zapier'" in typo.stderr


def test_provider_figures_are_stored_exactly(tmp_path: Path) -> None:
    from tether.store.costs import DailyCost

    with open_store(tmp_path / "t.db") as store:
        save_provider_figures(store, [DailyCost("anthropic", "2026-05-01", Decimal("0.000001"))], [], 0)
        save_provider_figures(store, [DailyCost("anthropic", "2026-05-02", Decimal("1.2345"))], [], 0)
        save_provider_figures(store, [DailyCost("anthropic", "2026-04-30", Decimal("9"))], [], 0)
        assert provider_month_to_date(store, "2026-05") == {"anthropic": Decimal("1.234501")}
