"""Readiness commands: readiness (the go-live scorecard), eval (quality on real samples), and the CI gate."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tether.cli.common import fail, load, open_db, print_json, print_table, user_errors
from tether.wording import article, plural

if TYPE_CHECKING:
    from tether.readiness.ladder import Scorecard
    from tether.store.evals import RunRecord
    from tether.workspace import Workspace

MARKS = {"pass": "pass", "fail": "FAIL", "not-measured": "not measured", "exempt": "exempt", "skipped": "skipped"}


def register(app: typer.Typer) -> None:
    app.command("readiness")(readiness)
    app.command("eval")(eval_samples)


def _scorecards(ctx: typer.Context, ws: Workspace, names: list[str] | None) -> tuple[list[Scorecard], Any]:
    from tether.clock import now
    from tether.readiness.ladder import load_ladder, scorecards

    with user_errors():
        ladder = load_ladder(ws.root)
    with open_db(ctx, ws) as store, user_errors():
        return scorecards(ws, store, now(), ladder=ladder, names=names), ladder
    raise AssertionError("unreachable")


def readiness(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="One integration; all when omitted.", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Per integration: name, level, score and checks.")] = False,
    history: Annotated[
        bool, typer.Option("--history", help="Also show how the level changed over time, newest first.")
    ] = False,
) -> None:
    """Score integrations against the go-live ladder (rules/readiness.yaml), from live evidence.

    Each check passes, fails (with how to fix it), is not measured yet (with the command that
    measures it), does not apply to the pattern or lifecycle (skipped), or is exempt in
    integrations.yaml until a date. The result is kept, so a regression shows when it happened.
    """
    from tether.clock import iso
    from tether.store.readiness import readiness_history

    ws = load(ctx)
    cards, ladder = _scorecards(ctx, ws, [name] if name else None)
    past: dict[str, list[Any]] = {}
    if history:
        with open_db(ctx, ws) as store:
            past = {card.integration.name: readiness_history(store, card.integration.name) for card in cards}
    if as_json:
        print_json(
            [
                card.to_json() | ({"history": [s.to_json() for s in past[card.integration.name]]} if history else {})
                for card in cards
            ]
        )
        return
    top = len(ladder.levels) - 1
    for n, card in enumerate(cards):
        if n:
            typer.echo("")
        i = card.integration
        typer.echo(
            f"{i.name}  {card.level.title} ({card.level.number}/{top})  score {card.score:.0f}/100  "
            f"[{i.pattern}, {i.lifecycle}]"
        )
        if card.next_level is not None:
            gaps = len(card.gaps)
            typer.echo(f"  {plural(gaps, 'check')} to reach {card.next_level.title}")
        shown = [c for c in card.checks if str(c.result) != "skipped"]
        width = max((len(c.check.id) for c in shown), default=0)
        for c in sorted(shown, key=lambda c: (c.check.level, c.result == "pass")):
            typer.echo(f"  {MARKS[str(c.result)]:<12} L{c.check.level}  {c.check.id:<{width}}  {c.message}")
        skipped = [c.check.id for c in card.checks if str(c.result) == "skipped"]
        if skipped:
            typer.echo(f"  not applicable to {article(i.pattern)} in {i.lifecycle}: {', '.join(skipped)}")
        for snap in past.get(i.name, []):
            level = ladder.levels[snap.level].title if snap.level < len(ladder.levels) else snap.level_id
            typer.echo(f"  history: {iso(snap.first_at)} – {iso(snap.last_at)}  {level}, score {snap.score:.0f}")


def readiness_level_title(ws: Workspace, wanted: str) -> str:
    """The title of the level `wanted` names (`pilot-ready`, `1`, `Pilot-ready`): Pilot-ready."""
    from tether.readiness.ladder import load_ladder

    with user_errors():
        level = load_ladder(ws.root).find_level(wanted)
    return wanted if level is None else level.title


def readiness_gate(ctx: typer.Context, ws: Workspace, wanted: str) -> list[dict[str, Any]]:
    """`tether check --min-level`: every integration in production whose level is below `wanted`."""
    from tether.model.common import Lifecycle

    cards, ladder = _scorecards(ctx, ws, None)
    level = ladder.find_level(wanted)
    if level is None:
        known = ", ".join(f"{lv.id} ({lv.number})" for lv in ladder.levels)
        fail(f"error: no readiness level {wanted!r}; levels: {known}")
    below: list[dict[str, Any]] = []
    for card in cards:
        if card.integration.lifecycle is not Lifecycle.PRODUCTION or card.level.number >= level.number:
            continue
        gap = card.gaps[0] if card.gaps else None
        text = (
            f"{card.integration.name} is in production at {card.level.title} (score {card.score:.0f}), "
            f"below {level.title}" + (f"; first gap: {gap.check.id}: {gap.message}" if gap else "")
        )
        below.append(
            {
                "name": card.integration.name,
                "level": card.level.number,
                "level_id": card.level.id,
                "required": level.id,
                "score": card.score,
                "text": text,
            }
        )
    return below


def _sandbox_env(url: str, ws: Workspace) -> dict[str, str]:
    from tether.sandbox.env import eval_env

    return eval_env(ws, url, os.environ)


def _run_row(run: RunRecord) -> list[Any]:
    rate = "-" if run.pass_rate is None else f"{run.pass_rate:.0%}"
    status = "ok" if run.meets_target else ("stopped" if run.stopped else "below target")
    return [
        run.integration,
        run.suite,
        len(run.cases),
        run.passed,
        run.failed,
        run.errors,
        run.skipped,
        rate,
        f"{run.target_pass_rate:.0%}",
        f"${run.cost_usd:.4f}",
        status,
    ]


def eval_samples(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, typer.Argument(help="Integrations to evaluate; every one with samples when none.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Each run with its cases and assertion results.")] = False,
    use_sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Start the loopback sandbox and send the samples there.")
    ] = False,
    scenario: Annotated[
        str | None, typer.Option(help="Sandbox scenario: a YAML file or a bundled name (demo).", show_default=False)
    ] = None,
) -> None:
    """Run each integration's sample suites through its AI step and grade the outputs.

    Exit codes: 0 when every suite meets its target pass rate, 1 when one falls short or
    stops early (its spend cap, or the API refusing), 2 for bad input. Malformed sample rows
    are reported as FILE:LINE:COL on stderr and skipped.
    """
    from contextlib import ExitStack

    from tether.readiness.evals import run_evals

    ws = load(ctx)
    with user_errors():
        chosen = [ws.integration(n) for n in names] if names else [i for i in ws.integrations if i.samples]
    if not any(i.samples for i in chosen):
        fail("no sample suites to run; add `samples:` to an integration (see `tether schema`)")
    env: dict[str, str] = dict(os.environ)
    with ExitStack() as stack:
        if use_sandbox or scenario:
            from tether.sandbox.scenario import load_scenario
            from tether.sandbox.server import running_sandbox

            with user_errors():
                loaded = load_scenario(scenario) if scenario else None
            box = stack.enter_context(running_sandbox(loaded))
            env.update(_sandbox_env(box.url, ws))
        store = stack.enter_context(open_db(ctx, ws))
        with user_errors():
            runs = run_evals(ws, store, [i.name for i in chosen if i.samples], env)
    for run in runs:
        for problem in run.problems:
            typer.echo(problem, err=True)
    if as_json:
        print_json([run.to_json() for run in runs])
    else:
        print_table(
            [
                "integration",
                "suite",
                "cases",
                "passed",
                "failed",
                "errors",
                "skipped",
                "pass rate",
                "target",
                "cost",
                "",
            ],
            [_run_row(run) for run in runs],
        )
        for run in runs:
            if run.stopped:
                typer.echo(f"{run.integration}/{run.suite} stopped: {run.stopped}")
            for case in run.cases:
                if case.outcome == "error":
                    typer.echo(f"{run.integration}/{run.suite} {case.source}: error: {case.error}")
                for a in case.assertions:
                    if not a["passed"]:
                        typer.echo(f"{run.integration}/{run.suite} {case.source}: {a['kind']}: {a['detail']}")
    raise typer.Exit(0 if all(run.meets_target for run in runs) else 1)
