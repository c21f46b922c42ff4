"""Documents fed by the store: runbooks ordered by each integration's own history, live figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs_support import lint, read_tree, run_docs
from tether.checks.result import CheckResult
from tether.checks.states import State
from tether.store import open_store
from tether.store.incidents import open_incident, resolve_incident
from tether.store.results import record_results
from tether.store.rollups import Sample, record_samples

T0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC
DB = ".tether/tether.db"


def _result(
    check: str, at: float, category: str, integration: str = "lead-intake-zapier", kind: str = "heartbeat"
) -> CheckResult:
    state = State.HEALTHY if category == "ok" else State.DOWN
    return CheckResult(integration, check, kind, state, "" if category == "ok" else category, category, at, None)


def _headings(text: str) -> list[str]:
    return re.findall(r"^### \d+\. (.+)$", text, flags=re.MULTILINE)


@pytest.fixture
def store_path(workspace: Path) -> Path:
    assert run_docs(workspace, db=DB).exit_code == 0  # creates and migrates the store
    return workspace / DB


def test_runbook_puts_the_most_frequent_failures_first(workspace: Path, store_path: Path) -> None:
    # Three separate episodes of missed pings (a run of failures counts once), one of config.
    categories = ["missed_ping", "missed_ping", "ok", "missed_ping", "ok", "config", "ok", "missed_ping", "ok"]
    with open_store(store_path) as store:
        portal = "support-portal-rag"
        record_results(store, [_result("answered", T0 + 60 * n, c, portal) for n, c in enumerate(categories)])
    assert run_docs(workspace, db=DB).exit_code == 0
    runbook = (workspace / "reports/runbooks/support-portal-rag.md").read_text()
    headings = _headings(runbook)
    assert headings[:3] == ["Heartbeat missed", "Missing or invalid configuration", "Vendor outage"]
    # Each with the reason as it was recorded the last time.
    assert "Seen 3 times, last at 2026-01-01 00:07 GMT: missed_ping." in runbook
    assert "Seen 1 time, last at 2026-01-01 00:05 GMT: config." in runbook
    # Another integration with no history keeps the fixed order.
    other = (workspace / "reports/runbooks/lead-intake-n8n.md").read_text()
    assert _headings(other)[0] == "Vendor outage"
    assert "No failures recorded yet" in other


def test_incidents_count_once_each_and_vendor_incidents_count_for_the_affected(
    workspace: Path, store_path: Path
) -> None:
    with open_store(store_path) as store, store.transaction() as db:
        for n in range(2):
            incident = open_incident(
                db, f"rl-{n}", "check", "429", T0 + n, integration="crm-followup-email", category="rate_limited"
            )
            resolve_incident(db, incident, T0 + n + 30)
        open_incident(db, "auth", "check", "401", T0 + 5, integration="crm-followup-email", category="auth")
        for n in range(3):
            vendor = open_incident(
                db,
                f"vendor-{n}",
                "vendor",
                "major outage",
                T0 + 100 + n,
                vendor="anthropic",
                category="vendor_major",
                affected=["crm-followup-email", "support-portal-rag"],
            )
            resolve_incident(db, vendor, T0 + 200 + n)
        open_incident(db, "odd", "check", "?", T0 + 9, integration="crm-followup-email", category="mystery")
    assert run_docs(workspace, db=DB).exit_code == 0
    runbook = (workspace / "reports/runbooks/crm-followup-email.md").read_text()
    assert _headings(runbook)[:3] == ["Vendor outage", "Rate limit reached", "Bad or revoked API key"]
    assert "### Other recorded failures" in runbook
    assert "`mystery`: 1 time" in runbook
    assert _headings((workspace / "reports/runbooks/support-portal-rag.md").read_text())[0] == "Vendor outage"
    assert lint(workspace / "reports") == []


def test_live_figures_come_from_the_store_and_repeat_byte_for_byte(workspace: Path, store_path: Path) -> None:
    with open_store(store_path) as store:
        record_results(store, [_result("zap-runs", T0 + 3600 * 24 * 9, "read_timeout", kind="zapier")])
        samples = [
            Sample("lead-intake-zapier", "zap-runs", T0 + 3600 * 24 * 9 - 60 * n, n % 4 != 0, 100.0 + n, cost_usd=0.5)
            for n in range(40)
        ]
        record_samples(store, samples, T0 + 3600 * 24 * 9)
    assert run_docs(workspace, "--out", "one", db=DB).exit_code == 0
    document = (workspace / "one/integrations/lead-intake-zapier.md").read_text()
    assert "As of 2026-01-10 00:00 GMT, state down." in document
    assert "- success rate (7 days): 75.00% of 40 probes (no runs recorded) over 7 days" in document
    # $20 of model spend, and the Zapier plan ($69 a month) prorated for 10 days started of 31.
    assert "- cost this month: $42.26 (model $20.00, monitoring $0.00, middleware $22.26)" in document
    assert "- budget: $120.00 a month" in document
    assert "Current state: down (read_timeout) at 2026-01-10 00:00 GMT." in document
    index = (workspace / "one/index.md").read_text()
    assert "| lead-intake-zapier | production | down | not assessed | $42.26 / $120.00 |" in index
    assert run_docs(workspace, "--out", "two", db=DB).exit_code == 0
    assert read_tree(workspace / "one") == read_tree(workspace / "two")
    assert lint(workspace / "one") == []


ANSWERS = """dev_resources: {dev}
workflow_complexity: {complexity}
systems_touched: 3
monthly_volume: 1200
latency: background
budget: budget_moderate
business_tools: [hubspot]
team_size: 12
middleware: middleware_zapier
data_sensitivity: data_internal
self_hosting: self_host_no
use_case: Score website leads and draft replies
ai_provider: provider_anthropic
"""


def test_assessment_roadmap_and_decision_records_follow_the_latest_milestone(workspace: Path) -> None:
    from typer.testing import CliRunner

    from tether.cli import app

    for n, (dev, complexity) in enumerate([("dev_none", "simple"), ("dev_team", "complex")]):
        answers = workspace / f"answers-{n}.yaml"
        answers.write_text(ANSWERS.format(dev=dev, complexity=complexity), encoding="utf-8")
        advised = CliRunner().invoke(
            app, ["--file", str(workspace / "integrations.yaml"), "advise", "--answers", str(answers)]
        )
        assert advised.exit_code == 0, advised.output
    assert run_docs(workspace).exit_code == 0
    reports = workspace / "reports"
    assessment = (reports / "assessment.md").read_text()
    assert "Milestone 2, recorded" in assessment
    assert "Primary: **Custom AI application**" in assessment
    assert "## What changed" in assessment
    assert "Since milestone 1" in assessment
    assert "- Recommendation: Automation bridge → Custom AI application" in assessment
    roadmap = (reports / "roadmap.md").read_text()
    assert "From milestone 2" in roadmap
    assert "## Month 1:" in roadmap
    decision = (reports / "integrations/lead-intake-zapier.md").read_text()
    assert "The latest assessment (milestone 2," in decision
    assert "This differs from the latest assessment" in decision
    assert lint(reports) == []
