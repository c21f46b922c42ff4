"""`tether costs`: month to date, projection, budget, and the gap to the providers' own figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import typer

from tether.cli.common import load, open_db, print_json, print_table, user_errors


def register(app: typer.Typer) -> None:
    app.command("costs")(costs)


def _usd(value: Decimal | None) -> str:
    return "" if value is None else f"${value:,.2f}"


def _signed_usd(value: float) -> str:
    return f"{'-' if value < 0 else '+'}${abs(value):,.2f}"


def costs(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="One integration (default: all).")] = None,
    refresh: Annotated[
        bool,
        typer.Option(help="Fetch the providers' figures first (needs ANTHROPIC_ADMIN_API_KEY / OPENAI_ADMIN_KEY)."),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Figures as JSON.")] = False,
) -> None:
    """Spend this month: model spend, monitoring spend, middleware plans, projection against budget."""
    import asyncio
    from datetime import UTC, datetime

    import httpx

    from tether.clock import now as clock_now
    from tether.figures import read_figures
    from tether.figures.month import month_of
    from tether.monitor.billing import DEFAULT_ACCESS, fetch
    from tether.pricing import PriceBook
    from tether.store.costs import provider_month_to_date, provider_tokens, save_provider_figures

    ws = load(ctx)
    with user_errors():
        if name is not None:
            ws.integration(name)
    now = clock_now()
    month = month_of(now)
    prefix = datetime.fromtimestamp(now, tz=UTC).strftime("%Y-%m")
    notes: list[str] = []
    with open_db(ctx, ws) as store:
        if refresh:

            async def pull() -> list[Any]:
                async with httpx.AsyncClient(timeout=20.0) as client:
                    return list(await asyncio.gather(*(fetch(client, a, month.start, now) for a in DEFAULT_ACCESS)))

            for figures in asyncio.run(pull()):
                if not figures.configured:
                    continue
                if figures.error:
                    notes.append(f"{figures.provider}: could not fetch its figures ({figures.error})")
                    continue
                save_provider_figures(store, figures.costs, figures.usage, now)
        with user_errors():
            book = PriceBook.load(ws.root)
        rows = read_figures(ws.file, store, now, book)
        reported = provider_month_to_date(store, prefix)
        tokens = provider_tokens(store, prefix)
    if name is not None:
        rows = [r for r in rows if r.name == name]
    integrations = {i.name: i for i in ws.integrations}
    ours: dict[str, Decimal] = {}
    for row in rows:
        integration = integrations[row.name]
        if integration.ai:
            provider = integration.ai.provider
            ours[provider] = ours.get(provider, Decimal(0)) + row.cost.production_usd + row.cost.monitoring_usd
    providers: list[dict[str, Any]] = []
    for provider in sorted(set(ours) | set(reported)):
        estimate = ours.get(provider, Decimal(0))
        figure = reported.get(provider)
        providers.append(
            {
                "provider": provider,
                "our_estimate_usd": float(round(estimate, 4)),
                "provider_usd": None if figure is None else str(figure),
                "gap_usd": None if figure is None else float(round(estimate - figure, 4)),
                "provider_tokens": tokens.get(provider),
            }
        )
    if as_json:
        print_json(
            {
                "month_starts_at": month.start,
                "integrations": [r.cost.to_json() for r in rows],
                "providers": providers,
                "notes": notes,
            }
        )
        return
    table = [
        [
            r.name,
            _usd(r.cost.production_usd),
            _usd(r.cost.monitoring_usd),
            _usd(r.cost.middleware_usd),
            _usd(r.cost.month_to_date_usd),
            _usd(r.cost.projected_usd),
            r.cost.basis.words,
            _usd(r.cost.budget_usd),
            "OVER BUDGET" if r.cost.over_budget else "",
        ]
        for r in rows
    ]
    headers = ["integration", "model", "monitoring", "middleware", "month to date", "projected", "from", "budget", ""]
    print_table(headers, table, title="This month (UTC)")
    if providers:
        typer.echo("")
        print_table(
            ["provider", "our estimate", "provider's figure", "gap"],
            [
                [
                    p["provider"],
                    f"${p['our_estimate_usd']:,.2f}",
                    "not configured" if p["provider_usd"] is None else f"${Decimal(str(p['provider_usd'])):,.2f}",
                    "" if p["gap_usd"] is None else _signed_usd(p["gap_usd"]),
                ]
                for p in providers
            ],
            title="Reconciliation (whole organisation, month to date)",
        )
    for note in notes:
        typer.echo(note, err=True)
