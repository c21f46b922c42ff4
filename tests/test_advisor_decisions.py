"""The decision table of issue 3, item 4, and mixed or contradictory answer sets, as tables."""

from __future__ import annotations

from typing import Any

import pytest

from tether.advisor.answers import AnswerProblem
from tether.advisor.engine import Advisor, Assessment

BASE: dict[str, Any] = {
    "dev_resources": "dev_team",
    "workflow_complexity": "simple",
    "systems_touched": 2,
    "monthly_volume": 1000,
    "latency": "background",
    "budget": "budget_moderate",
    "business_tools": ["hubspot", "google-workspace"],
    "data_sensitivity": "data_internal",
    "self_hosting": "self_host_no",
    "use_case": "score inbound leads",
}


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.load()


def run(advisor: Advisor, **changes: Any) -> Assessment:
    answers = {**BASE, **changes}
    return advisor.assess({k: v for k, v in answers.items() if v is not None})


def recommended(result: Assessment) -> set[str]:
    return {str(p) for p in result.recommendation.patterns}


COMPLEXITIES = ["simple", "moderate", "complex"]
BUDGETS = ["budget_minimal", "budget_moderate", "budget_larger"]


# Row 1: no development resources -> automation bridge and native features;
#        development resources -> direct API considered for maximum flexibility.
@pytest.mark.parametrize("complexity", COMPLEXITIES)
@pytest.mark.parametrize("budget", BUDGETS)
def test_no_developers_means_bridge_and_native(advisor: Advisor, complexity: str, budget: str) -> None:
    result = run(advisor, dev_resources="dev_none", workflow_complexity=complexity, budget=budget, self_hosting=None)
    assert str(result.recommendation.primary) in {"automation-bridge", "native-feature"}
    assert {"automation-bridge", "native-feature"} <= recommended(result)
    assert "direct-api" not in recommended(result)
    assert any(step.rule == "no-developers" for step in result.recommendation.trace)


@pytest.mark.parametrize("complexity", COMPLEXITIES)
@pytest.mark.parametrize("budget", BUDGETS)
def test_developers_mean_direct_api_is_considered(advisor: Advisor, complexity: str, budget: str) -> None:
    result = run(advisor, dev_resources="dev_team", workflow_complexity=complexity, budget=budget)
    assert "direct-api" in recommended(result)
    assert any(step.rule == "developers" for step in result.recommendation.trace)


# Row 2: simple -> automation bridge or native; moderate -> direct API; complex -> custom app
# (clear cases: a team with developers and a moderate budget, so neither pulls elsewhere).
@pytest.mark.parametrize(
    ("complexity", "primary"),
    [("simple", {"automation-bridge", "native-feature"}), ("moderate", {"direct-api"}), ("complex", {"custom-app"})],
)
def test_workflow_complexity(advisor: Advisor, complexity: str, primary: set[str]) -> None:
    result = run(advisor, workflow_complexity=complexity)
    assert str(result.recommendation.primary) in primary


# Row 3: minimal budget -> native features in tools already paid for; moderate -> automation
# bridge ($20–$200 a month plus AI); larger -> direct API or custom application.
@pytest.mark.parametrize(
    ("budget", "primary"),
    [
        ("budget_minimal", {"native-feature"}),
        ("budget_moderate", {"automation-bridge"}),
        ("budget_larger", {"direct-api", "custom-app"}),
    ],
)
def test_budget(advisor: Advisor, budget: str, primary: set[str]) -> None:
    result = run(advisor, budget=budget)
    assert str(result.recommendation.primary) in primary


def test_moderate_budget_trace_names_the_middleware_range(advisor: Advisor) -> None:
    result = run(advisor, budget="budget_moderate")
    step = next(s for s in result.recommendation.trace if s.rule == "moderate-budget")
    assert "$20–$200" in step.text
    assert "What is your budget? → Moderate" in step.text


