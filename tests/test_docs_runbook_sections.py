"""Runbooks and documents an on-call person can trust: each failure under its own heading in the
right file with the right count, the configuration exactly as written, readiness as stored."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import BUNDLED
from tests.docs_support import lint, run_docs
from tether.checks.result import CheckResult
from tether.checks.states import State
from tether.store import open_store
from tether.store.readiness import Snapshot, record_readiness
from tether.store.results import record_results
from tether.workspace import load_workspace

T0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC
DB = ".tether/tether.db"


def _failed(integration: str, check: str, kind: str, at: float, category: str, reason: str) -> CheckResult:
    return CheckResult(integration, check, kind, State.DOWN, reason, category, at, None)


def _ok(integration: str, check: str, kind: str, at: float) -> CheckResult:
    return CheckResult(integration, check, kind, State.HEALTHY, "ok", "ok", at, 10.0)


def _sections(markdown: str) -> dict[str, str]:
    """Each `### N. Title` failure-mode section of a runbook, by title."""
    parts = re.split(r"^### \d+\. (.+)$", markdown, flags=re.M)
    return {title: body.split("\n## ", 1)[0] for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def _seed(workspace: Path) -> None:
    assert run_docs(workspace, db=DB).exit_code == 0  # creates and migrates the store
    with open_store(workspace / DB) as store:
        record_results(
            store,
            [
                # A heartbeat that never pinged, then two separate late episodes.
                _failed("lead-intake-zapier", "zap-ran", "heartbeat", T0, "no_data", "no ping received yet"),
                _ok("lead-intake-zapier", "zap-ran", "heartbeat", T0 + 60),
                _failed("lead-intake-zapier", "zap-ran", "heartbeat", T0 + 120, "missed_ping", "last ping 2h ago"),
                _ok("lead-intake-zapier", "zap-ran", "heartbeat", T0 + 180),
                _failed("lead-intake-zapier", "zap-ran", "heartbeat", T0 + 240, "missed_ping", "last ping 3h ago"),
                # n8n executions failing, one episode over two probes.
                _failed("lead-intake-n8n", "workflow-runs", "n8n", T0, "failed_run", "3/10 runs failed"),
                _failed("lead-intake-n8n", "workflow-runs", "n8n", T0 + 60, "failed_run", "4/10 runs failed"),
                # Claude overloaded twice.
                _failed("crm-followup-email", "claude-api", "anthropic", T0, "overloaded", "overloaded (HTTP 529)"),
                _ok("crm-followup-email", "claude-api", "anthropic", T0 + 60),
                _failed(
                    "crm-followup-email", "claude-api", "anthropic", T0 + 120, "overloaded", "overloaded (HTTP 529)"
                ),
            ],
        )
        checks = {"owner-set": "pass", "budget-set": "fail", "watched": "pass"}
        record_readiness(store, [Snapshot("lead-intake-zapier", 1, "pilot-ready", 72.0, checks)], T0 + 300)


def test_each_failure_lands_under_its_own_heading_with_its_count(workspace: Path) -> None:
    _seed(workspace)
    assert run_docs(workspace, db=DB).exit_code == 0
    reports = workspace / "reports"
    zapier = _sections((reports / "runbooks/lead-intake-zapier.md").read_text())
    # no_data and missed_ping of a heartbeat are three missed-heartbeat episodes, not n8n failures.
    assert "n8n execution failures" not in zapier
    assert "Seen 3 times, last at 2026-01-01 00:04 GMT: last ping 3h ago." in zapier["Heartbeat missed"]
    n8n = _sections((reports / "runbooks/lead-intake-n8n.md").read_text())
    assert "Seen 1 time, last at 2026-01-01 00:01 GMT: 4/10 runs failed." in n8n["n8n execution failures"]
    assert "Heartbeat missed" not in n8n  # it has no heartbeat check
    crm = _sections((reports / "runbooks/crm-followup-email.md").read_text())
    assert "Seen 2 times, last at 2026-01-01 00:02 GMT: overloaded (HTTP 529)." in crm["Provider overloaded"]
    for title, body in crm.items():
        if title != "Provider overloaded":
            assert "Seen " not in body, title  # nothing else was recorded for it
    assert lint(reports) == []


def test_modes_that_cannot_happen_are_named_in_one_line(workspace: Path) -> None:
    assert run_docs(workspace, db=":memory:").exit_code == 0
    runbook = (workspace / "reports/runbooks/lead-intake-zapier.md").read_text()
    headings = _sections(runbook)
    assert "n8n execution failures" not in headings
    line = " ".join(runbook.split("Not expected here", 1)[1].split("\n\n", 1)[0].split())
    assert "n8n execution failures" in line


def test_the_stored_readiness_fills_the_document_and_the_index(workspace: Path) -> None:
    _seed(workspace)
    assert run_docs(workspace, db=DB).exit_code == 0
    document = (workspace / "reports/integrations/lead-intake-zapier.md").read_text()
    readiness = document.split("## Readiness", 1)[1]
    assert "Level Pilot-ready, score 72/100, since 2026-01-01 00:05 GMT" in " ".join(readiness.split())
    # The one failing check, with its fix from rules/readiness.yaml; passing checks are not listed.
    assert "- **A monthly budget is set**: Set `budget.monthly_usd` so cost tracking" in readiness
    assert readiness.count("- **") == 1
    assert "Not measured yet" not in readiness
    index = (workspace / "reports/index.md").read_text()
    assert "| lead-intake-zapier | production |" in index and "Pilot-ready" in index


def _configuration_block(document: str) -> str:
    section = document.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return re.search(r"^```yaml\n(.*?)^```$", section, flags=re.M | re.S).group(1)  # type: ignore[union-attr]


def test_the_configuration_block_is_the_integrations_own_text(workspace: Path) -> None:
    assert run_docs(workspace, db=":memory:").exit_code == 0
    source = BUNDLED.read_text(encoding="utf-8")
    ws = load_workspace(workspace / "integrations.yaml")
    for n, integration in enumerate(ws.integrations):
        block = _configuration_block((workspace / f"reports/integrations/{integration.name}.md").read_text())
        # The item as written, with the comment above it, re-indented to column 1: every line is in the file.
        first = ws.located.values[("integrations", n)][0]
        assert f"- name: {integration.name}" in block
        for line in block.splitlines():
            assert any(raw.endswith(line) for raw in source.splitlines()), line
        assert "interval: 5m" in block or integration.name != "lead-intake-n8n"  # durations as written
        assert source.splitlines()[first - 1].strip() in block
    zapier = _configuration_block((workspace / "reports/integrations/lead-intake-zapier.md").read_text())
    assert "# (a) Automation bridge" in zapier  # the user's comment survives
    assert "token: ${ZAPIER_TOKEN}" in zapier  # a reference as written
    assert "kind: zapier" in zapier and "zap_id: 4021" in zapier


def test_urls_and_durations_read_as_written(workspace: Path) -> None:
    assert run_docs(workspace, db=":memory:").exit_code == 0
    runbook = (workspace / "reports/runbooks/lead-intake-zapier.md").read_text()
    assert "${TETHER_SANDBOX_URL" not in runbook.split("## Escalation")[0]
    assert "<https://status.zapier.com>" in runbook
    portal = (workspace / "reports/runbooks/support-portal-rag.md").read_text()
    assert "expects a ping every 15m (grace 5m)" in " ".join(portal.split())
    assert "POST http://127.0.0.1:8787/ping/support-portal-rag" in portal
    assert "Authorization: Bearer ${PORTAL_PING_TOKEN}" in portal


def test_the_on_call_section_says_how_spans_reach_tether(workspace: Path) -> None:
    """An integration whose runs are OpenTelemetry spans: the exporter's three standard variables, exactly."""
    assert run_docs(workspace, db=":memory:").exit_code == 0
    crm = (workspace / "reports/runbooks/crm-followup-email.md").read_text()
    on_call = " ".join(crm.split("## On call", 1)[1].split("\n## ", 1)[0].split())
    assert "`OTEL_SERVICE_NAME=crm-backend`" in on_call
    assert "`OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:8787`" in on_call
    assert "`OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer ${CRM_OTLP_TOKEN}`" in on_call
    zapier = (workspace / "reports/runbooks/lead-intake-zapier.md").read_text().split("## Overview")[0]
    assert "OTEL_" not in zapier  # only where the integration declares `telemetry:`


