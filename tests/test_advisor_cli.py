"""`tether advise` and `tether roadmap` through CliRunner, milestones, --diff, and lens lint."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tether.cli import app
from tether.store import open_store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"


def copy_example(workspace: Path, name: str) -> str:
    shutil.copy(EXAMPLES / f"answers-{name}.yaml", workspace / f"answers-{name}.yaml")
    return f"answers-{name}.yaml"


@pytest.mark.parametrize(
    ("name", "primary", "high_risks"),
    [
        ("small-business", "automation-bridge", set()),
        ("agency", "automation-bridge", set()),
        ("saas-regulated", "direct-api", set()),
        ("contradictory", "native-feature", {"complex-without-developers", "minimal-budget-high-volume"}),
    ],
)
def test_example_answers_json(
    workspace: Path, runner: CliRunner, name: str, primary: str, high_risks: set[str]
) -> None:
    result = runner.invoke(app, ["advise", "--answers", copy_example(workspace, name), "--json", "--no-save"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["recommendation"]["primary"] == primary
    patterns = {"automation-bridge", "direct-api", "native-feature", "custom-app"}
    assert set(data["recommendation"]["complementary"]) <= patterns - {primary}
    assert data["recommendation"]["trace"][-1]["rule"] == "decision"
    assert all({"level", "title", "improvement_plan"} <= set(r) for r in data["risks"])
    assert {r["id"] for r in data["risks"] if r["level"] == "HIGH"} == high_risks
    assert data["estimate"]["patterns"][0]["pattern"] == primary
    assert data["roadmap"]["months"]
    assert data["milestone"] is None


def test_human_output_reads_as_a_report_and_saves_a_milestone(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["advise", "--answers", copy_example(workspace, "small-business")])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for heading in ("RECOMMENDATION: automation-bridge", "WHY", "RISKS", "ESTIMATE", "ROADMAP", "Month 1:"):
        assert heading in out
    assert "Rule no-developers (`dev_none`) fired on your answer" in out
    assert "Saved as milestone 1." in out
    assert "ROADMAP — month 1 starts with the primary pattern, automation-bridge" in out
    words = " ".join(out.split())  # lines are wrapped for the terminal
    assert (
        "Month 1: One or two automation-bridge workflows for the highest-impact use cases [automation-bridge, $"
        in words
    )
    with open_store(workspace / ".tether" / "tether.db") as store:
        assert store.db.execute("SELECT count(*) FROM milestones").fetchone()[0] == 1


def test_piped_answers_one_per_line(workspace: Path, runner: CliRunner) -> None:
    lines = [
        "1",  # dev_resources: dev_none (by number)
        "simple",  # workflow_complexity, by id
        "3",  # systems_touched
        "1,200",  # monthly_volume
        "background",
        "budget_moderate",
        "hubspot, 3",  # business tools: an id and a number (google-workspace)
        "",  # team_size: optional, skipped
        "",  # middleware: optional, skipped
        "data_internal",
        # self_hosting does not apply with no developers: not asked
        "score inbound leads",
        "",  # ai_provider: skipped
    ]
    result = runner.invoke(app, ["advise", "--json"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["answers"]["dev_resources"] == "dev_none"
    assert data["answers"]["business_tools"] == ["hubspot", "google-workspace"]
    assert data["answers"]["monthly_volume"] == 1200
    assert "self_hosting" in data["not_applicable"]
    assert data["recommendation"]["primary"] == "automation-bridge"
    assert data["milestone"] == 1
    assert "not applicable" in result.stderr  # questions go to stderr, so stdout stays JSON


BAD_ANSWERS = """dev_resources: dev_none
workflow_complexity: simpel
systems_touched: three
monthly_volume: 100
latency: [interactive]
budget: budget_moderate
business_tools: [hubspot, slak]
data_sensitivity: data_public
use_case: leads
colour: blue
"""


def test_bad_answers_file_is_located_exit_2(workspace: Path, runner: CliRunner) -> None:
    (workspace / "answers.yaml").write_text(BAD_ANSWERS)
    result = runner.invoke(app, ["advise", "--answers", "answers.yaml"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert (
        "answers.yaml:2:22: workflow_complexity: unknown choice 'simpel' for workflow_complexity "
        "(did you mean 'simple'?)" in lines[0]
    )
    assert lines[1].startswith("answers.yaml:3:18: systems_touched: systems_touched takes a number")
    assert lines[2].startswith("answers.yaml:5:10: latency: latency takes one choice, not a list")
    assert lines[3].startswith("answers.yaml:7:27: business_tools: unknown choice 'slak'")
    assert "did you mean 'slack'" in lines[3]
    assert lines[4].startswith("answers.yaml:10:1: unknown question 'colour'")
    assert "Traceback" not in result.output


def test_milestones_diff_and_roadmap(workspace: Path, runner: CliRunner) -> None:
    first = copy_example(workspace, "contradictory")
    assert runner.invoke(app, ["advise", "--answers", first]).exit_code == 0
    improved = (workspace / first).read_text().replace("dev_resources: dev_none", "dev_resources: dev_team")
    improved = improved.replace("budget: budget_minimal", "budget: budget_larger") + "self_hosting: self_host_no\n"
    (workspace / "answers-later.yaml").write_text(improved)
    second = runner.invoke(app, ["advise", "--answers", "answers-later.yaml"])
    assert "Saved as milestone 2. Compare with the one before: tether advise --diff 1 2" in second.stdout

    diff = runner.invoke(app, ["advise", "--diff", "1", "2", "--json"])
    assert diff.exit_code == 0, diff.output
    data = json.loads(diff.stdout)
    assert {a["question"] for a in data["answers"]} == {"dev_resources", "budget", "self_hosting"}
    assert {r["id"] for r in data["risks_resolved"]} == {
        "complex-without-developers",
        "minimal-budget-high-volume",
        "interactive-without-developers",
    }
    assert data["recommendation"]["changed"] is True
    assert data["recommendation"]["primary_before"] == "native-feature"
    assert data["recommendation"]["primary_after"] == "direct-api"
    # the estimate and the roadmap follow the recommendation, and the diff says how
    costs = {c["pattern"]: c for c in data["estimate"]["patterns"]}
    assert (costs["direct-api"]["recommended_before"], costs["direct-api"]["recommended_after"]) == (False, True)
    assert (costs["native-feature"]["recommended_before"], costs["native-feature"]["recommended_after"]) == (
        True,
        False,
    )
    assert data["estimate"]["basis"] == []  # same runs, steps and model
    road = data["roadmap"]
    assert road["changed"] is True
    assert road["opening_before"] == "Native AI features in the tools you use most [native-feature]"
    assert road["opening_after"] == "A direct API integration for the highest-impact use case [direct-api]"
    months = {m["id"]: m for m in road["months"]}
    assert (months["direct"]["before"], months["direct"]["after"]) == ("skipped", "Month 1")
    assert "MUST DO: Complex workflows with no developers" in months["native"]["tasks_removed"]

    human = runner.invoke(app, ["advise", "--diff", "1", "2"])
    words = " ".join(human.stdout.split())  # lines are wrapped for the terminal
    assert "MILESTONE 1 → 2" in human.stdout
    assert "Recommendation changed: native-feature" in human.stdout
    assert (
        "Do you have development resources? (dev_resources): None — nobody on the team writes code → A developer"
        in words
    )
    assert "Risks resolved (3):" in words
    assert "direct-api: $347.50 → $347.50 a month (now recommended)" in words
    assert "Roadmap changed: month 1 was Native AI features in the tools you use most [native-feature]" in words
    assert "A direct API integration for the highest-impact use case [direct]: skipped → Month 1" in words

    missing = runner.invoke(app, ["advise", "--diff", "1", "7"])
    assert missing.exit_code == 2
    assert "no milestone 7; saved milestones: 1, 2" in missing.stderr

    road = runner.invoke(app, ["roadmap", "--json"])
    assert road.exit_code == 0, road.output
    assert json.loads(road.stdout)["milestone"] == 2
    assert "From milestone 2" in runner.invoke(app, ["roadmap"]).stdout


def test_diff_shows_what_the_volume_did_to_the_estimate(workspace: Path, runner: CliRunner) -> None:
    first = copy_example(workspace, "agency")
    text = (workspace / first).read_text()
    runs = int(next(line for line in text.splitlines() if line.startswith("monthly_volume:")).split(":")[1])
    (workspace / "more.yaml").write_text(text.replace(f"monthly_volume: {runs}", f"monthly_volume: {runs * 4}"))
    before = json.loads(runner.invoke(app, ["advise", "--answers", first, "--json"]).stdout)
    after = json.loads(runner.invoke(app, ["advise", "--answers", "more.yaml", "--json"]).stdout)
    data = json.loads(runner.invoke(app, ["advise", "--diff", "1", "2", "--json"]).stdout)
    assert data["estimate"]["basis"] == [{"what": "runs a month", "before": f"{runs:,}", "after": f"{runs * 4:,}"}]
    changed = {c["pattern"]: (c["before_usd"], c["after_usd"]) for c in data["estimate"]["patterns"]}
    for pattern in before["estimate"]["patterns"]:
        new = next(p for p in after["estimate"]["patterns"] if p["pattern"] == pattern["pattern"])
        if new["monthly_usd"] != pattern["monthly_usd"]:
            assert changed[pattern["pattern"]] == (pattern["monthly_usd"], new["monthly_usd"])
    assert changed["direct-api"][1] > changed["direct-api"][0]  # four times the runs costs more tokens
    human = " ".join(runner.invoke(app, ["advise", "--diff", "1", "2"]).stdout.split())
    assert f"runs a month: {runs:,} → {runs * 4:,}" in human


def test_diff_of_milestones_saved_before_the_roadmap_had_costs() -> None:
    from tether.advisor.diff import diff_estimates, diff_roadmaps

    old = {"months": [{"id": "bridge", "label": "Month 1", "title": "Bridge", "pattern": "automation-bridge"}]}
    new = {
        "months": [
            {"id": "native", "label": "Month 1", "title": "Native", "pattern": "native-feature", "tasks": ["Turn on"]},
            {"id": "bridge", "label": "Month 2", "title": "Bridge", "pattern": "automation-bridge", "tasks": []},
        ],
    }
    change = diff_roadmaps(old, new)
    assert (change.opening_before, change.opening_after) == ("Bridge [automation-bridge]", "Native [native-feature]")
    assert [(m.id, m.before, m.after, m.tasks_added) for m in change.months] == [
        ("native", "not in the roadmap", "Month 1", ["Turn on"]),
        ("bridge", "Month 1", "Month 2", []),
    ]
    assert diff_estimates({}, {}).changed is False


def test_a_departure_is_shown_with_the_line_it_departs_from(workspace: Path, runner: CliRunner) -> None:
    text = (workspace / copy_example(workspace, "small-business")).read_text()
    (workspace / "larger.yaml").write_text(re.sub(r"budget: \w+", "budget: budget_larger", text))
    out = " ".join(runner.invoke(app, ["advise", "--answers", "larger.yaml", "--no-save"]).stdout.split())
    assert "A budget for development, but nobody to do it [budget-without-developers]" in out
    assert "departs from the decision table's line for: budget_larger" in out


def test_milestones_are_immutable(workspace: Path, runner: CliRunner) -> None:
    import sqlite3

    assert runner.invoke(app, ["advise", "--answers", copy_example(workspace, "agency")]).exit_code == 0
    with open_store(workspace / ".tether" / "tether.db") as store:
        for statement in ("UPDATE milestones SET lens = 'x'", "DELETE FROM milestones"):
            with pytest.raises(sqlite3.IntegrityError, match="immutable"):
                store.conn.execute(statement)


def test_roadmap_without_milestones(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["roadmap"])
    assert result.exit_code == 1
    assert "run `tether advise` first" in result.stderr


def test_advise_works_without_a_workspace(tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TETHER_FILE", raising=False)
    monkeypatch.delenv("TETHER_DB", raising=False)
    shutil.copy(EXAMPLES / "answers-agency.yaml", tmp_path / "a.yaml")
    result = runner.invoke(app, ["advise", "--answers", "a.yaml"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / ".tether" / "tether.db").exists()


# --- lens lint --------------------------------------------------------------------------------

LENS = (ROOT / "rules" / "questionnaire.yaml").read_text(encoding="utf-8")


def own_lens(workspace: Path, text: str) -> None:
    (workspace / "rules").mkdir(exist_ok=True)
    (workspace / "rules" / "questionnaire.yaml").write_text(text, encoding="utf-8")


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_packaged_lens_lints_clean(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "--json"])
    assert not [f for f in json.loads(result.stdout)["findings"] if "questionnaire" in f["file"]]


def test_rule_syntax_error_is_located_at_the_character(workspace: Path, runner: CliRunner) -> None:
    text = LENS.replace("      - when: complex && dev_none\n", "      - when: complex && (dev_none\n")
    own_lens(workspace, text)
    line = line_of(text, "- when: complex && (dev_none")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    expected = (
        f"rules/questionnaire.yaml:{line}:39: sections[0].questions[1].risk_rules[0].when: rule syntax: expected `)`"
    )
    assert expected in result.stdout
    # advise refuses a lens it cannot evaluate safely
    advise = runner.invoke(app, ["advise", "--answers", copy_example(workspace, "agency")])
    assert advise.exit_code == 2
    assert f"rules/questionnaire.yaml:{line}:39:" in advise.stderr


def test_quoted_rule_is_located_inside_the_quotes(workspace: Path, runner: CliRunner) -> None:
    text = LENS.replace('applies_when: "!dev_none"', 'applies_when: "!dev_nnoe"')
    own_lens(workspace, text)
    line = line_of(text, "dev_nnoe")
    result = runner.invoke(app, ["check"])
    assert (
        f"rules/questionnaire.yaml:{line}:25: sections[2].questions[1].applies_when: "
        "unknown choice 'dev_nnoe' (did you mean 'dev_none'?)" in result.stdout
    )


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("          - id: dev_team\n", "          - id: dev_none\n", "id 'dev_none' is already used by choice"),
        ("          - id: data_regulated\n", "          - id: data_regulated_x\n", "unknown choice 'data_regulated'"),
        (
            "      when: dev_team\n",
            "      when: dev_team && monthly_volume\n",
            "`monthly_volume` is a number; compare it",
        ),
        (
            "      when: dev_team\n",
            "      when: recommended.direct-api\n",
            "`recommended.` can be used only in risk rules",
        ),
        (
            "      when: dev_team\n",
            "      when: team_size > 3 || salesforse\n",
            "unknown choice 'salesforse' (did you mean 'salesforce'?)",
        ),
        (
            "          - when: budget_minimal && complex\n",
            "          - when: default\n",
            "`default` must be the last rule",
        ),
        ("            title: Minimal — use what we already pay for\n", "            title: Minimal\n", None),
        (
            "      when: dev_team\n",
            "      when: primary.direct-api\n",
            "`primary.` can be used only in risk rules",
        ),
        (
            "            explains: [moderate]\n",
            "            explains: [moderat]\n",
            "'moderat' has no line in `decision_table:` (did you mean 'moderate'?)",
        ),
        (
            "    - answer: dev_team\n",
            "    - answer: dev_teem\n",
            "unknown choice 'dev_teem' (did you mean 'dev_team'?)",
        ),
        ("    - answer: dev_team\n", "    - answer: dev_none\n", "'dev_none' already has a line in the table"),
        ("    monthly_volume: 1000\n", "    monthly_volume: lots\n", "monthly_volume takes a number"),
        ("    monthly_volume: 1000\n", "", "no answer for 'monthly_volume'; the report needs every required answer"),
        ("    monthly_volume: 1000\n", "    monthly_volume: 1000\n    budget: budget_minimal\n", "the report tries"),
    ],
)
def test_lens_lint_findings(workspace: Path, runner: CliRunner, old: str, new: str, fragment: str | None) -> None:
    assert old in LENS
    own_lens(workspace, LENS.replace(old, new, 1))
    result = runner.invoke(app, ["check", "--json"])
    messages = [f["message"] for f in json.loads(result.stdout)["findings"] if "questionnaire" in f["file"]]
    if fragment is None:
        assert messages == []
    else:
        assert any(fragment in m for m in messages), messages


def test_explains_naming_no_table_line_is_located(workspace: Path, runner: CliRunner) -> None:
    text = LENS.replace("            explains: [complex]\n", "            explains: [complex, simpel]\n")
    own_lens(workspace, text)
    line = line_of(text, "explains: [complex, simpel]")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert (
        f"rules/questionnaire.yaml:{line}:33: sections[0].questions[1].risk_rules[0].explains[1]: "
        "'simpel' has no line in `decision_table:` (did you mean 'simple'?)"
    ) in result.stdout
    advise = runner.invoke(app, ["advise", "--answers", copy_example(workspace, "agency")])
    assert advise.exit_code == 2
    assert "Traceback" not in advise.output


def test_missing_default_and_unused_choice(workspace: Path, runner: CliRunner) -> None:
    text = LENS.replace(
        "          - when: budget_minimal && complex\n            level: MEDIUM\n",
        "          - when: budget_minimal && complex\n            level: MEDIUM\n",
    )
    text = text.replace(
        "          - when: default\n            level: NONE\n\n      - id: business_tools",
        "\n      - id: business_tools",
    )
    text = text.replace(
        "            title: Background — minutes are fine\n            informational: true\n",
        "            title: Background — minutes are fine\n",
    )
    own_lens(workspace, text)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "sections[1].questions[0].risk_rules: the last risk rule must be `when: default`" in result.stdout
    assert "choice 'background' is used by no rule" in result.stdout
