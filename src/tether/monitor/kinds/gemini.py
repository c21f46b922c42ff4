"""Gemini API: prove the key (`GET /v1beta/models`) and the model (`POST .../models/{m}:countTokens`), for free.

Plain httpx rather than the google-genai SDK, which costs far more to import than a probe run
should (docs/adr/0003 has the measurement). The same contract as the anthropic kind: distinct
reasons for a bad key, an unknown model, quota (429 RESOURCE_EXHAUSTED), overload (503
UNAVAILABLE) and a timeout. Errors are Google's {error: {code, message, status, details[]}}.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

from tether.checks.gemini import GeminiCheck
from tether.checks.result import Outcome
from tether.checks.states import State
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault, status_fault
from tether.monitor.fetch import Fetched, fetch
from tether.secrets import redact

TIMEOUTS = {Category.TIMEOUT, Category.READ_TIMEOUT, Category.CONNECT_TIMEOUT, Category.SLOW_BODY}


async def probe(check: GeminiCheck, ctx: ProbeContext) -> Outcome:
    model = (check.model or (ctx.integration.ai.model if ctx.integration.ai else None) or "").removeprefix("models/")
    if not model:
        raise ProbeFault(State.UNKNOWN, Category.CONFIG, "no model: set `model:` on the check or `ai.model`")
    key = ctx.expand(check.api_key)
    base = ctx.expand(check.base_url).rstrip("/") + "/v1beta"
    headers = {"x-goog-api-key": key, "content-type": "application/json"}
    start = time.perf_counter()
    listed = await _call(ctx, "the model list", "GET", f"{base}/models", headers, model, params={"pageSize": "1000"})
    names = [str(m.get("name", "")).removeprefix("models/") for m in listed.get("models") or [] if isinstance(m, dict)]
    if not isinstance(listed.get("models"), list):
        raise ProbeFault(State.DOWN, Category.BAD_JSON, "the model list: the response has no `models` list")
    if model not in names and not listed.get("nextPageToken"):
        raise ProbeFault(State.DOWN, Category.NOT_FOUND, f"model retired or wrong: {model} is not offered to this key")
    body = json.dumps({"contents": [{"role": "user", "parts": [{"text": "ping"}]}]}).encode()
    counted = await _call(
        ctx, "countTokens", "POST", f"{base}/models/{quote(model)}:countTokens", headers, model, content=body
    )
    tokens = counted.get("totalTokens")
    if not isinstance(tokens, int):
        raise ProbeFault(State.DOWN, Category.BAD_JSON, "countTokens: the response has no `totalTokens`")
    outcome = Outcome(State.HEALTHY, f"key and model {model} accepted", Category.OK)
    outcome.latency_ms = (time.perf_counter() - start) * 1000
    outcome.metrics.update(model=model, models=len(names), count_tokens=tokens)
    if check.degraded_ms is not None and outcome.latency_ms > check.degraded_ms:
        outcome.state, outcome.category = State.DEGRADED, Category.SLOW
        outcome.reason = f"slow: {outcome.latency_ms:.0f} ms over {check.degraded_ms:g} ms"
    return outcome


async def _call(
    ctx: ProbeContext,
    step: str,
    method: str,
    url: str,
    headers: dict[str, str],
    model: str,
    *,
    params: dict[str, str] | None = None,
    content: bytes | None = None,
) -> dict[str, Any]:
    try:
        got = await fetch(ctx.client, method, url, timeout=ctx.timeout, headers=headers, params=params, content=content)
    except ProbeFault as fault:
        if fault.category in TIMEOUTS:
            raise ProbeFault(
                State.DOWN, fault.category, f"timeout: no answer to {step} within {ctx.timeout:g}s"
            ) from None
        raise
    if got.status >= 400:
        raise _error(got, step, model)
    data = got.json(what=step)
    if not isinstance(data, dict):
        raise ProbeFault(State.DOWN, Category.BAD_JSON, f"{step}: the response is not the API's shape")
    return data


def _error(got: Fetched, step: str, model: str) -> ProbeFault:
    if got.is_html:
        return ProbeFault(State.DOWN, Category.HTML, f"{step}: an HTML page where the API's JSON was expected")
    try:
        error = json.loads(got.body).get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    error = error if isinstance(error, dict) else {}
    status = str(error.get("status") or "")
    message = redact(str(error.get("message") or ""))[:160]
    reasons = {str(d.get("reason")) for d in error.get("details") or [] if isinstance(d, dict) and d.get("reason")}
    if "API_KEY_INVALID" in reasons or "api key not valid" in message.lower() or got.status in (401, 403):
        why = "API_KEY_INVALID" if "API_KEY_INVALID" in reasons else status or f"HTTP {got.status}"
        return ProbeFault(State.DOWN, Category.AUTH, f"bad key: the Gemini API refused the key ({why})")
    if got.status == 404:
        return ProbeFault(State.DOWN, Category.NOT_FOUND, f"model retired or wrong: {model} is not found (HTTP 404)")
    if got.status == 429:
        retry = _retry_delay(error)
        return ProbeFault(
            State.DOWN, Category.RATE_LIMITED, f"quota exceeded: RESOURCE_EXHAUSTED (HTTP 429{retry}) on {step}"
        )
    if got.status == 503:
        return ProbeFault(State.DOWN, Category.OVERLOADED, f"overloaded: {message or 'UNAVAILABLE'} (HTTP 503)")
    fault = status_fault(got.status, got.headers, status, message)
    if message:
        fault.reason = f"{fault.reason}: {status or 'error'}: {message}"
    return fault


def _retry_delay(error: dict[str, Any]) -> str:
    for detail in error.get("details") or []:
        if isinstance(detail, dict) and detail.get("retryDelay"):
            return f", retry after {detail['retryDelay']}"
    return ""
