"""No secret leaves in a document, however fast the documents are made.

Documents redact what templates print (every value) rather than whole documents; a workspace's
own templates are still redacted whole. Redaction looks first for what each kind of secret must
contain, and leaves out the kinds a text cannot hold: that must change nothing it finds.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.docs_support import read_tree, run_docs
from tether.checks.result import CheckResult
from tether.checks.states import State
from tether.secrets import ANY_SECRET, REDACTED, redact
from tether.store import open_store
from tether.store.results import record_results

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "tether" / "docs" / "templates"

LITERALS = {
    "anthropic": "sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345",
    "openai": "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123",
    "slack": "xoxb-1234567890-abcdefghijkl",
    "webhook": "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXX",
    "bearer": "Bearer abcdefghijklmnopqrstuvwx",
    "github": "ghp_abcdefghijklmnopqrstuvwxyz0123",
    "aws": "AKIAABCDEFGHIJKLMNOP",
    "url": "https://admin:hunter2hunter2@db.example.com/x",
    "basic": "Basic dXNlcjpwYXNzd29yZA==",
    "query": "https://api.example.com/v1?api_key=abcdefghijklmnop",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghij",
}


def test_our_templates_print_no_secret_of_their_own() -> None:
    """Why only printed values need redacting: the text of our templates holds no secret-looking literal."""
    found = {p.name: ANY_SECRET.findall(p.read_text(encoding="utf-8")) for p in sorted(TEMPLATES.glob("*.j2"))}
    assert found and all(hits == [] for hits in found.values()), found


CANARY = "canary-value-0123456789"


def test_a_secret_in_free_text_or_in_a_recorded_reason_never_reaches_a_document(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # integrations.yaml refuses literal secrets, so they come in two ways: the value of a variable
    # the workspace references, pasted into free text, and whatever a probe recorded as a reason.
    monkeypatch.setenv("DOCS_CANARY_TOKEN", CANARY)
    path = workspace / "integrations.yaml"
    text = path.read_text(encoding="utf-8") + (
        "  - name: canary-beat\n"
        "    title: A heartbeat whose token the workspace references\n"
        "    pattern: automation-bridge\n"
        "    checks:\n"
        '      - {kind: heartbeat, name: ran, period: 1h, token: "${DOCS_CANARY_TOKEN}"}\n'
    )
    for old, new in [
        ("trigger: contact form submitted on the website", f"trigger: form posted with {CANARY}"),
        ("owner: dev-team@acme.example", f"owner: dev-team {CANARY}"),
        ("title: CRM follow-up email drafts (Claude API)", f"title: CRM drafts {CANARY}"),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    reason = "HTTP 401 from " + " ".join(LITERALS.values()) + f" and {CANARY}"
    with open_store(workspace / ".tether" / "tether.db") as store:
        record_results(
            store,
            [
                CheckResult(name, check, kind, State.DOWN, reason, category, 1_780_000_000.0 + n, 10.0)
                for n, (name, check, kind, category) in enumerate(
                    [
                        ("crm-followup-email", "crm-webhook", "http", "auth"),
                        ("crm-followup-email", "claude-api", "anthropic", "not-a-known-reason"),
                    ]
                )
            ],
        )
    result = run_docs(workspace)
    assert result.exit_code == 0, result.output
    documents = read_tree(workspace / "reports")
    assert "runbooks/canary-beat.md" in documents  # the variable is the workspace's: its value is a secret
    shown = documents["runbooks/crm-followup-email.md"].decode()
    assert "HTTP 401 from" in shown  # the reasons are in the runbook, redacted
    leaks = {
        (name, kind)
        for name, data in documents.items()
        for kind, secret in {**LITERALS, "env value": CANARY}.items()
        if secret.encode() in data
    }
    assert leaks == set()


def test_a_workspace_template_is_redacted_whole(workspace: Path) -> None:
    """Text of a template we never read may hold a secret outside any printed value."""
    (workspace / "templates").mkdir()
    (workspace / "templates" / "runbook.md.j2").write_text(
        f"# On call for {{{{ i.name }}}}\n\nAsk with {LITERALS['github']} or {LITERALS['url']}.\n", encoding="utf-8"
    )
    assert run_docs(workspace).exit_code == 0
    runbook = (workspace / "reports" / "runbooks" / "crm-followup-email.md").read_text()
    assert LITERALS["github"] not in runbook and "hunter2" not in runbook
    assert f"Ask with {REDACTED} or {REDACTED}db.example.com/x." in runbook


FRAGMENTS = [
    *LITERALS.values(),
    "sk-",
    "sk-ant-short",
    "xox",
    "Bearer",
    "BEARER\t",
    "bearer ${TOKEN}",
    "basic",
    "BaSiC ",
    "baſic dXNlcjpwYXNzd29yZA==",  # a long s: re's case folding reads it as "basic"
    "gh",
    "ghp_",
    "AKIA",
    "://",
    "user:pw@",
    "@",
    "?",
    "&",
    "=",
    "?token=",
    "&secret=abcdefghijklmnopq",
    "eyJ",
    "hooks.slack.com/",
    " ",
    "\n",
    "word",
    "ünï",
    "https://example.com/a?b=c&d=e",
    "-",
    "_",
    ".",
]


@pytest.mark.parametrize("seed", range(8))
def test_redaction_finds_exactly_what_one_pass_of_every_pattern_finds(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        text = "".join(rng.choice(FRAGMENTS) for _ in range(rng.choice([1, 3, 10, 40, 200])))
        assert redact(text, env={}) == ANY_SECRET.sub(REDACTED, text), text
