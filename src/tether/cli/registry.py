"""Registry commands: init, check, list, add, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tether.cli.common import fail, load, open_db, print_json, print_table, user_errors

PATTERNS = ("automation-bridge", "direct-api", "native-feature", "custom-app")
LIFECYCLES = ("idea", "planned", "pilot", "production", "retired")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("check")(check)
    app.command("list")(list_integrations)
    app.command("add")(add)
    app.command("schema")(schema)


def init(
    folder: Annotated[Path, typer.Argument(help="Where to create the workspace.")] = Path("."),
    name: Annotated[str | None, typer.Option(help="Workspace name (default: the folder's name).")] = None,
) -> None:
    """Scaffold a workspace: a commented integrations.yaml, rules/ for overrides, a .gitignore."""
    from tether.registry.scaffold import scaffold
    from tether.schema import workspace_schema_json

    with user_errors():
        written = scaffold(folder, workspace_schema_json(), name)
    for path in written:
        typer.echo(f"created {path}")
    typer.echo("next: edit integrations.yaml, then run `tether check`")


def check(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Findings as JSON.")] = False,
    min_level: Annotated[
        str | None,
        typer.Option(
            "--min-level",
            help="Also exit 1 when a production integration is below this readiness level.",
            metavar="LEVEL",
        ),
    ] = None,
) -> None:
    """Validate integrations.yaml and the rules it uses (exit 0 clean, 1 findings, 2 unusable input)."""
    from tether.cli.readiness import readiness_gate
    from tether.lint import lint

    ws = load(ctx)
    findings = lint(ws)
    below = readiness_gate(ctx, ws, min_level) if min_level else []
    if as_json:
        print_json(
            {
                "file": str(ws.path),
                "integrations": len(ws.integrations),
                "findings": [{"file": p.file, "line": p.line, "col": p.col, "message": p.message} for p in findings],
                **({"below_min_level": below} if min_level else {}),
            }
        )
    else:
        for finding in findings:
            typer.echo(str(finding))
        for gap in below:
            typer.echo(gap["text"])
        summary = f"{len(ws.integrations)} integrations, {len(findings)} finding{'s' if len(findings) != 1 else ''}"
        if min_level:
            summary += f", {len(below)} in production below {min_level}"
        typer.echo(summary, err=bool(findings or below))
    raise typer.Exit(1 if findings or below else 0)


def list_integrations(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="The registry as JSON.")] = False,
) -> None:
    """Show the registry: every integration with its pattern, owner and lifecycle."""
    ws = load(ctx)
    with open_db(ctx, ws):
        pass
    rows = [
        {
            "name": i.name,
            "title": i.title,
            "pattern": str(i.pattern),
            "lifecycle": str(i.lifecycle),
            "owner": i.owner,
            "ai": f"{i.ai.provider}/{i.ai.model}" if i.ai and i.ai.model else (i.ai.provider if i.ai else None),
            "checks": len(i.checks),
        }
        for i in ws.integrations
    ]
    if as_json:
        print_json(rows)
        return
    print_table(
        ["NAME", "PATTERN", "LIFECYCLE", "OWNER", "AI", "CHECKS"],
        [[r["name"], r["pattern"], r["lifecycle"], r["owner"] or "-", r["ai"] or "-", r["checks"]] for r in rows],
        title=f"{ws.file.workspace.name}: {len(rows)} integrations",
    )


def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of integrations.yaml (for editor autocompletion)."""
    from tether.fileio import atomic_write
    from tether.schema import workspace_schema_json

    text = workspace_schema_json()
    if output is None:
        typer.echo(text, nl=False)
    else:
        atomic_write(output, text)
        typer.echo(f"wrote {output}")


def _ask(label: str, default: str | None = None, choices: tuple[str, ...] | None = None) -> str:
    hint = f" ({'/'.join(choices)})" if choices else ""
    try:
        value: str = typer.prompt(
            f"{label}{hint}", default=default if default is not None else "", show_default=bool(default)
        )
    except (typer.Abort, EOFError):
        fail(f"error: no answer for {label.lower()}; pass it as a flag (see tether add --help)")
    return value.strip()


