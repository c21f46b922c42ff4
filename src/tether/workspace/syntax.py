"""YAML syntax errors said where the mistake is, not where the parser gave up.

PyYAML and libyaml report an unclosed quote at the end of the file and a tab as "a character
that cannot start any token"; both are common slips in hand-edited files and both have a
position a person can go to: the quote that opened, the tab itself.
"""

from __future__ import annotations

import yaml

TAB = "YAML syntax: tab character: YAML indents with spaces; replace the tab with spaces"


def syntax_message(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """(line, col, message), 1-based, for a YAML syntax error in `text`."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = exc.problem or exc.context or "invalid YAML"
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
        opened = exc.context_mark
        # The quote still open at the end may be the second half of a pair the real mistake split.
        earlier = _quote_left_open(text, opened.line)
        if earlier is not None:
            return earlier[0], earlier[1], _unclosed(earlier[2])
        quote = _char(text, opened.line + 1, opened.column + 1)
        return opened.line + 1, opened.column + 1, _unclosed(quote)
    tab = _tab_near(text, line, col, what)
    if tab is not None:
        return (*tab, TAB)
    unclosed = _quote_left_open(text, line)
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


def _quote_left_open(text: str, upto: int) -> tuple[int, int, str] | None:
    """The first quote, on a line up to `upto`, that opens a value and is not closed on its line.

    A quoted value may run over several lines in YAML, but in a config file it almost never
    does: one left open swallows the lines after it until the next quote of its kind."""
    for number, source in enumerate(text.split("\n")[:upto], 1):
        i = 0
        while i < len(source):
            char = source[i]
            if char == "#" and (i == 0 or source[i - 1] in " \t"):
                break  # the rest is a comment
            if char in "\"'" and _opens_value(source, i):
                end = _closing(source, i)
                if end is None:
                    return number, i + 1, char
                i = end
            i += 1
    return None


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
