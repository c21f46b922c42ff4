"""Salesforce Trust (Einstein, Sales Cloud, ...): `GET https://api.status.salesforce.com/v1/instances/{key}/status`.

An org runs on one instance (NA123, EU45): the check names it with `instance:`, and only that
instance's status counts, so an incident on another instance leaves it healthy. Shape (from
Salesforce's own client salesforce/refocus-sgt-trust1, its response schema and test sample):
{key, location, environment, releaseVersion, status: OK | MAJOR_INCIDENT_CORE |
MINOR_INCIDENT_CORE | MAINTENANCE_CORE | INFORMATIONAL_CORE | the same with _NONCORE,
isActive, Products[], Incidents[], Maintenances[]}. `status.salesforce.com/api/...` refuses
direct access; the API host is api.status.salesforce.com.
"""

from __future__ import annotations

from urllib.parse import quote

from tether.checks.result import Outcome
from tether.checks.states import State
from tether.checks.statuspage import StatuspageCheck
from tether.model.status_platform import StatusPlatform, host_of
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault
from tether.monitor.status.feed import Finding, Reading, get_json, json_kind, shape_changed

PLATFORM = StatusPlatform.SALESFORCE_TRUST
STATUS = {
    "MAJOR_INCIDENT": (State.DOWN, Category.VENDOR_MAJOR, "major incident"),
    "MINOR_INCIDENT": (State.DEGRADED, Category.VENDOR_MINOR, "minor incident"),
    "MAINTENANCE": (State.DEGRADED, Category.MAINTENANCE, "maintenance"),
}
LINK = "https://status.salesforce.com/status/"


def feed_url(url: str, instance: str) -> str:
    if "/v1/instances/" in url:
        return url
    base = url.rstrip("/")
    if "api.status.salesforce.com" not in base:
        base = base.replace("status.salesforce.com", "api.status.salesforce.com")
    return f"{base}/v1/instances/{quote(instance)}/status"


async def read(check: StatuspageCheck, ctx: ProbeContext, url: str) -> Outcome:
    instance = (check.instance or "").upper()
    host = host_of(check.url)
    try:
        data, got = await get_json(ctx, feed_url(url, instance), PLATFORM, host)
    except ProbeFault as fault:
        if "HTTP 404" in fault.reason:
            raise ProbeFault(
                State.UNKNOWN, Category.CONFIG, f"Salesforce Trust knows no instance {instance!r}; check `instance:`"
            ) from None
        raise
    if not isinstance(data, dict) or not isinstance(data.get("status"), str) or "key" not in data:
        raise shape_changed(host, PLATFORM, json_kind(data))
    status = str(data["status"])
    key = str(data.get("key") or instance)
    reading = Reading(PLATFORM, got.url, healthy_reason=f"instance {key} OK", extra={"status": status})
    scope, _, core = status.rpartition("_")
    found = STATUS.get(scope)
    if status == "OK" or scope == "INFORMATIONAL":
        if scope == "INFORMATIONAL":
            reading.healthy_reason = f"instance {key}: informational notice ({core.lower()})"
        return reading.outcome()
    if found is None:
        raise shape_changed(host, PLATFORM, f"an instance status {status!r}")
    state, category, label = found
    where = "core services" if core == "CORE" else "non-core services"
    incidents = [i for i in data.get("Incidents") or [] if isinstance(i, dict)]
    title = f"incident {incidents[0].get('id')}" if incidents and category is not Category.MAINTENANCE else None
    reading.findings.append(Finding(state, category, f"instance {key}: {label} on {where}", [key], title, LINK + key))
    return reading.outcome()
