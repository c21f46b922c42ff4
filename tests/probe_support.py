"""A one-integration workspace whose checks point at the sandbox, for tests that run `tether` itself."""

from __future__ import annotations

import os
from pathlib import Path

from tether.sandbox.server import Sandbox

CHECKS = {
    "health": '{kind: http, name: health, url: "${TETHER_SANDBOX_URL}/app/health"}',
    "crm": '{kind: http, name: crm, url: "${TETHER_SANDBOX_URL}/crm/health"}',
    "beat": "{kind: heartbeat, name: beat, period: 1h}",
}


def app_workspace(folder: Path, *checks: str, interval: str = "30s", timeout: str = "20s") -> Path:
    """integrations.yaml in `folder`: the integration `app` with the named CHECKS."""
    listed = "".join(f"      - {CHECKS[name]}\n" for name in checks)
    (folder / "integrations.yaml").write_text(
        "version: 1\n"
        "workspace: {name: app}\n"
        f"defaults: {{interval: {interval}, timeout: {timeout}}}\n"
        "integrations:\n"
        "  - name: app\n"
        "    title: App\n"
        "    pattern: custom-app\n"
        "    checks:\n" + listed,
        encoding="utf-8",
    )
    return folder


def sandbox_env(sandbox: Sandbox) -> dict[str, str]:
    """This environment pointed at the sandbox, with no TETHER_FILE or TETHER_DB from outside."""
    clean = {k: v for k, v in os.environ.items() if k not in ("TETHER_FILE", "TETHER_DB")}
    return {**clean, "TETHER_SANDBOX_URL": sandbox.url}
