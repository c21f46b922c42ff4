"""The text of one integration exactly as the user wrote it in integrations.yaml: comments,
`${ENV}` references and durations as written, found by the positions the loader keeps."""

from __future__ import annotations

import textwrap
from functools import lru_cache

from tether.workspace.positions import Located


@lru_cache(maxsize=4)
def _lines(text: str) -> tuple[str, ...]:
    # Split once per file, not once per integration: `tether docs` asks for every item's text.
    return tuple(text.splitlines())


def _comment_or_blank(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def integration_text(located: Located, index: int) -> str:
    """The lines of `integrations[index]`, from the comments just above its `- ` to its last line,
    dedented so the item starts at column 1. Empty when the file has no such item."""
    starts = [located.values.get(("integrations", i)) for i in range(index, index + 2)]
    if starts[0] is None:
        return ""
    lines = _lines(located.text)
    first = starts[0][0] - 1  # 0-based index of the line holding `- name: ...`
    if starts[1] is not None:
        end = starts[1][0] - 1
    else:
        end_line, end_col = located.ends.get(("integrations",), (len(lines) + 1, 1))
        # An end mark at column 1 is the start of the line after the item; anywhere else, inside its last line.
        end = min(max(end_line if end_col > 1 else end_line - 1, first + 1), len(lines))
    body = list(lines[first:end])
    # What stands between two items belongs to the next one when it is a comment touching its `- `.
    while body and _comment_or_blank(body[-1]):
        body.pop()
    above = first
    while above > 0 and lines[above - 1].strip().startswith("#"):
        above -= 1
    return textwrap.dedent("\n".join([*lines[above:first], *body]))
