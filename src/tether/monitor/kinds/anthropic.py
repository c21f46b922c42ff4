"""Anthropic: prove the key (GET /v1/models) and the model (count_tokens) for free; optionally a canary.

Uses the anthropic SDK (imported only when an anthropic check runs) with the check's base_url, timeout and retries.
Its HTTP client reads bodies through the same capped reader as every other kind (`monitor/sdk_http.py`);
one client per (base_url, key, settings) is kept for the engine's life.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any

import anthropic
from anthropic import AsyncAnthropic

from tether.checks.anthropic import AnthropicCheck
from tether.checks.result import Outcome
from tether.checks.states import State
from tether.model.tokens import TokenCounts
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault, status_fault, transport_fault
from tether.monitor.fetch import usable
from tether.monitor.sdk_http import BodyRefused, capped_client
from tether.pricing import PriceBook
from tether.secrets import redact

LIMITS = ("requests", "tokens", "input-tokens", "output-tokens")


def _client(ctx: ProbeContext, key: str, base_url: str | None, check: AnthropicCheck) -> AsyncAnthropic:
    ident = hashlib.sha256(f"{base_url}|{key}|{ctx.timeout}|{check.max_retries}".encode()).hexdigest()
    cache_key = f"anthropic:{ident}"
    client = ctx.shared.get(cache_key)
    if client is None:
        client = AsyncAnthropic(
            api_key=key,
            base_url=base_url,
            timeout=ctx.timeout,
            max_retries=check.max_retries,
            http_client=capped_client(),
        )
        ctx.shared[cache_key] = client
    return client


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
    client = _client(ctx, key, base_url, check)
    limits: dict[str, dict[str, int]] = {}
    metrics: dict[str, Any] = {"model": model}
    outcome = Outcome(State.HEALTHY, "", Category.OK, metrics=metrics)
    step = "the model list"
    start = time.perf_counter()
    try:
        async with asyncio.timeout(ctx.timeout):
            raw = await client.models.with_raw_response.list(limit=100)
            outcome.request_id = raw.headers.get("request-id")
            _limits(raw.headers, limits)
            _json_or_fault(raw.headers, step)
            await raw.parse()
            step = "count_tokens"
            counted = await client.messages.with_raw_response.count_tokens(
                model=model, messages=[{"role": "user", "content": "ping"}]
            )
            outcome.request_id = counted.headers.get("request-id") or outcome.request_id
            _limits(counted.headers, limits)
            _json_or_fault(counted.headers, step)
            metrics["count_tokens"] = (await counted.parse()).input_tokens
            if check.canary is not None:
                step = "the canary message"
                sent = await client.messages.with_raw_response.create(
                    model=model,
                    max_tokens=check.canary.max_tokens,
                    messages=[{"role": "user", "content": check.canary.prompt}],
                )
                outcome.request_id = sent.headers.get("request-id") or outcome.request_id
                _limits(sent.headers, limits)
                _json_or_fault(sent.headers, step)
                _canary(check, outcome, await sent.parse(), model, ctx.prices)
    except TimeoutError:
        raise ProbeFault(
            State.DOWN, Category.TIMEOUT, f"timeout: no answer to {step} within {ctx.timeout:g}s"
        ) from None
    except BodyRefused as exc:
        raise ProbeFault(exc.fault.state, exc.fault.category, f"{step}: {exc.fault.reason}") from None
    except anthropic.APIStatusError as exc:
        fault = status_fault(exc.status_code, exc.response.headers, exc.error_code or exc.type, exc.api_message or "")
        if fault.category == Category.NOT_FOUND and step != "the model list":
            fault.reason = f"model retired or wrong: {model} is not found (HTTP 404)"
        if exc.status_code == 400 and "credit balance" in (exc.api_message or "").lower():
            fault = ProbeFault(State.DOWN, Category.SPEND_CAP, "spend cap reached: the credit balance is too low")
        outcome.request_id = exc.request_id
        return _failed(outcome, fault, exc, limits)
    except anthropic.APITimeoutError as exc:
        fault = ProbeFault(State.DOWN, Category.TIMEOUT, f"timeout: no answer to {step} within {ctx.timeout:g}s")
        return _failed(outcome, fault, exc, limits)
    except anthropic.APIConnectionError as exc:
        return _failed(outcome, transport_fault(exc, step), exc, limits)
    except anthropic.APIResponseValidationError:
        raise ProbeFault(State.DOWN, Category.BAD_JSON, f"{step}: the response is not the API's shape") from None
    except (ValueError, AttributeError, TypeError):
        # The SDK parses JSON lazily; broken JSON surfaces here.
        raise ProbeFault(State.DOWN, Category.BAD_JSON, f"{step}: the response is not valid JSON") from None
    outcome.latency_ms = (time.perf_counter() - start) * 1000
    if limits:
        metrics["ratelimit"] = limits
    if outcome.state is State.HEALTHY:
        _judge(check, outcome, limits)
    return outcome


def _json_or_fault(headers: Any, step: str) -> None:
    if "text/html" in headers.get("content-type", ""):
        raise ProbeFault(State.DOWN, Category.HTML, f"{step}: an HTML page where the API's JSON was expected")


def _canary(check: AnthropicCheck, outcome: Outcome, message: Any, model: str, prices: PriceBook) -> None:
    usage = message.usage
    cache_write = getattr(usage, "cache_creation_input_tokens", None) or 0
    cache_read = getattr(usage, "cache_read_input_tokens", None) or 0
    outcome.tokens_in, outcome.tokens_out = usage.input_tokens, usage.output_tokens
    outcome.cost_usd = prices.token_cost(
        model, TokenCounts(usage.input_tokens, usage.output_tokens, cache_read, cache_write)
    )
    outcome.metrics.update(
        tokens_in=usage.input_tokens,
        tokens_out=usage.output_tokens,
        cache_creation_input_tokens=cache_write,
        cache_read_input_tokens=cache_read,
        cost_usd=outcome.cost_usd,
        stop_reason=message.stop_reason,
    )
    text = "".join(getattr(block, "text", "") for block in message.content)
    if check.canary is not None and check.canary.expect and check.canary.expect.lower() not in text.lower():
        outcome.state, outcome.category = State.DOWN, Category.CONDITION_FAILED
        outcome.reason = f"the canary reply does not contain {check.canary.expect!r}: {redact(text[:80])!r}"


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


def _failed(outcome: Outcome, fault: ProbeFault, exc: BaseException, limits: dict[str, dict[str, int]]) -> Outcome:
    outcome.state, outcome.category, outcome.reason = fault.state, str(fault.category), fault.reason
    response = getattr(exc, "response", None)
    if response is not None:
        retry = response.headers.get("retry-after")
        if retry:
            outcome.metrics["retry_after_s"] = retry
        _limits(response.headers, limits)
    if limits:
        outcome.metrics["ratelimit"] = limits
    return outcome
