"""What a sample's output must satisfy: one model per assertion, discriminated by `kind`.

A malformed regex or JSON Schema is refused when integrations.yaml loads, located like any
other schema problem, rather than failing half-way through an eval run.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from tether.model.common import Seconds, StrictModel


class AssertionBase(StrictModel):
    kind: str
    description: str | None = None
    """What this assertion protects, in plain words (shown when it fails)."""


class Equals(AssertionBase):
    kind: Literal["equals"] = "equals"
    value: str
    """The whole output, after trimming surrounding whitespace; `{{ field }}` is filled from the case."""


class Contains(AssertionBase):
    kind: Literal["contains"] = "contains"
    value: str
    """Text the output must contain (case-sensitive); `{{ field }}` is filled from the case."""


class IContains(AssertionBase):
    kind: Literal["icontains"] = "icontains"
    value: str
    """Text the output must contain, ignoring case; `{{ field }}` is filled from the case."""


class Regex(AssertionBase):
    kind: Literal["regex"] = "regex"
    value: str
    """A Python regular expression the output must match somewhere."""

    @field_validator("value")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


class IsJson(AssertionBase):
    kind: Literal["is-json"] = "is-json"


class JsonSchema(AssertionBase):
    kind: Literal["json-schema"] = "json-schema"
    value: dict[str, Any]
    """A JSON Schema (draft 2020-12) the output, parsed as JSON, must satisfy."""

    @field_validator("value")
    @classmethod
    def _valid_schema(cls, value: dict[str, Any]) -> dict[str, Any]:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(value)
        except SchemaError as exc:
            where = "/".join(str(p) for p in exc.absolute_path) or "(top)"
            raise ValueError(f"not a valid JSON Schema at {where}: {exc.message}") from None
        return value


class MaxLength(AssertionBase):
    kind: Literal["max-length"] = "max-length"
    value: int = Field(ge=1)
    """The most characters the output may have."""


class Latency(AssertionBase):
    kind: Literal["latency"] = "latency"
    value: Seconds
    """The longest the AI step may take for one case, e.g. 3s or 800ms."""


class Cost(AssertionBase):
    kind: Literal["cost"] = "cost"
    value: float = Field(gt=0)
    """The most one case may cost, in USD (input and output tokens at rules/prices.yaml prices)."""


class LlmRubric(AssertionBase):
    kind: Literal["llm-rubric"] = "llm-rubric"
    value: str = Field(min_length=1)
    """The rubric Claude grades the output against, e.g. 'polite, names the customer, no prices'."""
    model: str | None = None
    """The grading model; the suite's model when unset."""


Assertion = Annotated[
    Equals | Contains | IContains | Regex | IsJson | JsonSchema | MaxLength | Latency | Cost | LlmRubric,
    Field(discriminator="kind"),
]
