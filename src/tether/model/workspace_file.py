"""integrations.yaml as a whole: the workspace, its defaults, and its integrations."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from tether.model.common import Seconds, StrictModel
from tether.model.integration import Integration
from tether.model.maintenance import MaintenanceWindow


class WorkspaceInfo(StrictModel):
    name: str
    owner: str | None = None
    """Who answers for the workspace: the last contact in every runbook's escalation."""
    serve_url: str | None = None
    """Where `tether serve` is reachable from your automations, e.g. https://tether.acme.example:
    runbooks give each heartbeat's exact URL under it."""
    timezone: str = "UTC"
    """An IANA time zone such as Europe/Berlin; maintenance windows and reports use it."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone; write e.g. UTC or Europe/Berlin") from None
        return value


class AlertDefaults(StrictModel):
    failure_threshold: int = Field(default=3, ge=1)
    success_threshold: int = Field(default=2, ge=1)
    send_on_resolved: bool = True
    reminder: Seconds = 3600.0


class Defaults(StrictModel):
    interval: Seconds = 60.0
    timeout: Seconds = 10.0
    alerts: AlertDefaults = Field(default_factory=AlertDefaults)


class WorkspaceFile(StrictModel):
    """The whole of integrations.yaml."""

    version: Literal[1]
    """The file format version; always 1 for now."""
    workspace: WorkspaceInfo
    defaults: Defaults = Field(default_factory=Defaults)
    maintenance: list[MaintenanceWindow] = Field(default_factory=list)
    """Planned windows for every integration: alerts stay quiet and uptime does not count."""
    integrations: list[Integration] = Field(default_factory=list)

    @field_validator("integrations", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        # `integrations:` with nothing under it is an empty list, as a reader would expect.
        return [] if value is None else value
