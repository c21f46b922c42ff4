"""`make`: a Make scenario's execution logs (GET /scenarios/{scenarioId}/logs): success rate and run time."""

from __future__ import annotations

from typing import Literal

from tether.checks.base import RunHistoryCheck
from tether.model.common import SecretRef, Url, format_duration


class MakeCheck(RunHistoryCheck):
    kind: Literal["make"] = "make"
    base_url: Url
    """The organisation's zone API, e.g. https://eu1.make.com/api/v2."""
    api_token: SecretRef = "${MAKE_API_TOKEN}"
    """A Make API token with the `scenarios:read` scope, sent as `Authorization: Token ...`."""
    scenario_id: int

    def describe(self) -> str:
        return f"Make logs of scenario {self.scenario_id} over {format_duration(self.window)}"
