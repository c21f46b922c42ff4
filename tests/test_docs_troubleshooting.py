"""rules/troubleshooting.yaml: complete, consistent with the check kinds, systems and monitor categories."""

from __future__ import annotations

from pathlib import Path

import pytest

from tether.checks import KIND_NAMES
from tether.errors import InputError
from tether.model.systems import SystemCatalogue
from tether.model.troubleshooting import Troubleshooting
from tether.monitor.faults import Category
from tether.workspace.rules import load_rules

RULES = load_rules("troubleshooting.yaml", Troubleshooting)
SYSTEMS = load_rules("systems.yaml", SystemCatalogue)

REQUIRED = {
    "bad-key",
    "rate-limit",
    "overload",
    "spend-cap",
    "model-retired",
    "timeout",
    "malformed-output",
    "middleware-task-quota",
    "webhook-signature",
    "vendor-outage",
    "stale-vector-index",
    "cost-spike",
    "heartbeat-missed",
    "n8n-execution-failures",
}


def test_covers_the_failure_modes_on_call_people_meet() -> None:
    assert {mode.id for mode in RULES.failure_modes} >= REQUIRED
    assert len(RULES.failure_modes) > len(REQUIRED)


def test_every_check_kind_has_a_failure_mode_and_every_named_kind_exists() -> None:
    named = {kind for mode in RULES.failure_modes for kind in mode.applies_to.check_kinds}
    assert named <= set(KIND_NAMES)
    assert set(KIND_NAMES) <= named


def test_every_named_system_is_in_the_catalogue() -> None:
    for mode in RULES.failure_modes:
        for system in mode.applies_to.systems:
            assert SYSTEMS.resolve(system) is not None, (mode.id, system)


def test_every_failing_monitor_category_counts_toward_a_failure_mode() -> None:
    for category in Category:
        if category.value not in ("ok", "maintenance"):
            assert RULES.claims(category.value), category.value


def test_every_diagnosis_runs_a_tether_command() -> None:
    for mode in RULES.failure_modes:
        assert all(step.command.startswith("tether ") for step in mode.diagnosis), mode.id


def test_a_reason_mapped_twice_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    entry = """  - id: {id}
    title: T
    applies_to: {{patterns: [direct-api]}}
    reasons: [timeout]
    meaning: m
    impact: i
    diagnosis: [{{command: tether probe, look_for: x}}]
    mitigation: [y]
"""
    text = "version: 1\nfailure_modes:\n" + entry.format(id="one") + entry.format(id="two")
    (tmp_path / "rules" / "troubleshooting.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rules("troubleshooting.yaml", Troubleshooting, tmp_path)
    message = str(caught.value)
    assert "troubleshooting.yaml:" in message
    assert "reason 'timeout' maps to both 'one' and 'two'" in message
