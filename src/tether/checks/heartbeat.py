"""`heartbeat`: for automations that cannot be polled (Zapier, Make), they ping us instead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from tether.checks.base import CheckBase
from tether.model.common import Seconds, SecretRef, format_duration
from tether.secrets import env_names

if TYPE_CHECKING:
    from tether.model.integration import Integration

DEFAULT_SERVE_URL = "http://127.0.0.1:8787"
"""`tether serve`'s default address, shown when the workspace does not say where it is reachable."""


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


@dataclass(frozen=True)
class HeartbeatCall:
    """What an automation must send for one heartbeat check, exactly."""

    check: str
    url: str
    token: str | None
    """The `${ENV}` reference the check's token is read from, as written."""
    every: str
    grace: str

    @property
    def curl(self) -> str:
        """The call as a shell line, the token as a `$VAR` reference (its value never appears)."""
        header = f' -H "Authorization: Bearer ${env_names(self.token)[0]}"' if self.token else ""
        return f"curl -fsS -X POST{header} {self.url}"


def heartbeat_calls(integration: Integration, serve_url: str | None) -> list[HeartbeatCall]:
    beats = [c for c in integration.checks if isinstance(c, HeartbeatCheck)]
    base = (serve_url or DEFAULT_SERVE_URL).rstrip("/")
    return [
        HeartbeatCall(
            c.name,
            f"{base}/ping/{integration.name}" + (f"?check={c.name}" if len(beats) > 1 else ""),
            c.token,
            format_duration(c.period),
            format_duration(c.grace),
        )
        for c in beats
    ]
