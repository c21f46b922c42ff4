"""The checks that fit an integration, read from the systems it names (rules/systems.yaml).

Each vendor with a machine-readable status feed gets its status page; an AI provider with a
free liveness endpoint gets that check for the chosen model; Zapier and Make get a heartbeat
(they cannot be polled for free), n8n its execution history; a custom backend gets an HTTP
check on its health URL.
Every URL is written in the sandbox-switchable form the bundled example uses, so a new
integration can be rehearsed with `tether probe --sandbox` before any key is set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tether.model.status_platform import StatusPlatform
from tether.model.systems import System, SystemCatalogue, SystemKind

SANDBOX_SWITCH = "${TETHER_SANDBOX_URL:-https:/}/"
"""Unset, `${TETHER_SANDBOX_URL:-https:/}/status.zapier.com` is the real host; set, the sandbox answers."""


def switchable(url: str) -> str:
    """An https URL written so that TETHER_SANDBOX_URL can point it at the sandbox."""
    return SANDBOX_SWITCH + url.removeprefix("https://")


@dataclass(frozen=True)
class Need:
    """One thing a check cannot be written without, asked only once the check is chosen."""

    field: str
    """The check's field it fills, e.g. period."""
    label: str
    default: str | None = None
    variable: bool = False
    """The answer names an environment variable; it is written as `${NAME}`."""
    url: bool = False
    """The answer is a URL the check calls: http(s), or one that starts with a `${ENV}` reference."""
    optional: bool = False
    """An empty answer leaves the field out (the check's own default applies)."""


@dataclass(frozen=True)
class Offer:
    """A check that fits the integration: fixed fields, plus what must be asked."""

    name: str
    kind: str
    label: str
    fields: dict[str, Any]
    needs: tuple[Need, ...] = field(default=())

    def build(self, values: dict[str, str]) -> dict[str, Any]:
        """The check's definition, each need filled from `values` (its default when absent)."""
        check: dict[str, Any] = {"kind": self.kind, "name": self.name}
        check.update(self.fields)
        depends = check.pop("depends_on", None)
        for need in self.needs:
            value = values.get(need.field, need.default)
            if value is None or value == "":
                continue
            check[need.field] = as_reference(value) if need.variable else value
        if depends:
            check["depends_on"] = depends
        return check


_VARIABLE = re.compile(r"^\$?(?P<name>[A-Za-z_][A-Za-z0-9_]*)$")


def as_reference(answer: str) -> str:
    """`LEAD_PING_TOKEN` or `$LEAD_PING_TOKEN` becomes `${LEAD_PING_TOKEN}`; anything else is kept for the model
    to judge (a pasted secret is refused there, with the reason)."""
    match = _VARIABLE.match(answer.strip())
    return f"${{{match.group('name')}}}" if match else answer.strip()


def variable_stem(integration: str) -> str:
    """lead-intake -> LEAD_INTAKE, for the variables a new check reads."""
    return re.sub(r"[^A-Z0-9]+", "_", integration.upper()).strip("_") or "TETHER"


# Which check kind proves each AI provider's API for free, and where its key lives.
_API_CHECKS = {
    "anthropic": ("anthropic", "ANTHROPIC_API_KEY", "model list and token count"),
    "openai": ("openai", "OPENAI_API_KEY", "model list"),
    "google-ai": ("gemini", "GEMINI_API_KEY", "model list and token count"),
}

# A heartbeat's name in the vendor's own words: a Zap runs, a Make scenario runs.
_HEARTBEATS = {"zapier": ("zap-ran", "Zap"), "make": ("scenario-ran", "scenario")}


def _systems(definition: dict[str, Any], catalogue: SystemCatalogue) -> list[System]:
    """The systems the definition names, each once, in the order the data flows."""
    names: list[str] = []
    middleware = definition.get("middleware")
    if isinstance(middleware, dict) and isinstance(middleware.get("platform"), str):
        names.append(middleware["platform"])
    if isinstance(definition.get("source"), str):
        names.append(definition["source"])
    ai = definition.get("ai")
    if isinstance(ai, dict) and isinstance(ai.get("provider"), str):
        names.append(ai["provider"])
    names.extend(d for d in definition.get("destinations") or [] if isinstance(d, str))
    found: list[System] = []
    for name in names:
        system = catalogue.resolve(name)
        if system is not None and system not in found:
            found.append(system)
    return found


