"""`tether docs --ai` against the sandbox's Messages endpoint over real sockets: drafting, caching,
the token cap, and the canary secret that must never leave in a document, the store or a prompt."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs_support import RecordingProxy, lint, read_tree, run_docs
from tether.sandbox.scenario import Reply, Scenario
from tether.sandbox.server import Sandbox
from tether.workspace import load_workspace

NOTES = "- Check the Zap history first.\n- A **bold** claim with a | pipe.\n\n1. Numbered <b>note</b>."
CANARY = "canary-4f1d9a7be2c35068"


@pytest.fixture
def claude(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingProxy]:
    """The sandbox answering notes requests, reached through a recording proxy; a key in the environment."""
    sandbox.set_scenario(Scenario(replies=[Reply(contains="Integration definition", reply=NOTES)]))
    proxy = RecordingProxy(sandbox.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sandbox-key-not-secret")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", proxy.url)
    yield proxy
    proxy.close()


def _count(workspace: Path) -> int:
    return len(load_workspace(workspace / "integrations.yaml").integrations)


def _sent(proxy: RecordingProxy) -> list[dict[str, object]]:
    return [json.loads(body) for path, body in proxy.bodies if path == "/v1/messages"]


def test_notes_are_drafted_marked_as_ai_and_lint_clean(workspace: Path, claude: RecordingProxy) -> None:
    result = run_docs(workspace, "--ai", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)["ai"]
    assert len(summary["drafted"]) == _count(workspace)
    assert summary["input_tokens"] > 0
    runbook = (workspace / "reports/runbooks/lead-intake-zapier.md").read_text()
    assert "## Notes drafted by AI" in runbook
    assert "> AI-drafted by `claude-haiku-4-5`" in runbook
    assert "- Check the Zap history first." in runbook
    assert "- A \\*\\*bold\\*\\* claim with a \\| pipe." in runbook
    assert "- Numbered \\<b\\>note\\</b\\>." in runbook
    assert lint(workspace / "reports") == []
    sent = _sent(claude)
    assert len(sent) == _count(workspace)
    assert all(body["max_tokens"] == 700 for body in sent)


def test_an_unchanged_integration_costs_nothing_on_a_rerun(
    workspace: Path, sandbox: Sandbox, claude: RecordingProxy
) -> None:
    count = _count(workspace)
    assert run_docs(workspace, "--ai").exit_code == 0
    first = read_tree(workspace / "reports")
    assert sandbox.requests["/v1/messages"] == count

    again = run_docs(workspace, "--ai", "--json")
    assert again.exit_code == 0
    assert json.loads(again.output)["ai"]["drafted"] == []
    assert sandbox.requests["/v1/messages"] == count
    assert read_tree(workspace / "reports") == first
    assert run_docs(workspace, "--check", "--ai").exit_code == 0
    assert sandbox.requests["/v1/messages"] == count

    path = workspace / "integrations.yaml"
    path.write_text(path.read_text().replace("owner: marketing@acme.example", "owner: web@acme.example"))
    changed = run_docs(workspace, "--ai", "--json")
    assert json.loads(changed.output)["ai"]["drafted"] == ["hubspot-ai-scoring"]
    assert sandbox.requests["/v1/messages"] == count + 1


def test_the_token_cap_stops_drafting_and_says_so(workspace: Path, sandbox: Sandbox, claude: RecordingProxy) -> None:
    result = run_docs(workspace, "--ai", "--ai-max-tokens", "2500")
    assert result.exit_code == 0
    assert "token cap of 2,500 per run reached" in result.output
    drafted = sandbox.requests["/v1/messages"]
    assert 1 <= drafted < _count(workspace)
    runbooks = [p.read_text() for p in (workspace / "reports/runbooks").glob("*.md")]
    assert sum("## Notes drafted by AI" in text for text in runbooks) == drafted


def test_a_canary_secret_never_leaves_in_documents_the_store_or_prompts(
    workspace: Path, sandbox: Sandbox, claude: RecordingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The secret is in the environment, referenced as ${...}; a careless user also pasted its value
    # into free text. Neither may reach a document, the store or the model.
    monkeypatch.setenv("ZAPIER_TOKEN", CANARY)
    monkeypatch.setenv("CRM_API_KEY", CANARY + "-crm")
    path = workspace / "integrations.yaml"
    text = path.read_text().replace(
        "trigger: contact form submitted on the website\n", f"trigger: form posted with {CANARY}\n", 1
    )
    text += f"""
  - name: canary-crm
    title: CRM sync with a pasted token
    description: Calls the CRM API (token {CANARY}-crm) and drafts notes with Claude.
    pattern: direct-api
    source: crm
    ai: {{provider: anthropic, model: claude-haiku-4-5}}
    destinations: [crm]
    checks:
      - kind: http
        name: crm-api
        url: "${{CRM_URL:-http://127.0.0.1:9/crm}}"
        headers: {{Authorization: "${{CRM_API_KEY}}"}}
"""
    path.write_text(text)
    count = len(load_workspace(path).integrations)
    sandbox.set_scenario(Scenario(default_reply="echo"))  # a reply repeats the prompt: a leak would show twice

    result = run_docs(workspace, "--ai")
    assert result.exit_code == 0, result.output
    assert sandbox.requests["/v1/messages"] == count
    assert "${CRM_API_KEY}" in (workspace / "reports/integrations/canary-crm.md").read_text()

    leaks = [name for name, data in read_tree(workspace / "reports").items() if CANARY.encode() in data]
    assert leaks == []
    with sqlite3.connect(workspace / ".tether" / "tether.db") as db:
        cached = db.execute("SELECT * FROM doc_ai_notes").fetchall()
    assert len(cached) == count
    assert [row for row in cached if CANARY in repr(row)] == []
    prompts = [body for path, body in claude.bodies if path == "/v1/messages"]
    assert len(prompts) == count
    assert [b for b in prompts if CANARY.encode() in b] == []
    assert any(b"[redacted]" in b for b in prompts)
    assert CANARY not in result.output
