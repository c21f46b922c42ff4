"""`gemini`: Gemini API liveness that costs nothing (models.list, then countTokens on the model)."""

from __future__ import annotations

from typing import Literal

from tether.checks.base import CheckBase
from tether.model.common import SecretRef, Url


class GeminiCheck(CheckBase):
    kind: Literal["gemini"] = "gemini"
    model: str | None = None
    """The model id to prove, e.g. gemini-2.5-flash; the integration's `ai.model` when unset."""
    api_key: SecretRef = "${GEMINI_API_KEY}"
    """Sent as the `x-goog-api-key` header, never in the URL."""
    base_url: Url = "https://generativelanguage.googleapis.com"
    """The API root, e.g. `${TETHER_SANDBOX_URL:-https:/}/generativelanguage.googleapis.com`."""

    def describe(self) -> str:
        return f"Gemini API liveness for {self.model or 'the integration model'} (model list, token count)"
