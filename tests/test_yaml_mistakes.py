"""YAML mistakes said where they are (issue 16, item 6): an unclosed quote at the quote that opened
it, a tab as a tab, in integrations.yaml and in rules files alike; and a workspace file that is
not there said as such, with no location it does not have."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import BUNDLED, ROOT
from tether.cli import app

TAB = "YAML syntax: tab character: YAML indents with spaces"
UNCLOSED = "YAML syntax: this quote"


@pytest.fixture
def here(workspace: Path) -> Path:
    """A scratch working directory with no integrations.yaml in it."""
    (workspace / "integrations.yaml").unlink()
    return workspace


# (file text, expected "line:col: message start"); the quote or tab is where a person must go.
CASES = [
    ('version: 1\nworkspace:\n  name: "abc\n  timezone: UTC\n', f'3:9: {UNCLOSED} (") is never closed'),
    ("version: 1\nworkspace:\n  name: 'abc\n  timezone: UTC\n", f"3:9: {UNCLOSED} (') is never closed"),
    # closed only by the next value's quote: the parser fails on line 5, the mistake is on line 3
    ('version: 1\nworkspace:\n  name: "abc\n  timezone: UTC\n  owner: "x"\n', f'3:9: {UNCLOSED} (") is never closed'),
    ('version: 1\nworkspace: {name: x}\nintegrations: ["abc, d]\n', f'3:16: {UNCLOSED} (") is never closed'),
    # the quote open at the end of the file is the second of a pair; the one left open is on line 3
    ('version: 1\nworkspace:\n  name: "abc\n  timezone: "UTC"\n', f'3:9: {UNCLOSED} (") is never closed'),
    ("version: 1\nworkspace:\n\tname: abc\n", f"3:1: {TAB}"),
    ("version: 1\nworkspace:\n  \tname: abc\n", f"3:3: {TAB}"),
    ("version: 1\nworkspace:\n  name: x\n\ttimezone: UTC\n", f"4:1: {TAB}"),
    ("version: 1\nintegrations:\n  - name: a\n\t- name: b\n", f"4:1: {TAB}"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_integrations_yaml_mistakes_are_located_where_they_are(
    here: Path, runner: CliRunner, text: str, expected: str
) -> None:
    (here / "integrations.yaml").write_text(text)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"integrations.yaml:{expected}"), result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "text",
    [
        # `it's` in a plain value and a closed '' pair: no quote is open
        "version: 1\nworkspace:\n  name: it's ours\n  owner: 'o''k'\n  timezone: [UTC\n",
        # a quote in the prose of a block scalar is not a value
        'version: 1\nworkspace:\n  owner: >-\n    the team, "ops\n    on call\n  timezone: [UTC\n',
        # a quote in a plain value whose closing would not mend the file is not the mistake
        'version: 1\nworkspace:\n  owner: a, "b\n  timezone: [UTC\n',
    ],
)
def test_a_quote_inside_a_value_is_not_taken_for_an_unclosed_one(here: Path, runner: CliRunner, text: str) -> None:
    """Only a quote that opens a value, and whose closing mends the file, is blamed."""
    (here / "integrations.yaml").write_text(text)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2
    assert UNCLOSED not in result.stderr
    assert result.stderr.startswith("integrations.yaml:"), result.stderr


@pytest.mark.parametrize(
    ("name", "mistake", "expected"),
    [
        ("prices.yaml", "tab", TAB),
        ("systems.yaml", "tab", TAB),
        ("prices.yaml", "quote", UNCLOSED),
        ("questionnaire.yaml", "quote", UNCLOSED),
    ],
)
def test_rules_file_mistakes_are_located_in_the_copy_in_use(here: Path, name: str, mistake: str, expected: str) -> None:
    (here / "integrations.yaml").write_text(BUNDLED.read_text(encoding="utf-8"))
    lines = (ROOT / "rules" / name).read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("  ") and ": " in line and "#" not in line)
    if mistake == "tab":
        lines[at] = "\t" + lines[at][2:]
        col = 1
    else:
        key, _, value = lines[at].partition(": ")
        lines[at] = f'{key}: "{value}'
        col = len(key) + 3
    (here / "rules").mkdir()
    (here / "rules" / name).write_text("\n".join(lines))
    run = subprocess.run(
        [sys.executable, "-m", "tether", "check"], cwd=here, capture_output=True, text=True, timeout=120, check=False
    )
    said = run.stdout + run.stderr
    assert f"rules/{name}:{at + 1}:{col}: {expected}" in said, said[-3000:]
    assert "Traceback" not in run.stderr


def test_a_missing_file_passed_with_file_is_said_to_be_missing(here: Path, runner: CliRunner) -> None:
    missing = here / "nowhere" / "missing.yaml"
    result = runner.invoke(app, ["--file", str(missing), "check"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {missing} does not exist (named by --file); check the path, or create a workspace there with "
        "`tether init nowhere`"
    ]


def test_a_missing_file_named_by_tether_file_says_so(
    here: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TETHER_FILE", "elsewhere.yaml")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: elsewhere.yaml does not exist (named by TETHER_FILE)"), result.stderr


@pytest.mark.parametrize(
    "command", [["check"], ["list"], ["add", "--name", "x", "--title", "X", "--pattern", "direct-api"]]
)
def test_outside_any_workspace_there_is_no_made_up_location(here: Path, runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: no integrations.yaml in this folder or any folder above it; run `tether init` to create one "
        "here, or pass --file PATH"
    ]
    assert "integrations.yaml:1:1:" not in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dev_resources: dev_team\nuse_case: 'score leads\n", f"2:11: {UNCLOSED} (') is never closed"),
        ("dev_resources: dev_team\n\tuse_case: x\n", f"2:1: {TAB}"),
    ],
)
def test_answers_file_mistakes_are_located_too(here: Path, runner: CliRunner, text: str, expected: str) -> None:
    (here / "answers.yaml").write_text(text)
    result = runner.invoke(app, ["advise", "--answers", "answers.yaml", "--no-save"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"answers.yaml:{expected}"), result.stderr
