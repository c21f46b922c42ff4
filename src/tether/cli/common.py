"""What every command shares: loading the workspace, opening the store, printing, failing."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

PIPED_WIDTH = 200
"""Columns a table may fill when stdout is a pipe or a file."""

if TYPE_CHECKING:
    from tether.errors import Problem
    from tether.store import Store
    from tether.workspace import Workspace


@dataclass
class Options:
    file: Path | None = None
    db: Path | None = None


def options(ctx: typer.Context) -> Options:
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, Options) else Options()


INTERRUPTED = 130
"""The exit code after Ctrl-C, as shells report a process ended by SIGINT (128 + 2)."""


def interrupted(exc: BaseException | None) -> bool:
    """Whether `exc` comes of a Ctrl-C, even re-raised as another error (click's prompt turns it into Abort)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def fail(message: str | Sequence[Problem], code: int = 2) -> NoReturn:
    """Print a user-facing error (no traceback) to stderr and exit; failing on the way out of a
    Ctrl-C (a prompt's Abort caught by a command) still exits 130."""
    lines = [message] if isinstance(message, str) else [str(p) for p in message]
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(INTERRUPTED if interrupted(sys.exc_info()[1]) else code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Bad input becomes located lines on stderr and exit 2, never a traceback."""
    from tether.errors import InputError

    try:
        yield
    except InputError as exc:
        fail(exc.problems)
    except KeyError as exc:
        fail(f"error: {exc.args[0]}")


def load(ctx: typer.Context) -> Workspace:
    from tether.workspace import load_workspace

    with user_errors():
        given = options(ctx).file
        return load_workspace(given, named_by="--file" if given is not None else None)
    raise AssertionError("unreachable")


def db_path(ctx: typer.Context, ws: Workspace) -> Path:
    explicit = options(ctx).db
    if explicit is not None:
        return explicit
    env = os.environ.get("TETHER_DB")
    return Path(env) if env else ws.default_db()


def open_db(ctx: typer.Context, ws: Workspace, *, settle: bool = True) -> Store:
    """Open the store and sync the registry into it (definitions live in integrations.yaml).

    The command's start ends here (`tether.startup.settled`), unless it says it ends later
    (`settle=False`: the dashboard's ends at its first paint)."""
    from tether.clock import now
    from tether.startup import settled
    from tether.store import open_store
    from tether.store.registry import sync_workspace

    store = open_store(db_path(ctx, ws))
    sync_workspace(store, ws, now())
    if settle:
        settled()
    return store


def print_json(data: Any) -> None:
    """JSON for scripts: times as ISO 8601 with the epoch beside them (clock.stamped)."""
    import json

    from tether.clock import stamped

    typer.echo(json.dumps(stamped(data), indent=2, default=str, ensure_ascii=False))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    """A table for people; plain aligned text when stdout is not a terminal."""
    from tether.cli.plain_table import plain_lines

    texts = [["" if cell is None else str(cell) for cell in row] for row in rows]
    if title is None and not sys.stdout.isatty():
        lines = plain_lines(headers, texts, PIPED_WIDTH)
        if lines is not None:
            sys.stdout.write("".join(f"{line}\n" for line in lines))
            return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, header_style="bold", box=None, pad_edge=False)
    for header in headers:
        table.add_column(header)
    for row in texts:
        table.add_row(*row)
    Console(soft_wrap=False, width=None if sys.stdout.isatty() else PIPED_WIDTH).print(table)
