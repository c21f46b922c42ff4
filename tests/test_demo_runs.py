"""The demo's integrations report their real work the ways a team's would, and the figures are exactly that work.

The Zap through Zapier's zap runs (read by the `zapier` check from the sandbox), the CRM backend
through OpenTelemetry GenAI spans (the stock SDK exporting to `tether serve`), the support
portal through heartbeats with token usage (HTTP pings to `tether serve`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tether import clock
from tether.demo import Demo
from tether.figures import Source, read_figures
from tether.model.tokens import TokenCounts
from tether.pricing import PriceBook
from tether.sandbox.run_history import history
from tether.store import open_store
from tether.store.registry import sync_integrations
from tether.tui.probing import probe_once
from tether.workspace import load_workspace


def _wait(done: Callable[[], bool], what: str, bound: float = 60.0) -> None:
    deadline = time.monotonic() + bound  # a bound on waiting, not a timing assertion
    while not done() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert done(), f"waited {bound:.0f} s for {what}"


def test_the_demo_s_runs_arrive_from_zap_runs_otlp_spans_and_heartbeats(workspace: Path) -> None:
    ws = load_workspace(workspace / "integrations.yaml")
    db = workspace / "demo.db"
    with open_store(db) as store:
        sync_integrations(store, ws.store_definitions(), clock.now())
    with Demo(ws, db, score_every=3600) as demo:
        assert demo.heartbeats is not None and demo.sandbox is not None
        [crm] = demo.backends
        _wait(lambda: len(crm.backend.made) >= 3 and demo.heartbeats.stored >= 3, "three spans and three pings")
        zap = next(w for w in demo.scenario.workflows if w.id == "4021")
        # The sandbox's clock, set so that each read falls 6 s from the Zap's next run (one every 12 s).
        demo.sandbox.anchor = clock.now() - 6  # the Zap started 6 s ago: no new run yet, 40 in the last day
        [first] = probe_once(ws, str(db), ["lead-intake-zapier/zap-runs"], demo.env)
        past = history(zap, demo.sandbox.anchor, demo.sandbox.anchor + 6, demo.sandbox.anchor + 6 - 86400)
        demo.sandbox.anchor = clock.now() - 42  # 36 s later: three new runs
        [second] = probe_once(ws, str(db), ["lead-intake-zapier/zap-runs"], demo.env)
        live = history(zap, demo.sandbox.anchor, demo.sandbox.anchor + 42)[:3]
    assert demo.heartbeats.refused == []
    assert (first.metrics["new_runs"], second.metrics["new_runs"]) == (len(past), len(live)) == (40, 3)
    calls = crm.backend.made  # every span was exported as it ended (SimpleSpanProcessor), so all are stored
    book = PriceBook.load(ws.root)
    with open_store(db) as store:
        figures = {f.name: f for f in read_figures(ws.file, store, clock.now(), book)}

    spans = figures["crm-followup-email"]
    assert (spans.success.source, spans.success.count) == (Source.RUNS, len(calls))
    assert spans.success.rate == pytest.approx(sum(c.ok for c in calls) / len(calls))
    priced = sum(
        (book.cost("claude-sonnet-4-6", TokenCounts(c.input_tokens, c.output_tokens)) or Decimal(0) for c in calls),
        Decimal(0),
    )
    assert priced > 0
    assert float(spans.cost.production_usd) == pytest.approx(float(priced), rel=1e-9)

    zapped = figures["lead-intake-zapier"]
    read = past + live
    assert (zapped.success_week.source, zapped.success_week.count) == (Source.RUNS, len(read))
    assert zapped.success_week.rate == pytest.approx(sum(not r.failed for r in read) / len(read))
    assert any(r.failed for r in read)  # the Zap's one failure in 25 is among them: the rate is not 100 %

    portal = figures["support-portal-rag"]
    assert (portal.success.source, portal.success.count) == (Source.RUNS, demo.heartbeats.stored)
    assert portal.processing.source is Source.RUNS
    assert portal.processing.p50_ms == pytest.approx(1800, rel=0.0905)  # each ping said 1.8 s
