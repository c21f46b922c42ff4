"""`http`: a URL, a method and Gatus-style conditions, e.g. `[STATUS] == 200`, `[BODY].status == UP`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from tether.checks.base import CheckBase
from tether.checks.conditions import parse_condition
from tether.model.common import Url


def _valid_condition(text: str) -> str:
    parse_condition(text)  # a ConditionError is a ValueError: the loader locates it at this item
    return text


ConditionText = Annotated[str, AfterValidator(_valid_condition)]


class HttpCheck(CheckBase):
    kind: Literal["http"] = "http"
    url: Url
    """The URL to call; `${ENV}` references are expanded at run time."""
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    headers: dict[str, str] = Field(default_factory=dict)
    """Request headers; put secrets in them as `${ENV}` references."""
    body: str | dict[str, Any] | list[Any] | None = None
    """A request body: text, or a mapping/list sent as JSON."""
    conditions: list[ConditionText] = Field(default_factory=lambda: ["[STATUS] < 400"])
    """Gatus-style conditions, all of which must hold; each one's result is recorded."""
    follow_redirects: bool = False

    def describe(self) -> str:
        return f"{self.method} {self.url} ({len(self.conditions)} conditions)"
