"""What is still missing before an integration's first probe can say something: variables its
checks read that are not set, and heartbeats no automation has pinged yet (with the exact call
the Zap or Make scenario must make; the token as a `$VAR` reference, never its value)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tether.checks.heartbeat import HeartbeatCall, heartbeat_calls
from tether.secrets import ENV_REF, walk_strings
from tether.workspace.loader import Workspace

_AUTOMATION = {"zapier": "the Zap's last step", "make": "the Make scenario's last module"}


@dataclass(frozen=True)
class UnsetVariable:
    variable: str
    command = None
    used_by: list[str] = field(default_factory=list)
    """integration/check, each check that reads it."""

    @property
    def text(self) -> str:
        return f"set {self.variable} (read by {', '.join(self.used_by)})"

    def to_json(self) -> dict[str, Any]:
        return {"what": "unset-variable", "variable": self.variable, "used_by": self.used_by, "text": self.text}


@dataclass(frozen=True)
class SilentHeartbeat:
    integration: str
    call: HeartbeatCall
    caller: str
    """Who must make the call, in the platform's words."""
    serve_url_set: bool

    @property
    def command(self) -> str:
        return self.call.curl

    @property
    def text(self) -> str:
        where = (
            ""
            if self.serve_url_set
            else " (tether serve's default address: set workspace.serve_url to where your automations reach it)"
        )
        who = f"{self.integration}/{self.call.check}"
        return f"{who}: no ping yet; make {self.caller} call this, with `tether serve` running{where}:"

    def to_json(self) -> dict[str, Any]:
        return {
            "what": "no-ping",
            "integration": self.integration,
            "check": self.call.check,
            "url": self.call.url,
            "token": self.call.token,
            "command": self.call.curl,
            "text": self.text,
        }


Missing = UnsetVariable | SilentHeartbeat


def missing_for_first_probe(
    ws: Workspace,
    environ: Mapping[str, str],
    pinged: Callable[[str, str], bool],
    names: list[str] | None = None,
) -> list[Missing]:
    """For the named integrations (all when None): unset variables first, then silent heartbeats.

    A reference with a default (`${TETHER_SANDBOX_URL:-https:/}`) is never missing."""
    chosen = [i for i in ws.integrations if names is None or i.name in names]
    unset: dict[str, list[str]] = {}
    for integration in chosen:
        for check in integration.checks:
            for _, text in walk_strings(check.model_dump(mode="json")):
                for ref in ENV_REF.finditer(text):
                    name = ref.group("name")
                    if ref.group("default") is None and not environ.get(name):
                        users = unset.setdefault(name, [])
                        if f"{integration.name}/{check.name}" not in users:
                            users.append(f"{integration.name}/{check.name}")
    found: list[Missing] = [UnsetVariable(name, users) for name, users in unset.items()]
    serve_url = ws.file.workspace.serve_url
    for integration in chosen:
        platform = integration.middleware.platform if integration.middleware else None
        caller = _AUTOMATION.get(platform or "", "the automation's last step")
        for call in heartbeat_calls(integration, serve_url):
            if not pinged(integration.name, call.check):
                found.append(SilentHeartbeat(integration.name, call, caller, serve_url is not None))
    return found