def _status_offer(system: System) -> Offer | None:
    platform = system.platform
    if not system.status_page or platform in (None, StatusPlatform.HTML_ONLY):
        return None  # an HTML page cannot be read; the API check watches such a vendor instead
    fields: dict[str, Any] = {"url": switchable(system.status_page)}
    if system.status_components:
        fields["components"] = list(system.status_components)
    needs: tuple[Need, ...] = ()
    if platform is StatusPlatform.SALESFORCE_TRUST:
        needs = (Need("instance", "Salesforce instance your org runs on (e.g. NA123, EU45)"),)
    elif platform is StatusPlatform.MICROSOFT_GRAPH:
        needs = (
            Need("tenant_id", "Variable holding the Microsoft 365 tenant id", "M365_TENANT_ID", variable=True),
            Need("client_id", "Variable holding the app registration's client id", "M365_CLIENT_ID", variable=True),
            Need("client_secret", "Variable holding its client secret", "M365_CLIENT_SECRET", variable=True),
        )
    fields["depends_on"] = [system.id]
    label = f"a status-page check for {system.name} ({system.status_page})"
    return Offer(f"{system.id}-status", "statuspage", label, fields, needs)


def _api_offer(system: System, model: str | None) -> Offer | None:
    if system.id not in _API_CHECKS or not system.api_base:
        return None
    kind, key, how = _API_CHECKS[system.id]
    fields: dict[str, Any] = {"base_url": switchable(system.api_base), "api_key": f"${{{key}}}"}
    fields["depends_on"] = [system.id]
    what = model or "the integration's model"
    return Offer(f"{system.id}-api", kind, f"a free API check of {system.name} for {what} ({how})", fields)


def _heartbeat_offer(system: System, integration: str) -> Offer | None:
    if system.id not in _HEARTBEATS:
        return None
    name, run = _HEARTBEATS[system.id]
    needs = (
        Need("period", f"How often does the {run} run (e.g. 15m, 1h, 1d)?", "1h"),
        Need(
            "token",
            f"Variable holding the token the {run} sends with each ping",
            f"{variable_stem(integration)}_PING_TOKEN",
            variable=True,
        ),
    )
    label = f"a heartbeat: the {run} pings tether at the end of each run (POST /ping/{integration})"
    return Offer(name, "heartbeat", label, {"depends_on": [system.id]}, needs)


def _n8n_offer() -> Offer:
    needs = (
        Need("base_url", "Your n8n instance (e.g. https://n8n.example.com)", url=True),
        Need("workflow_id", "The workflow's id (empty: every workflow)", optional=True),
        Need("api_key", "Variable holding the n8n API key", "N8N_API_KEY", variable=True),
    )
    # Reading history every minute costs the instance for nothing: a window of 24 h moves slowly.
    fields: dict[str, Any] = {"interval": "5m", "depends_on": ["n8n"]}
    return Offer(
        "workflow-runs", "n8n", "the workflow's executions from n8n's API (success rate, run time)", fields, needs
    )


def _http_offer(named_backend: bool) -> Offer:
    needs = (Need("url", "Health URL of your backend (e.g. https://app.example.com/health)", url=True),)
    fields: dict[str, Any] = {"conditions": ["[STATUS] == 200"]}
    if named_backend:
        fields["depends_on"] = ["custom-backend"]
    return Offer("backend-health", "http", "an HTTP check on your backend's health URL", fields, needs)


def offers(definition: dict[str, Any], catalogue: SystemCatalogue) -> list[Offer]:
    """Every check that fits the definition, in the order they are offered."""
    systems = _systems(definition, catalogue)
    ai = definition.get("ai")
    model = ai.get("model") if isinstance(ai, dict) else None
    name = str(definition.get("name") or "integration")
    found: list[Offer | None] = []
    for system in systems:
        found.append(_status_offer(system))
        if system.kind is SystemKind.AI_API:
            found.append(_api_offer(system, model))
        if system.kind is SystemKind.MIDDLEWARE:
            found.append(_n8n_offer() if system.id == "n8n" else _heartbeat_offer(system, name))
    backend = any(s.id == "custom-backend" for s in systems)
    if backend or definition.get("pattern") == "custom-app":
        found.append(_http_offer(backend))
    return [offer for offer in found if offer is not None]
