"""`--json` for scripts: times as ISO 8601 with the epoch beside them, whole numbers as integers."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tether.cli import app
from tether.clock import stamped
from tether.sandbox.server import Sandbox

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def test_stamped_turns_every_time_field_into_iso_with_its_epoch() -> None:
    data = {
        "opened_at": 1796156854.15,
        "resolved_at": None,
        "deliveries": [{"at": 0, "attempts": 2, "retry_at": 60.5}],
        "metrics": {"last_ping_at": 1796156800, "age_s": 54.2},
        "state": "down",
        "format": "at",
    }
    assert stamped(data) == {
        "opened_at": "2026-12-01T20:27:34Z",
        "opened_at_epoch": 1796156854.15,
        "resolved_at": None,
        "resolved_at_epoch": None,
        "deliveries": [
            {
                "at": "1970-01-01T00:00:00Z",
                "at_epoch": 0,
                "attempts": 2,
                "retry_at": "1970-01-01T00:01:00Z",
                "retry_at_epoch": 60.5,
            }
        ],
        "metrics": {"last_ping_at": "2026-12-01T20:26:40Z", "last_ping_at_epoch": 1796156800, "age_s": 54.2},
        "state": "down",
        "format": "at",
    }


def test_probe_json_times_are_iso_8601_with_the_epoch_beside(
    sandbox: Sandbox, workspace: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TETHER_SANDBOX_URL", sandbox.url)
    for name in ("ANTHROPIC_API_KEY", "N8N_API_KEY", "ZAPIER_TOKEN", "PORTAL_PING_TOKEN"):
        monkeypatch.setenv(name, "sandbox-key")
    assert runner.invoke(app, ["ping", "support-portal-rag"]).exit_code == 0
    rows = json.loads(runner.invoke(app, ["probe", "support-portal-rag", "--json"]).stdout)
    for row in rows:
        assert ISO.match(row["started_at"]), row["started_at"]
        assert datetime.fromisoformat(row["started_at"]).timestamp() == int(row["started_at_epoch"])
    beat = next(r for r in rows if r["kind"] == "heartbeat")
    assert ISO.match(beat["metrics"]["last_ping_at"])
    assert isinstance(beat["metrics"]["last_ping_at_epoch"], float)


def test_advise_json_whole_number_answers_are_integers(workspace: Path, runner: CliRunner) -> None:
    shutil.copy(EXAMPLES / "answers-small-business.yaml", workspace / "answers.yaml")
    result = runner.invoke(app, ["advise", "--answers", "answers.yaml", "--json", "--no-save"])
    assert result.exit_code == 0, result.stderr
    answers = json.loads(result.stdout)["answers"]
    assert (answers["systems_touched"], type(answers["systems_touched"])) == (3, int)
    assert (answers["monthly_volume"], type(answers["monthly_volume"])) == (600, int)
