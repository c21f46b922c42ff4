"""Which status platform a vendor's status URL is on, told from the URL itself.

Vendors publish their status on different platforms, each with its own machine-readable feed
(docs/adr/0003-status-platforms.md names the sources). A URL whose host or path gives the
platform away is recognised here; a bare custom domain (`https://status.hubspot.com`) is not,
and is looked up in rules/systems.yaml or set with `platform:` on the check.
"""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import urlsplit

from tether.secrets import ENV_REF


class StatusPlatform(StrEnum):
    STATUSPAGE = "statuspage"
    """Atlassian Statuspage v2: `/api/v2/summary.json`."""
    INCIDENT_IO = "incident-io"
    """incident.io status pages: the widget feed `/api/v1/summary`."""
    SLACK = "slack"
    """Slack's own status API: `https://slack-status.com/api/v2.0.0/current`."""
    GOOGLE_WORKSPACE = "google-workspace"
    """The Google Workspace Status Dashboard's `incidents.json`."""
    GOOGLE_CLOUD = "google-cloud"
    """The Google Cloud Service Health dashboard's `incidents.json` (Vertex AI among its products)."""
    SALESFORCE_TRUST = "salesforce-trust"
    """Salesforce Trust's public status API, per instance (`NA123`, `EU45`)."""
    MICROSOFT_GRAPH = "microsoft-graph"
    """Microsoft 365 service health through Microsoft Graph (needs an app registration)."""
    HTML_ONLY = "html-only"
    """A vendor that publishes its status only as an HTML page: nothing to read, always unknown."""


LABELS = {
    StatusPlatform.STATUSPAGE: "Statuspage v2 JSON",
    StatusPlatform.INCIDENT_IO: "incident.io's status feed",
    StatusPlatform.SLACK: "Slack's status API",
    StatusPlatform.GOOGLE_WORKSPACE: "the Google Workspace Status Dashboard feed",
    StatusPlatform.GOOGLE_CLOUD: "the Google Cloud Service Health feed",
    StatusPlatform.SALESFORCE_TRUST: "Salesforce Trust's status API",
    StatusPlatform.MICROSOFT_GRAPH: "Microsoft Graph service health",
    StatusPlatform.HTML_ONLY: "an HTML status page",
}

# Hosts that are a platform by themselves (the vendor runs its own status site).
_HOSTS = {
    "slack-status.com": StatusPlatform.SLACK,
    "status.slack.com": StatusPlatform.SLACK,
    "status.cloud.google.com": StatusPlatform.GOOGLE_CLOUD,
    "status.salesforce.com": StatusPlatform.SALESFORCE_TRUST,
    "api.status.salesforce.com": StatusPlatform.SALESFORCE_TRUST,
    "graph.microsoft.com": StatusPlatform.MICROSOFT_GRAPH,
    "aistudio.google.com": StatusPlatform.HTML_ONLY,
    "status.cloud.microsoft": StatusPlatform.HTML_ONLY,
}
_HOSTNAME = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


def as_written(url: str) -> str:
    """The URL as integrations.yaml publishes it: `${VAR:-default}` becomes its default.

    So `${TETHER_SANDBOX_URL:-https:/}/status.hubspot.com` is https://status.hubspot.com, whether
    or not the sandbox is in use: the platform is a property of the vendor, not of where we probe.
    """
    return ENV_REF.sub(lambda m: m.group("default") or "", url)


def host_of(url: str) -> str:
    """The vendor host of a URL as written (lower case), or '' when it has none."""
    text = as_written(url)
    host = (urlsplit(text).hostname or "").lower()
    if not host:
        # `${X}/status.example.com` with no default: the first segment that is a host name.
        for part in text.split("/"):
            if _HOSTNAME.match(part.lower()):
                return part.lower()
    return host


def detect(url: str) -> StatusPlatform | None:
    """The platform a URL shows by itself, or None when only the catalogue or `platform:` can tell."""
    text = as_written(url)
    host = host_of(url)
    path = urlsplit(text).path if urlsplit(text).hostname else text
    if host == "www.google.com" and "/appsstatus" in path:
        return StatusPlatform.GOOGLE_WORKSPACE
    if host in _HOSTS:
        return _HOSTS[host]
    if host.endswith(".statuspage.io") or "/api/v2/summary.json" in path or "/api/v2/status.json" in path:
        return StatusPlatform.STATUSPAGE
    if "/api/v1/summary" in path or "/proxy/" in path:
        return StatusPlatform.INCIDENT_IO
    return None
