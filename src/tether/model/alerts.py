"""Where alerts go: one model per channel, discriminated by `kind`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tether.model.common import Seconds, SecretRef, Slug, StrictModel


class ChannelBase(StrictModel):
    name: Slug | None = None
    failure_threshold: int | None = Field(default=None, ge=1)
    """Consecutive failures before an alert; `defaults.alerts.failure_threshold` when unset."""
    success_threshold: int | None = Field(default=None, ge=1)
    """Consecutive successes before the alert resolves."""
    send_on_resolved: bool | None = None
    reminder: Seconds | None = None
    """Minimum time between reminders for a still-open incident."""


class SlackChannel(ChannelBase):
    kind: Literal["slack"] = "slack"
    webhook_url: SecretRef
    """A Slack incoming webhook, always as `${ENV}` (the URL is itself a secret)."""
    channel: str | None = None


class WebhookChannel(ChannelBase):
    kind: Literal["webhook"] = "webhook"
    url: SecretRef
    """Receives a JSON body per alert, as `${ENV}`."""


AlertChannel = Annotated[SlackChannel | WebhookChannel, Field(discriminator="kind")]
