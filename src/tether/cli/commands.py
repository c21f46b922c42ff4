"""The commands, loaded on demand: `tether probe` imports the probe commands' module and no other.

Building a click command from a typed function costs about 3 ms (typer reads its signature and
hints), and importing the modules behind twenty of them more again; `tether --help` needs only
each one's name and first paragraph. `COMMANDS` holds those, in the order help shows them; a
test keeps it equal to what each module's `register` declares (names, order and help text).
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
import typer.main

from tether.cli import conventions, light_help

COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("registry", "Scaffold a workspace: a commented integrations.yaml, rules/ for overrides, a .gitignore."),
    "check": (
        "registry",
        "Validate integrations.yaml and the rules it uses (exit 0 clean, 1 findings, 2 unusable input).",
    ),
    "list": ("registry", "Show the registry: every integration with its pattern, owner and lifecycle."),
    "add": (
        "registry",
        "Append an integration, with the checks that fit it, keeping every existing byte and comment.",
    ),
    "schema": ("registry", "Print the JSON Schema of integrations.yaml (for editor autocompletion)."),
    "advise": (
        "advise",
        "Recommend how to connect AI to your stack: asks the questions (or reads --answers), then "
        "prints the recommendation with its reasons, the risks, a monthly cost estimate and a roadmap.",
    ),
    "roadmap": (
        "advise",
        "Print the current roadmap: the one from the latest saved milestone (tether advise saves one).",
    ),
    "serve": (
        "serve",
        "Serve heartbeats (POST /ping/NAME, POST /ping/NAME/fail), GET /metrics (Prometheus) and GET /api/status.",
    ),
    "costs": (
        "costs",
        "Spend this month: model spend, monitoring spend, middleware plans, projection against budget.",
    ),
    "incidents": (
        "incidents",
        "List incidents, newest first: what failed, why, and when it opened, was acknowledged, resolved.",
    ),
    "ack": ("incidents", "Acknowledge an incident: reminders stop until it resolves."),
    "probe": ("probe", "Run the checks once and show each one's health; --watch keeps them on their schedules."),
    "ping": ("probe", "Record a heartbeat for an automation that cannot be polled (Zapier, Make)."),
    "sandbox": (
        "probe",
        "Serve stand-ins of the integration stack on 127.0.0.1, with scripted faults, until Ctrl-C.",
    ),
    "docs": ("docs", "Generate markdown documents and on-call runbooks from the registry, the rules and the store."),
    "dash": ("dash", "Open the live dashboard: health, charts, incidents, runbooks, the advisor wizard."),
    "demo": ("demo", "Watch the bundled example live: no keys, no internet."),
    "readiness": (
        "readiness",
        "Score integrations against the go-live ladder (rules/readiness.yaml), from live evidence.",
    ),
    "eval": ("readiness", "Run each integration's sample suites through its AI step and grade the outputs."),
    "rules": (
        "rules",
        "The rules files (systems, prices, questionnaire, ...): which copy is in use, and copies to edit.",
    ),
}
"""Command -> (its module under tether.cli, the first paragraph of its help, as cli.conventions
joins it into whole sentences)."""

MODULES = list(dict.fromkeys(module for module, _ in COMMANDS.values()))


def built(module: str, rich_markup_mode: Any = "rich") -> dict[str, Any]:
    """The click commands (and command groups) `tether.cli.<module>.register` declares, by name."""
    holder = typer.Typer()
    importlib.import_module(f"tether.cli.{module}").register(holder)
    conventions.keep(holder)
    commands: dict[str, Any] = {}
    for info in holder.registered_commands:
        commands[info.name or ""] = typer.main.get_command_from_info(
            info, pretty_exceptions_short=True, rich_markup_mode=rich_markup_mode
        )
    for group in holder.registered_groups:
        commands[group.name or ""] = typer.main.get_group_from_info(
            group, pretty_exceptions_short=True, suggest_commands=True, rich_markup_mode=rich_markup_mode
        )
    return commands


class LazyGroup(conventions.Group):
    """The root group: lists every command, builds one only when it is run or its own help is asked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        eager = super().list_commands(ctx)
        return [*eager, *(name for name in COMMANDS if name not in eager)]

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:  # type: ignore[override]
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in COMMANDS:
            return found
        module, summary = COMMANDS[cmd_name]
        if self._listing:  # the root's help: a name and a paragraph are all it shows
            return conventions.Command(cmd_name, help=summary, rich_markup_mode=self.rich_markup_mode)
        self.commands.update(built(module, self.rich_markup_mode))
        return self.commands.get(cmd_name)

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        self._listing = True
        try:
            with light_help.emoji_on_demand():
                super().format_help(ctx, formatter)
        finally:
            self._listing = False
