"""Types shared by every model: strict base, slugs, durations, environment references."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from tether.secrets import WHOLE_ENV_REF


class StrictModel(BaseModel):
    """Unknown keys are errors (typo protection); docstrings become JSON Schema descriptions."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


class Pattern(StrEnum):
    """The four ways a team connects AI to its stack."""

    AUTOMATION_BRIDGE = "automation-bridge"
    DIRECT_API = "direct-api"
    NATIVE_FEATURE = "native-feature"
    CUSTOM_APP = "custom-app"

    @property
    def label(self) -> str:
        return PATTERN_TITLES[self]


PATTERN_TITLES = {
    Pattern.AUTOMATION_BRIDGE: "Automation bridge",
    Pattern.DIRECT_API: "Direct API integration",
    Pattern.NATIVE_FEATURE: "Native AI features",
    Pattern.CUSTOM_APP: "Custom AI application",
}


class Lifecycle(StrEnum):
    IDEA = "idea"
    PLANNED = "planned"
    PILOT = "pilot"
    PRODUCTION = "production"
    RETIRED = "retired"


SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
Slug = Annotated[str, Field(pattern=SLUG, description="lowercase letters, digits and dashes")]

_DURATION = re.compile(r"^\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


def parse_duration(value: Any) -> Any:
    """'30s', '5m', '1h', '7d', '250ms' or a number of seconds, to float seconds."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or a string such as 30s, 5m, 1h, 7d")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return float(match.group("n")) * _UNIT_SECONDS[match.group("unit")]
    raise ValueError(f"{value!r} is not a duration; write a number of seconds or 30s, 5m, 1h, 7d")


def format_duration(seconds: float) -> str:
    """Seconds the way integrations.yaml writes them: 250ms, 90s, 15m, 1h, 7d."""
    if 0 < seconds < 1:
        return f"{seconds * 1000:g}ms"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


Seconds = Annotated[
    float,
    BeforeValidator(parse_duration),
    Field(gt=0),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0},
                {"type": "string", "pattern": r"^\d+(\.\d+)?(ms|s|m|h|d)?$"},
            ],
            "description": "seconds, or a duration such as 30s, 5m, 1h, 7d",
        }
    ),
]


def _env_ref(value: Any) -> Any:
    if isinstance(value, str) and not WHOLE_ENV_REF.match(value):
        raise ValueError(
            'secrets are written as an environment reference such as "${ANTHROPIC_API_KEY}", never as a literal value'
        )
    return value


SecretRef = Annotated[
    str,
    BeforeValidator(_env_ref),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$",
            "description": "an environment reference, e.g. ${ANTHROPIC_API_KEY}",
        }
    ),
]
"""A secret, always as `${ENV_VAR}`; expanded only at the moment of use."""
