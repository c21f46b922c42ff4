"""`tether add` builds a whole integration: the checks that fit its systems, each asked only what it
needs, every answer judged at once, and nothing typed lost when a session stops."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tether.cli import app
from tether.lint import lint
from tether.model.systems import SystemCatalogue
from tether.registry.add import add_integration
from tether.registry.check_offers import offers
from tether.workspace import load_workspace
from tether.workspace.rules import load_rules


@pytest.fixture
def fresh(tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace as `tether init` leaves it, as the working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TETHER_FILE", raising=False)
    assert runner.invoke(app, ["init", "."]).exit_code == 0
    return tmp_path


def catalogue() -> SystemCatalogue:
    return load_rules("systems.yaml", SystemCatalogue)


OFFERED = [
    # (what the integration names, the checks offered as (name, kind), in order)
    (
        {"pattern": "automation-bridge", "middleware": {"platform": "zapier"}, "ai": {"provider": "anthropic"}},
        [
            ("zapier-status", "statuspage"),
            ("zap-ran", "heartbeat"),
            ("anthropic-status", "statuspage"),
            ("anthropic-api", "anthropic"),
        ],
    ),
    (
        {"pattern": "automation-bridge", "middleware": {"platform": "make"}, "destinations": ["crm"]},
        [("make-status", "statuspage"), ("scenario-ran", "heartbeat")],
    ),
    # n8n is polled for its executions, not pinged.
    (
        {"pattern": "automation-bridge", "middleware": {"platform": "n8n"}},
        [("n8n-status", "statuspage"), ("workflow-runs", "n8n")],
    ),
    (
        {"pattern": "direct-api", "ai": {"provider": "openai"}},
        [("openai-status", "statuspage"), ("openai-api", "openai")],
    ),
    # The Gemini API's status page is HTML only: the free API check watches it instead.
    ({"pattern": "direct-api", "ai": {"provider": "google-ai"}}, [("google-ai-api", "gemini")]),
    ({"pattern": "direct-api", "ai": {"provider": "vertex-ai"}}, [("vertex-ai-status", "statuspage")]),
    (
        {"pattern": "custom-app", "source": "custom-backend", "destinations": ["pinecone"]},
        [("pinecone-status", "statuspage"), ("backend-health", "http")],
    ),
    ({"pattern": "custom-app", "source": "web-form"}, [("backend-health", "http")]),
    ({"pattern": "native-feature", "source": "salesforce"}, [("salesforce-status", "statuspage")]),
    ({"pattern": "native-feature", "source": "crm", "destinations": ["email"]}, []),
]


@pytest.mark.parametrize(("definition", "expected"), OFFERED)
def test_the_checks_offered_fit_the_systems_named(definition: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    found = offers({"name": "subject", **definition}, catalogue())
    assert [(o.name, o.kind) for o in found] == expected


def _named(system_id: str, kind: str) -> dict[str, Any]:
    if kind == "middleware":
        return {"pattern": "automation-bridge", "middleware": {"platform": system_id}}
    if kind == "ai-api":
        return {"pattern": "direct-api", "ai": {"provider": system_id, "model": "some-model"}}
    return {"pattern": "custom-app", "source": system_id}


SAMPLE_NEEDS = {"instance": "NA123", "url": "https://app.example.com/health", "base_url": "https://n8n.acme.example"}


@pytest.mark.parametrize("system", [s.id for s in catalogue().systems])
def test_every_offered_check_is_one_tether_check_finds_nothing_wrong_with(tmp_path: Path, system: str) -> None:
    """Each offer, taken with its needs answered, is a valid check with nothing for `tether check` to say."""
    path = tmp_path / "integrations.yaml"
    path.write_text("version: 1\nworkspace: {name: T}\nintegrations: []\n", encoding="utf-8")
    definition = {"name": "subject", "title": "Subject", **_named(system, catalogue().get(system).kind)}
    checks = [
        o.build({n.field: SAMPLE_NEEDS.get(n.field, n.default or "") for n in o.needs})
        for o in offers(definition, catalogue())
    ]
    add_integration(path, {**definition, "checks": checks})
    ws = load_workspace(path)
    assert [c.name for c in ws.integrations[0].checks] == [c["name"] for c in checks]
    assert [str(p) for p in lint(ws)] == []


def _add(runner: CliRunner, answers: list[str], *args: str) -> Any:
    return runner.invoke(app, ["add", *args], input="\n".join(answers) + "\n")


# One session's answers, by question: a direct-API integration on Claude.
DIRECT = {
    "name": "lead-intake",
    "title": "Lead scoring",
    "pattern": "direct-api",
    "lifecycle": "",
    "owner": "",
    "trigger": "form submitted",
    "source": "web-form",
    "provider": "anthropic",
    "model": "claude-sonnet-4-6",
    "destinations": "crm",
    "checks.anthropic-status": "",
    "checks.anthropic-api": "",
}


def _session(**changed: list[str]) -> list[str]:
    """The DIRECT answers in order, with some questions answered by several lines (refused, then taken)."""
    lines: list[str] = []
    for key, answer in DIRECT.items():
        lines.extend(changed.get(key.replace(".", "_").replace("-", "_"), [answer]))
    return lines


REFUSED = [
    # (question, what is typed first, what the user is told, what is taken next)
    (
        "name",
        "Lead Intake",
        "'Lead Intake' is not a slug: lowercase letters, digits and dashes (try 'lead-intake')",
        "",
    ),
    ("pattern", "zapier", "zapier is a system; the pattern is automation-bridge", "direct-api"),
    ("pattern", "direct_api", "did you mean 'direct-api'?", ""),
    ("source", "hubspt", "unknown system 'hubspt' (did you mean 'hubspot'?)", "web-form"),
    ("model", "", "no `model:`; name the model id", "claude-sonnet-4-6"),
    ("checks_anthropic_api", "maybe", "'maybe': answer yes or no", "yes"),
    ("trigger", "sk-ant-api03-abcdefghijklmnopqrstuvwx", "this looks like an Anthropic API key", "form submitted"),
]


@pytest.mark.parametrize(("question", "typed", "told", "then"), REFUSED, ids=[f"{r[0]}:{r[1]}" for r in REFUSED])
def test_a_refused_answer_is_asked_again_with_the_reason(
    fresh: Path, runner: CliRunner, question: str, typed: str, told: str, then: str
) -> None:
    result = _add(runner, _session(**{question: [typed, then]}))
    assert result.exit_code == 0, result.output
    assert told in result.stderr
    # The terminal echoes what was typed; nothing tether says or writes repeats a pasted key.
    assert "sk-ant-api03" not in result.stderr + (fresh / "integrations.yaml").read_text()
    entry = load_workspace(fresh / "integrations.yaml").integrations[-1]
    assert entry.name == "lead-intake" and str(entry.pattern) == "direct-api"
    assert [c.name for c in entry.checks] == ["anthropic-status", "anthropic-api"]


def test_the_suggestion_is_the_default_of_the_question_asked_again(fresh: Path, runner: CliRunner) -> None:
    result = _add(runner, _session(name=["Lead Intake", ""]))
    assert result.exit_code == 0, result.output
    assert "Name (a slug such as lead-intake) [lead-intake]:" in result.output
    assert load_workspace(fresh / "integrations.yaml").integrations[-1].name == "lead-intake"


def test_a_name_already_taken_is_refused_with_a_free_one(fresh: Path, runner: CliRunner) -> None:
    assert _add(runner, _session()).exit_code == 0
    again = _add(runner, _session(name=["lead-intake", ""]))
    assert again.exit_code == 0, again.output
    assert "'lead-intake' is already the name of integrations[0]" in again.stderr
    assert [i.name for i in load_workspace(fresh / "integrations.yaml").integrations] == [
        "lead-intake",
        "lead-intake-2",
    ]


def test_a_pilot_needs_an_owner_at_its_prompt(fresh: Path, runner: CliRunner) -> None:
    result = _add(runner, _session(lifecycle=["pilot"], owner=["", "ops@acme.example"]))
    assert result.exit_code == 0, result.output
    assert "lead-intake is in pilot without an owner" in result.stderr
    assert load_workspace(fresh / "integrations.yaml").integrations[-1].owner == "ops@acme.example"


def test_a_heartbeat_asks_how_often_and_which_variable(fresh: Path, runner: CliRunner) -> None:
    answers = [
        "zap-leads",
        "Zap leads",
        "automation-bridge",
        "",
        "",
        "",
        "web-form",
        "zapier",
        "anthropic",
        "claude-sonnet-4-6",
        "crm",
        "no",  # Zapier's status page
        "",  # the heartbeat: yes
        "hourly",
        "2h",  # how often: refused, then taken
        "$LEADS_PING",  # the token's variable, written as ${LEADS_PING}
        "no",
        "no",
    ]  # Claude's status page and API check
    result = _add(runner, answers)
    assert result.exit_code == 0, result.output
    assert "'hourly' is not a duration" in result.stderr
    check = load_workspace(fresh / "integrations.yaml").integrations[-1].checks[0]
    assert check.model_dump(include={"kind", "name", "period", "token"}) == {
        "kind": "heartbeat",
        "name": "zap-ran",
        "period": 7200.0,
        "token": "${LEADS_PING}",
    }


def test_the_comments_of_the_file_survive_and_the_checks_read_as_written(fresh: Path, runner: CliRunner) -> None:
    before = (fresh / "integrations.yaml").read_text()
    assert _add(runner, _session()).exit_code == 0
    after = (fresh / "integrations.yaml").read_text()
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in after.splitlines() for line in comments)
    assert "url: ${TETHER_SANDBOX_URL:-https:/}/status.claude.com" in after


def test_a_stopped_session_saves_its_answers_and_resumes_where_it_stopped(fresh: Path, runner: CliRunner) -> None:
    before = (fresh / "integrations.yaml").read_text()
    first = _add(runner, _session()[:4])  # input ends after the lifecycle
    assert first.exit_code == 2
    saved = fresh / ".tether" / "add-answers.yaml"
    assert "your answers so far are saved in .tether/add-answers.yaml" in first.stderr
    assert "tether add --answers .tether/add-answers.yaml" in first.stderr
    assert (fresh / "integrations.yaml").read_text() == before
    kept = yaml.safe_load(saved.read_text())
    assert kept == {"name": "lead-intake", "title": "Lead scoring", "pattern": "direct-api", "lifecycle": "planned"}
    rest = _session()[4:]
    second = runner.invoke(app, ["add", "--answers", str(saved)], input="\n".join(rest) + "\n")
    assert second.exit_code == 0, second.output
    assert "Name (a slug" not in second.output  # what was answered is not asked again
    entry = load_workspace(fresh / "integrations.yaml").integrations[-1]
    assert (entry.name, entry.title, entry.source) == ("lead-intake", "Lead scoring", "web-form")
    assert not saved.exists()


def test_a_saved_answer_the_rules_now_refuse_is_asked_again(fresh: Path, runner: CliRunner) -> None:
    answers = fresh / "mine.yaml"
    answers.write_text("name: Lead Intake\ntitle: Lead scoring\n", encoding="utf-8")
    # Enter takes the suggestion; the title is not asked again.
    result = runner.invoke(app, ["add", "--answers", str(answers)], input="\n".join(["", *_session()[2:]]) + "\n")
    assert result.exit_code == 0, result.output
    assert "the given name 'Lead Intake' is refused" in result.stderr
    assert load_workspace(fresh / "integrations.yaml").integrations[-1].name == "lead-intake"


SCRIPTED = [
    "--name",
    "lead-intake",
    "--title",
    "Lead scoring",
    "--pattern",
    "automation-bridge",
    "--middleware",
    "zapier",
    "--provider",
    "anthropic",
    "--model",
    "claude-sonnet-4-6",
]


def test_a_backend_health_url_without_a_scheme_is_asked_again(fresh: Path, runner: CliRunner) -> None:
    answers = [
        *("portal", "Portal", "custom-app", "", "", "", "custom-backend", "", "claude-sonnet-4-6", ""),
        *("no", "no"),  # Claude's status page and API check
        "",  # the HTTP check: yes
        *("app.acme.example/health", ""),  # refused; Enter takes https://app.acme.example/health
    ]
    result = _add(runner, answers)
    assert result.exit_code == 0, result.output
    assert "'app.acme.example/health' has no scheme" in result.stderr
    check = load_workspace(fresh / "integrations.yaml").integrations[-1].checks[0]
    assert check.model_dump(include={"name", "url", "conditions"}) == {
        "name": "backend-health",
        "url": "https://app.acme.example/health",
        "conditions": ["[STATUS] == 200"],
    }


def test_a_script_adds_checks_by_kind_and_answers_their_needs_with_set(fresh: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["add", *SCRIPTED, "--check", "heartbeat", "--check", "anthropic", "--set", "checks.zap-ran.period=15m"]
    )
    assert result.exit_code == 0, result.output
    checks = load_workspace(fresh / "integrations.yaml").integrations[-1].checks
    assert [(c.name, c.kind) for c in checks] == [("zap-ran", "heartbeat"), ("anthropic-api", "anthropic")]
    assert checks[0].model_dump(include={"period", "token"}) == {"period": 900.0, "token": "${LEAD_INTAKE_PING_TOKEN}"}


def test_a_script_without_check_adds_none(fresh: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["add", *SCRIPTED], input="").exit_code == 0
    assert load_workspace(fresh / "integrations.yaml").integrations[-1].checks == []


SCRIPT_MISTAKES = [
    (["--check", "http"], "--check http: no such check fits this integration; the checks that fit: zapier-status"),
    (
        ["--check", "heartbeat", "--set", "checks.zap-ran.period=hourly"],
        "--set checks.zap-ran.period 'hourly': 'hourly' is not a duration",
    ),
    (["--set", "checks.zap-ran.perod=1h"], "--set checks.zap-ran.perod: no question takes it here"),
    (["--set", "nonsense"], "--set 'nonsense': write KEY=VALUE"),
    (["--source", "hubspt"], "--source 'hubspt': unknown system 'hubspt' (did you mean 'hubspot'?)"),
]


@pytest.mark.parametrize(("extra", "told"), SCRIPT_MISTAKES, ids=[" ".join(m[0]) for m in SCRIPT_MISTAKES])
def test_a_script_mistake_exits_2_naming_the_flag_and_writes_nothing(
    fresh: Path, runner: CliRunner, extra: list[str], told: str
) -> None:
    before = (fresh / "integrations.yaml").read_text()
    result = runner.invoke(app, ["add", *SCRIPTED, *extra], input="")
    assert result.exit_code == 2
    assert told in result.stderr
    assert "Traceback" not in result.output
    assert (fresh / "integrations.yaml").read_text() == before


def test_dry_run_prints_the_checks_and_writes_nothing(fresh: Path, runner: CliRunner) -> None:
    before = (fresh / "integrations.yaml").read_text()
    result = runner.invoke(app, ["add", *SCRIPTED, "--check", "statuspage", "--json", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert [c["name"] for c in json.loads(result.output)["checks"]] == ["zapier-status", "anthropic-status"]
    dry = runner.invoke(app, ["add", *SCRIPTED, "--check", "statuspage", "--dry-run"])
    assert "name: zapier-status" in dry.output
    assert (fresh / "integrations.yaml").read_text() == before


def test_a_script_gets_check_findings_from_check_and_leaves_out_what_it_does_not_give(
    fresh: Path, runner: CliRunner
) -> None:
    flags = ["--name", "invoices", "--title", "Invoices", "--pattern", "custom-app", "--lifecycle", "pilot"]
    result = runner.invoke(app, ["add", *flags], input="")
    assert result.exit_code == 0, result.output
    entry = load_workspace(fresh / "integrations.yaml").integrations[-1]
    assert (entry.owner, entry.ai, entry.source, entry.destinations) == (None, None, None, [])
    check = runner.invoke(app, ["check"])
    assert check.exit_code == 1
    assert "invoices is in pilot without an owner" in check.output


SANDBOXED = [
    # (flags of a scripted add, what its checks' needs are answered with): every kind add offers but the heartbeat
    (["--pattern", "direct-api", "--provider", "openai", "--model", "gpt-4o-mini"], []),
    (["--pattern", "direct-api", "--provider", "google-ai", "--model", "gemini-2.5-flash"], []),
    (["--pattern", "native-feature", "--source", "hubspot", "--destination", "slack"], []),
    (
        [
            "--pattern",
            "automation-bridge",
            "--middleware",
            "n8n",
            "--provider",
            "anthropic",
            "--model",
            "claude-haiku-4-5",
        ],
        [
            "checks.workflow-runs.base_url=${TETHER_SANDBOX_URL:-https:/}/n8n.acme.example",
            "checks.workflow-runs.workflow_id=lead-intake",
        ],
    ),
    (
        ["--pattern", "custom-app", "--source", "custom-backend", "--destination", "pinecone"],
        ["checks.backend-health.url=${TETHER_SANDBOX_URL:-https:/}/portal.acme.example/health"],
    ),
]


@pytest.mark.parametrize(("flags", "needs"), SANDBOXED, ids=[f[1] for f, _ in SANDBOXED])
def test_the_checks_add_writes_are_healthy_against_the_sandbox(
    fresh: Path, runner: CliRunner, sandbox: Any, flags: list[str], needs: list[str]
) -> None:
    sets = [arg for need in needs for arg in ("--set", need)]
    # Which kinds fit, as add itself tells (dry run, nothing written); all but the heartbeat, which waits for a ping.
    entry = json.loads(
        runner.invoke(app, ["add", "--name", "subject", "--title", "Subject", *flags, "--dry-run", "--json"]).stdout
    )
    fitting = sorted({o.kind for o in offers(entry, catalogue())} - {"heartbeat"})
    chosen = [arg for kind in fitting for arg in ("--check", kind)]
    added = runner.invoke(app, ["add", "--name", "subject", "--title", "Subject", *flags, *chosen, *sets])
    assert added.exit_code == 0, added.output
    written = [c.name for c in load_workspace(fresh / "integrations.yaml").integrations[-1].checks]
    keys = ("OPENAI_API_KEY", "GEMINI_API_KEY", "ANTHROPIC_API_KEY", "N8N_API_KEY")
    probed = runner.invoke(
        app, ["probe", "--json"], env={"TETHER_SANDBOX_URL": sandbox.url, **dict.fromkeys(keys, "sandbox-key")}
    )
    assert probed.exit_code == 0, probed.output
    assert sorted((r["check"], r["state"]) for r in json.loads(probed.stdout)) == sorted(
        (n, "healthy") for n in written
    )


def test_answers_that_cannot_be_saved_are_printed_as_flags(fresh: Path, runner: CliRunner) -> None:
    (fresh / ".tether").write_text("a file where the folder should be\n", encoding="utf-8")
    result = _add(runner, ["lead-intake", "Lead scoring: web form"])
    assert result.exit_code == 2
    assert "your answers could not be saved in .tether/add-answers.yaml" in result.stderr
    assert "they are: tether add --set name=lead-intake --set 'title=Lead scoring: web form'" in result.stderr
