"""The anthropic check against the sandbox: liveness on the engine's client, the canary through the SDK,
and each failure's reason."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.sandbox_fixtures import ProbeCheck
from tether.sandbox.server import Sandbox

ENV = {"ANTHROPIC_API_KEY": "sandbox-key"}


def claude(sandbox: Sandbox, **extra: Any) -> dict[str, Any]:
    return {"kind": "anthropic", "name": "claude", "base_url": sandbox.url, **extra}


async def test_liveness_costs_nothing(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(claude(sandbox), env=ENV)
    assert (row["state"], row["category"]) == ("healthy", "ok")
    assert row["reason"] == "key and model claude-haiku-4-5 accepted"
    assert row["tokens_in"] is None and row["cost_usd"] is None
    assert row["request_id"].startswith("req_sbx_")
    assert row["metrics"]["ratelimit"]["requests"] == {"limit": 1000, "remaining": 990}
    assert sandbox.requests["/v1/models"] == 1
    assert sandbox.requests["/v1/messages/count_tokens"] == 1
    assert sandbox.requests["/v1/messages"] == 0


async def test_canary_records_tokens_and_cost(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(claude(sandbox, canary={"prompt": "Say OK", "max_tokens": 5, "expect": "ok"}), env=ENV)
    assert row["state"] == "healthy", row["reason"]
    assert (row["tokens_in"], row["tokens_out"]) == (2, 1)
    assert row["cost_usd"] == pytest.approx((2 * 1.0 + 1 * 5.0) / 1e6)
    assert row["metrics"]["tokens_in"] == 2 and row["metrics"]["cost_usd"] == row["cost_usd"]


async def test_canary_reply_that_misses_the_expected_text(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(claude(sandbox, canary={"expect": "banana"}), env=ENV)
    assert (row["state"], row["category"]) == ("down", "condition_failed")
    assert "banana" in row["reason"]


async def test_model_retired_or_wrong(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(claude(sandbox, model="claude-2.1"), env=ENV)
    assert (row["state"], row["category"]) == ("down", "not_found")
    assert row["reason"] == "model retired or wrong: claude-2.1 is not found (HTTP 404)"


async def test_near_a_rate_limit_is_degraded(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.add_fault(route="/v1/*", headers={"anthropic-ratelimit-requests-remaining": "12"})
    row = await probe_check(claude(sandbox), env=ENV)
    assert (row["state"], row["category"]) == ("degraded", "near_limit")
    assert row["reason"] == "near a rate limit: requests 12/1000 left"


FAILURES = [
    ({"status": 401}, "auth", "bad key: HTTP 401"),
    ({"status": 403}, "auth", "bad key: HTTP 403"),
    ({"status": 429, "retry_after": 30}, "rate_limited", "rate limited (HTTP 429, retry after 30s)"),
    (
        {"status": 429, "error_code": "enforced_spend_limit_reached", "message": "monthly usage limit reached"},
        "spend_cap",
        "spend cap reached",
    ),
    ({"status": 529}, "overloaded", "overloaded (HTTP 529)"),
    ({"status": 500}, "server_error", "server error (HTTP 500)"),
    ({"status": 503}, "server_error", "server error (HTTP 503)"),
    ({"latency": 30.0}, "timeout", "timeout"),
    ({"drop": "before-response"}, "dropped", "connection dropped"),
]


@pytest.mark.parametrize(("fault", "category", "reason"), FAILURES, ids=[f[1] + str(f[0]) for f in FAILURES])
async def test_each_failure_has_its_own_reason(
    sandbox: Sandbox, probe_check: ProbeCheck, fault: dict[str, Any], category: str, reason: str
) -> None:
    sandbox.add_fault(route="/v1/models", **fault)
    # 1 s against a 30 s delay for the timeout, 10 s for answers: margins a slow machine meets.
    row = await probe_check(claude(sandbox), env=ENV, timeout=1.0 if "latency" in fault else 10.0)
    assert (row["state"], row["category"]) == ("down", category), row["reason"]
    assert reason in row["reason"]


async def test_retry_after_and_request_id_are_recorded(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.add_fault(route="/v1/messages/count_tokens", status=429, retry_after=12)
    row = await probe_check(claude(sandbox), env=ENV)
    assert row["metrics"]["retry_after_s"] == "12"
    assert row["request_id"].startswith("req_sbx_")


@pytest.mark.parametrize(("body", "category"), [("malformed-json", "bad_json"), ("html", "html")])
async def test_a_body_that_is_not_the_api_is_down(
    sandbox: Sandbox, probe_check: ProbeCheck, body: str, category: str
) -> None:
    sandbox.add_fault(route="/v1/models", body=body)
    row = await probe_check(claude(sandbox), env=ENV)
    assert (row["state"], row["category"]) == ("down", category), row["reason"]


async def test_missing_key_is_unknown(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(claude(sandbox), env={})
    assert f"{row['state']}: {row['reason']}" == "unknown: ANTHROPIC_API_KEY is not set"
    assert row["category"] == "config"
    assert sandbox.requests["/v1/models"] == 0


async def test_no_model_anywhere_is_unknown(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(claude(sandbox), env=ENV, ai_model=None)
    assert (row["state"], row["category"]) == ("unknown", "config")


async def test_connection_refused(refused_url: str, probe_check: ProbeCheck) -> None:
    row = await probe_check({"kind": "anthropic", "name": "claude", "base_url": refused_url}, env=ENV)
    assert (row["state"], row["category"]) == ("down", "refused"), row["reason"]


async def test_dns_failure(dns_fail_url: str, probe_check: ProbeCheck) -> None:
    row = await probe_check({"kind": "anthropic", "name": "claude", "base_url": dns_fail_url}, env=ENV)
    assert (row["state"], row["category"]) == ("down", "dns"), row["reason"]


SDK_LOADED = """
import asyncio, json, sys
from tether.model.integration import Integration
from tether.monitor.engine import Engine, make_jobs
check = json.loads(sys.argv[1])
integration = Integration.model_validate(
    {"name": "s", "title": "S", "pattern": "direct-api", "ai": {"provider": "anthropic", "model": "claude-haiku-4-5"},
     "checks": [check]}
)
async def main():
    async with Engine(make_jobs([integration], 60.0, 10.0), env={"ANTHROPIC_API_KEY": "sandbox-key"}) as engine:
        [result] = await engine.run_once()
    print(result.state, "anthropic" in sys.modules)
asyncio.run(main())
"""


@pytest.mark.parametrize(("extra", "sdk"), [({}, False), ({"canary": {"prompt": "Say OK"}}, True)])
def test_only_a_canary_imports_the_sdk(sandbox: Sandbox, extra: dict[str, Any], sdk: bool) -> None:
    check = json.dumps(claude(sandbox, **extra))
    done = subprocess.run([sys.executable, "-c", SDK_LOADED, check], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["healthy", str(sdk)], done.stderr
