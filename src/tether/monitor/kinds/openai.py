"""OpenAI (or any OpenAI-compatible server): GET /v1/models with the bearer key."""

from __future__ import annotations

from tether.checks.openai import OpenAICheck
from tether.checks.result import Outcome
from tether.checks.states import State
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault, status_fault
from tether.monitor.fetch import fetch


async def probe(check: OpenAICheck, ctx: ProbeContext) -> Outcome:
    key = ctx.expand(check.api_key)
    url = ctx.expand(check.base_url).rstrip("/") + "/v1/models"
    got = await fetch(ctx.client, "GET", url, timeout=ctx.timeout, headers={"authorization": f"Bearer {key}"})
    request_id = got.headers.get("x-request-id")
    if got.status >= 300:  # a redirect not followed is no answer: say so, not "bad JSON"
        error = _error_type(got.body)
        raise status_fault(got.status, got.headers, error)
    data = got.json(what="the model list")
    models = data.get("data") if isinstance(data, dict) else None
    if not isinstance(models, list):
        raise ProbeFault(State.DOWN, Category.BAD_JSON, "the model list has no `data` list")
    ids = [m.get("id") for m in models if isinstance(m, dict)]
    outcome = Outcome(State.HEALTHY, f"key accepted, {len(ids)} models offered", Category.OK, request_id=request_id)
    outcome.metrics["models"] = len(ids)
    if check.model and check.model not in ids:
        outcome.state, outcome.category = State.DOWN, Category.NOT_FOUND
        outcome.reason = f"model {check.model} is not offered by this server"
    elif check.degraded_ms is not None and got.latency_ms > check.degraded_ms:
        outcome.state, outcome.category = State.DEGRADED, Category.SLOW
        outcome.reason = f"slow: {got.latency_ms:.0f} ms over {check.degraded_ms:g} ms"
    return outcome


def _error_type(body: bytes) -> str | None:
    import json

    try:
        data = json.loads(body)
    except ValueError:
        return None
    error = data.get("error") if isinstance(data, dict) else None
    value = error.get("type") or error.get("code") if isinstance(error, dict) else None
    return value if isinstance(value, str) else None
