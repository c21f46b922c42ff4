"""Alerts: thresholds, reminders, resolution, dependency suppression, maintenance, delivery to loopback receivers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.receivers import Receiver, receiver  # noqa: F401
from tether import clock
from tether.checks.result import CheckResult
from tether.checks.states import State
from tether.model.alerts import SlackChannel, WebhookChannel
from tether.monitor.channels import Notice, channel_id, deliver
from tether.monitor.engine import Engine, make_jobs
from tether.monitor.watch import Watcher
from tether.store import Store, open_store
from tether.store.incidents import Incident, incidents, notifications
from tether.store.results import record_results
from tether.store.rollups import Evidence, windows
from tether.workspace import Workspace, load_workspace

T0 = 1_780_000_000.0

WORKSPACE = """
version: 1
workspace: {name: t, timezone: Europe/London}
defaults:
  alerts: {failure_threshold: 3, success_threshold: 2, send_on_resolved: true, reminder: 10m}
integrations:
  - name: leads
    title: Lead replies
    pattern: direct-api
    source: web-form
    ai: {provider: anthropic, model: claude-haiku-4-5}
    checks:
      - {kind: heartbeat, name: beat, period: 1h}
      - {kind: statuspage, name: claude-status, url: "http://127.0.0.1:9/status/anthropic", depends_on: [anthropic]}
    alerts:
      - {kind: webhook, url: "${HOOK_URL}"}
  - name: support
    title: Support answers
    pattern: custom-app
    source: support-portal
    ai: {provider: anthropic, model: claude-haiku-4-5}
    checks:
      - {kind: heartbeat, name: beat, period: 1h}
    alerts:
      - {kind: webhook, url: "${HOOK_URL}"}
      - {kind: slack, webhook_url: "${SLACK_URL}", failure_threshold: 5, send_on_resolved: false}
  - name: crm-sync
    title: CRM sync
    pattern: direct-api
    source: crm
    destinations: [spreadsheet]
    checks:
      - {kind: heartbeat, name: beat, period: 1h}
    alerts:
      - {kind: webhook, url: "${HOOK_URL}"}
  - name: nightly
    title: Nightly export
    pattern: direct-api
    source: crm
    maintenance:
      - {start: "2026-05-01 00:00", duration: 2h, repeat: daily, timezone: UTC}
    checks:
      - {kind: heartbeat, name: beat, period: 1h}
    alerts:
      - {kind: webhook, url: "${HOOK_URL}"}
"""


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    path = tmp_path / "integrations.yaml"
    path.write_text(WORKSPACE, encoding="utf-8")
    return load_workspace(path)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "tether.db") as s:
        yield s


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The clock, fixed and movable: now[0] is the time."""
    moment = [T0 + 12 * 3600]  # 12:00 UTC: outside the nightly window
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return moment


@pytest.fixture
def watcher(ws: Workspace, store: Store, receiver: Receiver) -> Watcher:  # noqa: F811
    env = {"HOOK_URL": receiver.url + "/hook", "SLACK_URL": receiver.url + "/slack"}
    return Watcher(ws.file, ws.systems, store, env=env, budget_every=float("inf"))


def run(integration: str, check: str, ts: float, ok: bool, reason: str = "") -> CheckResult:
    state = State.HEALTHY if ok else State.DOWN
    return CheckResult(integration, check, "heartbeat", state, reason or str(state), "ok", ts, None)


async def feed(watcher: Watcher, store: Store, *batch: CheckResult) -> None:
    record_results(store, list(batch))
    watcher(list(batch))
    await watcher.drain()


def open_ones(store: Store) -> list[Incident]:
    return [i for i in incidents(store) if i.resolved_at is None]


