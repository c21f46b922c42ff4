"""Advice from a pipe or a file (issue 16, item 5): piped lines matched to the questions they answer
even when a question is skipped, text answers that are slips refused, partial answers allowed with
what answering the rest could change; and, at a real terminal, a bad answer asked again."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tests.conftest import ROOT
from tether.advisor.engine import Advisor
from tether.cli import app
from tether.store import open_store

# Every question of the packaged lens, one line each, as a user writing one answer per question
# would: with dev_none the self-hosting question is not asked, yet its line is here (line 11).
EVERY_QUESTION = [
    "1",  # dev_resources: dev_none
    "simple",
    "3",
    "1200",
    "background",
    "budget_moderate",
    "hubspot",
    "",  # team_size, optional
    "",  # middleware, optional
    "data_internal",
    "{self_hosting}",
    "score inbound leads",
    "",  # ai_provider, optional
]


def lines(self_hosting: str) -> str:
    return "\n".join(EVERY_QUESTION).replace("{self_hosting}", self_hosting) + "\n"


def advise(runner: CliRunner, stdin: str, *args: str) -> Any:
    return runner.invoke(app, ["advise", "--json", "--no-save", *args], input=stdin)


def test_a_line_for_a_question_that_was_not_asked_is_set_aside(workspace: Path, runner: CliRunner) -> None:
    """Before, `self_host_no` landed on the use case and the roadmap said Build "self_host_no"."""
    result = advise(runner, lines("self_host_no"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["answers"]["use_case"] == "score inbound leads"
    assert "self_hosting" not in data["answers"]
    assert "self_hosting" in data["not_applicable"]
    assert data["not_answered"] == []
    assert "line 11 ('self_host_no') set aside" in " ".join(result.stderr.split())


def test_a_number_that_lands_on_the_use_case_is_an_error_naming_it(workspace: Path, runner: CliRunner) -> None:
    """Before, `2` (meant for self-hosting) became the use case: `Build "2" as one workflow in Zapier`."""
    result = runner.invoke(app, ["advise"], input=lines("2"))
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith(
        "<stdin>:11:1: use_case: this question takes a few words, not the number '2'; describe it in words"
    )
    assert "self_hosting (Self-hosting needs someone technical" in first
    assert "write each line as `id: answer`" in first
    assert "Traceback" not in result.output
    assert not (workspace / ".tether").exists()  # nothing saved


def test_lines_keyed_by_id_answer_their_question_in_any_order(workspace: Path, runner: CliRunner) -> None:
    stdin = "\n".join(
        [
            "use_case: Triage: route support tickets",
            "dev_team",  # bare lines fill the open questions in asking order
            "complex",
            "budget:budget_larger",  # as typed in a hurry, without the space YAML would want
            "self_hosting: self_host_yes",
            "4",
            "20000",
            "interactive",
            "tools_none",
            "",
            "middleware_n8n",
            "data_regulated",
            "",
        ]
    )
    result = advise(runner, stdin + "\n")
    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)["answers"]
    assert answers == {
        "dev_resources": "dev_team",
        "workflow_complexity": "complex",
        "systems_touched": 4,
        "monthly_volume": 20000,
        "latency": "interactive",
        "budget": "budget_larger",
        "business_tools": ["tools_none"],
        "middleware": "middleware_n8n",
        "data_sensitivity": "data_regulated",
        "self_hosting": "self_host_yes",
        "use_case": "Triage: route support tickets",
    }


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("dev_resorces: dev_team\n", "<stdin>:1:1: unknown question 'dev_resorces' (did you mean 'dev_resources'?)"),
        ("budget: budget_larger\nbudget: budget_minimal\n", "<stdin>:2:1: budget is answered twice (line 1 and here)"),
        (
            "dev_nne\n",
            "<stdin>:1:1: dev_resources: unknown choice 'dev_nne' for dev_resources (did you mean 'dev_none'?)",
        ),
        ("1\n\n", "<stdin>:2:1: workflow_complexity: an answer is needed here"),
        (lines("self_host_no") + "one more\n", "<stdin>:14:1: more lines than questions"),
        (
            lines("self_host_no").replace("score inbound leads", "ok"),
            "<stdin>:12:1: use_case: 'ok' is too short for this question",
        ),
        ("", "error: no answers in <stdin>; pipe one answer a line, or pass --answers FILE.yaml"),
        ("\n\n", "error: no answers in <stdin>"),
    ],
)
def test_a_piped_line_that_does_not_fit_is_an_error_with_its_line(
    workspace: Path, runner: CliRunner, stdin: str, message: str
) -> None:
    result = advise(runner, stdin)
    assert result.exit_code == 2
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("use_case", "message"),
    [
        ("2", "use_case: this question takes a few words, not the number '2'"),
        ('"42"', "use_case: this question takes a few words, not the number '42'"),
        ("ok", "use_case: 'ok' is too short for this question; describe it in a few words (at least 4 letters)"),
        ('"#1!"', "use_case: '#1!' is too short for this question"),
    ],
)
def test_a_text_answer_that_is_a_slip_is_refused_in_a_file(
    workspace: Path, runner: CliRunner, use_case: str, message: str
) -> None:
    (workspace / "answers.yaml").write_text(f"dev_resources: dev_team\nuse_case: {use_case}\n")
    result = runner.invoke(app, ["advise", "--answers", "answers.yaml"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"answers.yaml:2:11: {message}"), result.stderr


PARTIAL = """workflow_complexity: simple
systems_touched: 3
latency: background
budget: budget_moderate
business_tools: [slack]
data_sensitivity: data_public
use_case: score inbound leads
"""


def recommendation(data: dict[str, Any]) -> tuple[str, list[str]]:
    return data["primary"], data["complementary"]


def test_a_partial_answers_file_says_what_answering_the_rest_could_change(workspace: Path, runner: CliRunner) -> None:
    """Before, a file without every required answer was refused (exit 2)."""
    (workspace / "answers.yaml").write_text(PARTIAL)
    result = runner.invoke(app, ["advise", "--answers", "answers.yaml", "--json", "--no-save"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    found = {q["question"]: q for q in data["not_answered"]}
    # dev_resources and monthly_volume are left out; self_hosting applies (dev_none is not chosen)
    assert list(found) == ["dev_resources", "monthly_volume", "self_hosting"]
    given = recommendation(data["recommendation"])
    advisor = Advisor.load()
    answers = yaml.safe_load(PARTIAL)
    # each claimed change is what the advisor really gives with that one answer added
    dev = found["dev_resources"]["could_change"]
    assert [a["answers"] for a in dev] == [["A developer or a development team"]]
    changed = advisor.assess({**answers, "dev_resources": "dev_team"}).recommendation
    assert (str(changed.primary), [str(p) for p in changed.complementary]) == recommendation(dev[0]) != given
    for choice in ("dev_none", "dev_proficient"):
        same = advisor.assess({**answers, "dev_resources": choice}).recommendation
        assert (str(same.primary), [str(p) for p in same.complementary]) == given
    volume = found["monthly_volume"]["could_change"]
    assert [a["answers"] for a in volume] == [["50,001 or more"]]
    for runs, moves in ((50000, False), (50001, True), (10_000_000, True)):
        other = advisor.assess({**answers, "monthly_volume": runs}).recommendation
        assert ((str(other.primary), [str(p) for p in other.complementary]) != given) is moves
    assert found["self_hosting"]["could_change"] == []


def test_which_questions_matter_comes_from_the_workspace_rules(workspace: Path, runner: CliRunner) -> None:
    """Nothing is hard-coded: with the high-volume threshold moved in the workspace's own lens, so is the range."""
    (workspace / "rules").mkdir()
    lens = (ROOT / "rules" / "questionnaire.yaml").read_text(encoding="utf-8")
    assert lens.count("when: monthly_volume > 50000\n") == 1
    lens = lens.replace("when: monthly_volume > 50000\n", "when: monthly_volume > 20000\n")
    (workspace / "rules" / "questionnaire.yaml").write_text(lens, encoding="utf-8")
    (workspace / "answers.yaml").write_text(PARTIAL)
    result = runner.invoke(app, ["advise", "--answers", "answers.yaml", "--json", "--no-save"])
    assert result.exit_code == 0, result.output
    found = {q["question"]: q for q in json.loads(result.stdout)["not_answered"]}
    assert [a["answers"] for a in found["monthly_volume"]["could_change"]] == [["20,001 or more"]]


