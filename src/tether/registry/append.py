"""Append an integration to integrations.yaml without re-dumping the user's file.

The new item is rendered on its own and spliced in as text after the last item of the
`integrations:` list, with that list's indentation; everything else stays byte for byte.
"""

from __future__ import annotations

from typing import Any

import yaml

from tether.errors import InputError, Problem
from tether.workspace.positions import Located


def render_item(definition: dict[str, Any], indent: int) -> str:
    """One list item in block style, indented to sit under `integrations:`."""
    body = yaml.safe_dump(definition, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    lines = body.rstrip("\n").split("\n")
    pad = " " * indent
    out = [f"{pad}- {lines[0]}"] + [f"{pad}  {line}" if line else "" for line in lines[1:]]
    return "\n".join(out) + "\n"


def _line_start(text: str, line: int) -> int:
    """Offset of the start of a 1-based line (len(text) past the end)."""
    offset = 0
    for _ in range(line - 1):
        nl = text.find("\n", offset)
        if nl == -1:
            return len(text)
        offset = nl + 1
    return offset


def splice(text: str, located: Located, definition: dict[str, Any], file: str) -> str:
    """The file's text with the definition appended to its integrations list."""
    data = located.data if isinstance(located.data, dict) else {}
    if "integrations" not in data:
        prefix = text if (not text or text.endswith("\n")) else text + "\n"
        return prefix + "integrations:\n" + render_item(definition, 2)
    if data["integrations"] is None:
        # `integrations:` with nothing under it: the list goes right below the key.
        key_line, _ = located.keys[("integrations",)]
        end = _line_start(text, key_line + 1)
        head = text[:end] if text[:end].endswith("\n") else text[:end] + "\n"
        return head + render_item(definition, 2) + text[end:]
    items = data["integrations"]
    if not isinstance(items, list):
        line, col = located.where(("integrations",))
        raise InputError([Problem(file, line, col, "integrations: expected a list")])
    lines = text.split("\n")
    if not items:
        # `integrations: []`: replace the empty flow list with a block list.
        line, col = located.values[("integrations",)]
        row = lines[line - 1]
        if row[col - 1 :].lstrip().startswith("[]"):
            lines[line - 1] = row[: col - 1].rstrip()
            rest = "\n".join(lines[line:])
            head = "\n".join(lines[:line])
            return head + "\n" + render_item(definition, 2) + rest
        raise InputError(
            [Problem(file, line, col, "integrations: cannot append to this list; write it in block style")]
        )
    first_line, first_col = located.values[("integrations", 0)]
    dash_col = lines[first_line - 1].index("-") if "-" in lines[first_line - 1] else first_col - 3
    last = ("integrations", len(items) - 1)
    end_line, end_col = located.ends[("integrations",)]
    last_line, _ = located.values[last]
    if lines[last_line - 1].lstrip().startswith("-") is False and "{" in lines[last_line - 1]:
        raise InputError(
            [Problem(file, last_line, 1, "integrations: cannot append to a flow-style list; write it in block style")]
        )
    # The list ends where the next top-level token starts; step back over blank lines and
    # comments that belong to what follows, so the new item sits right after the last one.
    insert = end_line - 1 if end_col == 1 else end_line
    insert = min(insert, len(lines))
    while insert > last_line and (not lines[insert - 1].strip() or lines[insert - 1].lstrip().startswith("#")):
        if lines[insert - 1].strip() and len(lines[insert - 1]) - len(lines[insert - 1].lstrip()) > dash_col:
            break  # an indented comment belongs to the last item
        insert -= 1
    head = "\n".join(lines[:insert])
    tail = "\n".join(lines[insert:])
    block = render_item(definition, dash_col)
    if not head.endswith("\n"):
        head += "\n"
    separator = "\n" if _items_separated(lines, located, items) else ""
    return head + separator + block + tail


def _items_separated(lines: list[str], located: Located, items: list[Any]) -> bool:
    """Whether the user leaves a blank line between items (we follow their style)."""
    if len(items) < 2:
        return True
    line, _ = located.values[("integrations", 1)]
    row = line - 2
    while row >= 0 and lines[row].lstrip().startswith("#"):
        row -= 1
    return row >= 0 and not lines[row].strip()
