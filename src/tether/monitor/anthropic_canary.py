"""The anthropic check's canary: one real (billed) message through the anthropic SDK.

Only a check with `canary:` imports the SDK (seconds on a loaded machine); the liveness calls
(model list, token counting) are two plain requests on the engine's own client
(`monitor/kinds/anthropic.py`). One SDK client per (base_url, key, settings) lives as long as the engine.
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
from tether.monitor.kinds.anthropic import Refused
from tether.monitor.sdk_http import BodyRefused, capped_client
from tether.pricing import PriceBook
from tether.secrets import redact

STEP = "the canary message"


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


async def send(
    check: AnthropicCheck, ctx: ProbeContext, key: str, base_url: str | None, model: str, outcome: Outcome
) -> tuple[Any, float]:
    """Send the canary; its response headers and the time it took (ms). A failure is a ProbeFault."""
    assert check.canary is not None
    client = _client(ctx, key, base_url, check)
    start = time.perf_counter()
    try:
        async with asyncio.timeout(ctx.timeout):
            sent = await client.messages.with_raw_response.create(
                model=model,
                max_tokens=check.canary.max_tokens,
                messages=[{"role": "user", "content": check.canary.prompt}],
            )
            outcome.request_id = sent.headers.get("request-id") or outcome.request_id
            if "text/html" in sent.headers.get("content-type", ""):
                raise ProbeFault(State.DOWN, Category.HTML, f"{STEP}: an HTML page where the API's JSON was expected")
            _canary(check, outcome, await sent.parse(), model, ctx.prices)
            return sent.headers, (time.perf_counter() - start) * 1000
    except TimeoutError:
        raise ProbeFault(
            State.DOWN, Category.TIMEOUT, f"timeout: no answer to {STEP} within {ctx.timeout:g}s"
        ) from None
    except BodyRefused as exc:
        raise ProbeFault(exc.fault.state, exc.fault.category, f"{STEP}: {exc.fault.reason}") from None
    except anthropic.APIStatusError as exc:
        fault = status_fault(exc.status_code, exc.response.headers, exc.error_code or exc.type, exc.api_message or "")
        if fault.category == Category.NOT_FOUND:
            fault.reason = f"model retired or wrong: {model} is not found (HTTP 404)"
        if exc.status_code == 400 and "credit balance" in (exc.api_message or "").lower():
            fault = ProbeFault(State.DOWN, Category.SPEND_CAP, "spend cap reached: the credit balance is too low")
        outcome.request_id = exc.request_id
        raise Refused(fault, exc.response.headers) from None
    except anthropic.APITimeoutError:
        raise ProbeFault(
            State.DOWN, Category.TIMEOUT, f"timeout: no answer to {STEP} within {ctx.timeout:g}s"
        ) from None
    except anthropic.APIConnectionError as exc:
        raise transport_fault(exc, STEP) from None
    except anthropic.APIResponseValidationError:
        raise ProbeFault(State.DOWN, Category.BAD_JSON, f"{STEP}: the response is not the API's shape") from None
    except (ValueError, AttributeError, TypeError):
        # The SDK parses JSON lazily; broken JSON surfaces here.
        raise ProbeFault(State.DOWN, Category.BAD_JSON, f"{STEP}: the response is not valid JSON") from None


def _timed_out(ctx: ProbeContext) -> ProbeFault:
    return ProbeFault(State.DOWN, Category.TIMEOUT, f"timeout: no answer to {STEP} within {ctx.timeout:g}s")


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
