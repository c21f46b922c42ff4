"""Bad input is located, exits 2 and never prints a traceback (issue 14, defects 3, 10 and 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tether.cli import app

ONE_CHECK = """version: 1
workspace: {{name: p}}
integrations:
  - name: a
    title: A
    pattern: direct-api
    checks:
      - {{kind: http, name: h, url: "{url}", conditions: ["[STATUS] == 200"]}}
"""


def tether(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tether", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TETHER_FILE", raising=False)
    monkeypatch.delenv("TETHER_DB", raising=False)
    return tmp_path


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/x", "http://127.0.0.1:0/x", "http://h:port/x"])
def test_a_port_out_of_range_is_refused_by_check(here: Path, runner: CliRunner, url: str) -> None:
    (here / "integrations.yaml").write_text(ONE_CHECK.format(url=url))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2, result.output
    assert "integrations.yaml:8:36: integrations[0].checks[0].url: port" in result.output
    assert "is out of range; a port is a number from 1 to 65535" in result.output


def test_a_port_out_of_range_from_the_environment_is_a_config_result(here: Path) -> None:
    (here / "integrations.yaml").write_text(ONE_CHECK.format(url="${APP_URL}/x"))
    run = tether(here, "probe", "--json", env={**os.environ, "APP_URL": "http://127.0.0.1:99999"})
    assert "Traceback" not in run.stderr, run.stderr
    [row] = json.loads(run.stdout)
    assert (row["state"], row["reason"]) == (
        "unknown",
        "port 99999 is out of range; a port is a number from 1 to 65535",
    )
    assert run.returncode == 1


def test_serve_refuses_a_port_out_of_range(here: Path) -> None:
    (here / "integrations.yaml").write_text(ONE_CHECK.format(url="http://127.0.0.1:8080/x"))
    run = tether(here, "serve", "--port", "99999")
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "--port" in run.stderr and "65535" in run.stderr
