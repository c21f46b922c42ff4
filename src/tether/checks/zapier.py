"""`zapier`: a Zap's runs from Zapier's Partner API (GET /v2/zap-runs): success rate and run time."""

from __future__ import annotations

from typing import Literal

from tether.checks.base import RunHistoryCheck
from tether.model.common import SecretRef, Url, format_duration


class ZapierCheck(RunHistoryCheck):
    kind: Literal["zapier"] = "zapier"
    base_url: Url = "https://api.zapier.com"
    token: SecretRef = "${ZAPIER_TOKEN}"
    """An OAuth access token with the `zap:runs` scope, sent as a bearer token."""
    zap_id: int

    def describe(self) -> str:
        return f"Zapier runs of Zap {self.zap_id} over {format_duration(self.window)}"
