"""`tether serve` over a real socket: heartbeats in, Prometheus metrics and JSON status out."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tether import clock
from tether.pricing import PriceBook
from tether.server.app import ServerConfig
from tether.server.prometheus import BUCKETS_MS
from tether.server.run import ServerThread
from tether.store import open_store
from tether.store.heartbeats import count_pings
from tether.store.rollups import Evidence, all_time
from tether.workspace import load_workspace

WORKSPACE = """
version: 1
workspace: {name: t}
integrations:
  - name: leads
    title: Lead replies
    pattern: automation-bridge
    ai: {provider: anthropic, model: claude-sonnet-4-5}
    budget: {monthly_usd: 100}
    middleware: {platform: zapier, plan_monthly_usd: 30}
    checks:
      - {kind: heartbeat, name: zap-ran, period: 1h, token: "${LEADS_TOKEN}"}
  - name: untokened
    title: No token
    pattern: automation-bridge
    checks:
      - {kind: heartbeat, name: beat, period: 1h}
  - name: unset
    title: Token variable unset
    pattern: automation-bridge
    checks:
      - {kind: heartbeat, name: beat, period: 1h, token: "${NOT_SET_ANYWHERE}"}
  - name: no-heartbeat
    title: No heartbeat
    pattern: direct-api
"""
TOKEN = "pings-token-0123"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    path = tmp_path / "integrations.yaml"
    path.write_text(WORKSPACE, encoding="utf-8")
    ws = load_workspace(path)
    db = tmp_path / "tether.db"
    open_store(db).close()
    config = ServerConfig(ws.file, ws.systems, str(db), env={"LEADS_TOKEN": TOKEN}, book=PriceBook.load(None))
    thread = ServerThread(config)
    url = thread.start()
    yield url, db
    thread.stop()


def counts(db: Path) -> tuple[int, int]:
    with open_store(db) as store:
        runs = sum(t.count for t in all_time(store).values())
        return count_pings(store), runs


def test_pings_are_stored_with_duration_tokens_and_cost(served: tuple[str, Path]) -> None:
    url, db = served
    with httpx.Client(base_url=url) as client:
        ok = client.post("/ping/leads", headers={"authorization": f"Bearer {TOKEN}"}, params={"duration": "250ms"})
        assert ok.status_code == 200, ok.text
        reply = ok.json()
        assert reply == {
            "ok": True,
            "integration": "leads",
            "check": "zap-ran",
            "run_ok": True,
            "at": clock.iso(reply["at_epoch"]),
            "at_epoch": reply["at_epoch"],
        }
        failed = client.post(
            "/ping/leads/fail",
            headers={"x-tether-token": TOKEN},
            json={"duration": 2, "input_tokens": 1500, "output_tokens": 400, "cache_read_tokens": 1000},
        )
        assert failed.status_code == 200, failed.text
        assert failed.json()["run_ok"] is False
        assert client.post("/ping/leads", params={"token": TOKEN}).status_code == 200
    with open_store(db) as store:
        totals = all_time(store)[("leads", "zap-ran", Evidence.RUN)]
    assert (totals.count, totals.successes, totals.latency_count) == (3, 2, 2)
    assert totals.latency_sum_ms == pytest.approx(2250)
    assert (totals.tokens.input_tokens, totals.tokens.output_tokens, totals.tokens.cache_read_tokens) == (
        1500,
        400,
        1000,
    )
    assert totals.cost_usd == pytest.approx((1500 * 3 + 400 * 15 + 1000 * 0.3) / 1e6)


BAD_REQUESTS = [
    # (method, path, headers, body, status, words in the error)
    ("POST", "/ping/leads", {}, None, 401, "token is required"),
    ("POST", "/ping/leads", {"authorization": "Bearer nope"}, None, 403, "wrong token"),
    ("POST", "/ping/leads/fail", {"x-tether-token": TOKEN + "x"}, None, 403, "wrong token"),
    ("POST", "/ping/nobody", {"x-tether-token": TOKEN}, None, 404, "no integration named 'nobody'"),
    ("POST", "/ping/no-heartbeat", {"x-tether-token": TOKEN}, None, 404, "no heartbeat check"),
    ("POST", "/ping/leads?check=other", {"x-tether-token": TOKEN}, None, 404, "no heartbeat check named"),
    ("POST", "/ping/untokened", {"x-tether-token": TOKEN}, None, 403, "has no token"),
    ("POST", "/ping/unset", {"x-tether-token": TOKEN}, None, 503, "NOT_SET_ANYWHERE"),
    ("POST", "/ping/leads?duration=soon", {"x-tether-token": TOKEN}, None, 400, "duration"),
    ("POST", "/ping/leads", {"x-tether-token": TOKEN}, b'{"duration": -1}', 400, "non-negative"),
    ("POST", "/ping/leads", {"x-tether-token": TOKEN}, b"{not json", 400, "not JSON"),
    ("POST", "/ping/leads", {"x-tether-token": TOKEN}, b"[1, 2]", 400, "JSON object"),
    ("POST", "/ping/leads", {"x-tether-token": TOKEN}, b'{"input_tokens": -5}', 400, "input_tokens"),
    ("POST", "/ping/leads", {"x-tether-token": TOKEN}, b'{"output_tokens": 1.5}', 400, "output_tokens"),
    ("POST", "/ping/leads", {"x-tether-token": TOKEN}, b"x" * 70_000, 413, "larger than"),
    ("GET", "/ping/leads", {"x-tether-token": TOKEN}, None, 405, "not allowed"),
    ("GET", "/nothing-here", {}, None, 404, "no such endpoint"),
]


def test_bad_requests_get_a_json_4xx_and_never_touch_the_store(served: tuple[str, Path]) -> None:
    url, db = served
    before = counts(db)
    with httpx.Client(base_url=url) as client:
        for method, path, headers, body, status, words in BAD_REQUESTS:
            response = client.request(method, path, headers=headers, content=body)
            assert response.status_code == status, (path, response.text)
            assert words in response.json()["error"], (path, response.text)
    assert counts(db) == before


SAMPLE = re.compile(r"^(?P<name>[a-z_:][a-z0-9_:]*)(\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


def parse_exposition(text: str) -> tuple[dict[str, str], list[tuple[str, dict[str, str], float]]]:
    types: dict[str, str] = {}
    samples: list[tuple[str, dict[str, str], float]] = []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            types[name] = kind
        elif line.startswith("# HELP ") or not line:
            continue
        else:
            match = SAMPLE.match(line)
            assert match, line
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match["labels"] or ""))
            samples.append((match["name"], labels, float(match["value"])))
    return types, samples


def test_metrics_follow_the_prometheus_text_format(served: tuple[str, Path]) -> None:
    url, _ = served
    with httpx.Client(base_url=url, headers={"x-tether-token": TOKEN}) as client:
        for k in range(7):
            client.post("/ping/leads" if k % 3 else "/ping/leads/fail", params={"duration": f"{100 * (k + 1)}ms"})
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    types, samples = parse_exposition(response.text)
    for name, kind in types.items():
        assert name.startswith("tether_")
        assert name.endswith("_total") == (kind == "counter"), name
    for name, labels, _ in samples:
        assert {"integration", "pattern"} <= set(labels), name
    lead = {"integration": "leads", "pattern": "automation-bridge", "check": "zap-ran"}

    def value(name: str, **extra: str) -> float:
        wanted = {**lead, **extra}
        found = [v for n, labels, v in samples if n == name and all(labels.get(k) == x for k, x in wanted.items())]
        assert len(found) == 1, (name, extra, found)
        return found[0]

    assert value("tether_check_runs_total") == 7
    assert value("tether_check_failures_total") == 3
    assert value("tether_check_success_ratio") == pytest.approx(4 / 7)
    buckets = [(float(labels["le"]), v) for n, labels, v in samples if n == "tether_check_latency_seconds_bucket"]
    assert len(buckets) == len(BUCKETS_MS) + 1
    assert [c for _, c in buckets] == sorted(c for _, c in buckets)  # cumulative
    assert buckets[-1] == (float("inf"), 7)
    assert dict(buckets)[0.256] == 2  # 100ms and 200ms are at or below 256ms; 300ms is not
    assert value("tether_check_latency_seconds_count") == 7
    assert value("tether_check_latency_seconds_sum") == pytest.approx(2.8)
    integration = {"integration": "leads", "pattern": "automation-bridge"}
    budget = [v for n, labels, v in samples if n == "tether_integration_budget_usd" and labels == integration]
    assert budget == [100]
    states = [
        labels["state"]
        for n, labels, v in samples
        if n == "tether_check_state" and v == 1 and labels["integration"] == "leads"
    ]
    assert states == ["unknown"]  # pings arrived, but no probe has judged the check yet


def test_status_is_the_dashboard_as_json(served: tuple[str, Path]) -> None:
    url, _ = served
    with httpx.Client(base_url=url) as client:
        client.post("/ping/leads", headers={"x-tether-token": TOKEN})
        data = client.get("/api/status").json()
    names = [row["integration"] for row in data["integrations"]]
    assert names == ["leads", "untokened", "unset", "no-heartbeat"]
    leads = data["integrations"][0]
    assert leads["runs_24h"] == 1
    assert leads["quality"] is None  # not measured
    assert leads["cost"]["budget_usd"] == 100
    assert data["incidents"] == []


def test_the_serve_command_listens_on_loopback_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    (tmp_path / "integrations.yaml").write_text(WORKSPACE, encoding="utf-8")
    env = {**os.environ, "LEADS_TOKEN": TOKEN, "TETHER_FILE": str(tmp_path / "integrations.yaml")}
    process = subprocess.Popen(
        [sys.executable, "-m", "tether", "serve", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.search(r"http://(127\.0\.0\.1):(\d+)", line)
        assert match, line
        with httpx.Client(base_url=match.group(0), timeout=30) as client:
            assert client.post("/ping/leads", headers={"x-tether-token": TOKEN}).status_code == 200
            assert json.loads(client.get("/api/status").text)["integrations"][0]["runs_24h"] == 1
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 130  # Ctrl-C, as every command


PROBED = """
version: 1
workspace: {name: t}
integrations:
  - name: leads
    title: Lead replies
    pattern: automation-bridge
    checks:
      - {kind: heartbeat, name: zap-ran, period: 1h, token: "${LEADS_TOKEN}", interval: 200ms, timeout: 100ms}
