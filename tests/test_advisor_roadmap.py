"""The roadmap: tailored to the answers and the workspace, months skipped or merged with reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from tether.advisor.engine import Advisor, context_of
from tether.workspace import load_workspace

from .test_advisor_decision_table import CASES, FIXED
from .test_advisor_decisions import BASE

ROOT = Path(__file__).resolve().parents[1]


def assess(**changes: object) -> object:
    advisor = Advisor.load()
    answers = {k: v for k, v in {**BASE, **changes}.items() if v is not None}
    return advisor.assess(answers, context_of(load_workspace(ROOT / "integrations.yaml")))


def test_the_full_path_for_a_team_that_can_do_everything() -> None:
    result = assess(
        dev_resources="dev_proficient",
        workflow_complexity="moderate",
        systems_touched=3,
        use_case="score leads; triage tickets",
    )
    road = result.roadmap  # type: ignore[attr-defined]
    assert [m.id for m in road.months] == ["bridge", "native", "direct", "custom"]
    assert [m.label for m in road.months] == ["Month 1", "Month 2", "Month 3", "Month 4 and beyond"]
    assert road.skipped == []
    month1 = road.months[0]
    assert any('"score leads"' in t for t in month1.tasks)
    assert any('"triage tickets"' in t for t in month1.tasks)
    assert any("lead-intake-zapier" in t for t in month1.tasks)  # registered integrations appear
    native = road.months[1]
    assert any("HubSpot AI (Breeze) in HubSpot" in t for t in native.tasks)  # owned tools appear
    assert any("Gemini for Google Workspace" in t for t in native.tasks)
    assert "hubspot-ai-scoring" in native.integrations
    direct = road.months[2]
    assert any("lead-intake-zapier" in t and "claude-sonnet-4-6" in t for t in direct.tasks)
    assert "crm-followup-email" in direct.integrations
    assert len(road.checklist) == 5
    assert road.checklist[0].startswith("Start with one integration")


def test_one_use_case_gives_one_workflow() -> None:
    road = assess(use_case="score leads").roadmap  # type: ignore[attr-defined]
    assert sum("as one workflow in" in t for t in road.months[0].tasks) == 1
    assert not any("a second" in t for t in road.months[0].tasks)


def test_no_developers_skip_the_api_month_and_renumber() -> None:
    road = assess(dev_resources="dev_none", self_hosting=None, systems_touched=3).roadmap  # type: ignore[attr-defined]
    assert [m.id for m in road.months] == ["bridge", "native"]
    skipped = {s.id: s.reason for s in road.skipped}
    assert "Nobody on the team writes code" in skipped["direct"]
    assert "custom" in skipped


def test_no_tools_with_ai_skip_the_native_month() -> None:
    road = assess(business_tools=["tools_none"], workflow_complexity="complex").roadmap  # type: ignore[attr-defined]
    assert "native" not in [m.id for m in road.months]
    assert "Slack" in next(s.reason for s in road.skipped if s.id == "native")


def test_simple_two_system_work_merges_native_into_month_one() -> None:
    road = assess(systems_touched=2, workflow_complexity="simple").roadmap  # type: ignore[attr-defined]
    month1 = road.months[0]
    assert [m.id for m in month1.merged] == ["native"]
    assert "settings change" in month1.merged[0].reason
    assert any("HubSpot AI" in t for t in month1.tasks)
    assert road.months[1].id == "direct"
    assert road.months[1].label == "Month 2"


def test_developers_with_a_larger_budget_skip_the_bridge_and_merge_custom_into_api() -> None:
    road = assess(workflow_complexity="complex", budget="budget_larger", systems_touched=5).roadmap  # type: ignore[attr-defined]
    assert road.primary == "custom-app"
    # a custom application opens with the API it is built on, and says so
    assert [m.id for m in road.months] == ["direct", "native"]
    assert "rather than the custom application" in road.opening_reason
    assert '"score inbound leads" on the API first' in road.opening_reason
    assert "developers can build the first workflow on the API" in road.skipped[0].reason
    api = road.months[0]
    assert api.title == "A direct API integration for the highest-impact use case"
    assert [m.id for m in api.merged] == ["custom"]  # merged `into: direct`, though native comes between
    assert api.label.endswith("and beyond") is False


def test_high_risk_plans_are_placed_in_their_month() -> None:
    result = assess(
        dev_resources="dev_none",
        self_hosting=None,
        workflow_complexity="complex",
        data_sensitivity="data_regulated",
        latency="interactive",
        systems_touched=4,
    )
    road = result.roadmap  # type: ignore[attr-defined]
    highs = {r.id for r in result.risks if r.level == "HIGH"}  # type: ignore[attr-defined]
    assert highs == {
        "complex-without-developers",
        "regulated-data-through-middleware",
        "interactive-through-slow-bridge",
    }
    assert [m.id for m in road.months] == ["native", "bridge", "custom"]  # native is primary, so it opens
    bridge = road.months[1]
    assert {a.risk for a in bridge.must_do} == highs  # each before the bridge is built
    assert all(a.improvement_plan for a in bridge.must_do)
    assert not road.months[0].must_do


def test_a_high_risk_whose_month_is_skipped_lands_in_the_first_month() -> None:
    result = assess(budget="budget_minimal", monthly_volume=30000, dev_resources="dev_team")
    road = result.roadmap  # type: ignore[attr-defined]
    assert "bridge" in [s.id for s in road.skipped]
    assert [a.risk for a in road.months[0].must_do] == ["minimal-budget-high-volume"]


@pytest.mark.parametrize(("dev", "complexity", "budget"), [c[:3] for c in CASES], ids=["-".join(c[:3]) for c in CASES])
def test_month_one_starts_with_the_primary_or_says_why_not(dev: str, complexity: str, budget: str) -> None:
    advisor = Advisor.load()
    result = advisor.assess({**FIXED, "dev_resources": dev, "workflow_complexity": complexity, "budget": budget})
    primary = result.recommendation.primary
    road = result.roadmap
    assert road.primary == primary
    month1 = road.months[0]
    if primary == "custom-app":
        assert month1.pattern == "direct-api"
        assert road.opening_reason and "rather than the custom application" in road.opening_reason
    else:
        assert month1.pattern == primary
        assert road.opening_reason is None
    # the estimate leads with the same pattern, and each month costs what the estimate says
    assert result.estimate.patterns[0].pattern == primary
    for month in road.months:
        assert month.monthly_usd == result.estimate.for_pattern(month.pattern).monthly_usd


def test_native_primary_opens_with_the_native_feature_not_a_zapier_workflow() -> None:
    # issue 18's self-contradiction: native-feature primary, month 1 built a Zapier workflow
    result = Advisor.load().assess(
        {**FIXED, "dev_resources": "dev_none", "workflow_complexity": "simple", "budget": "budget_minimal"},
        context_of(load_workspace(ROOT / "integrations.yaml")),
    )
    assert result.recommendation.primary == "native-feature"
    month1, month2 = result.roadmap.months[:2]
    assert (month1.id, month2.id) == ("native", "bridge")
    assert month1.tasks[0].startswith("Turn on HubSpot AI (Breeze) in HubSpot")
    assert not any("Zapier" in t or "workflow in" in t for t in month1.tasks)
    assert month1.monthly_usd == 0.0
    assert month2.tasks[0].startswith("Build the first need the native features did not meet")
    assert month2.monthly_usd == result.estimate.for_pattern("automation-bridge").monthly_usd > 0


def test_direct_primary_opens_with_the_api_and_hands_simple_steps_to_the_bridge() -> None:
    result = Advisor.load().assess(
        {**FIXED, "dev_resources": "dev_team", "workflow_complexity": "moderate", "budget": "budget_moderate"}
    )
    road = result.roadmap
    assert [m.id for m in road.months][:2] == ["direct", "bridge"]
    assert road.months[0].title == "A direct API integration for the highest-impact use case"
    assert road.months[0].tasks[0].startswith('Build "score inbound leads" on the API first')
    assert not any("built so far" in t for t in road.months[0].tasks)
    assert road.months[1].tasks[0].startswith('Move the simple steps around "score inbound leads"')


def test_a_skipped_primary_month_is_explained(tmp_path: Path) -> None:
    rules = (ROOT / "rules" / "roadmap.yaml").read_text()
    rules = rules.replace(
        "    skip:\n      - when: tools_none\n",
        "    skip:\n      - when: hubspot\n        reason: Your HubSpot plan has no AI seats.\n"
        "      - when: tools_none\n",
    )
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "roadmap.yaml").write_text(rules)
    result = Advisor.load(tmp_path).assess(
        {**FIXED, "dev_resources": "dev_none", "workflow_complexity": "simple", "budget": "budget_minimal"}
    )
    assert result.recommendation.primary == "native-feature"
    assert result.roadmap.months[0].id == "bridge"
    assert result.roadmap.opening_reason == (
        "The month of the primary pattern (Native AI features in the tools you use most) is skipped: "
        "Your HubSpot plan has no AI seats."
    )
