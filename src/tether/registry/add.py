"""Add an integration: splice it into the file, validate the result, then write atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tether.errors import InputError, Problem, display_path
from tether.fileio import atomic_write
from tether.registry.append import render_item, splice
from tether.workspace.loader import load_workspace
from tether.workspace.validate import parse_located, read_text


@dataclass
class Added:
    path: Path
    item: str
    line: int
    text: str


def add_integration(path: Path, definition: dict[str, Any], *, write: bool = True) -> Added:
    """Append `definition` to integrations.yaml; nothing is written unless the result is valid.

    Problems in the new entry are reported against a line of its own rendering, so the user
    sees which field to change (the flag of the same name).
    """
    shown = display_path(path)
    if not path.exists():
        raise InputError([Problem(shown, 1, 1, "no integrations.yaml here; run `tether init` first")])
    text = read_text(path, shown)
    # The existing file must be valid first: we never build on a broken file.
    load_workspace(path, text=text)
    located = parse_located(text, shown)
    new_text = splice(text, located, definition, shown)
    try:
        ws = load_workspace(path, text=new_text)
    except InputError as exc:
        original = text.count("\n")
        prefix = f"integrations[{len(located.data.get('integrations') or [])}]."
        # Lines past the original file are in the new entry: number them as `--dry-run` shows it.
        problems = [
            Problem("new entry", p.line - original, p.col, p.message.removeprefix(prefix)) if p.line > original else p
            for p in exc.problems
        ]
        raise InputError(problems) from None
    index = len(ws.integrations) - 1
    line, _ = ws.located.values[("integrations", index)]
    if write:
        atomic_write(path, new_text)
    return Added(path=path, item=render_item(definition, 2), line=line, text=new_text)
