"""`statuspage`: a vendor's status, read from the feed of whichever status platform the vendor uses."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from tether.checks.base import CheckBase
from tether.model.common import SecretRef, Url
from tether.model.status_platform import LABELS, StatusPlatform, detect, host_of
from tether.model.systems import SystemCatalogue


class StatuspageCheck(CheckBase):
    kind: Literal["statuspage"] = "statuspage"
    url: Url
    """The vendor's status page or feed, e.g. https://status.hubspot.com, https://slack-status.com,
    https://www.google.com/appsstatus/dashboard/, https://status.salesforce.com, https://graph.microsoft.com."""
    platform: StatusPlatform | None = None
    """The status platform; told from the URL (or rules/systems.yaml) when unset."""
    components: list[str] = Field(default_factory=list)
    """Only these count: components (Statuspage, incident.io), services (Slack, Microsoft 365) or
    products (Google) as the vendor names them; the whole page when empty."""
    instance: str | None = None
    """Salesforce Trust: the instance your org runs on, e.g. NA123 or EU45."""
    tenant_id: SecretRef | None = None
    """Microsoft Graph: the directory (tenant) id, as ${ENV}."""
    client_id: SecretRef | None = None
    """Microsoft Graph: the app registration's client id, as ${ENV}."""
    client_secret: SecretRef | None = None
    """Microsoft Graph: the app registration's client secret, as ${ENV}; needs ServiceHealth.Read.All."""
    authority: str = "https://login.microsoftonline.com"
    """Microsoft Graph: where tokens come from (the v2.0 client-credentials endpoint)."""

    @property
    def resolved_platform(self) -> StatusPlatform | None:
        """`platform:` if set, else what the URL shows (None: ask the catalogue)."""
        return self.platform or detect(self.url)

    def platform_in(self, catalogue: SystemCatalogue) -> StatusPlatform | None:
        """The platform, asking the catalogue (by the URL's host) when the check and URL do not say."""
        if self.resolved_platform is not None:
            return self.resolved_platform
        system = catalogue.by_status_host(host_of(self.url))
        return system.platform if system else None

    @model_validator(mode="after")
    def _platform_fields(self) -> StatuspageCheck:
        platform = self.resolved_platform
        graph = (self.tenant_id, self.client_id, self.client_secret)
        if platform is StatusPlatform.MICROSOFT_GRAPH and None in graph:
            raise ValueError(
                "Microsoft Graph service health needs `tenant_id`, `client_id` and `client_secret`, "
                'each as an environment reference such as "${M365_CLIENT_SECRET}"'
            )
        if platform is not StatusPlatform.MICROSOFT_GRAPH and any(v is not None for v in graph):
            raise ValueError("`tenant_id`, `client_id` and `client_secret` are for `platform: microsoft-graph` only")
        if platform is StatusPlatform.SALESFORCE_TRUST and not self.instance:
            raise ValueError("Salesforce Trust reports per instance: add `instance:` (e.g. NA123, EU45)")
        if platform is not StatusPlatform.SALESFORCE_TRUST and self.instance:
            raise ValueError("`instance:` is for `platform: salesforce-trust` only")
        if platform is StatusPlatform.SALESFORCE_TRUST and self.components:
            raise ValueError("Salesforce Trust reports one instance as a whole: drop `components:`, keep `instance:`")
        return self

    def describe(self) -> str:
        which = f" ({', '.join(self.components)})" if self.components else ""
        if self.instance:
            which = f" (instance {self.instance})"
        platform = self.resolved_platform
        via = f" via {LABELS[platform]}" if platform else ""
        return f"vendor status {self.url}{which}{via}"
