"""`heartbeat`: for automations that cannot be polled (Zapier, Make), they ping us instead."""

from __future__ import annotations

from typing import Literal

from tether.checks.base import CheckBase
from tether.model.common import Seconds, SecretRef, format_duration


class HeartbeatCheck(CheckBase):
    kind: Literal["heartbeat"] = "heartbeat"
    period: Seconds
    """How often the automation is expected to ping."""
    grace: Seconds = 300.0
    """How late a ping may be before the check is down."""
    token: SecretRef | None = None
    """Shared token the automation sends with each ping (tether serve), as `${ENV}`."""

    def describe(self) -> str:
        return f"expects a ping every {format_duration(self.period)} (grace {format_duration(self.grace)})"
