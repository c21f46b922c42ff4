"""`tether add`'s answers as a file: saved when a session cannot finish, read back to resume it.

The file is a plain mapping of question keys to answers as typed (`name: lead-intake`,
`checks.zap-ran.period: 1h`), the same keys `--set KEY=VALUE` takes.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tether.errors import InputError, Problem, display_path
from tether.fileio import atomic_write
from tether.workspace.validate import parse_located, read_text

HEADER = "# Answers to `tether add` so far. Go on where you stopped with: tether add --answers {path}\n"


def saved_answers_path(workspace_root: Path) -> Path:
    """Where an unfinished session's answers go: the store's folder, which init keeps out of git."""
    return workspace_root / ".tether" / "add-answers.yaml"


def save_answers(path: Path, answers: dict[str, str]) -> None:
    body = yaml.safe_dump(answers, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    atomic_write(path, HEADER.format(path=display_path(path)) + body)


def load_answers(path: Path) -> dict[str, str]:
    """The answers in the file, each as text (a list is joined with commas, as typed)."""
    shown = display_path(path)
    if not path.is_file():
        raise InputError([Problem(shown, 1, 1, "no such answers file; `tether add` names the file it saved")])
    located = parse_located(read_text(path, shown), shown)
    data = located.data
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(
            [Problem(shown, 1, 1, "an answers file maps question keys to answers, e.g. `name: lead-intake`")]
        )
    answers: dict[str, str] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            answers[str(key)] = ", ".join(str(v) for v in value)
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            answers[str(key)] = str(value)
        elif isinstance(value, bool):
            answers[str(key)] = "yes" if value else "no"
        else:
            line, col = located.where((key,))
            problems.append(Problem(shown, line, col, f"{key}: an answer is a line of text, as typed at the prompt"))
    if problems:
        raise InputError(problems)
    return answers
