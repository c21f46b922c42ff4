"""Types shared by every model: strict base, slugs, durations, environment references."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from tether.secrets import ENV_REF, WHOLE_ENV_REF


class StrictModel(BaseModel):
    """Unknown keys are errors (typo protection); field docstrings become JSON Schema descriptions
    (tether.schema reads them, only when the schema is made)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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


def url_problem(url: str) -> str | None:
    """What is wrong with a URL's literal parts (scheme, port), or None; `${ENV}` parts are judged at use."""
    literal = ENV_REF.sub(lambda m: m.group("default") if m.group("default") is not None else "env", url)
    parts = urlsplit(literal)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None  # the scheme or host comes from the environment: nothing literal to judge
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= 65535:
        given = parts.netloc.rsplit(":", 1)[-1]
        return f"port {given} is out of range; a port is a number from 1 to 65535"
    return None


def _valid_url(url: str) -> str:
    problem = url_problem(url)
    if problem is not None:
        raise ValueError(problem)
    return url


Url = Annotated[str, AfterValidator(_valid_url)]
"""An http(s) URL whose literal parts are checked when the file loads (`${ENV}` parts at use)."""