# Mixed and contradictory answer sets: (changes, primary, complementary, risks as {id: level}).
MIXED: list[tuple[str, dict[str, Any], str, list[str], dict[str, str]]] = [
    (
        "complex work, no developers",
        {"dev_resources": "dev_none", "workflow_complexity": "complex", "self_hosting": None},
        "automation-bridge",
        ["native-feature"],
        {"complex-without-developers": "HIGH"},
    ),
    (
        "minimal budget, high volume",
        {"budget": "budget_minimal", "monthly_volume": 30000},
        "native-feature",
        ["direct-api"],
        {"minimal-budget-high-volume": "HIGH"},
    ),
    (
        "minimal budget, growing volume",
        {"budget": "budget_minimal", "monthly_volume": 5000},
        "native-feature",
        ["direct-api"],
        {"minimal-budget-growing-volume": "MEDIUM"},
    ),
    (
        "regulated data through a bridge, no developers",
        {"dev_resources": "dev_none", "data_sensitivity": "data_regulated", "self_hosting": None},
        "automation-bridge",
        ["native-feature"],
        {"regulated-data-through-middleware": "HIGH"},
    ),
    (
        "regulated data through a self-hosted bridge",
        {"dev_resources": "dev_proficient", "data_sensitivity": "data_regulated", "self_hosting": "self_host_yes"},
        "automation-bridge",
        ["native-feature"],
        {"regulated-data-self-hosted-bridge": "MEDIUM"},
    ),
    (
        "regulated data, developers, no bridge",
        {"workflow_complexity": "moderate", "budget": "budget_larger", "data_sensitivity": "data_regulated"},
        "direct-api",
        ["custom-app"],
        {"regulated-data-ai-vendor": "MEDIUM"},
    ),
    (
        "interactive through a multi-step bridge",
        {"dev_resources": "dev_none", "latency": "interactive", "systems_touched": 3, "self_hosting": None},
        "native-feature",
        ["automation-bridge"],
        {"interactive-through-slow-bridge": "HIGH"},
    ),
    (
        "interactive through a two-step bridge",
        {"dev_resources": "dev_none", "latency": "interactive", "systems_touched": 2, "self_hosting": None},
        "automation-bridge",
        ["native-feature"],
        {"interactive-through-bridge": "MEDIUM"},
    ),
    (
        "everything at once",
        {
            "dev_resources": "dev_none",
            "workflow_complexity": "complex",
            "budget": "budget_minimal",
            "monthly_volume": 25000,
            "latency": "interactive",
            "systems_touched": 6,
            "data_sensitivity": "data_regulated",
            "business_tools": ["hubspot"],
            "self_hosting": None,
        },
        "native-feature",
        [],
        {
            "complex-without-developers": "HIGH",
            "minimal-budget-high-volume": "HIGH",
            "regulated-data-ai-vendor": "MEDIUM",
            # no bridge for someone waiting, no developers for the API: the table's bridge is named as dropped
            "interactive-without-developers": "MEDIUM",
        },
    ),
    (
        "no tools with AI on a minimal budget",
        {"dev_resources": "dev_proficient", "business_tools": ["tools_none"], "budget": "budget_minimal"},
        "automation-bridge",
        [],
        {"no-native-ai-on-minimal-budget": "MEDIUM"},
    ),
    (
        "complex work on one technical person",
        {"dev_resources": "dev_proficient", "workflow_complexity": "complex", "budget": "budget_larger"},
        "custom-app",
        ["direct-api", "automation-bridge"],
        {"complex-on-one-person": "MEDIUM"},
    ),
    (
        "branching workflows, no developers, personal data",
        {
            "dev_resources": "dev_none",
            "workflow_complexity": "moderate",
            "data_sensitivity": "data_personal",
            "self_hosting": None,
        },
        "automation-bridge",
        ["native-feature"],
        {"branching-without-developers": "MEDIUM", "personal-data-through-middleware": "MEDIUM"},
    ),
    (
        "large, complex, developers: nothing risky",
        {"workflow_complexity": "complex", "budget": "budget_larger", "monthly_volume": 60000},
        "custom-app",
        ["direct-api"],
        {},
    ),
]


@pytest.mark.parametrize(
    ("name", "changes", "primary", "complementary", "expected_risks"), MIXED, ids=[m[0] for m in MIXED]
)
def test_mixed_and_contradictory_answers(
    advisor: Advisor,
    name: str,
    changes: dict[str, Any],
    primary: str,
    complementary: list[str],
    expected_risks: dict[str, str],
) -> None:
    result = run(advisor, **changes)
    assert str(result.recommendation.primary) == primary, result.recommendation.trace[-1].text
    assert [str(p) for p in result.recommendation.complementary] == complementary
    assert {r.id: str(r.level) for r in result.risks} == expected_risks
    for risk in result.risks:
        assert risk.title and risk.improvement_plan and risk.because


def test_risks_come_highest_first(advisor: Advisor) -> None:
    result = run(advisor, **MIXED[8][1])
    levels = [r.level.rank for r in result.risks]
    assert levels == sorted(levels, reverse=True)


def test_trace_names_rules_and_answers_in_plain_words(advisor: Advisor) -> None:
    result = run(advisor, dev_resources="dev_none", self_hosting=None, latency="interactive", systems_touched=4)
    texts = [s.text for s in result.recommendation.trace]
    assert any("interactive-many-steps" in t and "How many systems does the workflow touch? → 4" in t for t in texts)
    decision = result.recommendation.trace[-1]
    assert decision.rule == "decision"
    assert "highest score" in decision.text


def test_not_applicable_question_is_skipped_with_its_reason(advisor: Advisor) -> None:
    result = run(advisor, dev_resources="dev_none", self_hosting="self_host_yes")
    assert "self_hosting" not in result.answers
    assert "someone technical" in result.not_applicable["self_hosting"]


def test_a_missing_answer_is_listed_as_not_answered(advisor: Advisor) -> None:
    """Partial answers are assessed (issue 16): what is missing is named, not refused."""
    result = run(advisor, use_case=None)
    assert [q.question for q in result.not_answered] == ["use_case"]
    assert result.not_answered[0].could_change == []  # rules name choices and numbers, never text


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"budget": "budget_huge"}, "did you mean 'budget_larger'"),
        ({"business_tools": ["tools_none", "hubspot"]}, "cannot be combined"),
        ({"monthly_volume": "lots"}, "takes a number"),
        ({"monthly_volume": 1.5}, "whole number"),
        ({"systems_touched": 0}, "at least 1"),
        ({"workflow_complexity": ["simple"]}, "one choice, not a list"),
        ({"use_case": 2}, "this question takes a few words, not the number '2'"),
        ({"use_case": "ok"}, "'ok' is too short for this question"),
        ({"colour": "blue"}, "unknown question 'colour'"),
    ],
)
def test_bad_answers_are_refused_with_a_reason(advisor: Advisor, changes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(AnswerProblem, match=None) as info:
        run(advisor, **changes)
    assert fragment in str(info.value)
