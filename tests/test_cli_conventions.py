"""The conventions every command keeps: values with units, ranges refused in one line, help as sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tether.cli import app
from tether.cli.conventions import whole_sentences
from tether.wording import article, plural

WIDE = {"COLUMNS": "240", "TERMINAL_WIDTH": "240"}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["serve", "--port", "99999"], "99999 is not a port; use 1 to 65535, or 0 for any free one"),
        (["serve", "--port", "-1"], "-1 is not a port"),
        (["sandbox", "--port", "70000"], "70000 is not a port"),
        (["demo", "--port", "http"], "'http' is not a port; write a whole number"),
        (["probe", "--concurrency", "0"], "0 is out of range; use a whole number from 1 to 1000"),
        (["incidents", "--limit", "-3"], "-3 is out of range; use a whole number of 1 or more"),
        (["docs", "--ai-max-tokens", "0"], "0 is out of range"),
        (["ping", "x", "--duration", "soon"], "'soon' is not a duration; write seconds (2.5) or 2.5s, 250ms, 1m"),
        (["dash", "--refresh", "10ms"], "10ms is too short; use 200ms or more"),
        (["serve", "--prot", "1"], "no such option: --prot"),
        (["add", "--name", "x", "--runs-per-month", "-5"], "-5 is out of range; use a whole number of 0 or more"),
        (["add", "--name", "x", "--budget", "-5"], "-5 is out of range; use an amount of 0 or more"),
        (["add", "--name", "x", "--budget", "lots"], "'lots' is not an amount; write USD such as 120 or 99.50"),
    ],
)
def test_a_bad_value_is_one_line_and_exit_2(runner: CliRunner, args: list[str], says: str) -> None:
    result = runner.invoke(app, args, env=WIDE)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and says in lines[0]
    assert lines[0].endswith(f"see 'tether {args[0]} --help'")


def test_an_unknown_command_is_one_line_and_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["nosuch"], env=WIDE)
    assert (result.exit_code, result.stderr) == (2, "error: no such command 'nosuch'; see 'tether --help'\n")


def _commands(group: object = None, path: tuple[str, ...] = ()) -> list[str]:
    """Every command's words, groups' commands too: `probe`, `rules`, `rules copy`."""
    group = group if group is not None else typer.main.get_command(app)
    found: list[str] = []
    for name, command in sorted(getattr(group, "commands", {}).items()):
        found.append(" ".join((*path, name)))
        found += _commands(command, (*path, name))
    return found


@pytest.mark.parametrize("command", ["", *_commands()])
def test_help_shows_no_type_for_flags(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--help"], env=WIDE)
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout


def test_help_keeps_a_sentence_on_one_line(runner: CliRunner) -> None:
    shown = runner.invoke(app, ["--help"], env=WIDE).stdout
    assert "asks the questions (or reads --answers), then prints the recommendation" in shown
    probe = runner.invoke(app, ["probe", "--help"], env=WIDE).stdout
    assert "2 for bad input (integrations.yaml, a scenario, an unknown name)." in probe


def test_every_command_help_is_whole_paragraphs() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    for name, command in group.commands.items():
        for paragraph in (command.help or "").split("\n\n"):
            lines = paragraph.split("\n")
            assert all(line.startswith((" ", "-", "*", "|", "`")) for line in lines[1:]), (name, paragraph)


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("One sentence\nwrapped here.", "One sentence wrapped here."),
        ("Para one\ngoes on.\n\nPara two.", "Para one goes on.\n\nPara two."),
        ("A list:\n- first\n- second", "A list:\n- first\n- second"),
        ("Run it\n    like this:\n        tether probe\n    ", "Run it like this:\n    tether probe"),
    ],
)
def test_whole_sentences(text: str, joined: str) -> None:
    assert whole_sentences(text) == joined


@pytest.mark.parametrize(
    ("count", "word", "many", "said"),
    [
        (1, "integration", None, "1 integration"),
        (0, "integration", None, "0 integrations"),
        (3, "check", None, "3 checks"),
        (2, "query", "queries", "2 queries"),
        (2.5, "day", None, "2.5 days"),
    ],
)
def test_plural(count: float, word: str, many: str | None, said: str) -> None:
    assert plural(count, word, many) == said


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("automation-bridge", "an automation-bridge"),
        ("direct-api", "a direct-api"),
        ("custom-app", "a custom-app"),
        ("native-feature", "a native-feature"),
        ("unknown", "an unknown"),
        ("user", "a user"),
        ("HTTP", "an HTTP"),
        ("CRM", "a CRM"),
        ("hour", "an hour"),
        ("one-off", "a one-off"),
    ],
)
def test_article(word: str, said: str) -> None:
    assert article(word) == said


ONE_BRIDGE = """\
version: 1
workspace: {name: ab}
integrations:
  - name: leads
    title: Leads
    pattern: automation-bridge
    lifecycle: idea
"""


def test_counts_and_articles_agree_in_what_commands_print(workspace: Path, runner: CliRunner) -> None:
    (workspace / "integrations.yaml").write_text(ONE_BRIDGE, encoding="utf-8")
    assert runner.invoke(app, ["check"], env=WIDE).stdout.strip() == "1 integration, 0 findings"
    assert "ab: 1 integration" in runner.invoke(app, ["list"], env=WIDE).stdout
    shown = runner.invoke(app, ["readiness"], env=WIDE).stdout
    assert "not applicable to an automation-bridge in idea: no-open-incident" in shown
