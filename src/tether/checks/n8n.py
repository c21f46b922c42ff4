"""`n8n`: a workflow's execution history from the n8n public REST API: success rate and run time."""

from __future__ import annotations

from typing import Literal

from tether.checks.base import RunHistoryCheck
from tether.model.common import SecretRef, Url, format_duration


class N8nCheck(RunHistoryCheck):
    kind: Literal["n8n"] = "n8n"
    base_url: Url
    """The n8n instance, e.g. https://n8n.acme.example (the check calls /api/v1/executions)."""
    api_key: SecretRef = "${N8N_API_KEY}"
    workflow_id: str | None = None
    """Only this workflow's executions; every workflow when unset."""

    def describe(self) -> str:
        which = f"workflow {self.workflow_id}" if self.workflow_id else "all workflows"
        return f"n8n executions of {which} over {format_duration(self.window)}"
