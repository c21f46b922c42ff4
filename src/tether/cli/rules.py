"""`tether rules`: which copy of each rules file is in use, and a packaged one copied in to edit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tether.cli.common import fail, options, print_json, print_table, user_errors

rules_app = typer.Typer(
    help="The rules files (systems, prices, questionnaire, ...): which copy is in use, and copies to edit.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")


def _workspace_dir(ctx: typer.Context) -> Path | None:
    """The folder of integrations.yaml, found without validating it: a broken file is often the reason
    to copy a rules file (an unknown system to add, say)."""
    from tether.workspace import find_workspace_file

    path = find_workspace_file(explicit=options(ctx).file)
    return path.parent if path.is_file() else None


@rules_app.command("list")
def list_rules(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="The rules files as JSON.")] = False,
) -> None:
    """Show each rules file and the copy in use: the workspace's own rules/NAME, or the packaged one."""
    from tether.errors import display_path
    from tether.workspace.rules import defaults_dir
    from tether.workspace.rules_copy import rules_files

    workspace_dir = _workspace_dir(ctx)
    with user_errors():
        found = rules_files(workspace_dir)
    if as_json:
        print_json(
            [
                {
                    "name": f.name,
                    "in_use": "workspace" if f.own else "packaged",
                    "path": str(f.in_use.resolve()),
                    "packaged_path": str(f.packaged),
                }
                for f in found
            ]
        )
        return
    rows = [[f.name, "workspace" if f.own else "packaged", display_path(f.in_use)] for f in found]
    print_table(["rules file", "in use", "path"], rows)
    typer.echo(f"\nPackaged rules: {defaults_dir()}")
    if workspace_dir is None:
        typer.echo("No workspace here: `tether init` makes one, then `tether rules copy NAME` copies a file into it.")
    elif not all(f.own for f in found):
        typer.echo("To edit one, copy it into this workspace: tether rules copy NAME (e.g. tether rules copy systems)")


@rules_app.command("copy")
def copy(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The rules file to copy, e.g. systems or prices.yaml.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the workspace's copy, and any edits in it, with the packaged file.")
    ] = False,
) -> None:
    """Copy a packaged rules file into the workspace's rules/ to edit; from then on tether uses that copy."""
    from tether.errors import display_path
    from tether.workspace.rules_copy import copy_rules

    workspace_dir = _workspace_dir(ctx)
    if workspace_dir is None:
        fail(
            "error: no integrations.yaml here or in a folder above, so there is no workspace to copy rules into; "
            "run `tether init` first, or pass --file PATH"
        )
    with user_errors():
        target = copy_rules(name, workspace_dir, force=force)
    typer.echo(display_path(target))
    typer.echo(f"Edit {display_path(target)}; tether uses it instead of the packaged file from now on.", err=True)
