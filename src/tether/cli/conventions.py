"""The conventions of gh and kubectl that typer does not keep by itself.

- Help is whole sentences: a docstring wrapped at the source's line length is one paragraph in
  help, not lines broken mid-sentence (typer joins the first paragraph only).
- A flag takes no value, so its help shows no type (`--json`, not `--json <bool>`).
- A usage error (a bad value, an unknown option) is one line on stderr and exit 2, with where
  to look: `error: --port: ...; see 'tether serve --help'`.
- Ctrl-C is exit 130 (typer maps a KeyboardInterrupt; a prompt's, turned into Abort, is mapped
  here; one a command catches is mapped by `common.fail`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import DefaultPlaceholder

from tether.cli.common import INTERRUPTED, interrupted

_LINE_BREAK = re.compile(r"(?<=\S)\n(?=[^\s\-*|`])")
"""A single line break inside a paragraph: not before a list item, an indented line or a table."""


def whole_sentences(text: str | None) -> str | None:
    """Paragraphs joined into lines of their own; blank lines, lists and indented blocks kept."""
    if text is None:
        return None
    import inspect

    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(_LINE_BREAK.sub(" ", p) for p in paragraphs)


def _quiet_flags(params: Sequence[Any]) -> None:
    for param in params:
        if getattr(param, "is_flag", False) and getattr(param, "metavar", None) is None:
            param.metavar = ""


class Command(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = whole_sentences(self.help)
        self.short_help = whole_sentences(self.short_help)

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        _quiet_flags(params)
        return params


class Group(TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = whole_sentences(self.help)

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        _quiet_flags(params)
        return params

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        try:
            code = super().main(*args, **{**kwargs, "standalone_mode": False})
        except typer.Abort as exc:
            if interrupted(exc):  # Ctrl-C at a prompt, which click turns into Abort
                sys.exit(INTERRUPTED)
            typer.echo("Aborted!", err=True)
            sys.exit(1)
        except typer.TyperException as exc:
            sys.exit(_one_line(exc))
        sys.exit(code if isinstance(code, int) else 0)


def _one_line(exc: typer.TyperException) -> int:
    """A usage error as one line on stderr; its exit code (2)."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # a group run bare: its help, as typer shows it
        shown = exc.format_message()
        if shown:  # rich printed the help already and left the message empty
            typer.echo(shown, err=True)
        return 2
    ctx = getattr(exc, "ctx", None)
    message = " ".join(exc.format_message().split()).rstrip(".")
    if message and message[0].isupper() and not message[:2].isupper():
        message = message[0].lower() + message[1:]
    where = f"; see '{ctx.command_path} --help'" if ctx is not None else ""
    typer.echo(f"error: {message}{where}", err=True)
    code = getattr(exc, "exit_code", 2)
    return code if isinstance(code, int) else 2


def keep(app: typer.Typer) -> None:
    """Give every command and group registered on `app`, and on its groups, the conventions
    (call after registering them)."""
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = Command
    for group in app.registered_groups:
        if group.cls in (None, TyperGroup) or isinstance(group.cls, DefaultPlaceholder):
            group.cls = Group
        if group.typer_instance is not None:
            keep(group.typer_instance)
