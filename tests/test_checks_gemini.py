"""The gemini kind: the model list and countTokens (free), with a distinct reason for each way it fails."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.sandbox_fixtures import ProbeCheck
from tests.status_support import sample
from tether.sandbox.server import Sandbox

KEY = "AIzaSyFAKE-sandbox-key-0000000000000000"


def gemini(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "gemini",
        "name": "gemini-api",
        "base_url": "${TETHER_SANDBOX_URL:-https:/}/generativelanguage.googleapis.com",
        "api_key": "${GEMINI_API_KEY}",
        **extra,
    }


def env(sandbox: Sandbox) -> dict[str, str]:
    return {"TETHER_SANDBOX_URL": sandbox.url, "GEMINI_API_KEY": KEY}


async def test_key_and_model_accepted(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(gemini(model="gemini-2.5-flash"), env=env(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (
        "healthy",
        "ok",
        "key and model gemini-2.5-flash accepted",
    )
    assert (row["metrics"]["models"], row["metrics"]["count_tokens"]) == (3, 1)
    assert sandbox.requests["/gemini/v1beta/models/gemini-2.5-flash:countTokens"] == 1


async def test_the_model_comes_from_the_integration(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(gemini(), env=env(sandbox), ai_model="gemini-2.5-pro")
    assert row["reason"] == "key and model gemini-2.5-pro accepted"


@pytest.mark.parametrize(
    ("fault", "category", "reason"),
    [
        (
            {"route": "/gemini/v1beta/models", "status": 400, "error_type": "API_KEY_INVALID"},
            "auth",
            "bad key: the Gemini API refused the key (API_KEY_INVALID)",
        ),
        (
            {"route": "/gemini/*", "status": 429},
            "rate_limited",
            "quota exceeded: RESOURCE_EXHAUSTED (HTTP 429) on the model list",
        ),
        (
            {"route": "/gemini/*:countTokens", "status": 503},
            "overloaded",
            "overloaded: The model is overloaded. Please try again later. (HTTP 503)",
        ),
        (
            {"route": "/gemini/*", "latency": 30.0},
            "read_timeout",
            "timeout: no answer to the model list within 1s",
        ),
        (
            {"route": "/gemini/*", "body": "html"},
            "html",
            "the model list is an HTML page where JSON was expected",
        ),
    ],
)
async def test_each_failure_has_its_own_reason(
    sandbox: Sandbox, probe_check: ProbeCheck, fault: dict[str, Any], category: str, reason: str
) -> None:
    sandbox.add_fault(**fault)
    # 1 s against a 30 s delay for the timeout, 10 s for answers: margins a slow machine meets (issue 14).
    timeout = 1.0 if "latency" in fault else 10.0
    row = await probe_check(gemini(model="gemini-2.5-flash"), env=env(sandbox), timeout=timeout)
    assert (row["state"], row["category"], row["reason"]) == ("down", category, reason)


async def test_an_unknown_model(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(gemini(model="gemini-1.0-pro"), env=env(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (
        "down",
        "not_found",
        "model retired or wrong: gemini-1.0-pro is not offered to this key",
    )


async def test_count_tokens_404_is_a_retired_model(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.add_fault(route="/gemini/*:countTokens", status=404)
    row = await probe_check(gemini(model="gemini-2.5-flash"), env=env(sandbox))
    assert (row["category"], row["reason"]) == (
        "not_found",
        "model retired or wrong: gemini-2.5-flash is not found (HTTP 404)",
    )


async def test_googles_real_answer_to_a_bad_key(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.can("/gemini/v1beta/models", sample("gemini-key-invalid.json"), status=400)
    row = await probe_check(gemini(model="gemini-2.5-flash"), env=env(sandbox))
    assert (row["state"], row["category"], row["reason"]) == (
        "down",
        "auth",
        "bad key: the Gemini API refused the key (API_KEY_INVALID)",
    )


async def test_the_key_never_reaches_the_store(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    sandbox.add_fault(route="/gemini/*", status=400, error_type="API_KEY_INVALID")
    row = await probe_check(gemini(model="gemini-2.5-flash"), env=env(sandbox))
    assert KEY not in json.dumps(row)


async def test_a_missing_key_is_unknown(sandbox: Sandbox, probe_check: ProbeCheck) -> None:
    row = await probe_check(gemini(model="gemini-2.5-flash"), env={"TETHER_SANDBOX_URL": sandbox.url})
    assert (row["state"], row["reason"]) == ("unknown", "GEMINI_API_KEY is not set")
