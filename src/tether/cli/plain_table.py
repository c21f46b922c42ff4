"""A table as plain aligned text, laid out exactly as rich lays out `print_table`'s tables.

Rich measures, wraps and styles every cell; for a thousand rows (`tether probe` over a large
workspace) that cost more than the probing. When the output is not a terminal and every cell is
plain printable ASCII with nothing rich would read as markup or an emoji code, and the table fits
the width, the layout is simple arithmetic. Anything else returns None and rich does it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

RICH_READS = re.compile(r"\[|:\S*:")
"""Markup (`[bold]`) and emoji codes (`:smile:`): rich would change such a cell's text."""
GAP = 2
"""Rich's cell padding of one on each side, with the table's outer edge unpadded."""


def plain_lines(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[str] | None:
    """The lines rich would print for this table at `width`, or None when rich must do it."""
    cells = [list(headers), *(list(row) for row in rows)]
    if any(len(row) != len(headers) for row in cells) or not headers:
        return None
    for row in cells:
        for cell in row:
            if not (cell.isascii() and cell.isprintable()) or RICH_READS.search(cell):
                return None
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    if sum(widths) + GAP * (len(widths) - 1) > width:
        return None
    gap = " " * GAP
    return [gap.join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in cells]
