"""`tether dash` (and `tether` alone): the live dashboard; a status table when there is no terminal."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tether.cli import values
from tether.cli.common import INTERRUPTED, db_path, load, open_db, print_json, print_table

if TYPE_CHECKING:
    from tether.store import Store
    from tether.tui.app import TetherApp
    from tether.workspace import Workspace

NEEDS_TERMINAL = "the dashboard needs a terminal (stdout is not one); here is the status table instead"
HEADERS = ["state", "integration", "pattern", "owner", "uptime 24h", "success", "p95", "cost this month", "quality"]


def register(app: typer.Typer) -> None:
    app.command("dash")(dash)


def dash(
    ctx: typer.Context,
    probe: Annotated[
        bool | None,
        typer.Option(
            "--probe/--no-probe",
            help="Run the probe schedule in this process (like `tether probe --watch`). "
            "Default: only when no other prober has written to the store lately.",
        ),
    ] = None,
    refresh: Annotated[
        float,
        typer.Option(
            parser=values.duration(at_least=0.2),
            metavar="<duration>",
            help="Time between reads of the store: 2s, 500ms (a bare number is seconds).",
        ),
    ] = 2.0,
    as_json: Annotated[bool, typer.Option("--json", help="Without a terminal: the status as JSON.")] = False,
) -> None:
    """Open the live dashboard: health, charts, incidents, runbooks, the advisor wizard.

    It refreshes from the store, so it shows what `tether probe --watch` or `tether serve --probe`
    record in another process. When nothing has written a result for two of the slowest check's
    intervals, it probes in this process itself (--no-probe: never; --probe: always). Without a
    terminal (a pipe, CI) it prints the status table and exits 0.
    """
    ws = load(ctx)
    path = db_path(ctx, ws)
    # Migrations and the registry sync, up front; the start ends at the first paint (tether.startup).
    with open_db(ctx, ws, settle=False) as store:
        if not sys.stdout.isatty() or as_json:
            if not as_json:
                typer.echo(NEEDS_TERMINAL, err=True)
            print_status(ws, store, as_json)
            return
        if probe is None:
            from tether.clock import now
            from tether.monitor.quiet import nothing_probing

            probe = nothing_probing(ws, store, now())
    launch(ws, path, probe=probe, refresh_every=refresh)


def open_default(ctx: typer.Context) -> None:
    """`tether` alone: the dashboard when there is a workspace, else the help and where to start."""
    from tether.cli.common import options
    from tether.workspace import find_workspace_file

    if not find_workspace_file(explicit=options(ctx).file).is_file():
        typer.echo(ctx.get_help())
        typer.echo("\nNo integrations.yaml here or above: `tether init` creates one; `make demo` shows the example.")
        return
    dash(ctx, probe=None, refresh=2.0, as_json=False)


def status_rows(ws: Workspace, store: Store, now: float) -> list[Any]:
    """Every integration's dashboard figures (the same figures the dashboard shows)."""
    from tether.figures import read_figures
    from tether.pricing import PriceBook

    return read_figures(ws.file, store, now, PriceBook.load(ws.root))


def print_status(ws: Workspace, store: Store, as_json: bool = False, now: float | None = None) -> None:
    from tether.clock import now as clock_now
    from tether.figures import Source
    from tether.tui import format as fmt

    rows = status_rows(ws, store, clock_now() if now is None else now)
    if as_json:
        print_json([r.to_json() for r in rows])
        return
    owners = {i.name: i.owner or "—" for i in ws.integrations}
    table = []
    for r in rows:
        cost = r.cost
        budget = "no budget" if cost.budget_usd is None else f"of {fmt.money(cost.budget_usd)}"
        over = " OVER (projected)" if cost.over_budget else ""
        table.append(
            [
                f"{fmt.SYMBOLS[r.state]} {r.state}",
                r.name,
                r.pattern,
                owners.get(r.name, "—"),
                fmt.percent(r.uptime.day),
                fmt.success_text(r.success.rate, r.success.source is Source.PROBES).plain,
                fmt.millis(r.processing.p95_ms),
                f"{fmt.money(cost.month_to_date_usd)} {budget}{over}",
                fmt.quality_text(r.quality_rate).plain,
            ]
        )
    print_table(HEADERS, table)


def launch(
    ws: Workspace,
    store_path: Path | str,
    *,
    probe: bool = False,
    env: Mapping[str, str] | None = None,
    headless: bool = False,
    on_first_paint: Callable[[TetherApp], None] | None = None,
    **settings: Any,
) -> TetherApp:
    """Run the app until the user quits (the CLI, the demo and the startup benchmark start it here)."""
    from tether.tui.app import Settings, TetherApp

    app = TetherApp(
        Settings(
            workspace=ws,
            store_path=str(store_path),
            env=env,
            probe=probe,
            user=_user(),
            on_first_paint=on_first_paint,
            **settings,
        )
    )
    app.run(headless=headless)
    if app.prober is not None:
        # The screen is gone already; the schedule finishes its batch (each probe has a timeout).
        app.prober.join(30)
    if app.return_code == INTERRUPTED:
        raise typer.Exit(INTERRUPTED)
    return app


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
