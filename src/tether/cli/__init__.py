"""The `tether` command: thin Typer commands over the headless core.

Heavy imports (pydantic models, textual, anthropic, jinja2) happen inside the commands, and a
command's module is imported only when that command runs (`tether.cli.commands`), so
`tether --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tether.cli import light_help
from tether.cli.commands import LazyGroup
from tether.cli.common import Options

light_help.install()

app = typer.Typer(
    cls=LazyGroup,
    name="tether",
    help="Connect AI to the software your business already runs, then keep watch over it.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", "-f", help="integrations.yaml to use (default: nearest one, or $TETHER_FILE).", show_default=False
        ),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="SQLite store (default: .tether/tether.db beside integrations.yaml, or $TETHER_DB).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    """Connect AI to the software your business already runs, then keep watch over it."""
    if version:
        from tether import __version__

        typer.echo(f"tether {__version__}")
        raise typer.Exit(0)
    ctx.obj = Options(file=file, db=db)
    if ctx.invoked_subcommand is None:
        from tether.cli import dash

        dash.open_default(ctx)


def main() -> None:
    import sys

    from tether.cli.common import INTERRUPTED

    # Every command turns the input errors it expects into located lines; this catches the ones
    # met deeper (a rules file read by a price book, say): located lines and exit 2, no traceback.
    # Ctrl-C inside a command is 130 already (cli.conventions); this is for one before or after it.
    try:
        app()
    except Exception as exc:
        from tether.errors import InputError  # here, not above: `tether --help` never needs it

        if not isinstance(exc, InputError):
            raise
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        raise SystemExit(INTERRUPTED) from None
