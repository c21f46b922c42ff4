"""Dependency suppression: one vendor outage is one incident, not a page per integration.

A `statuspage` check watches a vendor: the systems in its `depends_on`, or else the systems
whose catalogue `status_page` has the same host as its URL. Any other check depends on its
own `depends_on` plus the integration's AI provider, middleware platform, source and
destinations. While a vendor is down, a dependant's failures belong to the vendor's incident.
"""

from __future__ import annotations

from tether.checks.base import CheckBase
from tether.model.integration import Integration
from tether.model.status_platform import host_of
from tether.model.systems import SystemCatalogue

STATUS_KINDS = frozenset({"statuspage"})


def _resolve(catalogue: SystemCatalogue, names: list[str]) -> set[str]:
    out: set[str] = set()
    for name in names:
        system = catalogue.resolve(name)
        out.add(system.id if system else name)
    return out


def watched_vendors(check: CheckBase, catalogue: SystemCatalogue) -> set[str]:
    """The systems a vendor status check watches; empty for any other check."""
    if check.kind not in STATUS_KINDS:
        return set()
    if check.depends_on:
        return _resolve(catalogue, check.depends_on)
    # The vendor's host as written (a sandbox-mirrored `${VAR:-https:/}/HOST` URL names HOST too).
    system = catalogue.by_status_host(host_of(getattr(check, "url", "") or ""))
    return {system.id} if system else set()


def dependencies(integration: Integration, check: CheckBase, catalogue: SystemCatalogue) -> set[str]:
    """The systems whose outage explains this check failing."""
    names = list(check.depends_on)
    if integration.ai:
        names.append(integration.ai.provider)
    if integration.middleware:
        names.append(integration.middleware.platform)
    if integration.source:
        names.append(integration.source)
    names.extend(integration.destinations)
    return _resolve(catalogue, names)


def vendor_name(vendor: str, catalogue: SystemCatalogue) -> str:
    system = catalogue.resolve(vendor)
    return system.name if system else vendor
