"""`print_table`'s fast path prints exactly what rich would, and steps aside where rich would differ."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table

from tether.cli.plain_table import plain_lines

WIDTH = 200


def by_rich(headers: list[str], rows: list[list[str]]) -> str:
    table = Table(header_style="bold", box=None, pad_edge=False)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*row)
    out = io.StringIO()
    Console(file=out, soft_wrap=False, width=WIDTH).print(table)
    return out.getvalue()


PLAIN = [
    (
        ["integration", "check", "kind", "state", "latency", "reason"],
        [["a", "up", "http", "healthy", "51 ms", "1/1 conditions hold"]],
    ),
    (["integration", "state", "checks"], [["bench-00001", "down", "3"], ["b", "healthy", "12"]]),
    (["a", "bb", "c"], [["x", "yyyy", ""], ["long cell", "", ""]]),
    (["name", "reason"], [["n", "timeout: no answer within 10s"], ["m", "read timeout (HTTP 504) - retry"]]),
    (["only"], []),
    (["x", "y"], [["  padded  ", "trailing "]]),
]


@pytest.mark.parametrize(("headers", "rows"), PLAIN)
def test_plain_cells_are_laid_out_as_rich_lays_them_out(headers: list[str], rows: list[list[str]]) -> None:
    lines = plain_lines(headers, rows, WIDTH)
    assert lines is not None
    assert "".join(f"{line}\n" for line in lines) == by_rich(headers, rows)


@pytest.mark.parametrize(
    "cell",
    [
        "[STATUS] == 200 failed, saw 503",  # rich reads [..] as markup
        "sent :smile: back",  # and :name: as an emoji code
        "caf\u00e9",  # wide or combining characters need rich's cell widths
        "two\nlines",
        "x" * 300,  # wider than the page: rich wraps it
    ],
)
def test_cells_rich_would_change_are_left_to_rich(cell: str) -> None:
    assert plain_lines(["a", "b"], [["1", cell]], WIDTH) is None
