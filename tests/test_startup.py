"""The console script starts with the cyclic collector off and turns it back on, with what the start
made frozen, once the command holds what it keeps (tether.startup): `tether list` once its store is
open, the dashboard at its first paint. Each runs in a fresh interpreter, as the console script does;
the test process's own collector is never touched."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

WORKSPACE = """version: 1
workspace: {name: Start}
integrations:
  - {name: a, title: A, pattern: custom-app, checks: [{kind: http, name: up, url: "http://127.0.0.1:9/"}]}
"""

CLI = """
import gc, json, sys
import tether.__main__
before = gc.isenabled()
sys.argv = ["tether", "--file", sys.argv[1], "--db", sys.argv[2], "list"]
try:
    tether.__main__.main()
except SystemExit as exit:
    assert not exit.code, exit.code
print(json.dumps({"before": before, "after": gc.isenabled(), "frozen": gc.get_freeze_count()}))
"""

DASHBOARD = """
import gc, json, sys
import tether.__main__
from pathlib import Path
from tether.cli.dash import launch
from tether.workspace import load_workspace
seen = {"before": gc.isenabled()}
def painted(app):
    app.call_after_refresh(lambda: (seen.update(after=gc.isenabled(), frozen=gc.get_freeze_count()), app.exit()))
launch(load_workspace(Path(sys.argv[1])), sys.argv[2], headless=True, on_first_paint=painted, refresh_every=3600.0)
print(json.dumps(seen))
"""


def run(script: str, tmp_path: Path) -> dict[str, object]:
    (tmp_path / "integrations.yaml").write_text(WORKSPACE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "integrations.yaml"), str(tmp_path / "tether.db")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_command_turns_the_collector_back_on_once_its_store_is_open(tmp_path: Path) -> None:
    seen = run(CLI, tmp_path)
    assert seen["before"] is False
    assert seen["after"] is True
    assert isinstance(seen["frozen"], int) and seen["frozen"] > 10_000  # the modules and models, at least


def test_the_dashboard_turns_it_back_on_at_its_first_paint(tmp_path: Path) -> None:
    seen = run(DASHBOARD, tmp_path)
    assert seen["before"] is False
    assert seen["after"] is True
    assert isinstance(seen["frozen"], int) and seen["frozen"] > 10_000
