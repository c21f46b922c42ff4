"""`tether docs`: write reports/ (index, assessment, roadmap, one document and one runbook per integration)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from tether.cli import values
from tether.cli.common import fail, load, open_db, print_json, user_errors

REFRESH = "tether docs"


def register(app: typer.Typer) -> None:
    app.command("docs")(docs)


def docs(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder to write (default: reports/ beside integrations.yaml).")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 naming stale, missing or extra files.")
    ] = False,
    ai: Annotated[
        bool, typer.Option("--ai", help="Add troubleshooting notes drafted by Claude (needs ANTHROPIC_API_KEY).")
    ] = False,
    ai_model: Annotated[
        str | None, typer.Option("--ai-model", help="Model that drafts the notes (default: claude-haiku-4-5).")
    ] = None,
    ai_base_url: Annotated[
        str | None,
        typer.Option("--ai-base-url", help="Messages API base URL (default: $ANTHROPIC_BASE_URL, else Anthropic's)."),
    ] = None,
    ai_max_tokens: Annotated[
        int,
        typer.Option(
            "--ai-max-tokens",
            parser=values.count(1),
            metavar="<count>",
            help="Cap on input plus output tokens for one run.",
        ),
    ] = 20_000,
    as_json: Annotated[bool, typer.Option("--json", help="What was written (or is stale) as JSON.")] = False,
) -> None:
    """Generate markdown documents and on-call runbooks from the registry, the rules and the store.

    The same inputs give byte-identical files. With --ai, notes are drafted only for integrations
    whose definition or history changed since the last run (the rest come from the store's cache);
    --check --ai compares using cached notes and never calls Claude.
    """
    import jinja2

    from tether.docs import check as checking
    from tether.docs.gather import gather
    from tether.docs.render import render_documents
    from tether.errors import display_path

    ws = load(ctx)
    out_dir = out if out is not None else ws.root / "reports"
    ai_summary: dict[str, Any] | None = None
    with open_db(ctx, ws) as store:
        with user_errors():
            facts = gather(ws, store)
        if ai:
            ai_summary = _draft(facts, store, ai_model, ai_base_url, ai_max_tokens, offline=check)
        try:
            documents = render_documents(facts, ws.root)
        except jinja2.TemplateSyntaxError as exc:
            fail(f"{exc.filename or exc.name}:{exc.lineno}:1: template syntax: {exc.message}")
        except jinja2.TemplateError as exc:
            fail(f"error: a template failed: {exc.message}; check the templates/ folder beside integrations.yaml")
    result = checking.plan(out_dir, documents)
    shown = display_path(out_dir)
    if check:
        _report_check(result, shown, as_json, ai_summary)
        raise typer.Exit(0 if result.clean else 1)
    checking.apply(result, documents)
    written = sorted([*result.missing, *result.stale])
    if as_json:
        print_json(
            {
                "out": shown,
                "written": written,
                "unchanged": result.fresh,
                "removed": result.extra,
                **({"ai": ai_summary} if ai_summary is not None else {}),
            }
        )
        return
    for name in written:
        typer.echo(f"wrote {shown}/{name}")
    for name in result.extra:
        typer.echo(f"removed {shown}/{name} (its integration is gone)")
    typer.echo(f"{len(documents)} documents in {shown}: {len(written)} written, {len(result.fresh)} unchanged")


def _report_check(result: Any, shown: str, as_json: bool, ai_summary: dict[str, Any] | None) -> None:
    if as_json:
        print_json(
            {
                "out": shown,
                "clean": result.clean,
                "stale": result.stale,
                "missing": result.missing,
                "extra": result.extra,
                **({"ai": ai_summary} if ai_summary is not None else {}),
            }
        )
        return
    for label, names in (("stale", result.stale), ("missing", result.missing), ("extra", result.extra)):
        for name in names:
            typer.echo(f"{label}: {shown}/{name}")
    if result.clean:
        typer.echo(f"{shown} is up to date ({len(result.fresh)} documents)")
    else:
        typer.echo(f"{shown} is out of date; run `{REFRESH}` to refresh it", err=True)


def _draft(facts: Any, store: Any, model: str | None, base_url: str | None, cap: int, offline: bool) -> dict[str, Any]:
    """Fill the AI notes; without a key, say what is needed and leave the documents deterministic."""
    from tether.docs.ai import DEFAULT_MODEL, draft_notes

    model = model or DEFAULT_MODEL
    key = os.environ.get("ANTHROPIC_API_KEY", "")
    client = None
    if not offline:
        if not key:
            typer.echo(
                "--ai needs ANTHROPIC_API_KEY in the environment (and ANTHROPIC_BASE_URL or --ai-base-url for a "
                "stand-in such as `tether sandbox`); writing the documents without AI notes, from cached notes only",
                err=True,
            )
        else:
            import anthropic

            client = anthropic.Anthropic(
                api_key=key, base_url=base_url or os.environ.get("ANTHROPIC_BASE_URL") or None, max_retries=2
            )
    report = draft_notes(facts, store, client, model=model, run_cap=cap)
    for name, why in sorted(report.skipped.items()):
        if client is not None:
            typer.echo(f"no AI notes for {name}: {why}", err=True)
    return {
        "model": model,
        "drafted": report.drafted,
        "cached": report.cached,
        "skipped": report.skipped,
        "input_tokens": report.input_tokens,
        "output_tokens": report.output_tokens,
    }
