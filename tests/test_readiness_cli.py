"""`tether readiness`, `tether eval` and `tether check --min-level` on the bundled example."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT
from tether.cli import app

NO_KEY = {"ANTHROPIC_API_KEY": ""}


def readiness(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["readiness", "--json", *args])
    assert result.exit_code == 0, result.output
    return {card["name"]: card for card in json.loads(result.stdout)}


def checks(card: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["result"] for c in card["checks"]}


def test_the_bundled_example_shows_different_levels_with_fixes(workspace: Path, runner: CliRunner) -> None:
    cards = readiness(runner)
    assert {name: card["level_id"] for name, card in cards.items()} == {
        "lead-intake-zapier": "pilot-ready",
        "crm-followup-email": "not-ready",
        "hubspot-ai-scoring": "pilot-ready",
        "support-portal-rag": "not-ready",
        "lead-intake-n8n": "not-ready",
    }
    assert len({card["score"] for card in cards.values()}) > 1
    crm = next(c for c in cards["crm-followup-email"]["checks"] if c["id"] == "error-handling-planned")
    assert crm["result"] == "fail"
    assert "Plan each scenario under `error_handling:`" in crm["message"]
    assert "missing malformed input" in crm["message"]
    hubspot = checks(cards["hubspot-ai-scoring"])
    assert hubspot["alert-channel"] == "exempt"
    assert hubspot["samples-defined"] == "skipped"  # a native feature has no prompt to sample
    assert checks(cards["lead-intake-n8n"])["pattern-fits-advice"] == "pass"  # its reason is recorded
    assert checks(cards["lead-intake-zapier"])["pattern-fits-advice"] == "not-measured"
    for card in cards.values():
        assert set(card) >= {"name", "level", "score", "checks"}
        assert all(set(c) >= {"id", "result", "message"} for c in card["checks"])


def test_one_integration_in_words(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["readiness", "crm-followup-email"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "crm-followup-email  Not ready (0/3)  score 47/100  [direct-api, pilot]"
    assert lines[1] == "  1 check to reach Pilot-ready"
    assert lines[2].startswith("  FAIL         L1  error-handling-planned  Plan each scenario")
    assert "not measured L2  success-rate" in result.stdout
    assert "run `tether probe --watch`" in result.stdout


def test_an_unknown_name_is_exit_2(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["readiness", "crm-folowup-email"])
    assert result.exit_code == 2
    assert "did you mean 'crm-followup-email'" in result.stderr


@pytest.mark.parametrize(
    ("level", "code", "below"),
    [
        ("production-ready", 1, ["lead-intake-zapier", "hubspot-ai-scoring"]),
        ("2", 1, ["lead-intake-zapier", "hubspot-ai-scoring"]),
        ("pilot-ready", 0, []),
        ("not-ready", 0, []),
    ],
)
def test_check_min_level_gates_production_integrations(
    workspace: Path, runner: CliRunner, level: str, code: int, below: list[str]
) -> None:
    result = runner.invoke(app, ["check", "--min-level", level, "--json"])
    assert result.exit_code == code, result.output
    report = json.loads(result.stdout)
    assert [b["name"] for b in report["below_min_level"]] == below
    assert report["findings"] == []


def test_check_min_level_says_why_in_words(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "--min-level", "production-ready"])
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "lead-intake-zapier is in production at Pilot-ready (score 56), below Production-ready; first gap: "
    )
    # The level spelled as everywhere else (its title), though typed as its id.
    assert "5 integrations, 0 findings, 2 in production below Production-ready" in result.stderr


def test_check_without_min_level_is_unchanged(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "--json"])
    assert result.exit_code == 0
    assert "below_min_level" not in json.loads(result.stdout)


def test_an_unknown_level_is_exit_2(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "--min-level", "prod"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no readiness level 'prod'; levels: not-ready (0), pilot-ready (1)")


def test_a_bad_workspace_ladder_is_a_located_error(workspace: Path, runner: CliRunner) -> None:
    (workspace / "rules").mkdir()
    shutil.copy(ROOT / "rules" / "readiness.yaml", workspace / "rules" / "readiness.yaml")
    path = workspace / "rules" / "readiness.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("when: owner_set", "when: owner_set &&"), encoding="utf-8")
    result = runner.invoke(app, ["readiness"])
    assert result.exit_code == 2
    assert result.stderr.startswith("rules/readiness.yaml:")
    assert "checks[0].when: rule syntax: expected a choice id, `!` or `(`, found the end of the rule" in result.stderr


def test_an_exemption_for_no_such_check_is_a_located_error(workspace: Path, runner: CliRunner) -> None:
    path = workspace / "integrations.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("check: alert-channel", "check: alert-channels"), encoding="utf-8"
    )
    result = runner.invoke(app, ["readiness"])
    assert result.exit_code == 2
    assert "exemptions[0].check: no readiness check 'alert-channels' (did you mean 'alert-channel'?)" in result.stderr


def test_eval_on_the_bundled_example_feeds_readiness(workspace: Path, runner: CliRunner) -> None:
    (workspace / "docs" / "examples").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "examples" / "lead-samples.csv", workspace / "docs" / "examples")
    result = runner.invoke(app, ["eval", "--sandbox", "--scenario", "demo", "--json"], env=NO_KEY)
    assert result.exit_code == 1, result.output  # the CRM drafts fall short of their target
    runs = {run["integration"]: run for run in json.loads(result.stdout)}
    assert runs["lead-intake-zapier"]["pass_rate"] == 1.0
    assert runs["lead-intake-zapier"]["cases"] == 5
    assert runs["lead-intake-zapier"]["cost_usd"] > 0
    assert runs["crm-followup-email"]["pass_rate"] == 0.5
    failed = [a for r in runs["crm-followup-email"]["results"] for a in r["assertions"] if not a["passed"]]
    assert failed == [{"kind": "icontains", "passed": False, "detail": "does not contain 'Priya'"}]
    cards = readiness(runner)
    assert checks(cards["lead-intake-zapier"])["quality-on-target"] == "pass"
    crm = next(c for c in cards["crm-followup-email"]["checks"] if c["id"] == "quality-on-target")
    assert crm["result"] == "fail"
    assert "suite follow-up-drafts: 50.0% against a target of 90%" in crm["message"]


def test_eval_without_the_sample_file_reports_it_and_goes_on(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["eval", "lead-intake-zapier", "--sandbox", "--scenario", "demo"], env=NO_KEY)
    assert result.exit_code == 1
    assert "integrations[0].samples[0].file: no sample file at docs/examples/lead-samples.csv" in result.stderr


def test_eval_with_nothing_to_run_is_exit_2(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["eval", "hubspot-ai-scoring"])
    assert result.exit_code == 2
    assert "no sample suites to run" in result.stderr


def test_eval_without_a_key_records_why(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["eval", "crm-followup-email"], env=NO_KEY)
    assert result.exit_code == 1
    assert "stopped: no API key: set ANTHROPIC_API_KEY" in result.stdout


def test_check_lints_the_ladder_and_the_exemptions(workspace: Path, runner: CliRunner) -> None:
    path = workspace / "integrations.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("check: alert-channel", "check: alert-channels"), encoding="utf-8"
    )
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    [finding] = result.stdout.splitlines()
    assert finding.startswith("integrations.yaml:")
    assert finding.endswith(
        "no readiness check 'alert-channels' (did you mean 'alert-channel'?); `tether readiness` lists them"
    )
