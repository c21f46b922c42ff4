"""Check kinds: one module per kind, each defining one model that subclasses CheckBase.

Adding a kind is adding a module here; discovery builds the discriminated union that
integrations.yaml validates against, so nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Field

from tether.checks.base import CheckBase


def _discover() -> list[type[CheckBase]]:
    kinds: list[type[CheckBase]] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, CheckBase)
                and value is not CheckBase
                and value.__module__ == module.__name__
            ):
                kinds.append(value)
    return kinds


CHECK_KINDS: list[type[CheckBase]] = _discover()

if TYPE_CHECKING:
    CheckSpec = CheckBase
else:
    CheckSpec = Annotated[Union[tuple(CHECK_KINDS)], Field(discriminator="kind")]  # noqa: UP007

KIND_NAMES: list[str] = sorted(k.model_fields["kind"].default for k in CHECK_KINDS)


def kind_of(cls: type[Any]) -> str:
    return str(cls.model_fields["kind"].default)


__all__ = ["CHECK_KINDS", "KIND_NAMES", "CheckBase", "CheckSpec"]
