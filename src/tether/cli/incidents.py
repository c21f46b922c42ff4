"""`tether incidents` and `tether ack`: what went wrong, and saying someone is on it."""

from __future__ import annotations

from typing import Annotated

import typer

from tether.cli import values
from tether.cli.common import load, open_db, print_json, print_table, user_errors


def register(app: typer.Typer) -> None:
    app.command("incidents")(list_incidents)
    app.command("ack")(ack)


def list_incidents(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only incidents still open.")] = False,
    limit: Annotated[int, typer.Option(parser=values.count(1), metavar="<count>", help="How many, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Incidents as JSON.")] = False,
) -> None:
    """List incidents, newest first: what failed, why, and when it opened, was acknowledged, resolved."""
    from tether.clock import iso
    from tether.store.incidents import incidents

    ws = load(ctx)
    with open_db(ctx, ws) as store:
        found = incidents(store, limit=limit, include_resolved=not open_only)
    if as_json:
        print_json([i.to_json() for i in found])
        return
    if not found:
        typer.echo("no incidents")
        return
    rows = [
        [
            f"#{i.id}",
            i.vendor if i.cause == "vendor" else f"{i.integration}/{i.check}" if i.check else i.integration,
            i.cause,
            "resolved" if i.resolved_at else "acknowledged" if i.acknowledged_at else "open",
            iso(i.opened_at),
            ", ".join(i.affected),
            i.reason,
            "; ".join(d.summary() for d in i.deliveries) or "-",
        ]
        for i in found
    ]
    print_table(["id", "what", "cause", "status", "opened", "affected", "reason", "alerts"], rows)


def ack(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(help="The incident's number, from `tether incidents`.")],
    by: Annotated[str | None, typer.Option(help="Who is on it (a name or email).")] = None,
) -> None:
    """Acknowledge an incident: reminders stop until it resolves."""
    from tether.clock import now
    from tether.store.incidents import acknowledge

    ws = load(ctx)
    with open_db(ctx, ws) as store, user_errors():
        incident = acknowledge(store, incident_id, now(), by)
    typer.echo(f"#{incident.id} acknowledged{f' by {by}' if by else ''}: {incident.reason}")
