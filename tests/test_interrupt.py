"""Ctrl-C ends every command with exit 130 and leaves nothing half-written.

Each process is interrupted once it has shown it is running (its banner, a prompt, a request at
the sandbox), never after a sleep.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import BUNDLED
from tests.probe_support import app_workspace, sandbox_env
from tests.terminal import Terminal
from tether.sandbox.server import Sandbox
from tether.store import open_store


@pytest.fixture
def env(sandbox: Sandbox) -> dict[str, str]:
    return sandbox_env(sandbox)


@pytest.fixture
def watched(tmp_path: Path) -> Path:
    return app_workspace(tmp_path, "health", "crm")


def _nothing_half_written(root: Path) -> None:
    assert [p.name for p in root.rglob("*.tmp")] == []
    db = root / ".tether" / "tether.db"
    if db.exists():
        with open_store(db) as store:
            assert store.integrity_ok()


def _until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def test_probe_interrupted_mid_run(sandbox: Sandbox, env: dict[str, str], watched: Path) -> None:
    sandbox.add_fault(route="/crm/health", latency=15)
    term = Terminal(watched, "probe", env=env)
    _until(lambda: sandbox.requests["/crm/health"] >= 1, "the slow check was asked")
    term.interrupt()
    assert term.finish() == 130, term.text
    assert "Traceback" not in term.text
    _nothing_half_written(watched)


@pytest.mark.parametrize(
    ("args", "banner"),
    [
        (["probe", "--watch"], b"  healthy  "),  # the first result of either check (each starts jittered)
        (["serve", "--port", "0"], b"tether serve on http://127.0.0.1:"),
        (["sandbox", "--port", "0"], b"tether sandbox on http://127.0.0.1:"),
    ],
)
def test_long_running_commands_stop_with_130(
    env: dict[str, str], watched: Path, args: list[str], banner: bytes
) -> None:
    term = Terminal(watched, *args, env=env)
    term.expect(banner)
    term.interrupt()
    assert term.finish() == 130, term.text
    assert "stopped" in term.text and "Traceback" not in term.text
    _nothing_half_written(watched)


def test_advise_at_a_prompt_exits_130_without_an_error(tmp_path: Path, env: dict[str, str]) -> None:
    shutil.copy(BUNDLED, tmp_path / "integrations.yaml")
    term = Terminal(tmp_path, "advise", env=env)
    term.expect(b"dev_resources (a number or id): ")
    term.interrupt_at_prompt()
    assert term.finish() == 130, term.text
    assert "no answer for" not in term.text and "error" not in term.text
    _nothing_half_written(tmp_path)


def test_the_dashboard_quits_with_130_on_sigint(env: dict[str, str], watched: Path) -> None:
    term = Terminal(watched, "dash", "--no-probe", env=env)
    term.expect(b"Quit")  # the footer: the app is up and drawn
    term.interrupt()
    assert term.finish() == 130, term.text
    assert "Traceback" not in term.text
    _nothing_half_written(watched)
