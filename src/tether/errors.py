"""Errors a user can act on: where (file:line:col), what, and how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

MESSAGE_LIMIT = 500


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, located to a line and column (1-based).

    A problem with no file (`file=""`) is about the command line or the surroundings, such as a
    file that is not there: it prints as `error: ...`, never with a location it does not have."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        # One line, of a size a terminal can show, whatever text a message quoted.
        message = " ".join(self.message.split("\n"))
        if len(message) > MESSAGE_LIMIT:
            message = f"{message[: MESSAGE_LIMIT - 1]}… (cut at {MESSAGE_LIMIT} characters)"
        where = f"{self.file}:{self.line}:{self.col}:" if self.file else "error:"
        return f"{where} {message}"


def unlocated(message: str) -> Problem:
    """A problem that is about no place in a file."""
    return Problem("", 0, 0, message)


class InputError(Exception):
    """Bad input: one or more located problems. The CLI prints them and exits 2."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


QUOTE_LIMIT = 60


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value as an error message quotes it: repr, cut to `limit` characters with its full length said
    (a 4 MB value made a 4 MB error line)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = len(value) if isinstance(value, str) else len(text)
    return f"{text[: limit - 1]}…' ({size} characters)"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix when a close match exists, else ''."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
