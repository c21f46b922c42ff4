"""reports/decision-table.md: the decision table as the lens applies it, so it cannot drift from the lens."""

from __future__ import annotations

from pathlib import Path

from tests.docs_support import lint, run_docs
from tests.test_advisor_decision_table import CASES

ROOT = Path(__file__).resolve().parents[1]
SHORT = {
    "dev_none": "None",
    "dev_proficient": "A technically proficient team member",
    "dev_team": "A developer or a development team",
    "simple": "Simple",
    "moderate": "Moderate",
    "complex": "Complex",
    "budget_minimal": "Minimal",
    "budget_moderate": "Moderate",
    "budget_larger": "Larger",
}


def entries(text: str) -> dict[str, str]:
    """Each list item of the combinations, unwrapped, keyed by its bold answers."""
    body = text.split("## Every combination", 1)[1].split("## Where month 1", 1)[0]
    items = " ".join(body.split()).split("- **")[1:]
    return {item.split("**", 1)[0]: item.split("**: ", 1)[1] for item in items}


def test_every_combination_is_listed_with_the_advisors_pick_and_named_departures(workspace: Path) -> None:
    assert run_docs(workspace).exit_code == 0
    text = (workspace / "reports" / "decision-table.md").read_text(encoding="utf-8")
    found = entries(text)
    assert len(found) == 27
    for dev, complexity, budget, primary, complementary, departures in CASES:
        entry = found[f"{SHORT[dev]}, {SHORT[complexity]}, {SHORT[budget]}"]
        beside = f" with {', '.join(complementary)}" if complementary else " alone"
        assert entry.startswith(f"{primary}{beside}; month 1: "), entry
        for risk in departures.values():
            assert f"named by {risk}" in entry
        assert ("Follows the table." in entry) == (not departures)
    assert "19 of 27 combinations follow every line they touch" in " ".join(text.split())
    assert lint(workspace / "reports") == []


def test_the_report_follows_a_workspace_lens(workspace: Path) -> None:
    assert run_docs(workspace).exit_code == 0
    lens = (ROOT / "rules" / "questionnaire.yaml").read_text(encoding="utf-8")
    edited = lens.replace(
        "      says: larger budget → direct API or custom application\n", "      says: money to spend\n"
    )
    assert edited != lens
    (workspace / "rules").mkdir()
    (workspace / "rules" / "questionnaire.yaml").write_text(edited, encoding="utf-8")
    check = run_docs(workspace, "--check")
    assert check.exit_code == 1
    assert "decision-table.md" in check.output
    assert run_docs(workspace).exit_code == 0
    text = " ".join((workspace / "reports" / "decision-table.md").read_text(encoding="utf-8").split())
    assert "the table says money to spend." in text
    assert "Departs from money to spend: named by budget-without-developers." in text


def test_the_bundled_report_is_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    advice = readme.split("## Advice", 1)[1].split("\n## ", 1)[0]
    assert "(reports/decision-table.md)" in advice
    assert (ROOT / "reports" / "decision-table.md").is_file()
