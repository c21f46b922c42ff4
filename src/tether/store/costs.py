"""The providers' own figures: daily cost and token usage as their admin APIs report them.

Amounts are kept as decimal strings in USD, exactly as converted (Anthropic reports cents as a
decimal string), so a reconciliation never inherits float rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlite_utils

from tether.store.db import Store


def _create(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE provider_costs (
            provider TEXT NOT NULL,
            day TEXT NOT NULL,
            amount_usd TEXT NOT NULL,
            fetched_at REAL NOT NULL,
            PRIMARY KEY (provider, day)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE provider_usage (
            provider TEXT NOT NULL,
            day TEXT NOT NULL,
            model TEXT NOT NULL,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cache_read_tokens INTEGER NOT NULL,
            cache_write_tokens INTEGER NOT NULL,
            fetched_at REAL NOT NULL,
            PRIMARY KEY (provider, day, model)
        )
        """
    )


MIGRATIONS = [("3004_provider_costs", _create)]


@dataclass(frozen=True)
class DailyCost:
    provider: str
    day: str
    """YYYY-MM-DD, UTC."""
    amount_usd: Decimal


@dataclass(frozen=True)
class DailyUsage:
    provider: str
    day: str
    model: str
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int


def save_provider_figures(
    store: Store, costs: Sequence[DailyCost], usage: Sequence[DailyUsage], fetched_at: float
) -> None:
    """Replace the stored days with what the provider reports now (a day's figure grows until it ends)."""
    with store.transaction() as db:
        db.conn.executemany(
            "INSERT OR REPLACE INTO provider_costs (provider, day, amount_usd, fetched_at) VALUES (?, ?, ?, ?)",
            [(c.provider, c.day, str(c.amount_usd), fetched_at) for c in costs],
        )
        db.conn.executemany(
            "INSERT OR REPLACE INTO provider_usage (provider, day, model, input_tokens, output_tokens, "
            "cache_read_tokens, cache_write_tokens, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    u.provider,
                    u.day,
                    u.model,
                    u.input_tokens,
                    u.output_tokens,
                    u.cache_read_tokens,
                    u.cache_write_tokens,
                    fetched_at,
                )
                for u in usage
            ],
        )


def provider_month_to_date(store: Store, month_prefix: str) -> dict[str, Decimal]:
    """Each provider's reported spend over the days starting with `month_prefix` (YYYY-MM), exactly."""
    totals: dict[str, Decimal] = {}
    for provider, amount in store.conn.execute(
        "SELECT provider, amount_usd FROM provider_costs WHERE day LIKE ? ORDER BY provider, day", [f"{month_prefix}-%"]
    ):
        totals[provider] = totals.get(provider, Decimal(0)) + Decimal(amount)
    return totals


def provider_tokens(store: Store, month_prefix: str) -> dict[str, dict[str, int]]:
    """Each provider's reported tokens by type over the month."""
    out: dict[str, dict[str, int]] = {}
    for row in store.conn.execute(
        "SELECT provider, SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens) "
        "FROM provider_usage WHERE day LIKE ? GROUP BY provider",
        [f"{month_prefix}-%"],
    ):
        out[row[0]] = dict(
            zip(
                ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"),
                (int(v or 0) for v in row[1:]),
                strict=True,
            )
        )
    return out
