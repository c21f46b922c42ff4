"""rules/systems.yaml: the catalogue of systems an integration can connect."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from tether.model.common import Slug, StrictModel
from tether.model.status_platform import StatusPlatform, detect, host_of


class SystemKind(StrEnum):
    MIDDLEWARE = "middleware"
    AI_API = "ai-api"
    BUSINESS_APP = "business-app"
    VECTOR_DB = "vector-db"
    FRAMEWORK = "framework"
    GENERIC = "generic"


class System(StrictModel):
    id: Slug
    """How integrations.yaml names this system (source, destinations, ai.provider, ...)."""
    name: str
    """Its everyday name."""
    kind: SystemKind
    aliases: list[str] = Field(default_factory=list)
    """Other names a user may write; matched without regard to case."""
    vendor: str | None = None
    native_ai: str | None = None
    """The AI feature built into it, for business apps (e.g. Einstein, HubSpot AI)."""
    status_page: str | None = None
    """The vendor's public status page or feed, if it has one."""
    status_platform: StatusPlatform | None = None
    """The platform that page runs on (how tether reads it); required when the URL does not show it."""
    status_components: list[str] = Field(default_factory=list)
    """The components (services, products) on that page its native AI feature depends on."""
    api_base: str | None = None
    """Where its API lives, if it has one."""
    notes: str | None = None

    @model_validator(mode="after")
    def _platform_known(self) -> System:
        if self.status_page and self.status_platform is None and detect(self.status_page) is None:
            raise ValueError(
                f"{self.id}: the platform of {self.status_page} cannot be told from the URL; "
                f"add `status_platform:` ({', '.join(p.value for p in StatusPlatform)})"
            )
        return self

    @property
    def platform(self) -> StatusPlatform | None:
        """The status platform: as declared, else as the URL shows."""
        if self.status_platform is not None:
            return self.status_platform
        return detect(self.status_page) if self.status_page else None


class SystemCatalogue(StrictModel):
    version: Literal[1] = 1
    systems: list[System]

    @model_validator(mode="after")
    def _unique(self) -> SystemCatalogue:
        seen: set[str] = set()
        for system in self.systems:
            for name in (system.id, *(a.lower() for a in system.aliases)):
                if name in seen:
                    raise ValueError(f"system name {name!r} is used twice")
                seen.add(name)
        return self

    _names: dict[str, System] = PrivateAttr(default_factory=dict)

    def names(self) -> Mapping[str, System]:
        """Every accepted spelling (id and aliases, lower case) to its system."""
        # Built once: the catalogue is frozen, and documents resolve a name per line they write.
        if not self._names:
            for system in self.systems:
                self._names[system.id] = system
                for alias in system.aliases:
                    self._names[alias.lower()] = system
        return self._names

    def resolve(self, name: str) -> System | None:
        return self.names().get(name.lower())

    def by_status_host(self, host: str) -> System | None:
        """The system whose status page is on this host, if any."""
        for system in self.systems:
            if system.status_page and host_of(system.status_page) == host:
                return system
        return None

    def get(self, system_id: str) -> System:
        for system in self.systems:
            if system.id == system_id:
                return system
        raise KeyError(system_id)
