"""`tether check` findings: a valid file can still be unwise. Each finding is located.

Each part of tether contributes linters here; a finding exits `tether check` with 1
(schema errors, the file being unusable, exit 2 before any linter runs).
"""

from __future__ import annotations

from collections.abc import Callable

from tether.advisor.engine import lint_lens
from tether.errors import InputError, Problem, display_path
from tether.model.common import Lifecycle
from tether.readiness.ladder import lint_readiness
from tether.workspace.loader import Workspace
from tether.workspace.validate import format_path

Linter = Callable[[Workspace], list[Problem]]


def _at(ws: Workspace, path: tuple[str | int, ...], message: str) -> Problem:
    line, col = ws.located.where(path)
    return Problem(display_path(ws.path), line, col, f"{format_path(path)}: {message}")


def lint_definitions(ws: Workspace) -> list[Problem]:
    findings: list[Problem] = []
    for i, integration in enumerate(ws.integrations):
        base: tuple[str | int, ...] = ("integrations", i)
        live = integration.lifecycle in (Lifecycle.PILOT, Lifecycle.PRODUCTION)
        if live and not integration.owner:
            findings.append(
                _at(ws, base, f"{integration.name} is in {integration.lifecycle} without an owner; add `owner:`")
            )
        if integration.lifecycle is Lifecycle.PRODUCTION and not integration.checks:
            findings.append(
                _at(
                    ws, base, f"{integration.name} is in production but nothing watches it; add a check under `checks:`"
                )
            )
        if (
            integration.ai
            and not integration.ai.model
            and integration.ai.provider in ("anthropic", "openai", "google-ai")
        ):
            findings.append(
                _at(ws, (*base, "ai"), "no `model:`; name the model id so checks and cost estimates use the right one")
            )
    return findings


def lint_model_retirement(ws: Workspace) -> list[Problem]:
    from tether.model.prices import PriceTable
    from tether.model_retirement import retirements
    from tether.workspace.rules import load_rules

    try:
        prices = load_rules("prices.yaml", PriceTable, ws.root)
    except InputError:
        return []  # lint_rules reports the file's own problems
    findings: list[Problem] = []
    for i, integration in enumerate(ws.integrations):
        for found in retirements(integration, prices):
            findings.append(_at(ws, ("integrations", i, *found.path), found.message()))
    return findings


def lint_status_platforms(ws: Workspace) -> list[Problem]:
    """A status URL whose platform tether cannot tell is read as Statuspage v2, which may be wrong."""
    from tether.checks.statuspage import StatuspageCheck
    from tether.model.status_platform import StatusPlatform, host_of
    from tether.model.systems import SystemCatalogue
    from tether.workspace.rules import load_rules

    catalogue = load_rules("systems.yaml", SystemCatalogue, ws.root)
    choices = ", ".join(p.value for p in StatusPlatform)
    findings: list[Problem] = []
    for i, integration in enumerate(ws.integrations):
        for j, check in enumerate(integration.checks):
            if isinstance(check, StatuspageCheck) and check.platform_in(catalogue) is None:
                message = (
                    f"the status platform of {host_of(check.url) or check.url} is not recognised, so it is read as "
                    f"Statuspage v2; set `platform:` ({choices})"
                )
                findings.append(_at(ws, ("integrations", i, "checks", j, "url"), message))
    return findings


def lint_rules(ws: Workspace) -> list[Problem]:
    """Every rules file the workspace uses and no other linter reads: each must load, located."""
    from tether.model.prices import PriceTable
    from tether.model.troubleshooting import Troubleshooting
    from tether.workspace.rules import load_rules

    problems: list[Problem] = []
    for name, model in (("prices.yaml", PriceTable), ("troubleshooting.yaml", Troubleshooting)):
        try:
            load_rules(name, model, ws.root)
        except InputError as exc:
            problems.extend(exc.problems)
    return problems


LINTERS: list[Linter] = [
    lint_definitions,
    lint_lens,
    lint_readiness,
    lint_model_retirement,
    lint_status_platforms,
    lint_rules,
]


def lint(ws: Workspace) -> list[Problem]:
    findings: list[Problem] = []
    for linter in LINTERS:
        findings.extend(linter(ws))
    return sorted(set(findings))
