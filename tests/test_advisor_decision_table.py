"""Every answer to the seed's three questions follows its decision table, or a risk names the departure.

The 27 combinations of development resources × workflow complexity × budget run with the other
answers fixed as issue 18 gives them (3 systems, 1,000 runs a month, background, HubSpot owned,
internal data). Each row states the pick and, for each line of the table it departs from, the
risk that names it; then the other answers where they change the pick.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tether.advisor.decision_table import FALLBACK_PREFIX
from tether.advisor.engine import Advisor, Assessment

FIXED: dict[str, Any] = {
    "systems_touched": 3,
    "monthly_volume": 1000,
    "latency": "background",
    "business_tools": ["hubspot"],
    "data_sensitivity": "data_internal",
    "self_hosting": "self_host_no",
    "use_case": "score inbound leads",
}

BRIDGE, NATIVE, DIRECT, CUSTOM = "automation-bridge", "native-feature", "direct-api", "custom-app"

# The seed's table in its own terms (issue 3, item 4), written here independently of the lens:
# answer -> (the patterns it points to, "all" when the recommendation includes them all and
# leads with one, "any" when it includes one of them, "primary" when the primary is one of them).
SEED: dict[str, tuple[set[str], str]] = {
    "dev_none": ({BRIDGE, NATIVE}, "all"),
    "dev_team": ({DIRECT}, "any"),
    "simple": ({BRIDGE, NATIVE}, "any"),
    "moderate": ({DIRECT}, "any"),
    "complex": ({CUSTOM}, "any"),
    "budget_minimal": ({NATIVE}, "primary"),
    "budget_moderate": ({BRIDGE}, "any"),
    "budget_larger": ({DIRECT, CUSTOM}, "any"),
}

# (development resources, complexity, budget, primary, complementary, {departed answer: the risk naming it})
CASES: list[tuple[str, str, str, str, list[str], dict[str, str]]] = [
    ("dev_none", "simple", "budget_minimal", NATIVE, [BRIDGE], {}),
    ("dev_none", "simple", "budget_moderate", BRIDGE, [NATIVE], {}),
    ("dev_none", "simple", "budget_larger", NATIVE, [BRIDGE], {"budget_larger": "budget-without-developers"}),
    ("dev_none", "moderate", "budget_minimal", NATIVE, [BRIDGE], {"moderate": "branching-without-developers"}),
    ("dev_none", "moderate", "budget_moderate", BRIDGE, [NATIVE], {"moderate": "branching-without-developers"}),
    (
        "dev_none",
        "moderate",
        "budget_larger",
        NATIVE,
        [BRIDGE],
        {"moderate": "branching-without-developers", "budget_larger": "budget-without-developers"},
    ),
    ("dev_none", "complex", "budget_minimal", NATIVE, [BRIDGE], {"complex": "complex-without-developers"}),
    ("dev_none", "complex", "budget_moderate", BRIDGE, [NATIVE], {"complex": "complex-without-developers"}),
    (
        "dev_none",
        "complex",
        "budget_larger",
        NATIVE,
        [BRIDGE],
        {"complex": "complex-without-developers", "budget_larger": "budget-without-developers"},
    ),
    ("dev_proficient", "simple", "budget_minimal", NATIVE, [BRIDGE], {}),
    ("dev_proficient", "simple", "budget_moderate", BRIDGE, [NATIVE], {}),
    ("dev_proficient", "simple", "budget_larger", BRIDGE, [NATIVE, DIRECT], {}),
    ("dev_proficient", "moderate", "budget_minimal", NATIVE, [BRIDGE, DIRECT], {}),
    ("dev_proficient", "moderate", "budget_moderate", BRIDGE, [DIRECT], {}),
    ("dev_proficient", "moderate", "budget_larger", DIRECT, [BRIDGE], {}),
    ("dev_proficient", "complex", "budget_minimal", NATIVE, [CUSTOM, BRIDGE], {}),
    ("dev_proficient", "complex", "budget_moderate", BRIDGE, [CUSTOM], {}),
    ("dev_proficient", "complex", "budget_larger", CUSTOM, [DIRECT, BRIDGE], {}),
    ("dev_team", "simple", "budget_minimal", NATIVE, [DIRECT], {}),
    ("dev_team", "simple", "budget_moderate", BRIDGE, [NATIVE, DIRECT], {}),
    ("dev_team", "simple", "budget_larger", DIRECT, [NATIVE, CUSTOM], {}),
    # was direct-api alone on a minimal budget (issue 18): the budget's ceiling now ties it, and native wins the tie
    ("dev_team", "moderate", "budget_minimal", NATIVE, [DIRECT], {}),
    ("dev_team", "moderate", "budget_moderate", DIRECT, [BRIDGE], {}),
    ("dev_team", "moderate", "budget_larger", DIRECT, [CUSTOM], {}),
    ("dev_team", "complex", "budget_minimal", NATIVE, [CUSTOM, DIRECT], {}),
    ("dev_team", "complex", "budget_moderate", CUSTOM, [DIRECT], {"budget_moderate": "custom-app-on-moderate-budget"}),
    ("dev_team", "complex", "budget_larger", CUSTOM, [DIRECT], {}),
]


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.load()


def seed_departures(answers: dict[str, Any], primary: str, patterns: set[str]) -> set[str]:
    """The table's lines these answers touch that the recommendation does not follow, by the seed's own words."""
    chosen = {v for v in answers.values() if isinstance(v, str)}
    departed = set()
    for answer, (points_to, how) in SEED.items():
        if answer not in chosen:
            continue
        followed = {
            "all": points_to <= patterns and primary in points_to,
            "any": bool(points_to & patterns),
            "primary": primary in points_to,
        }[how]
        if not followed:
            departed.add(answer)
    return departed


def named_departures(result: Assessment) -> dict[str, str]:
    """Each departed answer and the risk naming it (`a + b` when two risks name it)."""
    named: dict[str, list[str]] = {}
    for risk in result.risks:
        for answer in risk.departs_from:
            named.setdefault(answer, []).append(risk.id)
    return {answer: " + ".join(sorted(ids)) for answer, ids in named.items()}


def check(result: Assessment, answers: dict[str, Any], departures: dict[str, str]) -> None:
    primary = str(result.recommendation.primary)
    patterns = {str(p) for p in result.recommendation.patterns}
    # the expected departures are exactly the seed's, so a row cannot quietly expect the wrong thing
    assert set(departures) == seed_departures(answers, primary, patterns)
    assert named_departures(result) == departures
    for risk in result.risks:
        if risk.departs_from:
            assert risk.improvement_plan and risk.title and risk.because


def test_the_cases_are_all_27_combinations() -> None:
    combinations = {(d, c, b) for d, c, b, *_ in CASES}
    assert len(CASES) == 27
    assert combinations == set(
        itertools.product(
            ["dev_none", "dev_proficient", "dev_team"],
            ["simple", "moderate", "complex"],
            ["budget_minimal", "budget_moderate", "budget_larger"],
        )
    )


@pytest.mark.parametrize(
    ("dev", "complexity", "budget", "primary", "complementary", "departures"),
    CASES,
    ids=["-".join(c[:3]) for c in CASES],
)
def test_every_combination_follows_the_table_or_names_the_departure(
    advisor: Advisor,
    dev: str,
    complexity: str,
    budget: str,
    primary: str,
    complementary: list[str],
    departures: dict[str, str],
) -> None:
    answers = {**FIXED, "dev_resources": dev, "workflow_complexity": complexity, "budget": budget}
    result = advisor.assess(answers)
    assert str(result.recommendation.primary) == primary, result.recommendation.trace[-1].text
    assert [str(p) for p in result.recommendation.complementary] == complementary
    check(result, answers, departures)
    assert not [r.id for r in result.risks if r.id.startswith(FALLBACK_PREFIX)]  # each is named by a lens rule


def test_no_developers_with_a_budget_says_hire_or_contract_one(advisor: Advisor) -> None:
    answers = {**FIXED, "dev_resources": "dev_none", "workflow_complexity": "simple", "budget": "budget_larger"}
    risk = next(r for r in advisor.assess(answers).risks if r.id == "budget-without-developers")
    assert "Hire or contract a developer to use this budget" in risk.improvement_plan
    assert "direct API integration or a custom application" in risk.improvement_plan


def test_the_lens_table_is_the_seeds_table(advisor: Advisor) -> None:
    table = advisor.lens.decision_table
    assert table is not None
    as_lens: dict[str, tuple[set[str], str]] = {}
    for row in table.rows:
        if row.includes_all:
            assert row.primary_one_of == row.includes_all  # all of them, led by one of them
            as_lens[row.answer] = ({str(p) for p in row.includes_all}, "all")
        elif row.primary_one_of:
            as_lens[row.answer] = ({str(p) for p in row.primary_one_of}, "primary")
        else:
            as_lens[row.answer] = ({str(p) for p in row.includes_one_of}, "any")
    assert as_lens == SEED
    assert dict(table.example_answers) == FIXED


# The other answers where they change the pick: (name, changes to a base combination, primary,
# complementary, named departures, other risks that must be there).
OTHERS: list[tuple[str, dict[str, Any], str, list[str], dict[str, str], set[str]]] = [
    (
        "no tools with AI, no developers, minimal budget: the bridge leads",
        {"dev_resources": "dev_none", "budget": "budget_minimal", "business_tools": ["tools_none"]},
        BRIDGE,
        [NATIVE],
        {"budget_minimal": "no-native-ai-on-minimal-budget"},
        set(),
    ),
    (
        "no tools with AI, no developers, larger budget: the bridge alone",
        {"dev_resources": "dev_none", "budget": "budget_larger", "business_tools": ["tools_none"]},
        BRIDGE,
        [],
        {"budget_larger": "budget-without-developers", "dev_none": "no-native-ai-without-developers"},
        set(),
    ),
    (
        "high volume prices the bridge below native features",
        {"dev_resources": "dev_none", "budget": "budget_moderate", "monthly_volume": 60000},
        NATIVE,
        [BRIDGE],
        {},
        set(),
    ),
    (
        "regulated data moves developers to the API on a minimal budget",
        {"workflow_complexity": "moderate", "budget": "budget_minimal", "data_sensitivity": "data_regulated"},
        DIRECT,
        [NATIVE],
        {"budget_minimal": "minimal-budget-paid-primary"},
        {"regulated-data-ai-vendor"},
    ),
    (
        "regulated data, complex work, moderate budget: the API before the application",
        {"workflow_complexity": "complex", "budget": "budget_moderate", "data_sensitivity": "data_regulated"},
        DIRECT,
        [CUSTOM],
        {"budget_moderate": "moderate-budget-without-bridge"},
        {"regulated-data-ai-vendor"},
    ),
    (
        "someone waiting on a three-system bridge: native features lead",
        {"dev_resources": "dev_none", "budget": "budget_moderate", "latency": "interactive"},
        NATIVE,
        [BRIDGE],
        {},
        {"interactive-through-slow-bridge"},
    ),
    (
        "someone waiting, nobody to code, high volume: native alone",
        {"dev_resources": "dev_none", "latency": "interactive", "monthly_volume": 60000, "budget": "budget_minimal"},
        NATIVE,
        [],
        {"dev_none": "high-volume-without-developers + interactive-without-developers"},
        {"minimal-budget-high-volume"},
    ),
]


@pytest.mark.parametrize(
    ("name", "changes", "primary", "complementary", "departures", "also"), OTHERS, ids=[o[0] for o in OTHERS]
)
def test_other_answers_that_change_the_pick(
    advisor: Advisor,
    name: str,
    changes: dict[str, Any],
    primary: str,
    complementary: list[str],
    departures: dict[str, str],
    also: set[str],
) -> None:
    answers = {**FIXED, "dev_resources": "dev_team", "workflow_complexity": "simple", "budget": "budget_moderate"}
    answers.update(changes)
    result = advisor.assess(answers)
    assert str(result.recommendation.primary) == primary, result.recommendation.trace[-1].text
    assert [str(p) for p in result.recommendation.complementary] == complementary
    check(result, answers, departures)
    assert also <= {r.id for r in result.risks}


def test_a_departure_no_rule_explains_is_named_by_tether(advisor: Advisor) -> None:
    # growing volume on a minimal budget takes the budget question's one risk, so no rule explains the paid primary
    answers = {
        **FIXED,
        "dev_resources": "dev_team",
        "workflow_complexity": "moderate",
        "budget": "budget_minimal",
        "monthly_volume": 5000,
        "data_sensitivity": "data_regulated",
    }
    result = advisor.assess(answers)
    assert str(result.recommendation.primary) == DIRECT
    check(result, answers, {"budget_minimal": "departs-from-table-budget_minimal"})
    risk = next(r for r in result.risks if r.id == "departs-from-table-budget_minimal")
    assert str(risk.level) == "MEDIUM"
    assert "minimal budget → native features" in risk.title
    assert risk.because[-1] == "the recommendation is direct-api with native-feature"
    assert risk.improvement_plan.startswith("Start with the AI in the tools you already pay for")
