"""The price of a canary's tokens, from rules/prices.yaml (tether.model.prices).

If the table cannot be read, or has no entry for the model, a small built-in table of list
prices per million tokens stands in, so a canary's cost is still recorded.
"""

from __future__ import annotations

from tether.errors import InputError
from tether.model.prices import PriceTable
from tether.workspace.rules import load_rules

# USD per million tokens: (input, output). Cache writes cost 1.25x input, cache reads 0.1x.
_FALLBACK: dict[str, tuple[float, float]] = {
    "claude-opus-4": (15.0, 75.0),
    "claude-sonnet-4": (3.0, 15.0),
    "claude-haiku-4": (1.0, 5.0),
    "claude-3-5-haiku": (0.8, 4.0),
}


def _table() -> PriceTable | None:
    try:
        return load_rules("prices.yaml", PriceTable)
    except (InputError, OSError):
        return None


def token_cost(
    model: str | None, tokens_in: int, tokens_out: int, cache_write: int = 0, cache_read: int = 0
) -> float | None:
    """USD for one call's usage, or None when the model's price is not known."""
    if not model:
        return None
    table = _table()
    price = table.model(model) if table is not None else None
    if price is not None:
        return round(price.cost(tokens_in, tokens_out, cache_read, cache_write), 8)
    rates = next((r for prefix, r in _FALLBACK.items() if model.startswith(prefix)), None)
    if rates is None:
        return None
    rate_in, rate_out = rates
    cache = cache_write * rate_in * 1.25 + cache_read * rate_in * 0.1
    return round((tokens_in * rate_in + cache + tokens_out * rate_out) / 1e6, 8)
