"""`tether probe`, `tether ping` and `tether sandbox` as a user runs them, against the sandbox."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.probe_support import app_workspace, sandbox_env
from tether.cli import app
from tether.sandbox.server import Sandbox
from tether.store import open_store
from tether.store.results import count_results, latest_per_check


@pytest.fixture
def pointed(sandbox: Sandbox, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """The bundled workspace pointed at the sandbox, with stand-in keys."""
    monkeypatch.setenv("TETHER_SANDBOX_URL", sandbox.url)
    for name in ("ANTHROPIC_API_KEY", "N8N_API_KEY", "ZAPIER_TOKEN", "PORTAL_PING_TOKEN"):
        monkeypatch.setenv(name, "sandbox-key")
    return sandbox


def test_probe_json_has_one_object_per_check(pointed: Sandbox, runner: CliRunner) -> None:
    result = runner.invoke(app, ["probe", "--json"])
    rows = json.loads(result.stdout)
    assert result.exit_code == 1  # the portal has never pinged, Zapier has no run of the Zap: unknown
    assert {(r["integration"], r["check"]) for r in rows} >= {
        ("crm-followup-email", "claude-api"),
        ("lead-intake-n8n", "workflow-runs"),
        ("lead-intake-zapier", "zap-runs"),
        ("support-portal-rag", "answered"),
    }
    for row in rows:
        assert set(row) >= {"integration", "check", "kind", "state", "reason", "latency_ms", "conditions", "metrics"}
    n8n = next(r for r in rows if r["kind"] == "n8n")
    assert set(n8n["metrics"]) >= {"runs", "successes", "success_rate", "p50_ms", "p95_ms"}
    webhook = next(r for r in rows if r["check"] == "crm-webhook")
    assert webhook["conditions"][0] == {"condition": "[STATUS] == 202", "ok": True, "actual": "202"}


def test_probe_named_integration_exits_0_when_healthy(pointed: Sandbox, runner: CliRunner) -> None:
    result = runner.invoke(app, ["probe", "crm-followup-email"])
    assert result.exit_code == 0, result.stdout
    assert "healthy" in result.stdout


def test_probe_exits_1_when_a_check_is_down(pointed: Sandbox, runner: CliRunner) -> None:
    pointed.add_fault(route="/crm/webhook", status=500)
    result = runner.invoke(app, ["probe", "crm-followup-email/crm-webhook", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["state"] == "down"


def test_unknown_name_is_bad_input(pointed: Sandbox, runner: CliRunner) -> None:
    result = runner.invoke(app, ["probe", "crm-folowup-email"])
    assert result.exit_code == 2
    assert "did you mean 'crm-followup-email'" in result.stderr


def test_ping_makes_the_heartbeat_healthy(pointed: Sandbox, runner: CliRunner) -> None:
    assert runner.invoke(app, ["probe", "support-portal-rag/answered"]).exit_code == 1
    pinged = runner.invoke(app, ["ping", "support-portal-rag", "--duration", "3.5"])
    assert pinged.exit_code == 0, pinged.stderr
    result = runner.invoke(app, ["probe", "support-portal-rag/answered", "--json"])
    row = json.loads(result.stdout)[0]
    assert (result.exit_code, row["state"], row["metrics"]["duration_s"]) == (0, "healthy", 3.5)
    runner.invoke(app, ["ping", "support-portal-rag", "--fail"])
    row = json.loads(runner.invoke(app, ["probe", "support-portal-rag/answered", "--json"]).stdout)[0]
    assert (row["state"], row["category"]) == ("down", "failed_run")


def test_ping_needs_a_heartbeat_check(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["ping", "hubspot-ai-scoring"])
    assert result.exit_code == 2
    assert "has no heartbeat check" in result.stderr


def test_probe_with_the_demo_scenario_shows_every_state(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["probe", "--sandbox", "--scenario", "demo", "--json"], env={"ANTHROPIC_API_KEY": ""})
    rows = json.loads(result.stdout)
    by_integration: dict[str, set[str]] = {}
    for row in rows:
        by_integration.setdefault(row["integration"], set()).add(row["state"])
    assert by_integration["crm-followup-email"] == {"healthy"}
    assert "degraded" in by_integration["hubspot-ai-scoring"]
    assert "down" in by_integration["support-portal-rag"]
    assert "unknown" in by_integration["lead-intake-zapier"]
    assert result.exit_code == 1


def test_a_bad_scenario_is_a_located_error(workspace: Path, runner: CliRunner) -> None:
    (workspace / "bad.yaml").write_text("faults:\n  - route: /x\n    stauts: 500\n", encoding="utf-8")
    result = runner.invoke(app, ["probe", "--scenario", "bad.yaml"])
    assert result.exit_code == 2
    assert result.stderr.startswith("bad.yaml:3:5: faults[0].stauts: unknown key 'stauts' (did you mean 'status'?)")


def test_watch_stops_cleanly_on_ctrl_c(sandbox: Sandbox, tmp_path: Path) -> None:
    app_workspace(tmp_path, "health", "crm", interval="2s", timeout="1.8s")
    env = sandbox_env(sandbox)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tether", "probe", "--watch"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    db = tmp_path / ".tether" / "tether.db"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and sandbox.requests["/crm/health"] < 2:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "stopped" in err and "Traceback" not in err
    assert "app/health  healthy" in out
    with open_store(db) as store:
        assert store.integrity_ok()
        stored = count_results(store)
        assert stored >= 2
        assert {r["check"] for r in latest_per_check(store)} == {"health", "crm"}


@pytest.mark.parametrize(("given", "seconds"), [("2.5s", 2.5), ("250ms", 0.25), ("1m", 60.0), ("3.5", 3.5)])
def test_ping_duration_takes_units(pointed: Sandbox, runner: CliRunner, given: str, seconds: float) -> None:
    pinged = runner.invoke(app, ["ping", "support-portal-rag", "--duration", given])
    assert pinged.exit_code == 0, pinged.stderr
    row = json.loads(runner.invoke(app, ["probe", "support-portal-rag/answered", "--json"]).stdout)[0]
    assert row["metrics"]["duration_s"] == seconds
