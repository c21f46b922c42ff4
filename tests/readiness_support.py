"""Helpers for the readiness and eval tests: a workspace from YAML text, facts by hand, a fixed clock."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from tether.readiness.facts import Fact, Facts
from tether.workspace import Workspace, load_workspace

NOW = 1_790_000_000.0
"""2026-09-21 14:13 UTC: a fixed moment, so day buckets and exemption dates are the same on every run."""


def write_workspace(folder: Path, integrations: str, extra: str = "") -> Workspace:
    """integrations.yaml with the given `integrations:` body (YAML, indented as a list), loaded."""
    text = "version: 1\nworkspace: {name: Test, timezone: UTC}\n" + extra + "integrations:\n"
    text += textwrap.indent(textwrap.dedent(integrations).strip("\n"), "  ") + "\n"
    path = folder / "integrations.yaml"
    path.write_text(text, encoding="utf-8")
    return load_workspace(path)


def facts(**values: Any) -> Facts:
    return {name: Fact(value, f"{name}={value}") for name, value in values.items()}
