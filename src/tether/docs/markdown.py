"""Markdown that passes markdownlint's default rules whatever text the user wrote.

User text is escaped, prose is wrapped at 80 columns (MD013), tables that would be wider
fall back to lists, and the final text has no trailing spaces or doubled blank lines.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from functools import lru_cache

WIDTH = 80

# Characters that would start emphasis, code, links, HTML or table cells inside a line; an
# underscore inside a word never starts emphasis in CommonMark, so it is left alone there.
_INLINE = re.compile(r"([\\`*\[\]<>|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
# Line starts that would open a list, a heading, a quote or a setext underline.
_BLOCK_START = re.compile(r"^([-+*#>=]|\d+[.)])")
_CODE_SPAN = re.compile(r"(?<!\\)`[^`]*(?<!\\)`")
"""A code span; an escaped backtick (user text shown literally) opens none."""
_KEEP = "\x00"


def escape(text: object) -> str:
    """User text as inline markdown that renders literally, on one line."""
    return _escaped(str(text))


@lru_cache(maxsize=65536)
def _escaped(text: str) -> str:
    return _INLINE.sub(r"\\\1", " ".join(text.split()))


_URL = re.compile(r"https?://[^\s<>()]+[^\s<>().,;:!?]")


def _escape_around(text: object, keep: re.Pattern[str], shown: Callable[[str], str]) -> str:
    """Text escaped like `escape`, except the matches of `keep`, which are shown as `shown` makes them."""
    value = " ".join(str(text).split())
    parts = []
    last = 0
    for match in keep.finditer(value):
        parts.append(_INLINE.sub(r"\\\1", value[last : match.start()]))
        parts.append(shown(match.group(0)))
        last = match.end()
    parts.append(_INLINE.sub(r"\\\1", value[last:]))
    return "".join(parts)


def escape_links(text: object) -> str:
    """User text escaped like `escape`, except that web addresses become autolinks (`<https://...>`)."""
    return _escape_around(text, _URL, lambda url: f"<{url}>")


def escape_prose(text: object) -> str:
    """Our own rules text: escaped like user text, except that `code spans` stay code."""
    return _escaped_prose(str(text))


@lru_cache(maxsize=65536)
def _escaped_prose(text: str) -> str:
    # Cached: the rules' prose repeats in every runbook.
    return _escape_around(text, _CODE_SPAN, lambda span: span)


def code(text: object) -> str:
    """Inline code, with a fence long enough for any backticks inside."""
    value = " ".join(str(text).split())
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{ticks}{pad}{value}{pad}{ticks}"


@lru_cache(maxsize=65536)
def unbroken(text: str) -> str:
    """Text that `wrap` keeps on one line (a figure and its window, so no line starts with a number)."""
    return text.replace(" ", _KEEP)


@lru_cache(maxsize=65536)
def wrap(text: str, first: str = "", indent: str | None = None, width: int = WIDTH) -> str:
    """Wrap already-escaped inline markdown; `first` prefixes line one (a list marker), `indent` the rest.

    Code spans never break, and a wrapped line that would start a block is escaped. Cached: the
    rules' prose repeats across every runbook.
    """
    indent = " " * len(first) if indent is None else indent
    protected = _CODE_SPAN.sub(lambda m: m.group(0).replace(" ", _KEEP), " ".join(text.split()))
    lines = greedy_lines(protected, first, indent, width) or [first.rstrip()]
    out = [lines[0]]
    for line in lines[1:]:
        body = line[len(indent) :]
        if _BLOCK_START.match(body):
            body = "\\" + body
        out.append(indent + body)
    return "\n".join(out).replace(_KEEP, " ")


def greedy_lines(text: str, first: str, indent: str, width: int) -> list[str]:
    """`textwrap.wrap(text, width, initial_indent=first, subsequent_indent=indent,
    break_long_words=False, break_on_hyphens=False)` for text whose words are joined by single
    spaces, without textwrap's regex chunking (documents wrap thousands of lines): a line takes
    words while they fit, and a word wider than the line stands alone on its own."""
    if not text:
        return []
    if width - max(len(first), len(indent)) <= 0:
        return textwrap.wrap(
            text, width, initial_indent=first, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
        )
    lines: list[str] = []
    prefix, room = first, width - len(first)
    words: list[str] = []
    used = -1
    for word in text.split(" "):
        if words and used + 1 + len(word) > room:
            lines.append(prefix + " ".join(words))
            prefix, room = indent, width - len(indent)
            words, used = [], -1
        words.append(word)
        used += 1 + len(word)
    lines.append(prefix + " ".join(words))
    return lines


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], width: int = WIDTH) -> str:
    """A compact table when every line fits in `width`, else one list item per row.

    Cells are inline markdown already escaped by the caller.
    """

    def line(cells: Sequence[object]) -> str:
        return "| " + " | ".join(str(c) if str(c) else "-" for c in cells) + " |"

    lines = [line(headers), line(["---"] * len(headers)), *(line(r) for r in rows)]
    if all(len(text) <= width for text in lines):
        return "\n".join(lines)
    items = []
    for row in rows:
        rest = "; ".join(f"{h}: {c}" for h, c in zip(headers[1:], row[1:], strict=True))
        items.append(wrap(f"{row[0]}: {rest}", first="- "))
    return "\n".join(items)


def mermaid_label(text: object, limit: int = 56) -> str:
    """A quoted Mermaid node label, short enough for an 80-column line."""
    value = " ".join(str(text).split())
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return '"' + value.replace('"', "#quot;") + '"'


def tidy(text: str) -> str:
    """No trailing spaces, no doubled blank lines outside code fences, one final newline."""
    out: list[str] = []
    fenced = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def verbatim(text: str, language: str = "") -> str:
    """A fenced code block of text kept exactly as written. Lines wider than the prose width stay
    as they are, with markdownlint's and pymarkdown's own pragmas switching line length off for
    the block alone (the rest of the document is still checked)."""
    lines = text.splitlines()
    fence = "~~~" if any(line.lstrip().startswith("```") for line in lines) else "```"
    block = "\n".join([f"{fence}{language}", *lines, fence])
    if all(len(line) <= WIDTH for line in lines):
        return block
    return "\n".join(
        [
            "<!-- markdownlint-disable MD013 -->",
            f"<!-- pyml disable-num-lines {len(lines) + 3} md013-->",
            "",
            block,
            "",
            "<!-- markdownlint-enable MD013 -->",
        ]
    )
