"""typer's rich help without rich's Markdown and Traceback machinery, until they are used.

`typer.rich_utils` imports `rich.markdown` (markdown-it, pygments) and `rich.traceback` (attrs,
rich.pretty) at its top, about 0.12 s, though tether's help is rich markup, never Markdown, and
its pretty tracebacks are off. While `typer.rich_utils` is being imported, those two names are
served by stand-ins that import the real module the first time they are called; once it is
imported the stand-ins leave `sys.modules`, so every later importer gets the real modules.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Sequence
from typing import Any

TARGET = "typer.rich_utils"
DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}
"""Module -> the one name typer.rich_utils takes from it."""


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
    """Defer the two imports for the import of typer.rich_utils to come (none if it has happened)."""
    if TARGET not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
