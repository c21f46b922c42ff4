"""Stand-ins for the providers' admin cost APIs, in their real shapes, with fixed daily figures.

- Anthropic: `GET /v1/organizations/cost_report` (`amount` is a decimal string of cents) and
  `GET /v1/organizations/usage_report/messages` (tokens by type).
- OpenAI: `GET /v1/organization/costs` (also under `/openai/`), `amount.value` in dollars.

Daily buckets from `starting_at`/`start_time` up to now, paginated with `has_more` and
`next_page`. Figures are the same every day (DAILY_*), so tests know the exact totals.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tether.sandbox.http11 import Request, Response

if TYPE_CHECKING:
    from tether.sandbox.server import Sandbox

ANTHROPIC_DAILY_CENTS = ("123.45", "67.8901")
"""Two cost rows a day (input and output tokens): $1.2345 + $0.678901."""
ANTHROPIC_DAILY_USAGE = {
    "uncached_input_tokens": 150_000,
    "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 20_000},
    "cache_read_input_tokens": 80_000,
    "output_tokens": 40_000,
}
OPENAI_DAILY_USD = (0.06, 0.015)
PATHS = ("/v1/organizations/cost_report", "/v1/organizations/usage_report/messages", "/v1/organization/costs")


def handles(path: str) -> bool:
    return path.removeprefix("/openai") in PATHS


def _day_start(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _parse_time(value: str | None, default: datetime) -> datetime:
    if not value:
        return default
    if value.isdigit():
        return datetime.fromtimestamp(int(value), tz=UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _days(start: datetime, end: datetime) -> list[datetime]:
    out, day = [], _day_start(start)
    while day < end:
        out.append(day)
        day += timedelta(days=1)
    return out


def _page(items: list[Any], query: dict[str, str], default_limit: int) -> tuple[list[Any], str | None]:
    offset = int(query.get("page") or 0)
    limit = max(1, min(int(query.get("limit") or default_limit), 31))
    chunk = items[offset : offset + limit]
    more = offset + limit < len(items)
    return chunk, str(offset + limit) if more else None


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def admin_api(sandbox: Sandbox, request: Request, path: str) -> Response:
    path = path.removeprefix("/openai")
    now = datetime.fromtimestamp(sandbox.now(), tz=UTC)
    query = request.query
    try:
        if path == "/v1/organization/costs":
            if not request.headers.get("authorization", "").lower().startswith("bearer "):
                return Response.json({"error": {"message": "missing admin key", "type": "invalid_request_error"}}, 401)
            start = _parse_time(query.get("start_time"), now - timedelta(days=7))
            end = _parse_time(query.get("end_time"), now)
            buckets = [
                {
                    "object": "bucket",
                    "start_time": int(day.timestamp()),
                    "end_time": int((day + timedelta(days=1)).timestamp()),
                    "results": [
                        {
                            "object": "organization.costs.result",
                            "amount": {"value": v, "currency": "usd"},
                            "line_item": None,
                            "project_id": None,
                        }
                        for v in OPENAI_DAILY_USD
                    ],
                }
                for day in _days(start, min(end, now))
            ]
            data, next_page = _page(buckets, query, 7)
            return Response.json(
                {"object": "page", "data": data, "has_more": next_page is not None, "next_page": next_page}
            )
        if not request.headers.get("x-api-key"):
            return Response.json(
                {"type": "error", "error": {"type": "authentication_error", "message": "x-api-key header is required"}},
                401,
            )
        start = _parse_time(query.get("starting_at"), now - timedelta(days=7))
        end = _parse_time(query.get("ending_at"), now)
        days = _days(start, min(end, now))
        if path == "/v1/organizations/cost_report":
            rows: list[dict[str, Any]] = [
                {
                    "starting_at": _iso(day),
                    "ending_at": _iso(day + timedelta(days=1)),
                    "results": [
                        {
                            "amount": amount,
                            "currency": "USD",
                            "cost_type": "tokens",
                            "description": None,
                            "model": "claude-sonnet-4-5",
                            "service_tier": "standard",
                            "context_window": "0-200k",
                            "token_type": token_type,
                            "workspace_id": None,
                        }
                        for amount, token_type in zip(
                            ANTHROPIC_DAILY_CENTS, ("uncached_input_tokens", "output_tokens"), strict=True
                        )
                    ],
                }
                for day in days
            ]
        else:
            rows = [
                {
                    "starting_at": _iso(day),
                    "ending_at": _iso(day + timedelta(days=1)),
                    "results": [
                        {
                            **ANTHROPIC_DAILY_USAGE,
                            "model": "claude-sonnet-4-5",
                            "workspace_id": None,
                            "api_key_id": None,
                            "service_tier": "standard",
                            "context_window": "0-200k",
                            "server_tool_use": {},
                        }
                    ],
                }
                for day in days
            ]
        data, next_page = _page(rows, query, 7)
        return Response.json({"data": data, "has_more": next_page is not None, "next_page": next_page})
    except ValueError as exc:
        return Response.json({"type": "error", "error": {"type": "invalid_request_error", "message": str(exc)}}, 400)
