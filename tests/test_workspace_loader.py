"""integrations.yaml: the bundled example loads; every kind of bad input is located exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tether.errors import InputError
from tether.model import Lifecycle, Pattern
from tether.model.workspace_file import WorkspaceFile
from tether.workspace import load_workspace
from tether.workspace.validate import load_text

from .conftest import BUNDLED


def test_bundled_example_has_one_integration_per_pattern_plus_the_n8n_variant() -> None:
    ws = load_workspace(BUNDLED)
    assert len(ws.integrations) == 5
    assert {i.pattern for i in ws.integrations} == set(Pattern)
    n8n = ws.integration("lead-intake-n8n")
    assert n8n.middleware is not None and n8n.middleware.platform == "n8n"
    zap = ws.integration("lead-intake-zapier")
    assert zap.lifecycle is Lifecycle.PRODUCTION
    assert zap.destinations == ["crm", "slack", "email"]
    assert zap.error_handling.planned() == ["unexpected_ai_response", "api_down", "malformed_input"]


def test_bundled_example_starts_with_the_schema_comment(bundled_text: str) -> None:
    assert bundled_text.startswith("# yaml-language-server: $schema=")


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, f"fixture text {old!r} not in the bundled example"
    return text.replace(old, new, 1)


# (old text, new text, expected "line:col: message" fragment). Lines refer to the bundled file.
BAD_INPUTS = [
    pytest.param(
        "pattern: direct-api",
        "pattern: direct_api",
        "integrations.yaml:{line}:14: integrations[1].pattern: 'direct_api' is not one of automation-bridge, "
        "direct-api, native-feature, custom-app (did you mean 'direct-api'?)",
        id="enum-typo",
    ),
    pytest.param(
        "    title: HubSpot AI",
        "    titel: HubSpot AI",
        "integrations.yaml:{line}:5: integrations[2].titel: unknown key 'titel' (did you mean 'title'?)",
        id="unknown-key",
    ),
    pytest.param(
        "source: hubspot",
        "source: hubspt",
        "integrations.yaml:{line}:13: integrations[2].source: unknown system 'hubspt' (did you mean 'hubspot'?)",
        id="unknown-system",
    ),
    pytest.param(
        "kind: zapier",
        "kind: zappier",
        "integrations.yaml:{line}:9: integrations[0].checks[0].kind: unknown kind 'zappier' (did you mean 'zapier'?)",
        id="unknown-check-kind",
    ),
    pytest.param(
        "  timezone: Europe/London",
        "  timezone: Europe/Lundon",
        "integrations.yaml:{line}:13: workspace.timezone: 'Europe/Lundon' is not an IANA time zone",
        id="timezone",
    ),
    pytest.param(
        "  interval: 60s",
        "  interval: soon",
        "integrations.yaml:{line}:13: defaults.interval: 'soon' is not a duration",
        id="duration",
    ),
    pytest.param(
        "  name: Acme Outdoor Supply",
        "  name: [Acme Outdoor Supply",
        "integrations.yaml:{next}:8: YAML syntax: did not find expected ',' or ']'",
        id="yaml-syntax",
    ),
    pytest.param(
        "- name: crm-followup-email",
        "- name: lead-intake-zapier",
        "integrations.yaml:{line}:11: integrations[1].name: 'lead-intake-zapier' is already the name of "
        "integrations[0]",
        id="duplicate-name",
    ),
    pytest.param(
        "        zap_id: 4021",
        "        zap_id: 4021\n        timeout: 2h",
        "integrations.yaml:{next}:18: integrations[0].checks[0].timeout: the timeout (7200s) must be below "
        "the interval (60s)",
        id="timeout-over-interval",
    ),
    pytest.param(
        "  timezone: Europe/London",
        "  timezone: Europe/London\n  timezone: UTC",
        "integrations.yaml:{next}:3: workspace.timezone: duplicate key 'timezone'",
        id="duplicate-key",
    ),
    pytest.param(
        "token: ${ZAPIER_TOKEN}",
        "token: sk-ant-api03-AbCdEfGhIjKlMnOp",
        "integrations.yaml:{line}:16: integrations[0].checks[0].token: this looks like an Anthropic API key "
        "written as a literal; secrets never go in this file — export it (export ANTHROPIC_API_KEY=...) and "
        'write "${{ANTHROPIC_API_KEY}}" here instead',
        id="literal-anthropic-key",
    ),
    pytest.param(
        "    trigger: account manager clicks",
        "    trigger: Bearer abcdefghijklmnopqrstuvwxyz123 clicks",
        "integrations.yaml:{line}:14: integrations[1].trigger: this looks like a bearer token",
        id="bearer-token",
    ),
    pytest.param("version: 1", "version: 2", "integrations.yaml:{line}:10: version: 2 is not one of 1", id="version"),
    pytest.param(
        "      runs_per_month: 3000",
        "      runs_per_month: lots",
        "integrations.yaml:{line}:23: integrations[1].volume.runs_per_month: Input should be a valid integer",
        id="wrong-type",
    ),
]


def _line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "expected"), BAD_INPUTS)
def test_bad_input_is_one_located_line(bundled_text: str, old: str, new: str, expected: str) -> None:
    line = _line_of(bundled_text, old) + old[: len(old) - len(old.lstrip("\n"))].count("\n")
    text = _replace(bundled_text, old, new)
    with pytest.raises(InputError) as info:
        load_workspace(Path("integrations.yaml"), text=text)
    message = str(info.value)
    assert expected.format(line=line, next=line + 1) in message, message
    assert len(info.value.problems) == 1, message


def test_all_problems_are_reported_at_once(bundled_text: str) -> None:
    text = _replace(bundled_text, "pattern: direct-api", "pattern: direct_api")
    text = _replace(text, "source: hubspot", "source: hubspt")
    text = _replace(text, "  interval: 60s", "  interval: soon")
    with pytest.raises(InputError) as info:
        load_workspace(Path("integrations.yaml"), text=text)
    assert len(info.value.problems) == 3
    lines = [p.line for p in info.value.problems]
    assert lines == sorted(lines)


def test_a_missing_required_key_points_at_its_mapping(bundled_text: str) -> None:
    text = _replace(bundled_text, "    title: HubSpot AI lead scoring and content\n", "")
    with pytest.raises(InputError) as info:
        load_workspace(Path("integrations.yaml"), text=text)
    (problem,) = info.value.problems
    assert problem.message == "integrations[2]: missing required key 'title'"
    assert problem.line == _line_of(text, "- name: hubspot-ai-scoring")
    assert problem.col == 5


def test_env_references_are_accepted_where_literals_are_refused(bundled_text: str) -> None:
    text = _replace(bundled_text, "token: ${ZAPIER_TOKEN}", "token: not-a-reference")
    with pytest.raises(InputError) as info:
        load_workspace(Path("integrations.yaml"), text=text)
    assert "environment reference" in str(info.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "expected a mapping at the top of the file"),
        ("- a\n- b\n", "expected a mapping at the top of the file"),
        ("a: &x [*x]\n", "integrations.yaml:1:"),
        ("version: 1\n---\nversion: 1\n", "YAML syntax"),
        ("version: !!python/object:os.system {}\n", "YAML syntax"),
        ("\tversion: 1\n", "YAML syntax"),
    ],
)
def test_degenerate_documents_are_clean_errors(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        load_workspace(Path("integrations.yaml"), text=text)
    assert fragment in str(info.value)


def test_non_utf8_file_is_located(tmp_path: Path) -> None:
    path = tmp_path / "integrations.yaml"
    path.write_bytes(b"version: 1\nworkspace:\n  name: caf\xe9\n")
    with pytest.raises(InputError) as info:
        load_workspace(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.col) == (3, 12)
    assert "UTF-8" in problem.message


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12))
yaml_keys = st.sampled_from(
    ["version", "workspace", "integrations", "name", "title", "pattern", "checks", "kind", "defaults", "x", "ai"]
) | st.text(max_size=6)
yaml_data = st.recursive(
    yaml_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(yaml_keys, children, max_size=5),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=yaml_data)
def test_any_yaml_document_ends_in_a_model_or_a_located_error(data: object) -> None:
    text = yaml.safe_dump(data)
    try:
        load_text(text, WorkspaceFile, "integrations.yaml")
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.line >= 1 and problem.col >= 1
            assert str(problem).startswith("integrations.yaml:")


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab:- \n[]{}&*!#'\"|>\t%@`?,")), max_size=60))
def test_any_text_ends_in_a_model_or_a_located_error(text: str) -> None:
    try:
        load_text(text, WorkspaceFile, "integrations.yaml")
    except InputError as exc:
        assert all(p.line >= 1 and p.col >= 1 for p in exc.problems)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["title", "owner", "trigger", "description"]), value=yaml_data)
def test_any_value_in_a_real_integration_ends_cleanly(bundled_text: str, field: str, value: object) -> None:
    doc = yaml.safe_load(bundled_text)
    doc["integrations"][1][field] = value
    try:
        load_text(yaml.safe_dump(doc, sort_keys=False), WorkspaceFile, "integrations.yaml")
    except InputError as exc:
        assert exc.problems
