"""Every assertion type against outputs, and malformed assertions refused when integrations.yaml loads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from tests.readiness_support import write_workspace
from tether.errors import InputError
from tether.model.assertions import Assertion, LlmRubric
from tether.readiness.assertions import Output, Verdict, judge

ADAPTER: TypeAdapter[Any] = TypeAdapter(Assertion)
SCORE_SCHEMA = {
    "type": "object",
    "required": ["score"],
    "properties": {"score": {"type": "integer", "minimum": 0, "maximum": 100}},
}


def no_grader(assertion: LlmRubric, rubric: str, output: str) -> Verdict:
    raise AssertionError("only llm-rubric asks the grader")


@pytest.mark.parametrize(
    ("spec", "text", "passed", "detail"),
    [
        ({"kind": "equals", "value": "Yes"}, "  Yes\n", True, "equal"),
        ({"kind": "equals", "value": "Yes"}, "Yes.", False, "expected 'Yes', got 'Yes.'"),
        ({"kind": "equals", "value": "{{ expected }}"}, "42", True, "equal"),
        ({"kind": "contains", "value": "quote"}, "here is the quote", True, "contains 'quote'"),
        ({"kind": "contains", "value": "Quote"}, "here is the quote", False, "does not contain 'Quote'"),
        ({"kind": "icontains", "value": "{{ name }}"}, "Hi SAM,", True, "contains 'Sam'"),
        ({"kind": "icontains", "value": "Priya"}, "Hi Sam,", False, "does not contain 'Priya'"),
        ({"kind": "regex", "value": r"^(Hi|Dear) "}, "Hi Sam", True, "matches /^(Hi|Dear) /"),
        ({"kind": "regex", "value": r"\d{3}"}, "no digits", False, r"does not match /\d{3}/"),
        ({"kind": "is-json"}, '{"score": 82}', True, "valid JSON"),
        ({"kind": "is-json"}, "Sure! {}", False, "not JSON (Expecting value at line 1 column 1): 'Sure! {}'"),
        ({"kind": "json-schema", "value": SCORE_SCHEMA}, '{"score": 82}', True, "matches the schema"),
        ({"kind": "json-schema", "value": SCORE_SCHEMA}, '{"score": 182}', False, "at score: 182 is greater than"),
        ({"kind": "json-schema", "value": SCORE_SCHEMA}, "{}", False, "at (top): 'score' is a required property"),
        ({"kind": "json-schema", "value": SCORE_SCHEMA}, "score: 82", False, "not JSON"),
        ({"kind": "max-length", "value": 5}, "hello", True, "5 characters (at most 5)"),
        ({"kind": "max-length", "value": 4}, "hello", False, "5 characters (at most 4)"),
        ({"kind": "latency", "value": "2s"}, "x", True, "1,500 ms (at most 2,000 ms)"),
        ({"kind": "latency", "value": "800ms"}, "x", False, "1,500 ms (at most 800 ms)"),
        ({"kind": "cost", "value": 0.01}, "x", True, "$0.002000 (at most $0.01)"),
        ({"kind": "cost", "value": 0.001}, "x", False, "$0.002000 (at most $0.001)"),
    ],
)
def test_each_assertion(spec: dict[str, Any], text: str, passed: bool, detail: str) -> None:
    verdict = judge(
        ADAPTER.validate_python(spec), Output(text, 1500.0, 0.002), {"expected": 42, "name": "Sam"}, no_grader
    )
    assert verdict.kind == spec["kind"]
    assert verdict.passed is passed
    assert verdict.detail.startswith(detail)


def test_cost_is_a_failure_when_the_price_is_unknown() -> None:
    verdict = judge(ADAPTER.validate_python({"kind": "cost", "value": 1}), Output("x", 1.0, None), {}, no_grader)
    assert not verdict.passed
    assert "not in rules/prices.yaml" in verdict.detail


def test_llm_rubric_goes_to_the_grader_with_the_rubric_filled_from_the_case() -> None:
    seen: list[tuple[str, str]] = []

    def grader(assertion: LlmRubric, rubric: str, output: str) -> Verdict:
        seen.append((rubric, output))
        return Verdict("llm-rubric", True, "fine")

    spec = ADAPTER.validate_python({"kind": "llm-rubric", "value": "greets {{ name }} politely"})
    assert judge(spec, Output("Hi Sam", 1.0, 0.0), {"name": "Sam"}, grader).passed
    assert seen == [("greets Sam politely", "Hi Sam")]


def _suite(assertions: str) -> str:
    return f"""
    - name: app
      title: App
      pattern: direct-api
      samples:
        - name: s
          prompt: "Say {{{{ word }}}}"
          cases: [{{word: hi}}]
          assertions:
{assertions}
    """


@pytest.mark.parametrize(
    ("assertion", "where", "message"),
    [
        (
            "            - {kind: regex, value: '(unclosed'}",
            "12:34",
            "integrations[0].samples[0].assertions[0].value: not a regular expression: missing ), unterminated "
            "subpattern at position 0",
        ),
        (
            "            - {kind: json-schema, value: {type: objekt}}",
            "12:40",
            "integrations[0].samples[0].assertions[0].value: not a valid JSON Schema at type: 'objekt' is not valid",
        ),
        (
            "            - {kind: icontain, value: x}",
            "12:13",
            "integrations[0].samples[0].assertions[0].kind: unknown kind 'icontain' (did you mean 'icontains'?)",
        ),
        (
            "            - {kind: max-length, value: 0}",
            "12:39",
            "integrations[0].samples[0].assertions[0].value: Input should be greater than or equal to 1",
        ),
    ],
)
def test_malformed_assertions_are_located_load_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, assertion: str, where: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        write_workspace(tmp_path, _suite(assertion))
    [problem] = caught.value.problems
    assert f"{problem.line}:{problem.col}" == where
    assert problem.message.startswith(message)


def test_a_suite_needs_cases_or_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        write_workspace(tmp_path, "- {name: a, title: A, pattern: direct-api, samples: [{name: s, prompt: p}]}")
    assert "a sample suite needs `cases:` or a `file:` of real inputs" in str(caught.value)
    with pytest.raises(InputError) as caught:
        write_workspace(
            tmp_path, "- {name: a, title: A, pattern: direct-api, samples: [{name: s, prompt: p, file: x.xlsx}]}"
        )
    assert "samples are read from a .csv or .jsonl file" in str(caught.value)
