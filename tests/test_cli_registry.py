"""The registry commands through Typer's CliRunner, in a scratch folder."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tether.cli import app


def test_list_shows_the_five_bundled_integrations(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    for name in (
        "lead-intake-zapier",
        "crm-followup-email",
        "hubspot-ai-scoring",
        "support-portal-rag",
        "lead-intake-n8n",
    ):
        assert name in result.output
    assert (workspace / ".tether" / "tether.db").exists()


def test_list_json(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["list", "--json"])
    rows = json.loads(result.output)
    assert [r["pattern"] for r in rows] == [
        "automation-bridge",
        "direct-api",
        "native-feature",
        "custom-app",
        "automation-bridge",
    ]
    assert rows[0]["owner"] == "maria.lopez@acme.example"
    assert rows[0]["lifecycle"] == "production"


def test_db_option_and_env_choose_the_store(workspace: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["--db", "elsewhere.db", "list"]).exit_code == 0
    assert (workspace / "elsewhere.db").exists()
    assert runner.invoke(app, ["list"], env={"TETHER_DB": str(workspace / "env.db")}).exit_code == 0
    assert (workspace / "env.db").exists()


def test_bad_input_exits_2_with_located_lines_and_no_traceback(workspace: Path, runner: CliRunner) -> None:
    path = workspace / "integrations.yaml"
    path.write_text(path.read_text().replace("pattern: direct-api", "pattern: direct_api"))
    for command in (["list"], ["check"], ["list", "--json"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2
        assert result.stderr.startswith("integrations.yaml:")
        assert "did you mean 'direct-api'" in result.stderr
        assert "Traceback" not in result.output
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_missing_file_exits_2(tmp_path: Path, runner: CliRunner, monkeypatch: object) -> None:
    import os

    os.chdir(tmp_path)
    result = runner.invoke(app, ["list"], env={"TETHER_FILE": ""})
    assert result.exit_code == 2
    assert "run `tether init`" in result.stderr


def test_check_findings_exit_1_and_clean_exits_0(workspace: Path, runner: CliRunner) -> None:
    path = workspace / "integrations.yaml"
    text = path.read_text()
    path.write_text(text.replace("    owner: dev-team@acme.example\n", ""))
    result = runner.invoke(app, ["check", "--json"])
    findings = json.loads(result.output)["findings"]
    assert result.exit_code == 1
    assert any("crm-followup-email is in pilot without an owner" in f["message"] for f in findings)
    init_dir = workspace / "fresh"
    assert runner.invoke(app, ["init", str(init_dir)]).exit_code == 0
    clean = runner.invoke(app, ["--file", str(init_dir / "integrations.yaml"), "check"])
    assert clean.exit_code == 0, clean.output


def test_init_scaffolds_and_never_overwrites(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["init", str(tmp_path), "--name", "Ops: Team"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "integrations.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=./integrations.schema.json")
    assert json.loads((tmp_path / "integrations.schema.json").read_text())["title"] == "tether integrations.yaml"
    assert (tmp_path / "rules").is_dir()
    assert ".tether/" in (tmp_path / ".gitignore").read_text()
    again = runner.invoke(app, ["init", str(tmp_path)])
    assert again.exit_code == 2
    assert "never overwrites" in again.stderr
    assert (tmp_path / "integrations.yaml").read_text() == text


def test_add_with_flags_asks_nothing(workspace: Path, runner: CliRunner) -> None:
    before = (workspace / "integrations.yaml").read_text()
    result = runner.invoke(
        app,
        [
            "add",
            "--name",
            "invoice-triage",
            "--title",
            "Invoice triage",
            "--pattern",
            "direct-api",
            "--provider",
            "anthropic",
            "--model",
            "claude-haiku-4-5",
            "--destination",
            "email",
            "--destination",
            "spreadsheet",
            "--owner",
            "finance@acme.example",
            "--budget",
            "25",
        ],
        input="",
    )
    assert result.exit_code == 0, result.output
    after = (workspace / "integrations.yaml").read_text()
    assert after.startswith(before.rstrip("\n"))
    listed = json.loads(runner.invoke(app, ["list", "--json"]).output)
    assert listed[-1]["name"] == "invoice-triage" and listed[-1]["owner"] == "finance@acme.example"


def test_add_prompts_for_what_is_missing(workspace: Path, runner: CliRunner) -> None:
    answers = (
        "\n".join(
            [
                "ticket-summary",
                "Ticket summaries",
                "native-feature",
                "pilot",
                "support@acme.example",
                "ticket opened",
                "support-portal",
                "anthropic",
                "claude-haiku-4-5",
                "slack, email",
                "",  # Claude's status page: the default, yes
                "yes",  # the free API check
                "no",  # Slack's status page
            ]
        )
        + "\n"
    )
    result = runner.invoke(app, ["add"], input=answers)
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["list", "--json"]).output)
    assert listed[-1]["name"] == "ticket-summary" and listed[-1]["lifecycle"] == "pilot"
    assert listed[-1]["checks"] == 2


def test_add_without_answers_fails_cleanly(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["add"], input="")
    assert result.exit_code == 2
    assert "pass it as a flag" in result.stderr


def test_add_bad_value_exits_2_and_writes_nothing(workspace: Path, runner: CliRunner) -> None:
    before = (workspace / "integrations.yaml").read_text()
    result = runner.invoke(app, ["add", "--name", "x", "--title", "X", "--pattern", "direct_api"])
    assert result.exit_code == 2
    assert "did you mean 'direct-api'" in result.stderr
    assert (workspace / "integrations.yaml").read_text() == before


def test_schema_is_json_schema_of_the_file(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.output)
    assert schema["title"] == "tether integrations.yaml"
    assert set(schema["required"]) == {"version", "workspace"}
    integration = schema["$defs"]["Integration"]
    assert integration["additionalProperties"] is False
    assert "pattern" in integration["required"]


def test_bundled_schema_file_is_fresh(runner: CliRunner) -> None:
    from .conftest import ROOT

    committed = (ROOT / "docs" / "integrations.schema.json").read_text()
    assert committed == runner.invoke(app, ["schema"]).output, "run: tether schema -o docs/integrations.schema.json"


def test_version_and_help(runner: CliRunner) -> None:
    assert runner.invoke(app, ["--version"]).output.startswith("tether ")
    help_text = runner.invoke(app, ["--help"]).output
    for command in ("init", "check", "list", "add", "schema"):
        assert command in help_text


def test_a_secret_value_pasted_into_free_text_never_reaches_the_store(
    workspace: Path, runner: CliRunner, monkeypatch: object
) -> None:
    canary = "canary-7f3a9c1e55d0"
    path = workspace / "integrations.yaml"
    text = path.read_text().replace(
        "    tags: [sales, crm]", f"    tags: [sales, crm]\n    trigger: clicked by user {canary} in the CRM", 1
    )
    text = text.replace('    trigger: account manager clicks "Generate follow-up email"\n', "", 1)
    path.write_text(text)
    result = runner.invoke(app, ["list"], env={"ZAPIER_TOKEN": canary})
    assert result.exit_code == 0, result.output
    stored = b"".join(p.read_bytes() for p in (workspace / ".tether").iterdir())
    assert canary.encode() not in stored
    assert b"[redacted]" in stored
