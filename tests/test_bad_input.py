"""Bad input is located, exits 2 and never prints a traceback (issue 14, defects 3, 10 and 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import BUNDLED, ROOT
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


def bundled_with_rules(here: Path, name: str, text: str | None) -> None:
    (here / "integrations.yaml").write_text(BUNDLED.read_text(encoding="utf-8"))
    (here / "rules").mkdir(exist_ok=True)
    if text is None:
        (here / "rules" / name).mkdir()
    else:
        (here / "rules" / name).write_text(text)


def with_a_tab(name: str) -> str:
    """The packaged rules file with a tab opening its first indented line."""
    lines = (ROOT / "rules" / name).read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("  ") and not line.lstrip().startswith("#"))
    lines[first] = "\t" + lines[first][2:]
    return "\n".join(lines)


@pytest.mark.parametrize("command", [["check"], ["probe", "--json"], ["costs"]])
def test_a_broken_prices_file_is_located_by_every_command_that_reads_it(here: Path, command: list[str]) -> None:
    bundled_with_rules(here, "prices.yaml", with_a_tab("prices.yaml"))
    run = tether(here, *command, env={**os.environ, "TETHER_SANDBOX_URL": "http://127.0.0.1:1"})
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    # check reports a rules file as a finding (exit 1, like the lens); a command that needs it cannot run (exit 2)
    assert run.returncode == (1 if command == ["check"] else 2)
    assert "rules/prices.yaml:" in run.stdout + run.stderr
    assert "YAML syntax: tab character: YAML indents with spaces" in run.stdout + run.stderr


@pytest.mark.parametrize("name", ["troubleshooting.yaml", "prices.yaml", "roadmap.yaml", "readiness.yaml"])
def test_check_validates_every_rules_file(here: Path, name: str) -> None:
    bundled_with_rules(here, name, with_a_tab(name))
    run = tether(here, "check")
    assert "Traceback" not in run.stderr
    assert run.returncode == 1
    assert f"rules/{name}:" in run.stdout


@pytest.mark.parametrize(("name", "code"), [("prices.yaml", 1), ("troubleshooting.yaml", 1), ("systems.yaml", 2)])
def test_a_rules_file_that_is_a_directory_is_reported(here: Path, name: str, code: int) -> None:
    bundled_with_rules(here, name, None)
    run = tether(here, "check")
    assert run.returncode == code, run.stdout + run.stderr
    assert f"rules/{name}:1:1: a directory, where a rules file was expected" in run.stdout + run.stderr


def test_a_huge_value_is_quoted_cut_not_whole(here: Path, runner: CliRunner) -> None:
    big = "x" * (4 * 1024 * 1024)
    (here / "integrations.yaml").write_text(
        f"version: 1\nworkspace: {{name: a}}\nintegrations:\n  - name: a\n    title: A\n    pattern: {big}\n"
    )
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("integrations.yaml:6:14: integrations[0].pattern: 'xxxx")
    assert "…' (4194304 characters) is not one of automation-bridge" in line
    assert len(line) < 300  # it was 4 MB


def test_a_nul_byte_is_located_on_one_line(here: Path, runner: CliRunner) -> None:
    (here / "integrations.yaml").write_text(
        'version: 1\nworkspace: {name: a}\nintegrations:\n  - name: a\n    title: "A\0B"\n'
    )
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "integrations.yaml:5:14: YAML: the character #x0000 (a NUL byte) is not allowed in YAML text; remove it"
    ]
