"""The providers' own cost figures, for reconciling our estimate (needs an admin key).

- Anthropic Admin API: `GET /v1/organizations/cost_report` (daily buckets; each result's
  `amount` is a decimal string in cents, so "123.45" is $1.2345) and
  `GET /v1/organizations/usage_report/messages` (tokens by type per model and day).
- OpenAI: `GET /v1/organization/costs` (daily buckets; `amount.value` in dollars).

Both paginate with `has_more` and `next_page`. Keys are `${ENV}` references, expanded here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from tether.secrets import MissingEnv, env_names, expand, redact
from tether.store.costs import DailyCost, DailyUsage

CENTS = Decimal(100)
MAX_PAGES = 50


@dataclass(frozen=True)
class AdminAccess:
    """Where a provider's admin API is and the key to it (an `${ENV}` reference)."""

    provider: str
    base_url: str
    key_ref: str


DEFAULT_ACCESS = (
    AdminAccess("anthropic", "${ANTHROPIC_ADMIN_BASE_URL:-https://api.anthropic.com}", "${ANTHROPIC_ADMIN_API_KEY}"),
    AdminAccess("openai", "${OPENAI_ADMIN_BASE_URL:-https://api.openai.com}", "${OPENAI_ADMIN_KEY}"),
)


@dataclass
class ProviderFigures:
    provider: str
    costs: list[DailyCost] = field(default_factory=list)
    usage: list[DailyUsage] = field(default_factory=list)
    error: str | None = None
    configured: bool = True


def cents_to_usd(amount: str) -> Decimal:
    """Anthropic's `amount` (a decimal string of cents) as exact dollars."""
    return Decimal(amount) / CENTS


def _day(value: str | int | float) -> str:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC).strftime("%Y-%m-%d")
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).strftime("%Y-%m-%d")


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_anthropic_costs(pages: list[dict[str, Any]]) -> list[DailyCost]:
    days: dict[str, Decimal] = {}
    for page in pages:
        for bucket in page["data"]:
            day = _day(bucket["starting_at"])
            for result in bucket.get("results", []):
                if str(result.get("currency", "USD")).upper() != "USD":
                    continue
                days[day] = days.get(day, Decimal(0)) + cents_to_usd(str(result["amount"]))
    return [DailyCost("anthropic", day, amount) for day, amount in sorted(days.items())]


def parse_anthropic_usage(pages: list[dict[str, Any]]) -> list[DailyUsage]:
    totals: dict[tuple[str, str], list[int]] = {}
    for page in pages:
        for bucket in page["data"]:
            day = _day(bucket["starting_at"])
            for r in bucket.get("results", []):
                creation = r.get("cache_creation") or {}
                write = int(creation.get("ephemeral_5m_input_tokens", 0)) + int(
                    creation.get("ephemeral_1h_input_tokens", 0)
                )
                row = totals.setdefault((day, r.get("model") or "all"), [0, 0, 0, 0])
                row[0] += int(r.get("uncached_input_tokens", 0))
                row[1] += int(r.get("output_tokens", 0))
                row[2] += int(r.get("cache_read_input_tokens", 0))
                row[3] += write
    return [DailyUsage("anthropic", day, model, *values) for (day, model), values in sorted(totals.items())]


def parse_openai_costs(pages: list[dict[str, Any]]) -> list[DailyCost]:
    days: dict[str, Decimal] = {}
    for page in pages:
        for bucket in page["data"]:
            day = _day(bucket["start_time"])
            for result in bucket.get("results", []):
                amount = result.get("amount") or {}
                if str(amount.get("currency", "usd")).lower() != "usd":
                    continue
                # str() first: Decimal(0.06) would carry the float's binary error into the sum.
                days[day] = days.get(day, Decimal(0)) + Decimal(str(amount.get("value", 0)))
    return [DailyCost("openai", day, amount) for day, amount in sorted(days.items())]


async def _pages(
    client: httpx.AsyncClient, url: str, params: dict[str, Any], headers: dict[str, str]
) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    query = dict(params)
    for _ in range(MAX_PAGES):
        response = await client.get(url, params=query, headers=headers)
        response.raise_for_status()
        page = response.json()
        pages.append(page)
        if not page.get("has_more") or not page.get("next_page"):
            break
        query["page"] = page["next_page"]
    return pages


async def fetch(
    client: httpx.AsyncClient, access: AdminAccess, month_start: float, now: float, env: Mapping[str, str] | None = None
) -> ProviderFigures:
    """This month's figures from one provider; `configured=False` when its admin key is not set."""
    try:
        key = expand(access.key_ref, env)
        base = expand(access.base_url, env).rstrip("/")
    except MissingEnv:
        return ProviderFigures(access.provider, configured=False)
    figures = ProviderFigures(access.provider)
    try:
        if access.provider == "anthropic":
            headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
            window = {"starting_at": _rfc3339(month_start), "ending_at": _rfc3339(now), "bucket_width": "1d"}
            cost_pages = await _pages(client, f"{base}/v1/organizations/cost_report", window | {"limit": 31}, headers)
            figures.costs = parse_anthropic_costs(cost_pages)
            usage_pages = await _pages(
                client,
                f"{base}/v1/organizations/usage_report/messages",
                window | {"limit": 31, "group_by[]": "model"},
                headers,
            )
            figures.usage = parse_anthropic_usage(usage_pages)
        elif access.provider == "openai":
            headers = {"authorization": f"Bearer {key}"}
            params = {"start_time": int(month_start), "end_time": int(now) + 1, "bucket_width": "1d", "limit": 31}
            figures.costs = parse_openai_costs(await _pages(client, f"{base}/v1/organization/costs", params, headers))
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        figures.error = redact(f"{type(exc).__name__}: {exc}", env, env_names(access.key_ref))
    return figures
