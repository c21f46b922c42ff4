"""Monitoring commands: probe (once or --watch), ping (a heartbeat), sandbox (the loopback stack)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tether.cli import progress, values
from tether.cli.common import fail, load, open_db, print_json, print_table, user_errors
from tether.wording import plural

if TYPE_CHECKING:
    from tether.checks.result import CheckResult
    from tether.monitor.engine import Job
    from tether.monitor.session import Watching
    from tether.store import Store
    from tether.workspace import Workspace

SANDBOX_PORT = 8765


def register(app: typer.Typer) -> None:
    app.command("probe")(probe)
    app.command("ping")(ping)
    app.command("sandbox")(sandbox)


def _jobs(ws: Workspace, names: list[str]) -> list[Job]:
    from tether.monitor.session import plan_jobs

    with user_errors():
        return plan_jobs(ws.file, names)
    raise AssertionError("unreachable")


def _latency(result: CheckResult) -> str:
    return "" if result.latency_ms is None else f"{result.latency_ms:.0f} ms"


def _row(result: CheckResult) -> list[Any]:
    return [result.integration, result.check, result.kind, str(result.state), _latency(result), result.reason]


def _summary(results: list[CheckResult]) -> list[list[Any]]:
    """Each integration's state: the worst of its checks (unknown never masks down)."""
    from tether.checks.states import worst

    grouped: dict[str, list[CheckResult]] = {}
    for r in results:
        grouped.setdefault(r.integration, []).append(r)
    return [[name, str(worst(r.state for r in rows)), len(rows)] for name, rows in grouped.items()]


def probe(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, typer.Argument(help="Integrations (or integration/check) to probe; all when none.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per check.")] = False,
    watch: Annotated[bool, typer.Option("--watch", help="Keep probing on each check's interval until Ctrl-C.")] = False,
    use_sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Start the loopback sandbox and point every check at it.")
    ] = False,
    scenario: Annotated[
        str | None, typer.Option(help="Sandbox scenario: a YAML file or a bundled name (demo).", show_default=False)
    ] = None,
    concurrency: Annotated[
        int, typer.Option(parser=values.count(1, 1000), metavar="<1-1000>", help="Checks in flight at once.")
    ] = 50,
    location: Annotated[
        str | None,
        typer.Option(
            help="Where this prober runs, on exported OTLP metrics (default: the host name).", show_default=False
        ),
    ] = None,
) -> None:
    """Run the checks once and show each one's health; --watch keeps them on their schedules.

    With OTEL_EXPORTER_OTLP_ENDPOINT set, results and figures are also exported as OTLP metrics
    with a `location` attribute (--location), for one collector fed by probers in many places.

    Exit codes: 0 when no check is down or unknown (healthy or degraded), 1 when any check is
    down or unknown, 2 for bad input (integrations.yaml, a scenario, an unknown name).
    With --sandbox, TETHER_SANDBOX_URL points at an in-process sandbox and every unset ${ENV}
    a check uses gets a stand-in value, so the bundled example runs with no keys or internet.
    """
    import asyncio
    from contextlib import ExitStack

    from tether.checks.states import is_failing

    ws = load(ctx)
    jobs = _jobs(ws, names or [])
    if not jobs:
        fail("no checks to run; add some under `checks:` in integrations.yaml", 1)
    env: dict[str, str] | None = None
    with ExitStack() as stack:
        if use_sandbox or scenario:
            from tether.sandbox.env import sandbox_env
            from tether.sandbox.scenario import load_scenario
            from tether.sandbox.server import running_sandbox

            with user_errors():
                loaded = load_scenario(scenario) if scenario else None
            box = stack.enter_context(running_sandbox(loaded))
            env = {**os.environ, **sandbox_env(ws, box.url)}
        store = stack.enter_context(open_db(ctx, ws))
        from tether.monitor.session import Watching

        with user_errors():
            watching = Watching.of(ws, env)
        if watch:
            _watch(watching, store, jobs, concurrency, as_json, location)
            return
        results = asyncio.run(_once(watching, store, jobs, concurrency, location, shown=progress.wanted(as_json)))
    if as_json:
        print_json([r.to_json() for r in results])
    else:
        print_table(["integration", "check", "kind", "state", "latency", "reason"], [_row(r) for r in results])
        typer.echo("")
        print_table(["integration", "state", "checks"], _summary(results))
    raise typer.Exit(1 if any(is_failing(r.state) for r in results) else 0)


async def _once(
    watching: Watching, store: Store, jobs: list[Job], concurrency: int, location: str | None, shown: bool
) -> list[CheckResult]:
    from contextlib import nullcontext

    from tether.monitor.session import monitoring

    bar = progress.ProbeProgress(len(jobs)) if shown else None
    with bar.drawn() if bar is not None else nullcontext():
        async with monitoring(
            watching,
            store,
            jobs,
            concurrency=concurrency,
            location=location,
            on_start=bar.started if bar is not None else None,
            on_result=bar.finished if bar is not None else None,
        ) as engine:
            return await engine.run_once()