def test_the_report_lists_what_was_not_answered(workspace: Path, runner: CliRunner) -> None:
    (workspace / "answers.yaml").write_text(PARTIAL)
    result = runner.invoke(app, ["advise", "--answers", "answers.yaml"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "made without 3 answers; answering dev_resources or monthly_volume could change it" in out
    block = out[out.index("NOT ANSWERED") : out.index("RISKS")]
    assert block.splitlines()[1:] == [
        "  dev_resources: Do you have development resources?",
        "    A developer or a development team → automation-bridge with native-feature, direct-api",
        "  monthly_volume: About how many times a month would the workflow run?",
        "    50,001 or more → native-feature alone",
        "  self_hosting: Could you run a self-hosted tool (such as n8n) on your own server?",
        "    no answer to it alone would change the recommendation",
        "",
    ]
    with open_store(workspace / ".tether" / "tether.db") as store:  # a partial assessment is saved too
        assert store.db.execute("SELECT count(*) FROM milestones").fetchone()[0] == 1


def test_piped_lines_that_run_out_leave_the_rest_not_answered(workspace: Path, runner: CliRunner) -> None:
    result = advise(runner, "1\nsimple\n")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["answers"] == {"dev_resources": "dev_none", "workflow_complexity": "simple"}
    assert [q["question"] for q in data["not_answered"]] == [
        "systems_touched",
        "monthly_volume",
        "latency",
        "budget",
        "business_tools",
        "data_sensitivity",
        "use_case",
    ]
    assert "systems_touched: no line left for it, not answered" in result.stderr


def test_help_gives_the_rule_for_piped_lines(runner: CliRunner) -> None:
    words = " ".join(runner.invoke(app, ["advise", "--help"], terminal_width=200).stdout.split())
    for part in ("A line `id: answer`", "takes no line", "not answered"):
        assert part in words, words


def _read_until(fd: int, marker: bytes, seen: bytearray, deadline: float) -> None:
    while marker not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {marker!r} in {bytes(seen)[-2000:]!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                chunk = b""
            assert chunk, f"the terminal closed before {marker!r}: {bytes(seen)[-2000:]!r}"
            seen.extend(chunk)


@contextmanager
def on_a_terminal(workspace: Path, *args: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`tether ARGS` with a pseudo-terminal as its stdin, stdout and stderr; yields it and the terminal's fd."""
    main, child = os.openpty()
    env = {k: v for k, v in os.environ.items() if k != "TETHER_FILE"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tether", "--db", str(workspace / "t.db"), *args],
        stdin=child,
        stdout=child,
        stderr=child,
        cwd=workspace,
        env=env,
        close_fds=True,
    )
    os.close(child)
    try:
        yield process, main
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)


def test_at_a_terminal_a_slip_is_asked_again(workspace: Path) -> None:
    """At a real terminal a wrong choice and a use case of `2` are asked again with the reason."""
    seen = bytearray()
    deadline = time.monotonic() + 60
    with on_a_terminal(workspace, "advise", "--json") as (process, main):
        for prompt, typed in [
            (b"dev_resources (", "dev_nne"),
            (b"did you mean 'dev_none'", "dev_none"),
            (b"workflow_complexity (", "simple"),
            (b"systems_touched (", "3"),
            (b"monthly_volume (", "1200"),
            (b"latency (", "background"),
            (b"budget (", "budget_moderate"),
            (b"business_tools (", "hubspot"),
            (b"team_size (", ""),
            (b"middleware (", ""),
            (b"data_sensitivity (", "data_internal"),
            (b"use_case (", "2"),
            (b"not the number '2'", "score inbound leads"),
            (b"ai_provider (", ""),
        ]:
            _read_until(main, prompt, seen, deadline)
            del seen[: seen.index(prompt) + len(prompt)]
            os.write(main, typed.encode() + b"\n")
        _read_until(main, b'"milestone": 1', seen, deadline)
        assert process.wait(timeout=max(1.0, deadline - time.monotonic())) == 0
    with open_store(workspace / "t.db") as store:
        saved = store.db.execute("SELECT answers FROM milestones").fetchone()[0]
    assert json.loads(saved)["use_case"] == "score inbound leads"
    assert json.loads(saved)["dev_resources"] == "dev_none"


def test_the_example_answer_files_are_whole(workspace: Path, runner: CliRunner) -> None:
    """The shipped examples answer every question: none of them relies on partial answers."""
    for example in sorted((ROOT / "docs" / "examples").glob("answers-*.yaml")):
        shutil.copy(example, workspace / example.name)
        result = runner.invoke(app, ["advise", "--answers", example.name, "--json", "--no-save"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["not_answered"] == [], example.name


def test_a_missing_file_passed_with_file_is_an_error_for_advise_too(workspace: Path, runner: CliRunner) -> None:
    """Before, advise went on without the workspace that --file named."""
    result = runner.invoke(app, ["--file", "gone/integrations.yaml", "advise", "--no-save"], input="1\n")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: gone/integrations.yaml does not exist (named by --file)")


def test_ctrl_c_at_a_prompt_is_an_interrupt_not_a_missing_answer(workspace: Path) -> None:
    """Before, Ctrl-C at a prompt said `error: no answer for ...` and exited 2, as bad input does."""
    seen = bytearray()
    with on_a_terminal(workspace, "advise") as (process, main):
        _read_until(main, b"dev_resources (", seen, time.monotonic() + 60)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            # A SIGINT landing between the prompt's write and its read can stay pending until the
            # next one (as a person presses Ctrl-C again): send one each pass until it exits.
            process.send_signal(signal.SIGINT)
            _drain(main, seen)  # keep reading, so the process never blocks writing to the terminal
        code = process.wait(timeout=5)
        _drain(main, seen)
    assert code != 2, bytes(seen)[-2000:]
    assert b"no answer for" not in seen
    assert not (workspace / "t.db").exists() or _milestones(workspace / "t.db") == 0


def _drain(fd: int, seen: bytearray) -> None:
    while select.select([fd], [], [], 1)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return
        if not chunk:
            return
        seen.extend(chunk)


def _milestones(db: Path) -> int:
    with open_store(db) as store:
        return int(store.db.execute("SELECT count(*) FROM milestones").fetchone()[0])
