"""The ladder: levels need every lower level, applicability, exemptions, not measured, the score, located errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.readiness_support import facts, write_workspace
from tether.advisor.expr import parse
from tether.errors import InputError
from tether.model.integration import Integration
from tether.model.readiness import Ladder
from tether.readiness.facts import FACTS
from tether.readiness.ladder import exemption_problems, load_ladder, score_integration, truth

TODAY = date(2026, 9, 21)

LEVELS = [
    {"number": 0, "id": "not-ready", "title": "Not ready"},
    {"number": 1, "id": "pilot-ready", "title": "Pilot-ready"},
    {"number": 2, "id": "production-ready", "title": "Production-ready"},
    {"number": 3, "id": "exemplary", "title": "Exemplary"},
]


def ladder(*checks: dict[str, Any]) -> Ladder:
    return Ladder.model_validate(
        {"levels": LEVELS, "checks": [{"area": "definition", "fix": f"fix {c['id']}", **c} for c in checks]}
    )


def integration(**fields: Any) -> Integration:
    return Integration.model_validate({"name": "subject", "title": "Subject", "pattern": "direct-api", **fields})


OWNER = {"id": "owner", "title": "Owner", "level": 1, "when": "owner_set", "weight": 3}
ALERTS = {"id": "alerts", "title": "Alerts", "level": 2, "when": "alert_channels >= 1"}
RATE = {"id": "rate", "title": "Rate", "level": 2, "when": "success_rate_7d >= 99"}
HISTORY = {"id": "history", "title": "History", "level": 3, "when": "probe_history_days >= 30"}
ALL = ladder(OWNER, ALERTS, RATE, HISTORY)


def results(card: Any) -> dict[str, str]:
    return {c.check.id: str(c.result) for c in card.checks}


def test_every_check_passing_reaches_the_top() -> None:
    card = score_integration(
        ALL,
        integration(),
        facts(owner_set=True, alert_channels=2, success_rate_7d=99.5, probe_history_days=31),
        TODAY,
    )
    assert card.level.id == "exemplary"
    assert card.score == 100.0
    assert card.next_level is None
    assert card.gaps == []


def test_a_level_needs_every_lower_level_even_when_its_own_checks_pass() -> None:
    # Level 2 and 3 evidence is perfect, but the level-1 owner check fails: the integration is not ready.
    card = score_integration(
        ALL,
        integration(),
        facts(owner_set=False, alert_channels=2, success_rate_7d=100, probe_history_days=90),
        TODAY,
    )
    assert card.level.number == 0
    assert card.next_level is not None and card.next_level.id == "pilot-ready"
    assert [g.check.id for g in card.gaps] == ["owner"]
    # The score still credits the passing checks (weights 1+1+1 of 3+1+1+1).
    assert card.score == 50.0


def test_the_level_stops_at_the_first_level_with_a_failing_check() -> None:
    card = score_integration(
        ALL,
        integration(),
        facts(owner_set=True, alert_channels=0, success_rate_7d=100, probe_history_days=90),
        TODAY,
    )
    assert card.level.id == "pilot-ready"
    assert results(card)["alerts"] == "fail"
    assert card.checks[1].message == "fix alerts Now: alert_channels=0."


def test_a_fact_not_measured_holds_the_level_back_but_is_not_a_failure() -> None:
    card = score_integration(
        ALL, integration(), facts(owner_set=True, alert_channels=1, success_rate_7d=None, probe_history_days=0), TODAY
    )
    assert results(card)["rate"] == "not-measured"
    assert card.level.id == "pilot-ready"
    rate = next(c for c in card.checks if c.check.id == "rate")
    assert "tether probe --watch" in rate.message


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("owner_set && success_rate_7d >= 99", {"owner_set": False, "success_rate_7d": None}, False),
        ("owner_set && success_rate_7d >= 99", {"owner_set": True, "success_rate_7d": None}, None),
        ("owner_set || success_rate_7d >= 99", {"owner_set": True, "success_rate_7d": None}, True),
        ("owner_set || success_rate_7d >= 99", {"owner_set": False, "success_rate_7d": None}, None),
        ("!pattern_recommended", {"pattern_recommended": None}, None),
        ("!pattern_recommended", {"pattern_recommended": False}, True),
        ("(checks >= 1 && budget_set) || pattern_reason_recorded", {"checks": 0, "budget_set": True}, None),
        ("open_incidents == 0", {"open_incidents": 0}, True),
        ("p95_ms < 2000", {"p95_ms": 2000.0}, False),
    ],
)
def test_three_valued_logic(expression: str, values: dict[str, Any], expected: bool | None) -> None:
    assert truth(parse(expression), facts(**values)) is expected


def test_applicability_by_pattern_skips_and_leaves_the_level_alone() -> None:
    only_custom = ladder(OWNER, {**ALERTS, "applies_to": {"patterns": ["custom-app"]}})
    native = score_integration(only_custom, integration(pattern="native-feature"), facts(owner_set=True), TODAY)
    assert results(native) == {"owner": "pass", "alerts": "skipped"}
    # Nothing that applies holds it back, so it reaches the top (level 3 has no checks here).
    assert native.level.id == "exemplary"
    custom = score_integration(
        only_custom, integration(pattern="custom-app"), facts(owner_set=True, alert_channels=0), TODAY
    )
    assert results(custom) == {"owner": "pass", "alerts": "fail"}
    assert custom.level.id == "pilot-ready"


def test_applicability_by_lifecycle() -> None:
    live_only = ladder({**ALERTS, "level": 1, "applies_to": {"lifecycles": ["pilot", "production"]}})
    planned = score_integration(live_only, integration(lifecycle="planned"), facts(alert_channels=0), TODAY)
    pilot = score_integration(live_only, integration(lifecycle="pilot"), facts(alert_channels=0), TODAY)
    assert results(planned) == {"alerts": "skipped"}
    assert "planned" in planned.checks[0].message
    assert results(pilot) == {"alerts": "fail"}


def test_a_skipped_check_does_not_count_in_the_score() -> None:
    only_custom = ladder(OWNER, {**ALERTS, "applies_to": {"patterns": ["custom-app"]}})
    card = score_integration(only_custom, integration(), facts(owner_set=True), TODAY)
    assert card.score == 100.0


@pytest.mark.parametrize(
    ("expires", "result", "level"),
    [
        ("2026-12-31", "exempt", "exemplary"),
        ("2026-09-21", "exempt", "exemplary"),  # valid through its last day
        ("2026-09-20", "fail", "pilot-ready"),  # lapsed: the check counts again
    ],
)
def test_exemptions_and_their_expiry(expires: str, result: str, level: str) -> None:
    subject = integration(exemptions=[{"check": "alerts", "reason": "the vendor alerts us", "expires": expires}])
    card = score_integration(ladder(OWNER, ALERTS), subject, facts(owner_set=True, alert_channels=0), TODAY)
    alerts = next(c for c in card.checks if c.check.id == "alerts")
    assert str(alerts.result) == result
    assert card.level.id == level
    if result == "exempt":
        assert alerts.message == f"exempt until {expires}: the vendor alerts us"
        assert card.score == 100.0  # an exempt check leaves the score
    else:
        assert "its exemption expired on 2026-09-20" in alerts.message


def test_an_exemption_naming_no_check_is_a_located_error(tmp_path: Path) -> None:
    ws = write_workspace(
        tmp_path,
        """
        - name: subject
          title: Subject
          pattern: direct-api
          exemptions:
            - {check: alert-chanel, reason: later, expires: 2027-01-01}
        """,
    )
    problems = exemption_problems(ws, load_ladder())
    assert [str(p) for p in problems] == [
        f"{ws.path}:8:17: integrations[0].exemptions[0].check: no readiness check 'alert-chanel' "
        "(did you mean 'alert-channel'?); `tether readiness` lists them"
    ]


def test_the_packaged_ladder_loads_and_uses_only_known_facts() -> None:
    packaged = load_ladder()
    assert [level.id for level in packaged.levels] == ["not-ready", "pilot-ready", "production-ready", "exemplary"]
    used = {atom for check in packaged.checks for atom in check.when.replace("(", " ").split() if atom in FACTS}
    # Every area of tether feeds the ladder.
    assert {FACTS[name].area for name in used} == {"definition", "monitoring", "quality", "advisor"}


def _override(tmp_path: Path, checks: str) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    levels = "".join(f"  - {{number: {n}, id: l{n}, title: L{n}}}\n" for n in range(3))
    (rules / "readiness.yaml").write_text(f"levels:\n{levels}checks:\n{checks}", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("when", "col", "message"),
    [
        ('"owner_set && & checks"', 25, "rule syntax: unexpected character '&'; write `&&` for 'and'"),
        ('"owner_set and checks >= 1"', 22, "rule syntax: write `&&` instead of `and`"),
        ("owner_sett", 11, "unknown fact 'owner_sett' (did you mean 'owner_set'?)"),
        ("checks", 11, "`checks` is a number; compare it, as in `checks >= 1`"),
        ("'owner_set > 1'", 12, "`owner_set` is a yes/no fact; write it alone"),
    ],
)
def test_expression_errors_are_located_in_the_workspace_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str, col: int, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = _override(
        tmp_path, f"  - id: a\n    title: A\n    area: definition\n    level: 1\n    fix: f\n    when: {when}\n"
    )
    with pytest.raises(InputError) as caught:
        load_ladder(folder)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.col) == ("rules/readiness.yaml", 11, col)
    assert problem.message.startswith(f"checks[0].when: {message}")


def test_duplicate_ids_and_missing_levels_are_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    check = "  - {{id: {id}, title: T, area: definition, level: {level}, fix: f, when: owner_set}}\n"
    folder = _override(tmp_path, check.format(id="a", level=1) + check.format(id="a", level=5))
    with pytest.raises(InputError) as caught:
        load_ladder(folder)
    assert [str(p) for p in caught.value.problems] == [
        "rules/readiness.yaml:7:10: checks[1].id: 'a' is the id of an earlier check; ids are unique",
        "rules/readiness.yaml:7:48: checks[1].level: there is no level 5; levels go from 0 to 2",
    ]


def test_levels_must_be_numbered_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "readiness.yaml").write_text(
        "levels:\n  - {number: 0, id: a, title: A}\n  - {number: 2, id: b, title: B}\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        load_ladder(tmp_path)
    assert "levels are numbered 0, 1, 2, ... in order; found [0, 2]" in str(caught.value)


def test_find_level_accepts_id_title_or_number() -> None:
    packaged = load_ladder()
    for text in ("production-ready", "Production-ready", "2", " PRODUCTION-READY "):
        found = packaged.find_level(text)
        assert found is not None and found.number == 2
    assert packaged.find_level("prod") is None
