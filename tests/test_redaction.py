"""No secret value in any output (issue 14, defects 5 and 6).

Every text leaving the engine (reasons, condition actuals, metrics) is redacted of the values of
every `${ENV}` the workspace references, so incidents, `/api/status`, `probe --json` and the store
never hold one. A canary key is echoed back by a loopback server and must appear nowhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.hostile import Hostile
from tether.cli import app
from tether.sandbox.server import Sandbox
from tether.secrets import redact

CANARY = "canary-0f9e8d7c6b5a4f3e2d1c"
OTHER = "other-canary-1a2b3c4d5e6f/+="


def workspace_file(tmp_path: Path, checks: str) -> Path:
    text = f"""version: 1
workspace: {{name: Canary}}
defaults: {{alerts: {{failure_threshold: 1}}}}
integrations:
  - name: echo
    title: Echo
    pattern: direct-api
    checks:
{checks}
  - name: elsewhere
    title: Another integration's key
    pattern: direct-api
    checks:
      - {{kind: http, name: h, url: "http://127.0.0.1:1/${{OTHER_KEY}}", conditions: ["[STATUS] == 200"]}}
"""
    path = tmp_path / "integrations.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def everything_written(tmp_path: Path, printed: str) -> str:
    """The printed output and every byte of the store (database and WAL)."""
    blobs = [printed.encode()]
    blobs += [p.read_bytes() for p in (tmp_path / ".tether").glob("tether.db*")]
    return b"\n".join(blobs).decode("latin-1")


@pytest.fixture
def canary_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TETHER_FILE", raising=False)
    monkeypatch.delenv("TETHER_DB", raising=False)
    monkeypatch.setenv("CANARY_KEY", CANARY)
    monkeypatch.setenv("OTHER_KEY", OTHER)


def test_an_echoed_key_is_redacted_from_reasons_conditions_incidents_and_the_store(
    hostile: Hostile, canary_env: None, tmp_path: Path, runner: CliRunner
) -> None:
    checks = f"""      - kind: http
        name: echo
        url: {hostile.url}/echo/x?also=${{OTHER_KEY}}
        headers: {{X-Api-Key: "${{CANARY_KEY}}", X-Other: "${{OTHER_KEY}}"}}
        conditions: ["[BODY].headers.X-Api-Key == nope", "[BODY].path == nope"]"""
    workspace_file(tmp_path, checks)
    result = runner.invoke(app, ["probe", "echo", "--json"])
    assert result.exit_code == 1, result.output
    [row] = json.loads(result.stdout)
    assert row["reason"].startswith("[BODY].headers.X-Api-Key == nope failed, saw [redacted]"), row["reason"]
    incidents = runner.invoke(app, ["incidents", "--json"])
    assert "[redacted]" in incidents.stdout
    written = everything_written(tmp_path, result.stdout + incidents.stdout)
    for secret in (CANARY, OTHER, "other-canary-1a2b3c4d5e6f%2F%2B%3D"):
        assert secret not in written


def test_a_key_in_a_statuspage_query_is_not_in_the_metrics(
    sandbox: Sandbox, canary_env: None, tmp_path: Path, runner: CliRunner
) -> None:
    url = f"{sandbox.url}/status/status.anthropic.com/api/v2/summary.json?api_key=${{CANARY_KEY}}"
    workspace_file(tmp_path, f"      - {{kind: statuspage, name: vendor, url: '{url}'}}")
    result = runner.invoke(app, ["probe", "echo", "--json"])
    [row] = json.loads(result.stdout)
    assert row["state"] == "healthy", row["reason"]
    assert row["metrics"]["url"].endswith("?api_key=[redacted]")
    assert CANARY not in everything_written(tmp_path, result.stdout)


def test_a_value_is_redacted_as_written_and_as_a_url_carries_it() -> None:
    env = {"K": "a/b+c=d e"}
    text = "raw a/b+c=d e, quoted a%2Fb%2Bc%3Dd%20e, form a%2Fb%2Bc%3Dd+e"
    assert redact(text, env, ["K"]) == "raw [redacted], quoted [redacted], form [redacted]"


def one_integration(folder: Path, integration: str) -> Path:
    """integrations.yaml in `folder` holding the one integration given (YAML, indented as a list item)."""
    path = folder / "integrations.yaml"
    path.write_text(f"version: 1\nworkspace: {{name: Canary}}\nintegrations:\n{integration}", encoding="utf-8")
    return path


def test_a_variable_the_model_references_by_default_is_redacted_from_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zapier check without `token:` reads `${ZAPIER_TOKEN}`: its value pasted into free text is a secret too."""
    from tether.workspace import load_workspace

    path = one_integration(
        tmp_path,
        f"""  - name: zap
    title: A Zap
    description: paged with token {CANARY} by mistake
    pattern: automation-bridge
    checks:
      - {{kind: zapier, name: runs, zap_id: 7}}
""",
    )
    monkeypatch.setenv("ZAPIER_TOKEN", CANARY)
    [stored] = load_workspace(path).store_definitions()
    assert CANARY not in json.dumps(stored)
    assert "[redacted]" in stored["description"]


def test_a_value_exported_after_a_sync_is_redacted_at_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unchanged file skips the registry sync, but not when a value it now refers to is in the store."""
    from tether.store import open_store
    from tether.store.registry import registered, sync_workspace
    from tether.workspace import load_workspace

    path = one_integration(
        tmp_path,
        f"""  - name: portal
    title: Portal
    description: "the old key, {CANARY}, pasted by mistake"
    pattern: custom-app
    checks:
      - {{kind: heartbeat, name: ran, period: 1h, token: "${{PORTAL_TOKEN}}"}}
""",
    )
    monkeypatch.delenv("PORTAL_TOKEN", raising=False)
    with open_store(tmp_path / "tether.db") as store:
        assert sync_workspace(store, load_workspace(path), 1.0).added == ["portal"]
        [row] = registered(store)
        assert CANARY in row["definition"]["description"]  # not a secret yet: no variable holds it
        monkeypatch.setenv("PORTAL_TOKEN", "something-else-1234")
        assert sync_workspace(store, load_workspace(path), 2.0).unchanged == ["portal"]
        assert registered(store)[0]["updated_at"] == 1.0  # skipped: nothing was rewritten

        monkeypatch.setenv("PORTAL_TOKEN", CANARY)
        sync_workspace(store, load_workspace(path), 3.0)
        [row] = registered(store)
        assert CANARY not in json.dumps(row["definition"])
        assert row["definition"]["description"] == "the old key, [redacted], pasted by mistake"
