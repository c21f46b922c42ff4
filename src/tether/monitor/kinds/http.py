"""HTTP: call a URL, evaluate every condition, record each one's result."""

from __future__ import annotations

import json
from typing import Any

from tether.checks.conditions import MISSING, Observation, evaluate, parse_condition
from tether.checks.http import HttpCheck
from tether.checks.result import ConditionResult, Outcome
from tether.checks.states import State
from tether.model.tokens import TokenCounts
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, status_fault
from tether.monitor.fetch import fetch
from tether.pricing import PriceBook
from tether.secrets import redact


def _ai_fields(seen: Observation, prices: PriceBook) -> None:
    """Fill the AI placeholders from a response that carries them (Anthropic or OpenAI shapes)."""
    data = seen.json()
    if not isinstance(data, dict):
        return
    usage = data.get("usage")
    if isinstance(usage, dict):
        tin = usage.get("input_tokens", usage.get("prompt_tokens"))
        tout = usage.get("output_tokens", usage.get("completion_tokens"))
        seen.tokens_in = tin if isinstance(tin, int) else None
        seen.tokens_out = tout if isinstance(tout, int) else None
    if isinstance(data.get("model"), str):
        seen.model = data["model"]
    error = data.get("error")
    if isinstance(error, dict) and isinstance(error.get("type"), str):
        seen.error_type = error["type"]
    if seen.tokens_in is not None or seen.tokens_out is not None:
        seen.cost_usd = prices.token_cost(seen.model, TokenCounts(seen.tokens_in or 0, seen.tokens_out or 0))


def _body(check: HttpCheck, ctx: ProbeContext) -> tuple[bytes | None, dict[str, str]]:
    if check.body is None:
        return None, {}
    if isinstance(check.body, str):
        return ctx.expand(check.body).encode(), {}
    return ctx.expand(json.dumps(check.body)).encode(), {"content-type": "application/json"}


async def probe(check: HttpCheck, ctx: ProbeContext) -> Outcome:
    url = ctx.expand(check.url)
    headers = {name: ctx.expand(value) for name, value in check.headers.items()}
    content, extra = _body(check, ctx)
    got = await fetch(
        ctx.client,
        check.method,
        url,
        timeout=ctx.timeout,
        headers={**extra, **headers},
        content=content,
        follow_redirects=check.follow_redirects,
    )
    seen = Observation(status=got.status, response_time_ms=got.latency_ms, body=got.body)
    _ai_fields(seen, ctx.prices)
    results = []
    for text in check.conditions:
        ok, actual = evaluate(parse_condition(text), seen)
        results.append(ConditionResult(text, ok, redact(actual[:200])))
    outcome = Outcome(
        State.HEALTHY,
        f"{len(results)}/{len(results)} conditions hold",
        Category.OK,
        conditions=results,
        tokens_in=seen.tokens_in,
        tokens_out=seen.tokens_out,
        cost_usd=seen.cost_usd,
        request_id=got.headers.get("request-id") or got.headers.get("x-request-id"),
        metrics={"status": got.status, "bytes": len(got.body)},
    )
    failed = [r for r in results if not r.ok]
    if failed:
        outcome.state = State.DOWN
        first = failed[0]
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        outcome.reason = f"{first.condition} failed, saw {first.actual}{more}"
        outcome.category, label = _why(got.status, got.headers, seen, got.body)
        if label:
            outcome.reason = f"{label}: {outcome.reason}"
    elif check.degraded_ms is not None and got.latency_ms > check.degraded_ms:
        outcome.state, outcome.category = State.DEGRADED, Category.SLOW
        outcome.reason = f"slow: {got.latency_ms:.0f} ms over {check.degraded_ms:g} ms"
    return outcome


def _why(status: int, headers: Any, seen: Observation, body: bytes) -> tuple[Category, str]:
    """Why conditions failed, when there is a clearer cause than the condition itself."""
    if status >= 400:
        fault = status_fault(status, headers, seen.error_type)
        return fault.category, fault.reason
    head = body[:256].lstrip().lower()
    if "text/html" in headers.get("content-type", "") or head.startswith((b"<!doctype html", b"<html")):
        return Category.HTML, "HTML where JSON was expected"
    if body and seen.json() is MISSING:
        return Category.BAD_JSON, "malformed JSON"
    return Category.CONDITION_FAILED, ""
