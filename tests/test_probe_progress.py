"""`tether probe` shows its progress at a terminal and nothing of it in a pipe; `--watch` shows every run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.probe_support import app_workspace, sandbox_env
from tests.terminal import Terminal
from tether.sandbox.server import Sandbox


@pytest.fixture
def slow_crm(sandbox: Sandbox, tmp_path: Path) -> dict[str, str]:
    """A workspace of two checks, one of which answers after 3 s; the environment that points at the sandbox."""
    app_workspace(tmp_path, "health", "crm")
    sandbox.add_fault(route="/crm/health", latency=3)
    return sandbox_env(sandbox)


def test_at_a_terminal_the_bar_counts_checks_and_names_the_slowest(slow_crm: dict[str, str], tmp_path: Path) -> None:
    term = Terminal(tmp_path, "probe", env=slow_crm)
    term.expect(b"waiting on app/crm")
    assert term.finish() == 0
    shown = term.text
    assert "1/2 checks" in shown
    assert "app/crm" in shown.split("waiting on", 1)[1]
    # The bar is erased at the end; the results table follows it.
    assert "healthy" in shown.rsplit("checks", 1)[1]


def test_piped_or_json_there_is_no_bar(slow_crm: dict[str, str], tmp_path: Path) -> None:
    for args in (["probe"], ["probe", "--json"]):
        done = subprocess.run(
            [sys.executable, "-m", "tether", *args],
            check=False,
            cwd=tmp_path,
            env=slow_crm,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert "waiting on" not in done.stderr + done.stdout
        assert "checks" not in done.stderr
    assert {row["state"] for row in json.loads(done.stdout)} == {"healthy"}


def test_json_at_a_terminal_has_no_bar(slow_crm: dict[str, str], tmp_path: Path) -> None:
    term = Terminal(tmp_path, "probe", "--json", env=slow_crm)
    assert term.finish() == 0
    shown = term.text
    assert "waiting on" not in shown
    assert {row["state"] for row in json.loads(shown)} == {"healthy"}


def test_watch_prints_every_run_even_of_a_check_that_stays_unknown(sandbox: Sandbox, tmp_path: Path) -> None:
    app_workspace(tmp_path, "health", "beat", interval="2s", timeout="1.8s")
    term = Terminal(tmp_path, "probe", "--watch", env=sandbox_env(sandbox))
    term.expect(b"app/beat  unknown", timeout=60, times=2)
    term.interrupt()
    assert term.finish() == 130
    beats = [line for line in term.text.splitlines() if "app/beat" in line]
    assert len(beats) >= 2, term.text
    assert all(line.split("  ")[2] == "unknown" for line in beats)
    assert all("no ping received yet" in line for line in beats)
