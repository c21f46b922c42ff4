"""`tether rules list` and `tether rules copy` (issue 16, item 6): a packaged rules file copied into the
workspace to edit, and every message about a rules file saying which copy is in use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT
from tether.cli import app
from tether.registry.scaffold import RULES_README

PACKAGED = ROOT / "rules"
ZENDESK = "  - id: zendesk\n    name: Zendesk\n    kind: generic\n"


def with_source(workspace: Path, source: str) -> None:
    path = workspace / "integrations.yaml"
    text = path.read_text(encoding="utf-8")
    assert "source: web-form" in text
    path.write_text(text.replace("source: web-form", f"source: {source}", 1), encoding="utf-8")


def test_list_says_every_file_is_packaged_in_a_fresh_workspace(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {p.name for p in PACKAGED.glob("*.yaml")}
    assert {r["in_use"] for r in rows.values()} == {"packaged"}
    assert rows["systems.yaml"]["path"] == str((PACKAGED / "systems.yaml").resolve())


def test_copy_writes_the_packaged_file_and_it_is_then_the_one_in_use(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules", "copy", "systems"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "rules/systems.yaml\n"
    copied = workspace / "rules" / "systems.yaml"
    assert copied.read_bytes() == (PACKAGED / "systems.yaml").read_bytes()  # comments and all
    rows = {r["name"]: r for r in json.loads(runner.invoke(app, ["rules", "list", "--json"]).stdout)}
    assert rows["systems.yaml"]["in_use"] == "workspace"
    assert rows["systems.yaml"]["path"] == str(copied.resolve())
    assert rows["prices.yaml"]["in_use"] == "packaged"
    # the copy is what tether reads: a system added to it is known from then on
    with_source(workspace, "zendesk")
    assert runner.invoke(app, ["check"]).exit_code == 2
    copied.write_text(copied.read_text(encoding="utf-8").rstrip("\n") + "\n" + ZENDESK, encoding="utf-8")
    assert runner.invoke(app, ["check"]).exit_code == 0


def test_copy_refuses_to_overwrite_without_force(workspace: Path, runner: CliRunner) -> None:
    edited = workspace / "rules" / "prices.yaml"
    edited.parent.mkdir()
    edited.write_text("# my edits\n", encoding="utf-8")
    refused = runner.invoke(app, ["rules", "copy", "prices.yaml"])
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: rules/prices.yaml already exists and may hold your edits")
    assert "--force" in refused.stderr
    assert edited.read_text(encoding="utf-8") == "# my edits\n"
    forced = runner.invoke(app, ["rules", "copy", "prices", "--force"])
    assert forced.exit_code == 0, forced.output
    assert edited.read_bytes() == (PACKAGED / "prices.yaml").read_bytes()
    assert [p.name for p in edited.parent.iterdir()] == ["prices.yaml"]  # no temporary file left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rules", "copy", "sytems"], "error: no packaged rules file 'sytems' (did you mean 'systems'?); there are: "),
        (["rules", "copy", "README.md"], "error: no packaged rules file 'README.md'"),
    ],
)
def test_copy_of_an_unknown_file_exits_2(workspace: Path, runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message), result.stderr
    assert not (workspace / "rules").exists()


def test_copy_outside_a_workspace_exits_2(tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TETHER_FILE", raising=False)
    result = runner.invoke(app, ["rules", "copy", "systems"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no integrations.yaml here or in a folder above")
    assert not (tmp_path / "rules").exists()


def test_copy_works_when_integrations_yaml_is_broken(workspace: Path, runner: CliRunner) -> None:
    """The reason to copy systems.yaml is often the error it fixes: an unknown system."""
    with_source(workspace, "zendesk")
    assert runner.invoke(app, ["rules", "copy", "systems"]).exit_code == 0


def test_an_unknown_system_names_the_packaged_file_and_the_command(workspace: Path, runner: CliRunner) -> None:
    with_source(workspace, "zendesk")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2
    packaged = PACKAGED.resolve() / "systems.yaml"
    assert (
        f"unknown system 'zendesk' (did you mean 'helpdesk'?); the systems tether knows are listed in the packaged "
        f"{packaged} (this workspace has no rules/systems.yaml; `tether rules copy systems` makes one to add a system)"
    ) in result.stderr


def test_an_unknown_system_names_the_workspace_copy_when_there_is_one(workspace: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["rules", "copy", "systems"]).exit_code == 0
    with_source(workspace, "zendesk")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2
    assert (
        "the systems tether knows are listed in rules/systems.yaml (this workspace's copy; add a system there)"
    ) in result.stderr
    assert "packaged" not in result.stderr


def test_the_rules_readme_of_a_new_workspace_names_where_and_the_command(tmp_path: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    readme = (tmp_path / "rules" / "README.md").read_text(encoding="utf-8")
    assert readme == RULES_README
    assert "tether rules copy systems" in readme
    assert "tether rules list" in readme
    assert "`_rules/` folder of the `tether`" in readme


def test_list_outside_a_workspace_says_how_to_make_one(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TETHER_FILE", raising=False)
    result = runner.invoke(app, ["rules", "list"])
    assert result.exit_code == 0, result.output
    assert f"Packaged rules: {PACKAGED.resolve()}" in result.stdout
    assert "No workspace here: `tether init` makes one" in result.stdout
