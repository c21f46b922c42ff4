"""A new user's first ten minutes, through a real pseudo-terminal and the real `tether` console script:
`init`, an interactive `add` with one answer corrected at its prompt, `check`, `probe` against the
sandbox, and a healthy integration, with no file edited by hand."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from tether.sandbox.server import Sandbox

TETHER = Path(sys.executable).with_name("tether")
WAIT = 60  # seconds per expectation: CI is a loaded 2-core machine


@pytest.fixture
def user_env(tmp_path: Path) -> dict[str, str]:
    """The environment of someone who has not set anything up yet."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TETHER_", "ANTHROPIC_", "OPENAI_", "GEMINI_"))}
    return {**env, "NO_COLOR": "1", "TERM": "xterm", "HOME": str(tmp_path)}


def tether(args: list[str], cwd: Path, env: dict[str, str]) -> pexpect.spawn:
    assert TETHER.exists(), f"the console script is installed beside the interpreter: {TETHER}"
    return pexpect.spawn(str(TETHER), args, cwd=str(cwd), env=env, encoding="utf-8", timeout=WAIT, dimensions=(50, 220))


def finish(child: pexpect.spawn) -> tuple[str, int]:
    """Everything the command printed after the last expectation, and its exit status."""
    child.expect(pexpect.EOF)
    child.close()
    return child.before, child.exitstatus


def answer(child: pexpect.spawn, prompt: str, text: str) -> None:
    child.expect_exact(prompt)
    child.sendline(text)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    workspace = tmp_path / "acme"
    workspace.mkdir()
    return workspace


def test_from_init_to_a_healthy_integration(folder: Path, user_env: dict[str, str], sandbox: Sandbox) -> None:
    init = tether(["init", "."], folder, user_env)
    init.expect_exact("next: run `tether add`")
    assert finish(init)[1] == 0

    add = tether(["add"], folder, user_env)
    answer(add, "Name (a slug such as lead-intake):", "Lead Intake")
    add.expect_exact("'Lead Intake' is not a slug: lowercase letters, digits and dashes (try 'lead-intake')")
    answer(add, "Name (a slug such as lead-intake) [lead-intake]:", "")  # Enter takes the suggestion
    answer(add, "Title (a few words saying what it does):", "Lead scoring and reply drafts")
    answer(add, "Pattern (automation-bridge/direct-api/native-feature/custom-app) [automation-bridge]:", "direct-api")
    answer(add, "Lifecycle (idea/planned/pilot/production/retired) [planned]:", "")
    answer(add, "Owner (name or email):", "maria@acme.example")
    answer(add, "Trigger (what starts it):", "contact form submitted")
    answer(add, "Source system (where the trigger comes from):", "web-form")
    answer(add, "AI provider [anthropic]:", "")
    answer(add, "Model id (e.g. claude-sonnet-4-6):", "claude-sonnet-4-6")
    answer(add, "Destinations (systems, comma separated):", "crm")
    answer(add, "Add a status-page check for Claude (Anthropic API) (https://status.claude.com)? (yes/no) [yes]:", "")
    answer(add, "Add a free API check of Claude (Anthropic API) for claude-sonnet-4-6", "")
    add.expect_exact("added lead-intake to integrations.yaml")
    add.expect_exact("set ANTHROPIC_API_KEY (read by lead-intake/anthropic-api)")
    assert finish(add)[1] == 0

    check = tether(["check"], folder, user_env)
    check.expect_exact("missing for a first probe:")
    check.expect_exact("set ANTHROPIC_API_KEY (read by lead-intake/anthropic-api)")
    assert finish(check)[1] == 0

    # The user sets the key, here the sandbox's stand-in, and points the checks at the sandbox.
    ready = {**user_env, "ANTHROPIC_API_KEY": "sandbox-key", "TETHER_SANDBOX_URL": sandbox.url}
    recheck = tether(["check"], folder, ready)
    output, status = finish(recheck)
    assert status == 0 and "missing for a first probe" not in output

    probe = tether(["probe"], folder, ready)
    output, status = finish(probe)
    assert status == 0, output
    for check_name in ("anthropic-status", "anthropic-api"):
        assert re.search(rf"lead-intake\s+│?\s*{check_name}\s.*healthy", output), output
    assert re.search(r"lead-intake\s+│?\s*healthy\s+│?\s*2", output), output

    written = yaml.safe_load((folder / "integrations.yaml").read_text())["integrations"]
    assert [(i["name"], i["owner"], [c["name"] for c in i["checks"]]) for i in written] == [
        ("lead-intake", "maria@acme.example", ["anthropic-status", "anthropic-api"])
    ]


