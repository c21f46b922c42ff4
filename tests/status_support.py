"""Helpers for the status-platform tests: checks written as in integrations.yaml, recorded samples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tether.sandbox.server import Sandbox

FIXTURES = Path(__file__).parent / "fixtures" / "status"


def status_check(host_path: str, **extra: Any) -> dict[str, Any]:
    """A statuspage check on a vendor URL, pointed at the sandbox the way the bundled example is."""
    return {"kind": "statuspage", "name": "vendor", "url": f"${{TETHER_SANDBOX_URL:-https:/}}/{host_path}", **extra}


def env(sandbox: Sandbox, **more: str) -> dict[str, str]:
    return {"TETHER_SANDBOX_URL": sandbox.url, **more}


def sample(name: str) -> bytes:
    """A recorded vendor answer (tests/fixtures/status/SOURCES.md says where each comes from)."""
    return (FIXTURES / name).read_bytes()