async def test_failure_threshold_opens_and_success_threshold_resolves(
    watcher: Watcher,
    store: Store,
    receiver: Receiver,  # noqa: F811
    now: list[float],
) -> None:
    t = now[0]
    for k in range(2):
        await feed(watcher, store, run("crm-sync", "beat", t + k, False, "no ping for 2h"))
    assert open_ones(store) == []
    await feed(watcher, store, run("crm-sync", "beat", t + 2, False, "no ping for 2h"))
    [incident] = open_ones(store)
    assert (incident.cause, incident.integration, incident.check, incident.reason) == (
        "check",
        "crm-sync",
        "beat",
        "no ping for 2h",
    )
    assert incident.opened_at == t + 2
    assert [b["event"] for b in receiver.bodies] == ["opened"]
    assert receiver.bodies[0]["incident"]["integration"] == "crm-sync"

    await feed(watcher, store, run("crm-sync", "beat", t + 3, True))
    assert len(open_ones(store)) == 1  # one success is not enough
    await feed(watcher, store, run("crm-sync", "beat", t + 4, True))
    assert open_ones(store) == []
    assert incidents(store)[0].resolved_at == t + 4
    assert [b["event"] for b in receiver.bodies] == ["opened", "resolved"]


async def test_reminders_respect_the_interval_and_stop_once_acknowledged(
    watcher: Watcher,
    store: Store,
    receiver: Receiver,  # noqa: F811
    now: list[float],
) -> None:
    from tether.store.incidents import acknowledge

    t = now[0]
    for k in range(3):
        await feed(watcher, store, run("crm-sync", "beat", t + k, False))
    now[0] = t + 5 * 60  # five minutes on: within the 10m reminder interval
    await feed(watcher, store, run("crm-sync", "beat", now[0], False))
    assert [b["event"] for b in receiver.bodies] == ["opened"]
    now[0] = t + 11 * 60
    await feed(watcher, store, run("crm-sync", "beat", now[0], False))
    assert [b["event"] for b in receiver.bodies] == ["opened", "reminder"]
    acknowledge(store, open_ones(store)[0].id, now[0], "sam")
    now[0] = t + 40 * 60
    await feed(watcher, store, run("crm-sync", "beat", now[0], False))
    assert [b["event"] for b in receiver.bodies] == ["opened", "reminder"]
    assert open_ones(store)[0].acknowledged_by == "sam"


async def test_each_channel_has_its_own_threshold_and_resolution_setting(
    watcher: Watcher,
    store: Store,
    receiver: Receiver,  # noqa: F811
    now: list[float],
) -> None:
    t = now[0]
    for k in range(5):
        await feed(watcher, store, run("support", "beat", t + k, False))
        paths = list(receiver.paths)
        # The webhook (threshold 3) hears at the third failure, Slack (threshold 5) at the fifth.
        assert paths.count("/hook") == (1 if k >= 2 else 0)
        assert paths.count("/slack") == (1 if k >= 4 else 0)
    slack = receiver.bodies[receiver.paths.index("/slack")]
    assert set(slack) >= {"text", "blocks"}
    assert "Support answers" in slack["text"]
    for k in range(2):
        await feed(watcher, store, run("support", "beat", t + 10 + k, True))
    assert receiver.paths.count("/hook") == 2  # opened, resolved
    assert receiver.paths.count("/slack") == 1  # send_on_resolved: false


async def test_a_vendor_outage_is_one_incident_naming_the_vendor(
    watcher: Watcher,
    store: Store,
    receiver: Receiver,  # noqa: F811
    now: list[float],
) -> None:
    t = now[0]
    for k in range(3):
        await feed(
            watcher,
            store,
            run("leads", "claude-status", t + k, False, "Anthropic API: major outage"),
            run("leads", "beat", t + k, False),
            run("support", "beat", t + k, False),
            run("crm-sync", "beat", t + k, False),  # does not use Anthropic: its own incident
        )
    found = open_ones(store)
    vendor = [i for i in found if i.cause == "vendor"]
    own = [i for i in found if i.cause == "check"]
    assert len(vendor) == 1
    assert vendor[0].vendor == "anthropic"
    assert "Claude (Anthropic API)" in vendor[0].reason
    assert sorted(vendor[0].affected) == ["leads", "support"]
    assert [(i.integration, i.check) for i in own] == [("crm-sync", "beat")]
    hooks = [b for b, p in zip(receiver.bodies, receiver.paths, strict=True) if p == "/hook"]
    # leads and support share one webhook: it hears of the outage once, plus crm-sync's own incident.
    assert sorted(b["incident"]["cause"] for b in hooks) == ["check", "vendor"]

    for k in range(2):
        await feed(watcher, store, run("leads", "claude-status", t + 10 + k, True))
    assert [i.cause for i in open_ones(store)] == ["check"]
    hooks = [b for b, p in zip(receiver.bodies, receiver.paths, strict=True) if p == "/hook"]
    assert [b["event"] for b in hooks if b["incident"]["cause"] == "vendor"] == ["opened", "resolved"]


