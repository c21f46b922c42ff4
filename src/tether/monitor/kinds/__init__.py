"""Probes: `tether.monitor.kinds.<kind>` holds `async def probe(check, ctx) -> Outcome` for each check kind.

A kind is a pair: its model in `tether.checks.<kind>` and its probe here. Nothing else changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any, cast

from tether.checks.result import Outcome
from tether.monitor.context import ProbeContext

Probe = Callable[[Any, ProbeContext], Awaitable[Outcome]]


@cache
def probe_for(kind: str) -> Probe:
    module = importlib.import_module(f"{__name__}.{kind}")
    return cast(Probe, module.probe)


def prepare(check: Any) -> None:
    """Import what this check's runs will need (a kind's optional `prepare(check)`), before any is timed."""
    module = importlib.import_module(f"{__name__}.{check.kind}")
    getattr(module, "prepare", lambda _check: None)(check)