def test_incidents_and_the_quality_trend_are_in_the_document(workspace: Path) -> None:
    from tether.store.evals import CaseRecord, RunRecord, save_run
    from tether.store.incidents import open_incident, resolve_incident

    assert run_docs(workspace, db=DB).exit_code == 0
    with open_store(workspace / DB) as store:
        with store.transaction() as db:
            old = open_incident(
                db,
                "check:crm-followup-email/claude-api",
                "check",
                "overloaded (HTTP 529)",
                T0,
                integration="crm-followup-email",
                check="claude-api",
            )
            resolve_incident(db, old, T0 + 600)
            open_incident(
                db,
                "check:crm-followup-email/crm-webhook",
                "check",
                "HTTP 500",
                T0 + 900,
                integration="crm-followup-email",
                check="crm-webhook",
            )
        for n, passed in enumerate((1, 3)):  # 25 %, then 75 %
            cases = [CaseRecord(k, f"integrations.yaml:{k}", "passed" if k < passed else "failed") for k in range(4)]
            save_run(store, RunRecord("crm-followup-email", "follow-up-drafts", "m", T0 + n, T0 + n + 1, 0.9, cases))
    assert run_docs(workspace, db=DB).exit_code == 0
    document = (workspace / "reports/integrations/crm-followup-email.md").read_text()
    incidents = " ".join(document.split("### Incidents", 1)[1].split("### Quality", 1)[0].split())
    # The open one first, then the resolved ones, newest first.
    assert incidents.index("Incident 2 open, opened 2026-01-01 00:15 GMT: HTTP 500") < incidents.index(
        "Incident 1 resolved, opened 2026-01-01 00:00 GMT, resolved 2026-01-01 00:10 GMT: overloaded (HTTP 529)"
    )
    quality = " ".join(document.split("### Quality", 1)[1].split("## Readiness", 1)[0].split())
    assert "`follow-up-drafts`: 75.0% in run 2" in quality
    assert "against a target of 90.0%; before that 25.0%." in quality
    assert lint(workspace / "reports") == []
