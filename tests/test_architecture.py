"""Layers: the core never loads textual or typer; `tether --help` loads no heavy library."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import tether

CORE = sorted(
    m.name
    for m in pkgutil.walk_packages(tether.__path__, "tether.")
    if not m.name.startswith(("tether.cli", "tether.tui", "tether.__main__"))
)


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


@pytest.mark.parametrize("module", CORE)
def test_core_module_loads_neither_textual_nor_typer(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert "textual" not in loaded
    assert "typer" not in loaded


HELP = """
import sys
sys.argv = ["tether", "--help"]
import tether.cli
try:
    tether.cli.main()
except SystemExit:
    pass
"""


def test_help_imports_no_heavy_library() -> None:
    loaded = _loaded_after(HELP)
    for heavy in ("textual", "anthropic", "jinja2", "httpx", "pydantic", "sqlite_utils"):
        assert heavy not in loaded, heavy
