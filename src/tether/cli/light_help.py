"""typer's rich help without the parts of rich it never uses, until they are used.

`typer.rich_utils` imports `rich.markdown` (markdown-it, pygments) and `rich.traceback` (attrs,
rich.pretty) at its top, about 0.12 s, though tether's help is rich markup, never Markdown, and
its pretty tracebacks are off; and its tables import `rich._ratio`, which takes `fractions` (and
with it `decimal`) for `rich.layout`'s sizes alone. While `typer.rich_utils` is being imported,
those names are served by stand-ins that import the real module the first time they are called;
once it is imported the stand-ins leave `sys.modules`, so every later importer gets the real
modules.

Rendering rich markup looks every `:code:` up in rich's table of 3,600 emoji, which it imports
for the first text even when no code is in it; `emoji_on_demand` imports it at the first code.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

TARGET = "typer.rich_utils"
DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback", "fractions": "Fraction"}
"""Module -> the one name typer.rich_utils (or rich._ratio, which it imports) takes from it."""
EMOJI = "rich._emoji_codes"


def _stand_in(module: str, name: str) -> type:
    """A class that builds the real `module.name` when called (typer only ever calls it)."""

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        real = getattr(importlib.import_module(module), name)
        return real(*args, **kwargs)

    return type(name, (), {"__new__": __new__, "__module__": module, "__doc__": f"Imports {module} when used."})


class _Loader:
    # Plain classes, not importlib.abc's: that module alone imports importlib.resources and tempfile.
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        created: types.ModuleType | None = self.inner.create_module(spec)
        return created

    def exec_module(self, module: types.ModuleType) -> None:
        placed = []
        for name, attr in DEFERRED.items():
            if name not in sys.modules:
                stand_in = types.ModuleType(name)
                setattr(stand_in, attr, _stand_in(name, attr))
                sys.modules[name] = stand_in
                placed.append(name)
        try:
            self.inner.exec_module(module)
        finally:
            for name in placed:
                sys.modules.pop(name, None)  # the next `import rich.markdown` loads the real one


class _Finder:
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != TARGET:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)  # type: ignore[assignment]
        return spec


def install() -> None:
    """Defer those imports for the import of typer.rich_utils to come (none if it has happened)."""
    if TARGET not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


class _EmojiOnDemand(dict[str, str]):
    """Empty until a code is looked up: then the real table, in `sys.modules` from then on."""

    def __missing__(self, code: str) -> str:
        if getattr(sys.modules.get(EMOJI), "EMOJI", None) is self:
            del sys.modules[EMOJI]
        table: dict[str, str] = importlib.import_module(EMOJI).EMOJI
        return table[code]


@contextmanager
def emoji_on_demand() -> Iterator[None]:
    """While rendering: rich's emoji table imported at the first code looked up, not before."""
    if EMOJI in sys.modules:
        yield
        return
    stand_in = types.ModuleType(EMOJI)
    stand_in.EMOJI = _EmojiOnDemand()  # type: ignore[attr-defined]
    sys.modules[EMOJI] = stand_in
    try:
        yield
    finally:
        if sys.modules.get(EMOJI) is stand_in:
            del sys.modules[EMOJI]