async def test_dependants_still_failing_after_the_vendor_recovers_open_their_own(
    watcher: Watcher, store: Store, now: list[float]
) -> None:
    t = now[0]
    for k in range(3):
        await feed(watcher, store, run("leads", "claude-status", t + k, False), run("support", "beat", t + k, False))
    for k in range(2):
        await feed(watcher, store, run("leads", "claude-status", t + 5 + k, True))
    await feed(watcher, store, run("support", "beat", t + 8, False))
    assert [(i.cause, i.integration) for i in open_ones(store)] == [("check", "support")]


async def test_maintenance_silences_alerts_and_stays_out_of_uptime(
    watcher: Watcher,
    store: Store,
    receiver: Receiver,  # noqa: F811
    now: list[float],
) -> None:
    inside = T0 - (T0 % 86400) + 86400 + 1800  # 00:30 UTC the next day, inside the daily 00:00-02:00 window
    now[0] = inside + 60
    for k in range(5):
        await feed(watcher, store, run("nightly", "beat", inside + k, False))
    assert open_ones(store) == []
    assert receiver.bodies == []
    day = windows(store, now[0], now[0] - 86400)[("nightly", "beat", Evidence.PROBE)].day
    assert day.count == 5
    assert day.uptime is None  # every run was inside the window
    outside = inside + 3 * 3600
    now[0] = outside
    for k in range(3):
        await feed(watcher, store, run("nightly", "beat", outside + k, False))
    assert [i.integration for i in open_ones(store)] == ["nightly"]


def incident() -> Incident:
    return Incident(1, "check:a/b", "check", "a", "b", None, "HTTP 503", "http", T0, T0, affected=["a"])


async def test_delivery_problems_are_reported_without_the_url(receiver: Receiver) -> None:  # noqa: F811
    import httpx

    channel = WebhookChannel(url="${HOOK_URL}")
    notice = Notice("opened", incident(), channel, channel_id(channel), "A")
    async with httpx.AsyncClient() as client:
        missing = await deliver(client, notice, env={})
        assert not missing.ok
        assert missing.error == "HOOK_URL is not set"
        receiver.status = 500
        refused = await deliver(client, notice, env={"HOOK_URL": receiver.url})
        assert (refused.ok, refused.error) == (False, "HTTP 500")
        receiver.status = 200
        slack = SlackChannel(webhook_url="${SLACK_URL}", channel="#ops")
        sent = await deliver(
            client, Notice("opened", incident(), slack, channel_id(slack), "A"), env={"SLACK_URL": receiver.url}
        )
    assert sent.ok
    assert receiver.bodies[-1]["channel"] == "#ops"
    assert receiver.bodies[-1]["text"].startswith("[OPEN] #1 A / b: HTTP 503")


