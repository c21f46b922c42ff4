"""`tether docs`: the full set, byte-identical re-runs, --check, stale files, template overrides."""

from __future__ import annotations

from pathlib import Path

from tests.docs_support import lint, read_tree, run_docs
from tether.docs.render import HEADER

BUNDLED_FILES = {
    "index.md",
    "assessment.md",
    "roadmap.md",
    "decision-table.md",
    *(
        f"{folder}/{name}.md"
        for folder in ("integrations", "runbooks")
        for name in (
            "lead-intake-zapier",
            "crm-followup-email",
            "hubspot-ai-scoring",
            "support-portal-rag",
            "lead-intake-n8n",
        )
    ),
}


def test_writes_the_full_set_beside_integrations_yaml(workspace: Path) -> None:
    result = run_docs(workspace)
    assert result.exit_code == 0, result.output
    files = read_tree(workspace / "reports")
    assert set(files) >= BUNDLED_FILES
    for name, data in files.items():
        assert data.decode("utf-8").splitlines()[0] == HEADER, name


def test_same_inputs_give_byte_identical_output(workspace: Path) -> None:
    assert run_docs(workspace, "--out", "one").exit_code == 0
    assert run_docs(workspace, "--out", "two").exit_code == 0
    assert read_tree(workspace / "one") == read_tree(workspace / "two")
    again = run_docs(workspace, "--out", "one", "--json")
    assert '"written": []' in again.output


def test_check_is_clean_right_after_and_names_the_file_after_an_edit(workspace: Path) -> None:
    assert run_docs(workspace).exit_code == 0
    clean = run_docs(workspace, "--check")
    assert clean.exit_code == 0, clean.output
    assert "up to date" in clean.output

    path = workspace / "integrations.yaml"
    path.write_text(
        path.read_text().replace("title: HubSpot AI lead scoring and content", "title: HubSpot AI scoring"),
        encoding="utf-8",
    )
    stale = run_docs(workspace, "--check")
    assert stale.exit_code == 1
    assert "stale: reports/integrations/hubspot-ai-scoring.md" in stale.output
    assert "stale: reports/runbooks/hubspot-ai-scoring.md" in stale.output
    assert "lead-intake-zapier" not in stale.output
    assert "run `tether docs`" in stale.output


def test_check_names_missing_and_extra_files_as_json(workspace: Path) -> None:
    assert run_docs(workspace).exit_code == 0
    (workspace / "reports" / "roadmap.md").unlink()
    (workspace / "reports" / "runbooks" / "old-integration.md").write_text(HEADER + "\n\n# Old\n", encoding="utf-8")
    result = run_docs(workspace, "--check", "--json")
    assert result.exit_code == 1
    assert '"missing": [\n    "roadmap.md"\n  ]' in result.output
    assert '"runbooks/old-integration.md"' in result.output


def test_removes_generated_files_of_removed_integrations_and_nothing_else(workspace: Path) -> None:
    assert run_docs(workspace).exit_code == 0
    mine = workspace / "reports" / "runbooks" / "my-notes.md"
    mine.write_text("# My own notes\n", encoding="utf-8")
    path = workspace / "integrations.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("  # (e) The lead workflow again")], encoding="utf-8")

    result = run_docs(workspace)
    assert result.exit_code == 0, result.output
    assert "removed reports/runbooks/lead-intake-n8n.md" in result.output
    assert not (workspace / "reports" / "integrations" / "lead-intake-n8n.md").exists()
    assert mine.read_text() == "# My own notes\n"
    assert run_docs(workspace, "--check").exit_code == 0


def test_every_generated_file_passes_markdownlint(workspace: Path) -> None:
    assert run_docs(workspace).exit_code == 0
    assert lint(workspace / "reports") == []


def test_the_linter_catches_what_markdownlint_would(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("Not a heading first\n## Skips a level\n", encoding="utf-8")
    rules = {problem.split(": ")[1].split()[0] for problem in lint(tmp_path)}
    assert {"MD041", "MD022"} <= rules


def test_a_workspace_template_overrides_the_packaged_one(workspace: Path) -> None:
    (workspace / "templates").mkdir()
    (workspace / "templates" / "runbook.md.j2").write_text(
        "# On call for {{ i.name }}\n\nCall {{ i.owner|md }} first.\n", encoding="utf-8"
    )
    assert run_docs(workspace).exit_code == 0
    runbook = (workspace / "reports" / "runbooks" / "crm-followup-email.md").read_text()
    assert runbook == f"{HEADER}\n\n# On call for crm-followup-email\n\nCall dev-team@acme.example first.\n"
    document = (workspace / "reports" / "integrations" / "crm-followup-email.md").read_text()
    assert "## Why this pattern" in document


def test_a_broken_workspace_template_is_a_located_error(workspace: Path) -> None:
    (workspace / "templates").mkdir()
    (workspace / "templates" / "index.md.j2").write_text("# Index\n\n{% if %}\n", encoding="utf-8")
    result = run_docs(workspace)
    assert result.exit_code == 2
    assert "index.md.j2:3:1: template syntax:" in result.output
    assert "Traceback" not in result.output


def test_ai_without_a_key_says_what_it_needs_and_still_writes(workspace: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    result = run_docs(workspace, "--ai")
    assert result.exit_code == 0
    assert "--ai needs ANTHROPIC_API_KEY" in result.output
    runbook = (workspace / "reports" / "runbooks" / "crm-followup-email.md").read_text()
    assert "AI-drafted" not in runbook
    assert "## Failure modes" in runbook
