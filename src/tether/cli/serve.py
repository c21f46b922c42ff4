"""`tether serve`: heartbeats in, Prometheus metrics and JSON status out."""

from __future__ import annotations

from typing import Annotated

import typer

from tether.cli import values
from tether.cli.common import db_path, fail, load, open_db, user_errors


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default; pick another with care).")] = (
        "127.0.0.1"
    ),
    port: Annotated[
        int, typer.Option(parser=values.port, metavar="<port>", help="Port to listen on (0 picks a free one).")
    ] = 8787,
    probe: Annotated[bool, typer.Option("--probe", help="Also run the probe schedule in this process.")] = False,
    location: Annotated[
        str | None,
        typer.Option(
            help="Where this prober runs, on exported OTLP metrics (default: the host name).", show_default=False
        ),
    ] = None,
) -> None:
    """Serve heartbeats (POST /ping/NAME, POST /ping/NAME/fail), GET /metrics (Prometheus) and GET /api/status."""
    import asyncio

    from tether.monitor.session import Watching
    from tether.server.app import ServerConfig
    from tether.server.run import bind, make_server, probe_loop

    ws = load(ctx)
    path = str(db_path(ctx, ws))
    with open_db(ctx, ws):  # migrations and the registry sync happen once, up front
        pass
    with user_errors():
        watching = Watching.of(ws)
    config = ServerConfig(ws.file, ws.systems, path, book=watching.book)
    if probe:
        config.background.append(probe_loop(watching, path, location))
    try:
        sock = bind(host, port)
    except OSError as exc:
        fail(f"error: cannot listen on {host}:{port}: {exc.strerror}")
    bound_host, bound_port = sock.getsockname()[:2]
    server = make_server(config, sock)

    async def announce() -> None:
        # Said once uvicorn has started and handles Ctrl-C itself: from then on it stops cleanly.
        while not server.started:
            await asyncio.sleep(0.05)
        typer.echo(f"tether serve on http://{bound_host}:{bound_port} (metrics at /metrics); Ctrl-C stops it", err=True)

    async def run() -> None:
        ready = asyncio.create_task(announce())
        try:
            await server.serve(sockets=[sock])
        finally:
            ready.cancel()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)
        raise