def add(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="Unique slug, e.g. lead-intake.")] = None,
    title: Annotated[str | None, typer.Option(help="A few words saying what it does.")] = None,
    pattern: Annotated[
        str | None, typer.Option(help="automation-bridge, direct-api, native-feature or custom-app.")
    ] = None,
    lifecycle: Annotated[str, typer.Option(help="idea, planned, pilot, production or retired.")] = "planned",
    owner: Annotated[str | None, typer.Option(help="Who answers for it.")] = None,
    description: Annotated[str | None, typer.Option(help="What it does, in a sentence or two.")] = None,
    trigger: Annotated[str | None, typer.Option(help="What starts it, e.g. 'contact form submitted'.")] = None,
    source: Annotated[str | None, typer.Option(help="System the trigger comes from (rules/systems.yaml).")] = None,
    provider: Annotated[str | None, typer.Option(help="AI provider system, e.g. anthropic.")] = None,
    model: Annotated[str | None, typer.Option(help="Model id, e.g. claude-sonnet-4-6.")] = None,
    destination: Annotated[list[str] | None, typer.Option(help="A system its output goes to (repeatable).")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="A tag (repeatable).")] = None,
    middleware: Annotated[str | None, typer.Option(help="Middleware platform: zapier, make or n8n.")] = None,
    runs_per_month: Annotated[int | None, typer.Option(help="Expected runs a month.")] = None,
    budget: Annotated[float | None, typer.Option(help="Monthly budget in USD.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the new entry; change nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the added entry as JSON.")] = False,
) -> None:
    """Append an integration to integrations.yaml, keeping every existing byte and comment.

    With --name, --title and --pattern it asks nothing; otherwise it prompts for each field.
    """
    from tether.errors import InputError, display_path
    from tether.registry.add import add_integration

    interactive = not (name and title and pattern)
    if interactive:
        name = name or _ask("Name (a slug such as lead-intake)")
        title = title or _ask("Title")
        pattern = pattern or _ask("Pattern", "automation-bridge", PATTERNS)
        lifecycle = _ask("Lifecycle", lifecycle, LIFECYCLES)
        owner = owner or _ask("Owner (name or email)") or None
        trigger = trigger or _ask("Trigger (what starts it)") or None
        source = source or _ask("Source system") or None
        provider = provider or _ask("AI provider", "anthropic") or None
        model = model or _ask("Model") or None
        if not destination:
            answer = _ask("Destinations (comma separated)")
            destination = [d.strip() for d in answer.split(",") if d.strip()]
    definition: dict[str, Any] = {"name": name, "title": title}
    for key, value in (
        ("description", description),
        ("owner", owner),
        ("tags", tag),
        ("pattern", pattern),
        ("lifecycle", lifecycle),
        ("trigger", trigger),
        ("source", source),
    ):
        if value:
            definition[key] = value
    if provider:
        definition["ai"] = {"provider": provider, **({"model": model} if model else {})}
    if destination:
        definition["destinations"] = destination
    if runs_per_month is not None:
        definition["volume"] = {"runs_per_month": runs_per_month}
    if budget is not None:
        definition["budget"] = {"monthly_usd": budget}
    if middleware:
        definition["middleware"] = {"platform": middleware}

    from tether.cli.common import options
    from tether.workspace import find_workspace_file

    path = find_workspace_file(explicit=options(ctx).file)
    try:
        result = add_integration(path, definition, write=not dry_run)
    except InputError as exc:
        fail(exc.problems)
    if as_json:
        print_json(definition)
    elif dry_run:
        typer.echo(result.item, nl=False)
    else:
        typer.echo(f"added {name} to {display_path(result.path)} (line {result.line}); run `tether check` to review it")
