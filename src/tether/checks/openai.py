"""`openai`: liveness of the OpenAI API or any OpenAI-compatible server (GET /v1/models)."""

from __future__ import annotations

from typing import Literal

from tether.checks.base import CheckBase
from tether.model.common import SecretRef, Url


class OpenAICheck(CheckBase):
    kind: Literal["openai"] = "openai"
    api_key: SecretRef = "${OPENAI_API_KEY}"
    base_url: Url = "https://api.openai.com"
    """The server root; the check calls `{base_url}/v1/models`."""
    model: str | None = None
    """A model id that must be on the list, if any."""

    def describe(self) -> str:
        return f"OpenAI-compatible model list at {self.base_url}"
