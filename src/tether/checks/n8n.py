"""`n8n`: a workflow's execution history from the n8n public REST API: success rate and run time."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tether.checks.base import CheckBase
from tether.model.common import Seconds, SecretRef, format_duration


class N8nCheck(CheckBase):
    kind: Literal["n8n"] = "n8n"
    base_url: str
    """The n8n instance, e.g. https://n8n.acme.example (the check calls /api/v1/executions)."""
    api_key: SecretRef = "${N8N_API_KEY}"
    workflow_id: str | None = None
    """Only this workflow's executions; every workflow when unset."""
    window: Seconds = 86400.0
    """How far back to look, e.g. 24h."""
    degraded_below: float = Field(default=0.95, ge=0, le=1)
    """A success rate below this is degraded."""
    down_below: float = Field(default=0.5, ge=0, le=1)
    """A success rate below this is down."""
    max_pages: int = Field(default=20, ge=1, le=1000)
    """Stop paging after this many pages of 250 (a bound on one run's cost)."""

    def describe(self) -> str:
        which = f"workflow {self.workflow_id}" if self.workflow_id else "all workflows"
        return f"n8n executions of {which} over {format_duration(self.window)}"
