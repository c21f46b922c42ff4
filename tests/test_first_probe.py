"""After `init` and `add` the next step is printed; `tether check` says what a first probe still lacks:
unset variables, and heartbeats nobody pings yet with the exact call (token as `$VAR`, never its value)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tether.cli import app

from .test_add_checks import SCRIPTED

BRIDGE = ["add", *SCRIPTED, "--check", "heartbeat", "--check", "anthropic", "--check", "statuspage"]
TOKEN_VALUE = "ping-token-value-9c41e2"


@pytest.fixture
def fresh(tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("TETHER_FILE", "TETHER_DB", "ANTHROPIC_API_KEY", "LEAD_INTAKE_PING_TOKEN", "TETHER_SANDBOX_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_init_names_the_next_command(fresh: Path, runner: CliRunner) -> None:
    here = runner.invoke(app, ["init", "."])
    assert here.output.splitlines()[-1] == (
        "next: run `tether add`: it asks what the integration does and writes the checks that fit it"
    )
    elsewhere = runner.invoke(app, ["init", "team"])
    assert elsewhere.output.splitlines()[-1].startswith("next: `cd team`, then run `tether add`")


def test_a_fresh_workspace_holds_no_placeholder_integration(fresh: Path, runner: CliRunner) -> None:
    runner.invoke(app, ["init", "."])
    assert json.loads(runner.invoke(app, ["list", "--json"]).output) == []
    assert runner.invoke(app, ["check"]).exit_code == 0


def test_add_prints_what_to_set_and_run(fresh: Path, runner: CliRunner) -> None:
    runner.invoke(app, ["init", "."])
    result = runner.invoke(app, BRIDGE)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    written = (fresh / "integrations.yaml").read_text().splitlines()
    line = written.index("  - name: lead-intake") + 1
    assert lines[0] == (
        f"added lead-intake to integrations.yaml (line {line}) with 4 checks "
        "(zapier-status, zap-ran, anthropic-status, anthropic-api)"
    )
    assert lines[1:5] == [
        "next:",
        "  - set LEAD_INTAKE_PING_TOKEN (read by lead-intake/zap-ran)",
        "  - set ANTHROPIC_API_KEY (read by lead-intake/anthropic-api)",
        "  - lead-intake/zap-ran: no ping yet; make the Zap's last step call this, with `tether serve` running "
        "(tether serve's default address: set workspace.serve_url to where your automations reach it):",
    ]
    assert lines[5] == (
        '      curl -fsS -X POST -H "Authorization: Bearer $LEAD_INTAKE_PING_TOKEN" http://127.0.0.1:8787/ping/lead-intake'
    )
    assert lines[6:] == [
        "  - run `tether check`, then `tether probe lead-intake`",
        "  - or rehearse it now on the loopback sandbox, no keys needed: `tether probe --sandbox lead-intake`",
    ]


def test_check_lists_what_is_missing_until_it_is_there(fresh: Path, runner: CliRunner) -> None:
    runner.invoke(app, ["init", "."])
    path = fresh / "integrations.yaml"
    path.write_text(
        path.read_text().replace(
            "  # serve_url: https://tether.example.com", "  serve_url: https://tether.acme.example"
        )
    )
    assert runner.invoke(app, BRIDGE).exit_code == 0

    first = json.loads(runner.invoke(app, ["check", "--json"]).output)["missing_for_first_probe"]
    assert [(m["what"], m.get("variable") or m.get("check")) for m in first] == [
        ("unset-variable", "LEAD_INTAKE_PING_TOKEN"),
        ("unset-variable", "ANTHROPIC_API_KEY"),
        ("no-ping", "zap-ran"),
    ]
    assert first[2]["command"] == (
        'curl -fsS -X POST -H "Authorization: Bearer $LEAD_INTAKE_PING_TOKEN" '
        "https://tether.acme.example/ping/lead-intake"
    )

    env = {"LEAD_INTAKE_PING_TOKEN": TOKEN_VALUE, "ANTHROPIC_API_KEY": "sk-ant-api03-not-a-real-key-0000"}
    words = runner.invoke(app, ["check"], env=env)
    assert words.exit_code == 0  # nothing missing is a finding: a CI without the keys still passes
    assert "missing" not in words.stdout  # stdout is the findings and the summary; the advice goes to stderr
    assert words.stderr.splitlines()[:3] == [
        "missing for a first probe:",
        "  - lead-intake/zap-ran: no ping yet; make the Zap's last step call this, with `tether serve` running:",
        '      curl -fsS -X POST -H "Authorization: Bearer $LEAD_INTAKE_PING_TOKEN" '
        "https://tether.acme.example/ping/lead-intake",
    ]
    assert TOKEN_VALUE not in words.output and "sk-ant-api03" not in words.output

    assert runner.invoke(app, ["ping", "lead-intake"], env=env).exit_code == 0
    after = runner.invoke(app, ["check", "--json"], env=env)
    assert json.loads(after.output)["missing_for_first_probe"] == []
    assert "missing for a first probe" not in runner.invoke(app, ["check"], env=env).output


def test_a_default_in_a_reference_is_never_missing(fresh: Path, runner: CliRunner) -> None:
    runner.invoke(app, ["init", "."])
    assert runner.invoke(app, ["add", *SCRIPTED, "--check", "statuspage"]).exit_code == 0
    # ${TETHER_SANDBOX_URL:-https:/} has a default: the real host.
    assert json.loads(runner.invoke(app, ["check", "--json"]).output)["missing_for_first_probe"] == []


def test_check_leaves_no_store_behind(fresh: Path, runner: CliRunner) -> None:
    runner.invoke(app, ["init", "."])
    runner.invoke(app, BRIDGE)
    runner.invoke(app, ["check"])
    assert not (fresh / ".tether" / "tether.db").exists()


def test_the_rehearsal_add_names_runs_with_no_keys(fresh: Path, runner: CliRunner) -> None:
    runner.invoke(app, ["init", "."])
    added = runner.invoke(app, ["add", *SCRIPTED, "--check", "statuspage", "--check", "anthropic"])
    rehearsal = "`tether probe --sandbox lead-intake`"
    assert rehearsal in added.output
    probed = runner.invoke(app, ["probe", "--sandbox", "lead-intake", "--json"])
    assert probed.exit_code == 0, probed.output
    assert sorted((r["check"], r["state"]) for r in json.loads(probed.stdout)) == [
        ("anthropic-api", "healthy"),
        ("anthropic-status", "healthy"),
        ("zapier-status", "healthy"),
    ]
