"""Judge one output against one assertion. `llm-rubric` asks a grader (Claude, via evals.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tether.model.assertions import (
    Contains,
    Cost,
    Equals,
    IContains,
    IsJson,
    JsonSchema,
    Latency,
    LlmRubric,
    MaxLength,
    Regex,
)
from tether.readiness.samples import fill

AssertionSpec = Equals | Contains | IContains | Regex | IsJson | JsonSchema | MaxLength | Latency | Cost | LlmRubric


@dataclass(frozen=True)
class Output:
    """What the AI step answered for one case."""

    text: str
    latency_ms: float
    cost_usd: float | None
    """None when the model's price is not known."""


@dataclass(frozen=True)
class Verdict:
    kind: str
    passed: bool
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "passed": self.passed, "detail": self.detail}


Grader = Callable[[LlmRubric, str, str], Verdict]
"""(assertion, rubric filled from the case, output text) → the grader's verdict."""


def excerpt(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def _json(text: str) -> tuple[Any, str | None]:
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno}): {excerpt(text)}"


def judge(assertion: AssertionSpec, output: Output, fields: dict[str, Any], grader: Grader) -> Verdict:
    """Whether the output satisfies the assertion, with the reason in words either way."""
    text = output.text
    kind = assertion.kind
    if isinstance(assertion, Equals):
        expected = fill(assertion.value, fields).strip()
        ok = text.strip() == expected
        return Verdict(kind, ok, "equal" if ok else f"expected {excerpt(expected)}, got {excerpt(text)}")
    if isinstance(assertion, Contains | IContains):
        wanted = fill(assertion.value, fields)
        ok = wanted in text if isinstance(assertion, Contains) else wanted.casefold() in text.casefold()
        return Verdict(kind, ok, f"{'contains' if ok else 'does not contain'} {excerpt(wanted)}")
    if isinstance(assertion, Regex):
        ok = re.search(assertion.value, text) is not None
        return Verdict(kind, ok, f"{'matches' if ok else 'does not match'} /{assertion.value}/")
    if isinstance(assertion, IsJson):
        _, problem = _json(text)
        return Verdict(kind, problem is None, problem or "valid JSON")
    if isinstance(assertion, JsonSchema):
        from jsonschema import Draft202012Validator

        data, problem = _json(text)
        if problem is not None:
            return Verdict(kind, False, problem)
        errors = sorted(Draft202012Validator(assertion.value).iter_errors(data), key=lambda e: list(e.absolute_path))
        if not errors:
            return Verdict(kind, True, "matches the schema")
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(top)"
        return Verdict(kind, False, f"at {where}: {errors[0].message}")
    if isinstance(assertion, MaxLength):
        ok = len(text) <= assertion.value
        return Verdict(kind, ok, f"{len(text)} characters (at most {assertion.value})")
    if isinstance(assertion, Latency):
        limit_ms = assertion.value * 1000
        ok = output.latency_ms <= limit_ms
        return Verdict(kind, ok, f"{output.latency_ms:,.0f} ms (at most {limit_ms:,.0f} ms)")
    if isinstance(assertion, Cost):
        if output.cost_usd is None:
            return Verdict(kind, False, "the model's price is not in rules/prices.yaml, so the cost is unknown")
        ok = output.cost_usd <= assertion.value
        return Verdict(kind, ok, f"${output.cost_usd:.6f} (at most ${assertion.value:g})")
    return grader(assertion, fill(assertion.value, fields), text)
