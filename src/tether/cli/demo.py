"""`tether demo`: the dashboard over the loopback sandbox playing a scripted tour of trouble."""

from __future__ import annotations

import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tether.cli import values
from tether.cli.common import fail, load, user_errors

if TYPE_CHECKING:
    from tether.workspace import Workspace


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    port: Annotated[
        int, typer.Option(parser=values.port, metavar="<port>", help="Sandbox port on 127.0.0.1 (0: any free one).")
    ] = 0,
    keep: Annotated[
        Path | None,
        typer.Option(
            "--keep", help="Keep the demo's store in this folder instead of a throwaway one.", show_default=False
        ),
    ] = None,
) -> None:
    """Watch the bundled example live: no keys, no internet.

    Starts the sandbox on 127.0.0.1 with the `tour` scenario (an outage, a burst of 529 overloads,
    a slow spell, an automation whose spend runs over budget), probes it every few seconds in
    this process and opens the dashboard on a throwaway store, so states change within the first
    minute. Quitting stops everything it started. Without a terminal it probes twice, prints the
    status table and exits 0.
    """
    from tether.cli.dash import print_status
    from tether.clock import now
    from tether.demo import PROBE_EVERY, Demo
    from tether.store import open_store
    from tether.store.registry import sync_workspace

    ws = load(ctx)
    with tempfile.TemporaryDirectory(prefix="tether-demo-") as scratch:
        folder = keep if keep is not None else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        store_path = folder / "tether.db"
        with open_store(store_path) as store:
            sync_workspace(store, ws, now())
        with user_errors():
            session = Demo(ws, store_path, port=port)
        with ExitStack() as stack:
            try:
                stack.enter_context(session)
            except OSError as exc:
                fail(f"error: cannot start the demo sandbox on 127.0.0.1:{port}: {exc.strerror or exc}; try --port 0")
            typer.echo(f"tether demo: sandbox on {session.url}, store {store_path}", err=True)
            if not sys.stdout.isatty():
                _headless(ws, store_path, session.env)
                session.scorer.evaluated.wait(60)  # the quality column: the sample suites' first run
                with open_store(store_path) as store:
                    print_status(ws, store)
                return
            from tether.cli.dash import launch

            launch(
                ws,
                store_path,
                probe=True,
                env=session.env,
                probe_interval=PROBE_EVERY,
                max_jitter=1.0,
                budget_every=15.0,
                detail_span="1h",
                docs_out=folder / "reports",
                title=f"{ws.file.workspace.name} — tether demo",
                throwaway_store="" if keep is not None else THROWAWAY.format(store=store_path),
            )
            if keep is None:
                typer.echo(f"tether demo: {THROWAWAY.format(store=store_path)}", err=True)


THROWAWAY = "the demo's store {store} is deleted when it ends; `tether demo --keep DIR` keeps it (and any milestone)"


def _headless(ws: Workspace, store_path: Path, env: dict[str, str]) -> None:
    """Two rounds of probes (what the dashboard would show first)."""
    import time

    from tether.cli.dash import NEEDS_TERMINAL
    from tether.tui.probing import probe_once

    names = [i.name for i in ws.integrations]
    for round_ in range(2):
        probe_once(ws, str(store_path), names, env)
        if round_ == 0:
            time.sleep(1.0)
    typer.echo(NEEDS_TERMINAL, err=True)
