"""`statuspage`: a vendor's status page (Statuspage v2, incident.io's compatible API, Slack's status API)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tether.checks.base import CheckBase


class StatuspageCheck(CheckBase):
    kind: Literal["statuspage"] = "statuspage"
    url: str
    """The status page, e.g. https://status.hubspot.com (`/api/v2/summary.json` is added), or a full
    API URL such as https://slack-status.com/api/v2.0.0/current."""
    components: list[str] = Field(default_factory=list)
    """Only these components count (names as the page shows them); the whole page when empty."""

    def describe(self) -> str:
        which = f" ({', '.join(self.components)})" if self.components else ""
        return f"vendor status page {self.url}{which}"
