"""Anthropic: prove the key (GET /v1/models) and the model (count_tokens) for free; optionally a canary.

The two liveness calls are plain requests on the engine's shared client (`fetch`: its deadline,
its capped body reader, its true latency), shaped as the Messages API documents them
(https://docs.anthropic.com/en/api/models-list, https://docs.anthropic.com/en/api/messages-count-tokens,
errors as https://docs.anthropic.com/en/api/errors). Importing the anthropic SDK costs seconds on a
loaded machine, so only a check with a canary pays for it (`monitor/anthropic_canary.py`).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tether.checks.anthropic import AnthropicCheck
from tether.checks.result import Outcome
from tether.checks.states import State
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault, status_fault
from tether.monitor.fetch import Fetched, fetch, usable

API = "https://api.anthropic.com"
VERSION = "2023-06-01"
"""The `anthropic-version` header the API requires."""
LIMITS = ("requests", "tokens", "input-tokens", "output-tokens")
TIMEOUTS = {Category.TIMEOUT, Category.READ_TIMEOUT, Category.CONNECT_TIMEOUT, Category.SLOW_BODY}
RETRIED = {408, 409, 429}
"""Statuses worth another try (as the SDK retries them), with every 5xx."""


class Refused(Exception):
    """An error status from the API: its fault, and the headers it came with (limits, retry-after)."""

    def __init__(self, fault: ProbeFault, headers: Any) -> None:
        super().__init__(fault.reason)
        self.fault, self.headers = fault, headers


def prepare(check: AnthropicCheck) -> None:
    """Import what a run will need before any run is timed: the SDK, for a canary only."""
    if check.canary is not None:
        import tether.monitor.anthropic_canary  # noqa: F401


def _limits(headers: Any, into: dict[str, dict[str, int]]) -> None:
    for name in LIMITS:
        limit = headers.get(f"anthropic-ratelimit-{name}-limit")
        remaining = headers.get(f"anthropic-ratelimit-{name}-remaining")
        if limit is not None and remaining is not None and limit.isdigit() and remaining.isdigit():
            into[name] = {"limit": int(limit), "remaining": int(remaining)}


async def probe(check: AnthropicCheck, ctx: ProbeContext) -> Outcome:
    model = check.model or (ctx.integration.ai.model if ctx.integration.ai else None)
    if not model:
        raise ProbeFault(State.UNKNOWN, Category.CONFIG, "no model: set `model:` on the check or `ai.model`")
    key = ctx.expand(check.api_key)
    base_url = ctx.expand(check.base_url) if check.base_url else None
    if base_url is not None:
        usable(base_url)
    base = (base_url or API).rstrip("/")
    headers = {"x-api-key": key, "anthropic-version": VERSION, "content-type": "application/json"}
    limits: dict[str, dict[str, int]] = {}
    metrics: dict[str, Any] = {"model": model}
    outcome = Outcome(State.HEALTHY, "", Category.OK, metrics=metrics)
    latency = 0.0
    try:
        async with asyncio.timeout(ctx.timeout):
            step = "the model list"
            got = await _call(ctx, check, step, "GET", f"{base}/v1/models", headers, model, params={"limit": "100"})
            latency += _took(got, outcome, limits)
            if not isinstance(_json(got, step).get("data"), list):
                raise ProbeFault(State.DOWN, Category.BAD_JSON, f"{step}: the response is not the API's shape")
            step = "count_tokens"
            body = json.dumps({"model": model, "messages": [{"role": "user", "content": "ping"}]}).encode()
            got = await _call(ctx, check, step, "POST", f"{base}/v1/messages/count_tokens", headers, model, body)
            latency += _took(got, outcome, limits)
            tokens = _json(got, step).get("input_tokens")
            if not isinstance(tokens, int):
                raise ProbeFault(State.DOWN, Category.BAD_JSON, f"{step}: the response is not the API's shape")
            metrics["count_tokens"] = tokens
    except TimeoutError:
        raise ProbeFault(
            State.DOWN, Category.TIMEOUT, f"timeout: no answer to {step} within {ctx.timeout:g}s"
        ) from None
    except Refused as refused:
        return _failed(outcome, refused.fault, refused.headers, limits)
    if check.canary is not None:
        from tether.monitor import anthropic_canary

        try:
            sent_headers, took = await anthropic_canary.send(check, ctx, key, base_url, model, outcome)
        except Refused as refused:
            return _failed(outcome, refused.fault, refused.headers, limits)
        _limits(sent_headers, limits)
        latency += took
    outcome.latency_ms = latency
    if limits:
        metrics["ratelimit"] = limits
    if outcome.state is State.HEALTHY:
        _judge(check, outcome, limits)
    return outcome


async def _call(
    ctx: ProbeContext,
    check: AnthropicCheck,
    step: str,
    method: str,
    url: str,
    headers: dict[str, str],
    model: str,
    content: bytes | None = None,
    params: dict[str, str] | None = None,
) -> Fetched:
    """One request, retried `max_retries` times on what the API says is worth retrying."""
    for attempt in range(check.max_retries + 1):
        last = attempt == check.max_retries
        try:
            got = await fetch(
                ctx.client, method, url, timeout=ctx.timeout, headers=headers, params=params, content=content
            )
        except ProbeFault as fault:
            if fault.category in TIMEOUTS:
                raise TimeoutError from None  # named by its step above
            if last or fault.category not in (Category.REFUSED, Category.DROPPED):
                raise
            await asyncio.sleep(_backoff(attempt, None))
            continue
        if got.status < 400:
            return got
        if last or not (got.status in RETRIED or got.status >= 500):
            raise Refused(_error(got, step, model), got.headers)
        await asyncio.sleep(_backoff(attempt, got.headers.get("retry-after")))
    raise AssertionError("unreachable")


def _backoff(attempt: int, retry_after: str | None) -> float:
    """The API's own retry-after when it is short, else 0.5 s doubling to 8 s (as the SDK waits)."""
    if retry_after is not None and retry_after.isdigit() and int(retry_after) <= 60:
        return float(retry_after)
    return min(0.5 * 2.0**attempt, 8.0)