async def test_a_failed_delivery_is_retried_with_backoff_not_on_every_failure(
    watcher: Watcher,
    store: Store,
    receiver: Receiver,  # noqa: F811
    now: list[float],
) -> None:
    receiver.status = 503
    t = now[0]
    for k in range(3):
        await feed(watcher, store, run("crm-sync", "beat", t + k, False))
    [opened] = open_ones(store)
    [row] = notifications(store, opened.id)
    assert (row["state"], row["attempts"], row["error"], row["retry_at"]) == ("failed", 1, "HTTP 503", t + 30)
    for k in range(5):  # failing probes inside the backoff do not resend
        await feed(watcher, store, run("crm-sync", "beat", t + 3 + k, False))
    assert len(receiver.bodies) == 1
    now[0] = t + 30
    await feed(watcher, store, run("crm-sync", "beat", now[0], False))
    [row] = notifications(store, opened.id)
    assert (row["state"], row["attempts"], row["retry_at"]) == ("failed", 2, t + 30 + 60)  # the wait doubles
    receiver.status = 200
    now[0] = t + 90
    await feed(watcher, store, run("crm-sync", "beat", now[0], False))
    [row] = notifications(store, opened.id)
    assert (row["state"], row["attempts"], row["ok"]) == ("sent", 3, 1)
    assert [b["event"] for b in receiver.bodies] == ["opened", "opened", "opened"]
    [shown] = open_ones(store)
    assert [(d.channel, d.event, d.state, d.attempts) for d in shown.deliveries] == [
        ("webhook:${HOOK_URL}", "opened", "sent", 3)
    ]


async def test_a_slow_receiver_hears_opened_once_per_incident_and_channel(
    watcher: Watcher,
    store: Store,
    receiver: Receiver,  # noqa: F811
    now: list[float],
) -> None:
    receiver.released.clear()  # every delivery stays in flight until the test lets go
    t = now[0]
    for k in range(8):  # support has two channels, thresholds 3 and 5: both are due while in flight
        batch = [run("support", "beat", t + k, False)]
        record_results(store, batch)
        watcher(batch)
        await asyncio.sleep(0)  # let the sends start
    receiver.released.set()
    await watcher.drain()
    assert sorted(receiver.paths) == ["/hook", "/slack"]
    [incident] = open_ones(store)
    assert sorted((d.channel.split(":")[0], d.event, d.state) for d in incident.deliveries) == [
        ("slack", "opened", "sent"),
        ("webhook", "opened", "sent"),
    ]


async def test_the_engine_hands_each_batch_to_the_watcher(
    ws: Workspace,
    store: Store,
    receiver: Receiver,  # noqa: F811
) -> None:
    # No ping has ever arrived, so each run of the heartbeat check is `unknown`: failing.
    watcher = Watcher(ws.file, ws.systems, store, env={"HOOK_URL": receiver.url}, budget_every=float("inf"))
    jobs = make_jobs(ws.integrations, 60.0, 5.0, ["crm-sync"])
    async with Engine(jobs, store=store, on_batch=[watcher], env={}) as engine:
        for _ in range(3):
            await engine.run_once()
    await watcher.drain()
    [found] = open_ones(store)
    assert (found.integration, found.category) == ("crm-sync", "no_data")
    assert len(receiver.bodies) == 1
    assert windows(store, clock.now(), 0)[("crm-sync", "beat", Evidence.PROBE)].day.count == 3


def test_a_batch_reads_the_alert_states_of_its_own_checks(store: Store) -> None:
    from tether.store.incidents import AlertState, alert_states, save_alert_states

    saved = [AlertState(f"i{n}", "up", n % 3, n % 2, n % 2 == 0, float(n), f"r{n}") for n in range(900)]
    with store.transaction() as db:
        save_alert_states(db, saved)
        every = alert_states(db)
        asked = [("i7", "up"), ("nobody", "up"), *((f"i{n}", "up") for n in range(100, 600))]
        some = alert_states(db, asked)
    assert len(every) == 900
    assert some == {key: every[key] for key in asked if key in every}
    assert len(some) == 501


async def test_a_probe_too_busy_to_judge_opens_no_incident(
    watcher: Watcher,
    store: Store,
    now: list[float],
) -> None:
    t = now[0]
    busy = [
        CheckResult("crm-sync", "beat", "http", State.UNKNOWN, "probe overloaded: ...", "probe_overloaded", t + k, None)
        for k in range(6)
    ]
    for result in busy:
        await feed(watcher, store, result)
    assert open_ones(store) == []
    for k in range(3):  # real failures still count, from where they start
        await feed(watcher, store, run("crm-sync", "beat", t + 10 + k, False, "no ping for 2h"))
    assert [i.integration for i in open_ones(store)] == ["crm-sync"]