def _watch(
    watching: Watching, store: Store, jobs: list[Job], concurrency: int, as_json: bool, location: str | None
) -> None:
    import asyncio
    import json

    from tether.clock import iso, stamped
    from tether.monitor.session import monitoring

    last: dict[str, str] = {}

    def show(batch: list[CheckResult]) -> None:
        # Every run gets its line, a steady `unknown` too: a user sees that the checks run.
        for r in batch:
            key = f"{r.integration}/{r.check}"
            if as_json:
                typer.echo(json.dumps(stamped(r.to_json()), default=str))
                continue
            before = last.get(key)
            state = str(r.state) if before in (None, r.state) else f"{r.state} (was {before})"
            latency = f"  {_latency(r)}" if r.latency_ms is not None else ""
            typer.echo(f"{iso(r.started_at)}  {key}  {state}{latency}  {r.reason}")
            last[key] = str(r.state)

    async def run() -> None:
        async with monitoring(
            watching, store, jobs, sinks=[show], concurrency=concurrency, location=location
        ) as engine:
            await engine.watch()

    if not as_json:
        typer.echo(f"watching {plural(len(jobs), 'check')}; one line per run; Ctrl-C stops", err=True)
    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        # asyncio.run cancelled the engine, which committed its last batch before this point.
        typer.echo("stopped", err=True)
        raise


def ping(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The integration (or integration/check) whose automation ran.")],
    failed: Annotated[bool, typer.Option("--fail", help="The run failed.")] = False,
    duration: Annotated[
        float | None,
        typer.Option(
            parser=values.duration(),
            metavar="<duration>",
            help="How long the run took: 2.5s, 250ms, 1m (a bare number is seconds).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Record a heartbeat for an automation that cannot be polled (Zapier, Make)."""
    from tether.clock import now
    from tether.monitor.maintenance import excluder
    from tether.store.heartbeats import PingRecord, record_pings

    ws = load(ctx)
    integration_name, _, check_name = name.partition("/")
    with user_errors():
        integration = ws.integration(integration_name)
    beats = [c.name for c in integration.checks if c.kind == "heartbeat" and (not check_name or c.name == check_name)]
    if not beats:
        fail(f"error: {name} has no heartbeat check; add one (kind: heartbeat) under its `checks:`")
    if len(beats) > 1:
        fail(f"error: {integration.name} has several heartbeat checks; name one: {integration.name}/{beats[0]}")
    with open_db(ctx, ws) as store:
        at = now()
        record = PingRecord(integration.name, beats[0], at, ok=not failed, duration_s=duration)
        record_pings(store, [record], excluder(ws.file), at)
    typer.echo(f"recorded a {'failed' if failed else 'successful'} run for {integration.name}/{beats[0]}")


def sandbox(
    ctx: typer.Context,
    port: Annotated[
        int, typer.Option(parser=values.port, metavar="<port>", help="Port on 127.0.0.1 (0: any free one).")
    ] = SANDBOX_PORT,
    scenario: Annotated[
        str | None, typer.Option(help="A scenario YAML file or a bundled name (demo).", show_default=False)
    ] = None,
) -> None:
    """Serve stand-ins of the integration stack on 127.0.0.1, with scripted faults, until Ctrl-C.

    Anthropic (models, messages, count_tokens), OpenAI models, the Gemini API, each vendor's
    status feed on its own platform (Statuspage, incident.io, Slack, Google, Salesforce Trust,
    Microsoft Graph), the n8n public API, a CRM webhook and a custom app. It prints the environment to export so
    integrations.yaml's ${TETHER_SANDBOX_URL:-...} references point here.
    """
    import asyncio

    from tether.sandbox.scenario import load_scenario
    from tether.sandbox.server import Sandbox

    with user_errors():
        loaded = load_scenario(scenario) if scenario else None
    from tether.errors import InputError
    from tether.sandbox.env import sandbox_env
    from tether.startup import settled
    from tether.workspace import load_workspace

    ws: Workspace | None
    try:
        ws = load_workspace(_file(ctx))
    except InputError:  # no usable workspace here: print the sandbox URL alone
        ws = None
    settled()  # it serves until stopped: the collector runs from here on (tether.startup)

    async def serve() -> None:
        box = Sandbox(loaded, port=port)
        try:
            await box.start()
        except OSError as exc:
            fail(f"error: cannot listen on 127.0.0.1:{port}: {exc.strerror}; try --port 0")
        typer.echo(f"tether sandbox on {box.url} (scenario: {scenario or 'default'}); Ctrl-C stops", err=True)
        exports = sandbox_env(ws, box.url) if ws is not None else {"TETHER_SANDBOX_URL": box.url}
        for name, value in exports.items():
            typer.echo(f"export {name}={value}")
        try:
            await asyncio.Event().wait()
        finally:
            await box.stop()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)
        raise


def _file(ctx: typer.Context) -> Path | None:
    from tether.cli.common import options

    return options(ctx).file