def _took(got: Fetched, outcome: Outcome, limits: dict[str, dict[str, int]]) -> float:
    outcome.request_id = got.headers.get("request-id") or outcome.request_id
    _limits(got.headers, limits)
    return got.latency_ms


def _json(got: Fetched, step: str) -> dict[str, Any]:
    if "text/html" in got.headers.get("content-type", ""):
        raise ProbeFault(State.DOWN, Category.HTML, f"{step}: an HTML page where the API's JSON was expected")
    try:
        data = json.loads(got.body)
    except ValueError:
        raise ProbeFault(State.DOWN, Category.BAD_JSON, f"{step}: the response is not valid JSON") from None
    if not isinstance(data, dict):
        raise ProbeFault(State.DOWN, Category.BAD_JSON, f"{step}: the response is not the API's shape")
    return data


def _error(got: Fetched, step: str, model: str) -> ProbeFault:
    """An error status as its fault: the API's {type: error, error: {type, message, details.error_code}}."""
    try:
        error = json.loads(got.body).get("error")
    except (ValueError, AttributeError):
        error = None
    error = error if isinstance(error, dict) else {}
    details = error.get("details")
    code = details.get("error_code") if isinstance(details, dict) else None
    kind, message = error.get("type"), str(error.get("message") or "")
    fault = status_fault(
        got.status, got.headers, code if isinstance(code, str) else kind if isinstance(kind, str) else None, message
    )
    if fault.category == Category.NOT_FOUND and step != "the model list":
        fault.reason = f"model retired or wrong: {model} is not found (HTTP 404)"
    if got.status == 400 and "credit balance" in message.lower():
        fault = ProbeFault(State.DOWN, Category.SPEND_CAP, "spend cap reached: the credit balance is too low")
    return fault


def _judge(check: AnthropicCheck, outcome: Outcome, limits: dict[str, dict[str, int]]) -> None:
    latency = outcome.latency_ms or 0.0
    tight = [
        f"{name} {v['remaining']}/{v['limit']} left"
        for name, v in limits.items()
        if v["limit"] > 0 and v["remaining"] / v["limit"] < check.near_limit
    ]
    if tight:
        outcome.state, outcome.category = State.DEGRADED, Category.NEAR_LIMIT
        outcome.reason = f"near a rate limit: {', '.join(tight)}"
    elif check.degraded_ms is not None and latency > check.degraded_ms:
        outcome.state, outcome.category = State.DEGRADED, Category.SLOW
        outcome.reason = f"slow: {latency:.0f} ms over {check.degraded_ms:g} ms"
    else:
        spent = f", canary {outcome.tokens_in}+{outcome.tokens_out} tokens" if outcome.tokens_in is not None else ""
        outcome.reason = f"key and model {outcome.metrics['model']} accepted{spent}"


def _failed(outcome: Outcome, fault: ProbeFault, headers: Any, limits: dict[str, dict[str, int]]) -> Outcome:
    outcome.state, outcome.category, outcome.reason = fault.state, str(fault.category), fault.reason
    retry = headers.get("retry-after")
    if retry:
        outcome.metrics["retry_after_s"] = retry
    outcome.request_id = headers.get("request-id") or outcome.request_id
    _limits(headers, limits)
    if limits:
        outcome.metrics["ratelimit"] = limits
    return outcome
