"""What points a workspace at the sandbox: the environment variables to set, nothing else.

`tether probe --sandbox`, `tether sandbox` (which prints them as exports), `tether eval
--sandbox` and `tether demo` all use this one definition.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from tether.secrets import referenced_names
from tether.workspace import Workspace

STAND_IN = "sandbox-key"
"""The sandbox accepts any key; this stands in for each one the environment lacks."""


def sandbox_env(
    ws: Workspace,
    url: str,
    environ: Mapping[str, str] | None = None,
    *,
    alerts_to: str | None = None,
    also: Iterable[str] = (),
) -> dict[str, str]:
    """The variables to set so the workspace talks to the sandbox at `url`.

    TETHER_SANDBOX_URL, a stand-in for each variable its checks and telemetry reference (and each of `also`)
    that `environ` does not set, and, with `alerts_to`, that address for each unset alert-channel
    variable, so no alert leaves this machine.
    """
    base = os.environ if environ is None else environ
    env = {"TETHER_SANDBOX_URL": url}

    def fill(names: Iterable[str], value: str) -> None:
        for name in names:
            if name not in env and not base.get(name):
                env[name] = value

    fill(referenced_names([c.model_dump(mode="json") for i in ws.integrations for c in i.checks]), STAND_IN)
    fill(referenced_names([i.telemetry.model_dump(mode="json") for i in ws.integrations if i.telemetry]), STAND_IN)
    fill(also, STAND_IN)
    if alerts_to is not None:
        fill(referenced_names([a.model_dump(mode="json") for i in ws.integrations for a in i.alerts]), alerts_to)
    return env


def eval_env(ws: Workspace, url: str, environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` with every sample suite sent to the sandbox's Messages API (`tether eval --sandbox`, the demo)."""
    return {**environ, **sandbox_env(ws, url, environ, also=["ANTHROPIC_API_KEY"]), "ANTHROPIC_BASE_URL": url}