"""


def test_probe_runs_the_schedule_in_the_same_process(tmp_path: Path) -> None:
    from tether.monitor.session import Watching
    from tether.server.run import probe_loop

    path = tmp_path / "integrations.yaml"
    path.write_text(PROBED, encoding="utf-8")
    ws = load_workspace(path)
    db = tmp_path / "tether.db"
    open_store(db).close()
    config = ServerConfig(ws.file, ws.systems, str(db), env={"LEADS_TOKEN": TOKEN})
    config.background.append(probe_loop(Watching(ws.file, ws.systems, PriceBook.load(None), env={}), str(db)))
    thread = ServerThread(config)
    url = thread.start()
    try:
        with httpx.Client(base_url=url, headers={"x-tether-token": TOKEN}) as client:
            assert client.post("/ping/leads").status_code == 200
            # The in-process prober judges the heartbeat from the ping: wait (bounded) for its verdict.
            state = None
            for _ in range(600):
                state = client.get("/api/status").json()["integrations"][0]["checks"][0]["state"]
                if state == "healthy":
                    break
                threading.Event().wait(0.05)
    finally:
        thread.stop()
    assert state == "healthy"


def test_an_out_of_range_ping_is_refused_at_the_door_and_its_neighbours_are_stored(served: tuple[str, Path]) -> None:
    url, db = served
    before = counts(db)[0]
    headers = {"authorization": f"Bearer {TOKEN}"}
    bad_bodies = [
        {"input_tokens": 1180591620717411303424},
        {"output_tokens": 10**13},
        {"duration": 1e300},
        {"model": "m" * 1000},
    ]
    statuses: list[int] = []

    def send(body: dict[str, object]) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            statuses.append(client.post("/ping/leads", headers=headers, json=body).status_code)

    threads = [threading.Thread(target=send, args=({"input_tokens": 10, "duration": 1},)) for _ in range(60)]
    threads[30:30] = [threading.Thread(target=send, args=(body,)) for body in bad_bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 60 + [400] * 4
    assert counts(db)[0] == before + 60


async def test_a_row_the_store_refuses_fails_alone_not_its_batch(tmp_path: Path) -> None:
    import asyncio

    from tether.model.tokens import TokenCounts
    from tether.server.pings import PingWriter
    from tether.store.heartbeats import PingRecord

    with open_store(tmp_path / "t.db") as store:
        writer = PingWriter(store, lambda _i, _t: False)
        writer.start()
        good = [PingRecord("leads", "zap-ran", 1_780_000_000.0 + k, True, tokens=TokenCounts(5)) for k in range(20)]
        bad = PingRecord("leads", "zap-ran", 1_780_000_000.0, True, tokens=TokenCounts(2**70))  # past SQLite's integers
        outcomes = await asyncio.gather(
            *(writer.submit(p) for p in [*good[:10], bad, *good[10:]]), return_exceptions=True
        )
        await writer.stop()
        assert [o is None for o in outcomes] == [True] * 10 + [False] + [True] * 10
        assert isinstance(outcomes[10], OverflowError)
        assert count_pings(store) == 20


def test_slow_headers_are_timed_out(tmp_path: Path) -> None:
    """Eight clients sending one header line at a time are cut off once the head's deadline passes."""
    import socket
    import time

    path = tmp_path / "integrations.yaml"
    path.write_text(WORKSPACE, encoding="utf-8")
    ws = load_workspace(path)
    db = tmp_path / "tether.db"
    open_store(db).close()
    config = ServerConfig(ws.file, ws.systems, str(db), env={"LEADS_TOKEN": TOKEN}, book=PriceBook.load(None))
    thread = ServerThread(config, header_timeout=1.0)
    url = thread.start()
    host, port = url.removeprefix("http://").split(":")
    try:
        clients = [socket.create_connection((host, int(port)), timeout=30) for _ in range(8)]
        for c in clients:
            c.sendall(b"GET /api/status HTTP/1.1\r\nHost: x\r\n")
        closed: set[int] = set()
        deadline = time.monotonic() + 30  # the server's deadline is 1 s: 29 s to spare
        while len(closed) < len(clients) and time.monotonic() < deadline:
            for i, c in enumerate(clients):
                if i in closed:
                    continue
                try:
                    c.sendall(b"X-Slow: 1\r\n")  # one more header line, never the blank one that ends the head
                    c.settimeout(1.0)  # how long one look at a client waits; the deadline above bounds the test
                    if c.recv(1) == b"":
                        closed.add(i)
                except TimeoutError:
                    continue
                except OSError:
                    closed.add(i)
        assert closed == set(range(8))
        with httpx.Client(base_url=url, timeout=30) as client:  # an ordinary request is still served
            assert client.get("/api/status").status_code == 200
    finally:
        for c in clients:
            c.close()
        thread.stop()


def test_a_chunked_body_is_read_and_a_missing_one_is_none(served: tuple[str, Path]) -> None:
    """The handler skips reading a body only when there cannot be one."""
    url, db = served
    with httpx.Client(base_url=url) as client:
        chunked = client.post(
            "/ping/leads", headers={"x-tether-token": TOKEN}, content=iter([b'{"duration": 2, ', b'"input_tokens": 7}'])
        )
        assert chunked.request.headers.get("transfer-encoding") == "chunked"
        assert chunked.status_code == 200, chunked.text
        too_big = client.post("/ping/leads", headers={"x-tether-token": TOKEN}, content=iter([b" " * 70_000]))
        assert too_big.status_code == 413
        empty = client.post("/ping/leads", headers={"x-tether-token": TOKEN})
        assert empty.status_code == 200, empty.text
    with open_store(db) as store:
        totals = all_time(store)[("leads", "zap-ran", Evidence.RUN)]
    assert (totals.count, totals.latency_count, totals.latency_sum_ms, totals.tokens.input_tokens) == (2, 1, 2000, 7)
