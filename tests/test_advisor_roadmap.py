"""The roadmap: tailored to the answers and the workspace, months skipped or merged with reasons."""

from __future__ import annotations

from pathlib import Path

from tether.advisor.engine import Advisor, context_of
from tether.workspace import load_workspace

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
    assert road.months[0].id == "native"
    assert "developers can build the first workflow on the API" in road.skipped[0].reason
    api = next(m for m in road.months if m.id == "direct")
    assert [m.id for m in api.merged] == ["custom"]
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
    month1 = road.months[0]
    assert month1.id == "bridge"
    assert {a.risk for a in month1.must_do} == highs
    assert all(a.improvement_plan for a in month1.must_do)
    assert all(not m.must_do for m in road.months[1:])


def test_a_high_risk_whose_month_is_skipped_lands_in_the_first_month() -> None:
    result = assess(budget="budget_minimal", monthly_volume=30000, dev_resources="dev_team")
    road = result.roadmap  # type: ignore[attr-defined]
    assert "bridge" in [s.id for s in road.skipped]
    assert [a.risk for a in road.months[0].must_do] == ["minimal-budget-high-volume"]