def _start_add(folder: Path, env: dict[str, str]) -> pexpect.spawn:
    assert finish(tether(["init", "."], folder, env))[1] == 0
    add = tether(["add"], folder, env)
    answer(add, "Name (a slug such as lead-intake):", "lead-intake")
    answer(add, "Title (a few words saying what it does):", "Lead scoring")
    answer(add, "[automation-bridge]:", "direct-api")
    return add


def test_ctrl_c_keeps_the_answers_and_a_resumed_session_finishes(folder: Path, user_env: dict[str, str]) -> None:
    add = _start_add(folder, user_env)
    add.expect_exact("Lifecycle")
    add.sendintr()
    add.expect_exact("stopped; your answers so far are saved in .tether/add-answers.yaml")
    add.expect_exact("go on with `tether add --answers .tether/add-answers.yaml`")
    assert finish(add)[1] == 130
    saved = yaml.safe_load((folder / ".tether" / "add-answers.yaml").read_text())
    assert saved == {"name": "lead-intake", "title": "Lead scoring", "pattern": "direct-api"}

    resumed = tether(["add", "--answers", ".tether/add-answers.yaml"], folder, user_env)
    answer(resumed, "Lifecycle", "")
    for prompt in ("Owner", "Trigger", "Source system", "AI provider"):
        answer(resumed, prompt, "")
    answer(resumed, "Model id", "claude-haiku-4-5")
    answer(resumed, "Destinations", "")
    answer(resumed, "Add a status-page check", "no")
    answer(resumed, "Add a free API check", "yes")
    resumed.expect_exact("added lead-intake to integrations.yaml")
    assert finish(resumed)[1] == 0
    assert not (folder / ".tether" / "add-answers.yaml").exists()


def test_a_fatal_error_at_the_end_saves_every_answer(folder: Path, user_env: dict[str, str]) -> None:
    add = _start_add(folder, user_env)
    for prompt in ("Lifecycle", "Owner", "Trigger", "Source system", "AI provider"):
        answer(add, prompt, "")
    answer(add, "Model id", "claude-haiku-4-5")
    answer(add, "Destinations", "")
    answer(add, "Add a status-page check", "no")
    add.expect_exact("Add a free API check")
    # Meanwhile a teammate's commit lands with the same name: the write is refused at the end.
    path = folder / "integrations.yaml"
    path.write_text(
        path.read_text().replace(
            "integrations: []", "integrations:\n  - {name: lead-intake, title: Theirs, pattern: custom-app}"
        )
    )
    add.sendline("yes")
    add.expect_exact("'lead-intake' is already the name of integrations[0]")
    add.expect_exact("your answers so far are saved in .tether/add-answers.yaml")
    assert finish(add)[1] == 2
    saved = yaml.safe_load((folder / ".tether" / "add-answers.yaml").read_text())
    assert saved["model"] == "claude-haiku-4-5" and saved["checks.anthropic-api"] == "yes"


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TETHER), *args], check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=WAIT
    )


def test_the_curl_line_check_prints_is_the_call_tether_serve_takes(folder: Path, user_env: dict[str, str]) -> None:
    env = {**user_env, "ZAP_LEADS_PING_TOKEN": "zap-token-5d1c9e"}
    assert run(["init", "."], folder, env).returncode == 0
    scripted = [
        "--name",
        "zap-leads",
        "--title",
        "Zap leads",
        "--pattern",
        "automation-bridge",
        "--middleware",
        "zapier",
    ]
    assert run(["add", *scripted, "--check", "heartbeat"], folder, env).returncode == 0
    serve = subprocess.Popen(
        [str(TETHER), "serve", "--port", "0"], cwd=folder, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        assert serve.stderr is not None
        address = re.search(r"http://127\.0\.0\.1:\d+", serve.stderr.readline())
        assert address, "tether serve names its address on its first line"
        # The one line a user writes: where automations reach tether serve.
        path = folder / "integrations.yaml"
        path.write_text(path.read_text().replace("# serve_url: https://tether.example.com", f"serve_url: {address[0]}"))
        missing = json.loads(run(["check", "--json"], folder, env).stdout)["missing_for_first_probe"]
        assert [m["what"] for m in missing] == ["no-ping"]
        command = missing[0]["command"]
        assert "$ZAP_LEADS_PING_TOKEN" in command and "zap-token-5d1c9e" not in command
        sent = subprocess.run(["sh", "-c", command], check=False, env=env, capture_output=True, text=True, timeout=WAIT)
        assert sent.returncode == 0, sent.stderr
        assert json.loads(run(["check", "--json"], folder, env).stdout)["missing_for_first_probe"] == []
    finally:
        serve.send_signal(signal.SIGINT)
        serve.wait(timeout=WAIT)
