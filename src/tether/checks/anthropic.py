"""`anthropic`: Claude API liveness that costs nothing (model list, token count), plus an optional canary."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tether.checks.base import CheckBase
from tether.model.common import SecretRef, StrictModel, Url


class Canary(StrictModel):
    """A real (billed) message with a small cap; its tokens and cost are recorded."""

    prompt: str = "Reply with the single word OK."
    max_tokens: int = Field(default=8, ge=1, le=4096)
    expect: str | None = None
    """Text the reply must contain, if any (case-insensitive)."""


class AnthropicCheck(CheckBase):
    kind: Literal["anthropic"] = "anthropic"
    model: str | None = None
    """The model id to prove; the integration's `ai.model` when unset."""
    api_key: SecretRef = "${ANTHROPIC_API_KEY}"
    base_url: Url | None = None
    """The API root, e.g. `${TETHER_SANDBOX_URL:-https://api.anthropic.com}`; the SDK's default when unset."""
    max_retries: int = Field(default=0, ge=0, le=5)
    """Retries inside one run; 0 shows each failure as it happens."""
    canary: Canary | None = None
    near_limit: float = Field(default=0.1, gt=0, lt=1)
    """Degraded when a rate limit's remaining share falls below this fraction."""

    def describe(self) -> str:
        extra = f", canary ≤{self.canary.max_tokens} tokens" if self.canary else ""
        return f"Claude API liveness for {self.model or 'the integration model'}{extra}"
