"""YAML syntax errors said where the mistake is, not where the parser gave up.

PyYAML and libyaml report an unclosed quote at the end of the file and a tab as "a character
that cannot start any token"; both are common slips in hand-edited files and both have a
position a person can go to: the quote that opened, the tab itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from tether.workspace.positions import SafeLoader

TAB = "YAML syntax: tab character: YAML indents with spaces; replace the tab with spaces"


# A block scalar's indicator ends its line: `key: |`, `- >-`, `key: |2  # comment`.
_BLOCK_START = re.compile(r"(?:^|[:\-]\s)\s*[|>][-+0-9]*\s*(?:#.*)?$")


def syntax_message(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """(line, col, message), 1-based, for a YAML syntax error in `text`."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = exc.problem or exc.context or "invalid YAML"
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
        opened = exc.context_mark
        # The quote still open at the end may be the second half of a pair the real mistake split.
        earlier = _culprit(text, opened.line, opened.line + 1)
        if earlier is not None:
            return earlier[0], earlier[1], _unclosed(earlier[2])
        quote = _char(text, opened.line + 1, opened.column + 1)
        return opened.line + 1, opened.column + 1, _unclosed(quote)
    tab = _tab_near(text, line, col, what)
    if tab is not None:
        return (*tab, TAB)
    unclosed = _culprit(text, line, line)
    if unclosed is not None:
        at_line, at_col, quote = unclosed
        return at_line, at_col, f"{_unclosed(quote)} (the parser stopped at line {line}, column {col}: {what})"
    return line, col, f"YAML syntax: {what}"


def _unclosed(quote: str) -> str:
    mark = quote if quote in "\"'" else '"'
    return f"YAML syntax: this quote ({mark}) is never closed; end the value with a matching {mark}"


def _char(text: str, line: int, col: int) -> str:
    lines = text.split("\n")
    if 0 < line <= len(lines) and 0 < col <= len(lines[line - 1]):
        return lines[line - 1][col - 1]
    return ""


def _tab_near(text: str, line: int, col: int, what: str) -> tuple[int, int] | None:
    """The tab the error is about: the character at the mark, or the tab in that line's indentation."""
    if _char(text, line, col) == "\t":
        return line, col
    if "tab" not in what:
        return None
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        return None
    source = lines[line - 1]
    indent = source[: len(source) - len(source.lstrip(" \t"))]
    return (line, indent.index("\t") + 1) if "\t" in indent else None


CULPRITS_TRIED = 5
"""Quotes left open that are tried as the cause; each try parses the file again."""


def _culprit(text: str, upto: int, error_line: int) -> tuple[int, int, str] | None:
    """The quote left open, on a line up to `upto`, that caused the error at `error_line`: the first
    whose closing makes the file parse, or moves the error past that line."""
    for tried, (line, col, quote) in enumerate(_quotes_left_open(text, upto)):
        if tried == CULPRITS_TRIED:
            break
        lines = text.split("\n")
        lines[line - 1] += quote
        try:
            yaml.compose("\n".join(lines), Loader=SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            if mark is None or mark.line + 1 <= error_line:
                continue
        except (yaml.YAMLError, RecursionError):
            continue
        return line, col, quote
    return None


def _quotes_left_open(text: str, upto: int) -> Iterator[tuple[int, int, str]]:
    """Quotes, on lines up to `upto`, that open a value and are not closed on their line.

    A quoted value may run over several lines in YAML, but in a config file it almost never
    does: one left open swallows the lines after it until the next quote of its kind. The text of
    a block scalar (`key: |` or `>-` and the lines indented under it) is prose, never a value."""
    block_under: int | None = None
    for number, source in enumerate(text.split("\n")[:upto], 1):
        indent = len(source) - len(source.lstrip(" "))
        if block_under is not None:
            if not source.strip() or indent > block_under:
                continue
            block_under = None
        if _BLOCK_START.search(source):
            block_under = indent
        i = 0
        while i < len(source):
            char = source[i]
            if char == "#" and (i == 0 or source[i - 1] in " \t"):
                break  # the rest is a comment
            if char in "\"'" and _opens_value(source, i):
                end = _closing(source, i)
                if end is None:
                    yield number, i + 1, char
                    break
                i = end
            i += 1


def _opens_value(source: str, i: int) -> bool:
    """Whether a quote at `i` starts a value: first on the line, after `key: `, `- `, `[`, `{` or `,`."""
    before = i - 1
    while before >= 0 and source[before] in " \t":
        before -= 1
    if before < 0:
        return True
    spaced = before < i - 1
    return source[before] in "[{," or (spaced and source[before] in ":-")


def _closing(source: str, start: int) -> int | None:
    """Where the quote at `start` closes on the same line, or None."""
    quote = source[start]
    i = start + 1
    while i < len(source):
        char = source[i]
        if quote == '"' and char == "\\":
            i += 2
            continue
        if char == quote:
            if quote == "'" and source[i + 1 : i + 2] == "'":  # '' is a quote inside single quotes
                i += 2
                continue
            return i
        i += 1
    return None
