"""Shared fixtures: the bundled workspace, a scratch copy of it, and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest_plugins = ["tests.sandbox_fixtures", "tests.hostile"]

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "integrations.yaml"


@pytest.fixture
def bundled_text() -> str:
    return BUNDLED.read_text(encoding="utf-8")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled workspace in a scratch folder, which is also the working directory."""
    shutil.copy(BUNDLED, tmp_path / "integrations.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TETHER_FILE", raising=False)
    monkeypatch.delenv("TETHER_DB", raising=False)
    return tmp_path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
