"""Hostile bodies (issue 14, defect 1): every check kind reads through one capped, decompression-aware reader.

A 50 MB body or a gzip bomb (256 MB decoded) is `too_large` at every kind, and the probe's memory
stays near the 1 MiB cap: measured with tracemalloc over the whole run (engine, SDK, store).
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from typing import Any

import pytest

from tests.hostile import Hostile
from tether.checks.result import CheckResult
from tether.model.integration import Integration
from tether.monitor.body import CappedBody
from tether.monitor.engine import Engine, make_jobs
from tether.monitor.faults import ProbeFault

PEAK_LIMIT = 24 * 1024 * 1024
"""Before the fix the peaks were 64 MB (http kinds, one inflated chunk) to 600 MB (anthropic)."""


async def probe_once(check: dict[str, Any]) -> CheckResult:
    data = {"name": "s", "title": "S", "pattern": "direct-api", "ai": {"provider": "anthropic", "model": "m"}}
    integration = Integration.model_validate({**data, "checks": [check]})
    async with Engine(make_jobs([integration], 60.0, 20.0), env={"K": "k"}) as engine:
        [result] = await engine.run_once()
    return result


def check_for(kind: str, base: str) -> dict[str, Any]:
    return {
        "anthropic": {"kind": "anthropic", "name": "c", "api_key": "${K}", "base_url": base},
        "http": {"kind": "http", "name": "c", "url": f"{base}/health", "conditions": ["[STATUS] == 200"]},
        "openai": {"kind": "openai", "name": "c", "api_key": "${K}", "base_url": base},
        "gemini": {"kind": "gemini", "name": "c", "model": "gemini-2.5-flash", "api_key": "${K}", "base_url": base},
        "n8n": {"kind": "n8n", "name": "c", "api_key": "${K}", "base_url": base},
        "make": {"kind": "make", "name": "c", "api_token": "${K}", "base_url": base, "scenario_id": 1},
        "zapier": {"kind": "zapier", "name": "c", "token": "${K}", "base_url": base, "zap_id": 1},
        "statuspage": {"kind": "statuspage", "name": "c", "url": f"{base}/api/v2/summary.json"},
    }[kind]


@pytest.mark.parametrize("mode", ["huge", "bomb"])
@pytest.mark.parametrize("kind", ["anthropic", "gemini", "http", "openai", "n8n", "make", "zapier", "statuspage"])
async def test_a_body_over_the_cap_is_too_large_in_bounded_memory(hostile: Hostile, kind: str, mode: str) -> None:
    await probe_once(check_for(kind, f"{hostile.url}/echo"))  # imports and caches are made before measuring
    tracemalloc.start()
    try:
        result = await probe_once(check_for(kind, f"{hostile.url}/{mode}"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.category == "too_large", result.reason
    assert "over the 1024 KiB cap" in result.reason
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.0f} MiB"


async def test_a_redirect_carrying_a_bomb_is_read_through_the_cap_too(hostile: Hostile) -> None:
    check = {**check_for("http", f"{hostile.url}/hop"), "follow_redirects": True}
    await probe_once(check)
    tracemalloc.start()
    try:
        result = await probe_once(check)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.category == "too_large", result.reason
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.0f} MiB"


def decode(raw: bytes, encoding: str, cap: int = 1024 * 1024, chunk: int = 1000) -> bytes:
    body = CappedBody(encoding, cap)
    return b"".join(piece for i in range(0, len(raw), chunk) for piece in body.feed(raw[i : i + chunk]))


TEXT = b'{"status": "UP"}' * 5000


@pytest.mark.parametrize(
    ("encoding", "raw"),
    [
        ("", TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)[2:-4]),  # raw deflate, which some servers send as "deflate"
        ("gzip, gzip", gzip.compress(gzip.compress(TEXT))),
    ],
)
def test_the_reader_decodes_what_it_asks_for(encoding: str, raw: bytes) -> None:
    assert decode(raw, encoding) == TEXT


def test_a_nested_bomb_is_refused_without_inflating_the_inner_layer() -> None:
    inner = gzip.compress(bytes(64 * 1024 * 1024))
    with pytest.raises(ProbeFault) as caught:
        decode(gzip.compress(inner), "gzip, gzip", chunk=64 * 1024)
    assert caught.value.category == "too_large"


@pytest.mark.parametrize(
    ("encoding", "raw", "reason"),
    [
        ("gzip", b"\x1f\x8b\x08\x00garbage-garbage", "the body's gzip encoding is corrupt"),
        ("br", b"\x0b\x02\x80hello\x03", "the body is br-encoded, which tether did not ask for"),
    ],
)
def test_a_broken_or_unasked_encoding_is_named(encoding: str, raw: bytes, reason: str) -> None:
    with pytest.raises(ProbeFault) as caught:
        decode(raw, encoding)
    assert (caught.value.category, caught.value.reason) == ("bad_encoding", reason)


@pytest.mark.parametrize(
    "check",
    [
        {"kind": "anthropic"},
        {"kind": "http"},
        {"kind": "http", "follow_redirects": True},
        {"kind": "openai"},
        {"kind": "gemini"},
        {"kind": "n8n"},
        {"kind": "make"},
        {"kind": "zapier"},
        {"kind": "statuspage"},
    ],
    ids=lambda c: "-".join(str(v) for v in c.values()),
)
async def test_a_redirect_loop_is_one_category_at_every_kind(hostile: Hostile, check: dict[str, Any]) -> None:
    """Defect 11: before, "not valid JSON", "APIConnectionError" and "unexpected: TooManyRedirects"."""
    result = await probe_once({**check_for(check["kind"], f"{hostile.url}/loop"), **check})
    assert result.category == "redirect_loop", result.reason
    assert "redirect loop: the server keeps redirecting" in result.reason
