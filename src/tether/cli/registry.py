"""Registry commands: init, check, list, add, schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from tether.cli import values
from tether.cli.common import fail, load, open_db, print_json, print_table, user_errors
from tether.wording import plural

if TYPE_CHECKING:
    from tether.registry.first_probe import Missing
    from tether.registry.interview import Interview, Question
    from tether.workspace import Workspace

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
    here = folder.resolve() == Path.cwd().resolve()
    go = "" if here else f"`cd {folder}`, then "
    typer.echo(f"next: {go}run `tether add`: it asks what the integration does and writes the checks that fit it")


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
    from tether.cli.readiness import readiness_gate, readiness_level_title
    from tether.lint import lint

    ws = load(ctx)
    findings = lint(ws)
    below = readiness_gate(ctx, ws, min_level) if min_level else []
    missing = _missing_for_first_probe(ctx, ws)
    if as_json:
        print_json(
            {
                "file": str(ws.path),
                "integrations": len(ws.integrations),
                "findings": [{"file": p.file, "line": p.line, "col": p.col, "message": p.message} for p in findings],
                **({"below_min_level": below} if min_level else {}),
                "missing_for_first_probe": [m.to_json() for m in missing],
            }
        )
    else:
        for finding in findings:
            typer.echo(str(finding))
        for gap in below:
            typer.echo(gap["text"])
        if missing:
            # Advice to the person, on stderr: stdout stays the findings, one located line each.
            typer.echo("missing for a first probe:", err=True)
            for step in missing:
                typer.echo(f"  - {step.text}", err=True)
                if step.command:
                    typer.echo(f"      {step.command}", err=True)
        summary = f"{plural(len(ws.integrations), 'integration')}, {plural(len(findings), 'finding')}"
        if min_level:
            summary += f", {len(below)} in production below {readiness_level_title(ws, min_level)}"
        typer.echo(summary, err=bool(findings or below))
    raise typer.Exit(1 if findings or below else 0)


def _missing_for_first_probe(ctx: typer.Context, ws: Workspace) -> list[Missing]:
    """Unset variables and unpinged heartbeats; the store is read only if it is already there."""
    import os
    from contextlib import ExitStack

    from tether.cli.common import db_path
    from tether.registry.first_probe import missing_for_first_probe
    from tether.store import open_store
    from tether.store.results import last_ping

    path = db_path(ctx, ws)
    with ExitStack() as stack:
        store = stack.enter_context(open_store(path)) if str(path) != ":memory:" and path.exists() else None
        return missing_for_first_probe(
            ws, os.environ, lambda i, c: store is not None and last_ping(store, i, c) is not None
        )


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
        title=f"{ws.file.workspace.name}: {plural(len(rows), 'integration')}",
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


def add(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="Unique slug, e.g. lead-intake.")] = None,
    title: Annotated[str | None, typer.Option(help="A few words saying what it does.")] = None,
    pattern: Annotated[
        str | None, typer.Option(help="automation-bridge, direct-api, native-feature or custom-app.")
    ] = None,
    lifecycle: Annotated[
        str | None, typer.Option(help="idea, planned, pilot, production or retired (default: planned).")
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Who answers for it.")] = None,
    description: Annotated[str | None, typer.Option(help="What it does, in a sentence or two.")] = None,
    trigger: Annotated[str | None, typer.Option(help="What starts it, e.g. 'contact form submitted'.")] = None,
    source: Annotated[str | None, typer.Option(help="System the trigger comes from (rules/systems.yaml).")] = None,
    provider: Annotated[str | None, typer.Option(help="AI provider system, e.g. anthropic.")] = None,
    model: Annotated[str | None, typer.Option(help="Model id, e.g. claude-sonnet-4-6.")] = None,
    destination: Annotated[list[str] | None, typer.Option(help="A system its output goes to (repeatable).")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="A tag (repeatable).")] = None,
    middleware: Annotated[str | None, typer.Option(help="Middleware platform: zapier, make or n8n.")] = None,
    runs_per_month: Annotated[
        int | None, typer.Option(parser=values.count(0), metavar="<count>", help="Expected runs a month.")
    ] = None,
    budget: Annotated[
        float | None, typer.Option(parser=values.amount, metavar="<usd>", help="Monthly budget in USD.")
    ] = None,
    check: Annotated[
        list[str] | None,
        typer.Option(
            "--check",
            metavar="KIND",
            help="Add the fitting checks of this kind (statuspage, anthropic, openai, gemini, heartbeat, http) "
            "or this name (zapier-status), without asking; repeatable.",
        ),
    ] = None,
    set_answers: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Answer any question by its key, e.g. checks.zap-ran.period=1h or checks.backend-health.url=URL; "
            "repeatable.",
        ),
    ] = None,
    answers_file: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            metavar="FILE",
            help="Start from the answers in this file (a mapping of question keys, as a stopped session saves).",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the new entry; change nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the added entry as JSON.")] = False,
) -> None:
    """Append an integration, with the checks that fit it, keeping every existing byte and comment.

    It asks for each field, then offers the checks its systems call for (vendor status pages,
    the AI provider's free API check, a heartbeat for a Zap or Make scenario, an HTTP check on
    a custom backend) and asks only what each needs. Every answer is judged at once and asked
    again with the reason. If the session stops, the answers so far are saved to
    .tether/add-answers.yaml; `--answers` that file goes on where it stopped.

    With --name, --title and --pattern given it asks nothing: each other question takes its
    default, checks are added only with --check, and what a check needs comes from --set.
    """
    from tether.cli.common import options
    from tether.lint import lint_definitions
    from tether.registry.interview import Interview, Question
    from tether.workspace import find_workspace_file

    given: dict[str, str] = {}
    if answers_file is not None:
        from tether.registry.answers import load_answers

        with user_errors():
            given.update(load_answers(answers_file))
    scripted_keys: set[str] = set()
    for item in set_answers or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            fail(f"error: --set {item!r}: write KEY=VALUE, e.g. --set checks.zap-ran.period=1h")
        given[key.strip()] = value
        scripted_keys.add(key.strip())
    flags = {
        "name": name,
        "title": title,
        "pattern": pattern,
        "lifecycle": lifecycle,
        "owner": owner,
        "trigger": trigger,
        "source": source,
        "middleware": middleware,
        "provider": provider,
        "model": model,
        "destinations": ", ".join(destination) if destination else None,
    }
    for key, flag_value in flags.items():
        if flag_value is not None:
            given[key] = flag_value
            scripted_keys.add(key)
    scripted = {"name", "title", "pattern"} <= scripted_keys
    extra: dict[str, Any] = {"description": description, "tags": tag}
    if runs_per_month is not None:
        extra["volume"] = {"runs_per_month": runs_per_month}
    if budget is not None:
        extra["budget"] = {"monthly_usd": budget}
    chosen = set(check) if check is not None else (set() if scripted else None)
    path = find_workspace_file(explicit=options(ctx).file)
    with user_errors():
        if not path.exists():  # said in the terms the file was chosen by: --file, TETHER_FILE or the search
            load(ctx)
        # `tether check`'s findings are asked about at a prompt; a script gets them from `tether check`.
        findings = None if scripted else lint_definitions
        interview = Interview(path, given, chosen_checks=chosen, extra=extra, findings=findings)
    refused = _run_interview(interview, scripted)
    unknown = sorted(scripted_keys & interview.pending.keys())
    if unknown:
        asked = ", ".join(interview.answers)
        refused += [
            f"error: {Question(key, key).flag.removesuffix('=VALUE')}: no question takes it here (asked: {asked})"
            for key in unknown
        ]
    if refused:
        fail("\n".join(refused))
    _finish_add(interview, chosen, dry_run=dry_run, as_json=as_json, resumed_from=answers_file)


def _run_interview(interview: Interview, scripted: bool) -> list[str]:
    """Ask each question in turn (or, scripted, take each given answer or default); what a script got wrong."""
    refused: list[str] = []
    while (question := interview.next_question()) is not None:
        given = interview.take_given(question)
        suggestion: str | None = None
        if given is not None:
            refusal = interview.answer(question, given)
            if refusal is None:
                continue
            if scripted:
                refused.append(f"error: {question.flag.removesuffix('=VALUE')} {given!r}: {refusal}")
                interview.keep(question, given)
                continue
            typer.echo(f"  the given {question.key} {given!r} is refused: {refusal}", err=True)
            suggestion = refusal.suggestion
        elif scripted:
            if question.required and question.default is None:
                refused.append(f"error: {question.key} is needed: pass {question.flag}")
                interview.keep(question, "")
                continue
            # A script leaves out what it does not give, as a flag-only `add` always has.
            taken = (question.default or "") if question.required else ""
            refusal = interview.answer(question, taken)
            if refusal is not None:
                refused.append(f"error: {question.key}: {refusal}; pass {question.flag}")
                interview.keep(question, taken)
            continue
        while True:
            text = _prompt(interview, question, suggestion or question.default)
            refusal = interview.answer(question, text)
            if refusal is None:
                break
            typer.echo(f"  {refusal}", err=True)
            suggestion = refusal.suggestion
    return refused


def _prompt(interview: Interview, question: Question, default: str | None) -> str:
    """One answer from the terminal; a stop (Ctrl-C, end of input) saves what was answered and exits."""
    hint = f" ({'/'.join(question.choices)})" if question.choices and len(question.choices) < 8 else ""
    if question.choices and not hint:
        hint = f" ({', '.join(question.choices)})"
    try:
        value: str = typer.prompt(f"{question.label}{hint}", default=default or "", show_default=bool(default))
    except typer.Abort as exc:
        interrupted = isinstance(exc.__context__, KeyboardInterrupt)
        _stop(interview, question, 130 if interrupted else 2, interrupted)
    return value


def _stop(interview: Interview, question: Question, code: int, interrupted: bool) -> NoReturn:
    what = "stopped" if interrupted else f"error: no answer for {question.key}"
    typer.echo("", err=True)
    if not interview.saved():
        fail(f"{what}; nothing was answered, so nothing is saved; pass it as a flag (see tether add --help)", code)
    fail(f"{what}; {_keep_answers(interview)}", code)


def _keep_answers(interview: Interview) -> str:
    """Save the answers so far; say where and how to go on (or, if they cannot be saved, print them)."""
    import shlex

    from tether.errors import display_path
    from tether.registry.answers import save_answers, saved_answers_path

    target = saved_answers_path(interview.ws.root)
    shown = display_path(target)
    try:
        save_answers(target, interview.saved())
    except OSError as exc:
        flags = " ".join(f"--set {shlex.quote(f'{k}={v}')}" for k, v in interview.saved().items())
        return f"your answers could not be saved in {shown} ({exc.strerror}); they are: tether add {flags}"
    return f"your answers so far are saved in {shown}: go on with `tether add --answers {shown}`"


def _finish_add(
    interview: Interview,
    chosen: set[str] | None,
    *,
    dry_run: bool,
    as_json: bool,
    resumed_from: Path | None,
) -> None:
    import os

    from tether.errors import InputError, display_path
    from tether.registry.add import add_integration
    from tether.registry.answers import saved_answers_path
    from tether.registry.first_probe import missing_for_first_probe
    from tether.workspace import load_workspace

    if chosen is not None and chosen - interview.matched_choices:
        fitting = ", ".join(f"{o.name} ({o.kind})" for o in interview.offers()) or "none"
        unmatched = ", ".join(sorted(chosen - interview.matched_choices))
        fail(f"error: --check {unmatched}: no such check fits this integration; the checks that fit: {fitting}")
    entry = interview.entry()
    saved_path = saved_answers_path(interview.ws.root)
    try:
        result = add_integration(interview.path, entry, write=not dry_run)
    except (InputError, OSError) as exc:
        lines = [str(p) for p in exc.problems] if isinstance(exc, InputError) else [f"error: {exc}"]
        lines.append(_keep_answers(interview))
        fail("\n".join(lines))
    for key in interview.pending:
        typer.echo(f"note: {key}: no question has this key here, so it was not used", err=True)
    if as_json:
        print_json(entry)
        return
    if dry_run:
        typer.echo(result.item, nl=False)
        return
    if resumed_from is not None and resumed_from.resolve() == saved_path.resolve():
        saved_path.unlink(missing_ok=True)
    checks = [c["name"] for c in entry.get("checks", [])]
    watched = f" with {len(checks)} check{'s' if len(checks) != 1 else ''} ({', '.join(checks)})" if checks else ""
    typer.echo(f"added {entry['name']} to {display_path(result.path)} (line {result.line}){watched}")
    ws = load_workspace(result.path)
    missing = missing_for_first_probe(ws, os.environ, lambda _i, _c: False, [entry["name"]])
    for step in _next_steps(entry["name"], bool(checks), missing):
        typer.echo(step)


def _next_steps(name: str, has_checks: bool, missing: list[Missing]) -> list[str]:
    if not has_checks:
        return [f"next: nothing watches {name} yet; run `tether add` again or add a check under its `checks:`"]
    steps = ["next:"]
    for step in missing:
        steps.append(f"  - {step.text}")
        if step.command:
            steps.append(f"      {step.command}")
    steps.append(f"  - run `tether check`, then `tether probe {name}`")
    steps.append(f"  - or rehearse it now on the loopback sandbox, no keys needed: `tether probe --sandbox {name}`")
    return steps
