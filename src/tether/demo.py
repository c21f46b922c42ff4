"""`tether demo`: the bundled example against the loopback sandbox, with a scripted tour of trouble.

The sandbox plays the stack (Claude API, status pages, n8n and Zapier run history, the CRM
webhook, the portal) with the `tour` scenario: an outage, a burst of 529 overloads and a slow
spell on a clock that starts with the demo and repeats, while the n8n workflow and the Zap keep
running. `tether serve` runs beside it on 127.0.0.1, and two applications report their real
work to it as a team's would: the CRM backend, instrumented with OpenTelemetry, sends a GenAI
span for each Claude call (`sandbox.instrumented`); the support portal's backend pings a
heartbeat after each answer, with its token usage, and its prompt runs away for a while so the
month's budget is overrun. Nothing leaves 127.0.0.1; everything stops on exit.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType

import httpx

from tether import clock
from tether.checks.heartbeat import HeartbeatCheck
from tether.model.integration import Integration
from tether.model.tokens import TokenCounts
from tether.pricing import PriceBook
from tether.sandbox.env import eval_env, sandbox_env
from tether.sandbox.instrumented import BackendPlayer, InstrumentedBackend
from tether.sandbox.repeat import Repeating
from tether.sandbox.scenario import load_scenario
from tether.sandbox.server import Sandbox, SandboxThread
from tether.secrets import expand
from tether.server.app import ServerConfig
from tether.server.run import ServerThread
from tether.store import open_store
from tether.workspace import Workspace

TOUR = "tour"
TOUR_SECONDS = 150.0
"""The tour's faults repeat on this period (see sandbox/scenarios/tour.yaml)."""
PROBE_EVERY = 5.0
"""Every check's interval during the demo, so states move within seconds."""
RUN_EVERY = 4.0
"""How often the played applications run (the portal answers, the CRM backend calls Claude)."""
RUNAWAY = (45.0, 105.0)
"""When (seconds into each tour) the portal's prompt loops and its spend runs away."""
RUNAWAY_SHARE = Decimal("0.05")
"""Each runaway run spends this share of the monthly budget, so the overrun shows within a minute
whatever the day of the month."""
SCORE_EVERY = 20.0
"""How often the demo scores readiness, so the dashboard's readiness column follows the evidence."""
WEBHOOK_RECEIVER = "/crm/webhook"
"""The sandbox route that accepts any JSON POST (202): where the demo's alerts are delivered."""


def demo_env(ws: Workspace, url: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment for the demo: `environ` pointed at the sandbox, alerts included."""
    base = dict(os.environ if environ is None else environ)
    return {**base, **sandbox_env(ws, url, base, alerts_to=f"{url}{WEBHOOK_RECEIVER}")}


@dataclass(frozen=True)
class PlayedRun:
    """One run of a heartbeat-reporting application, as its ping reports it."""

    integration: str
    check: str
    usage: TokenCounts
    cost: Decimal
    runaway: bool


class HeartbeatPlayer(Repeating):
    """Plays the workspace's heartbeat-reporting applications: a ping to `tether serve` every RUN_EVERY seconds.

    Each ping is what the application's backend would send after a run: `POST /ping/NAME` with
    its bearer token, the run's duration and its token usage.
    """

    def __init__(self, ws: Workspace, serve_url: str, env: Mapping[str, str], book: PriceBook, tour: Sandbox) -> None:
        super().__init__("tether-demo-heartbeats", RUN_EVERY)
        self.ws = ws
        self.serve_url = serve_url
        self.env = env
        self.book = book
        self.tour = tour
        self.beats = [
            (i, c)
            for i in ws.integrations
            for c in i.checks
            if isinstance(c, HeartbeatCheck) and i.ai is not None and c.token is not None
        ]
        # The first one with a budget is the one whose prompt runs away.
        self.runaway = next((i.name for i, _ in self.beats if i.budget is not None), None)
        self.stored = 0
        """Pings the server answered 200: each one stored."""
        self.refused: list[str] = []
        """Why the server refused a ping (none is expected: a test reads this)."""

    def run_for(self, integration: Integration, check: HeartbeatCheck, elapsed: float) -> PlayedRun:
        volume = integration.volume
        assumed = self.book.assumed_run
        base = TokenCounts(
            volume.input_tokens_per_run if volume and volume.input_tokens_per_run is not None else assumed.input_tokens,
            volume.output_tokens_per_run
            if volume and volume.output_tokens_per_run is not None
            else assumed.output_tokens,
        )
        model = integration.ai.model if integration.ai else None
        unit = self.book.cost(model, base) or Decimal(0)
        runaway = integration.name == self.runaway and RUNAWAY[0] <= elapsed < RUNAWAY[1]
        if runaway and integration.budget is not None and unit > 0:
            # A prompt loop re-sends the whole context many times in one run.
            loops = max(1, int(Decimal(str(integration.budget.monthly_usd)) * RUNAWAY_SHARE / unit))
            usage = base * loops
        else:
            usage = base
        return PlayedRun(integration.name, check.name, usage, self.book.cost(model, usage) or Decimal(0), runaway)

    def play_once(self) -> list[PlayedRun]:
        elapsed = self.tour.elapsed()
        runs = []
        with httpx.Client(timeout=30.0) as client:
            for integration, check in self.beats:
                run = self.run_for(integration, check, elapsed)
                assert check.token is not None
                response = client.post(
                    f"{self.serve_url}/ping/{integration.name}",
                    params={"check": check.name},
                    headers={"authorization": f"Bearer {expand(check.token, self.env)}"},
                    json={"duration": PING_DURATION, **run.usage.as_dict()},
                )
                if response.status_code == 200:
                    self.stored += 1
                else:
                    self.refused.append(
                        f"{integration.name}/{check.name}: {response.status_code} {response.text[:200]}"
                    )
                runs.append(run)
        return runs

    def step(self) -> None:
        try:
            self.play_once()
        except httpx.HTTPError as exc:
            self.refused.append(f"cannot reach tether serve: {exc}")

    def start(self) -> None:
        if self.beats:
            super().start()


PING_DURATION = "1.8s"
"""How long each played run takes, as its heartbeat reports it."""


log = logging.getLogger(__name__)


class ReadinessScorer(Repeating):
    """Measures quality once, then scores every integration's readiness on a timer, as
    `tether eval` and `tether readiness` do.

    The dashboard only reads stored scorecards (scoring renders the docs to judge them current,
    too heavy for every refresh of a large workspace); the demo's workspace is small, so it
    scores in the background and the readiness column moves with the tour. The sample suites
    run once against the sandbox at the start, so the Quality column shows their pass rate.
    """

    def __init__(self, ws: Workspace, store_path: str, every: float = SCORE_EVERY) -> None:
        super().__init__("tether-demo-readiness", every)
        self.ws = ws
        self.store_path = store_path
        self.rounds = 0
        self.eval_env: Mapping[str, str] | None = None
        """Where the sample suites are sent (the sandbox); None runs no eval."""
        self.evaluated = threading.Event()

    def score_once(self) -> None:
        from tether.readiness.ladder import scorecards

        with open_store(self.store_path) as store:
            scorecards(self.ws, store, clock.now())
        self.rounds += 1

    def evaluate_once(self) -> None:
        from tether.readiness.evals import run_evals

        if self.eval_env is not None and any(i.samples for i in self.ws.integrations):
            with open_store(self.store_path) as store:
                run_evals(self.ws, store, env=self.eval_env)
        self.evaluated.set()

    def _run(self) -> None:
        try:
            self.evaluate_once()
        except Exception:  # an eval bug must not take the demo down
            log.exception("measuring quality failed")
            self.evaluated.set()
        # The first score waits for a probe round or two, so it judges evidence, not an empty store.
        while not self._stop.wait(self.every):
            try:
                self.score_once()
            except Exception:  # a scoring bug must not take the demo down
                log.exception("readiness scoring failed")


class Demo:
    """The sandbox with the tour, `tether serve`, the played applications and the tour's repeat, for a `with` block."""

    def __init__(
        self,
        ws: Workspace,
        store_path: Path | str,
        port: int = 0,
        scenario: str = TOUR,
        score_every: float = SCORE_EVERY,
    ) -> None:
        self.ws = ws
        self.store_path = str(store_path)
        self.scorer = ReadinessScorer(ws, self.store_path, score_every)
        self.scenario = load_scenario(scenario)
        self.runner = SandboxThread(self.scenario, port=port)
        self.sandbox: Sandbox | None = None
        self.server: ServerThread | None = None
        self.heartbeats: HeartbeatPlayer | None = None
        self.backends: list[BackendPlayer] = []
        self.env: dict[str, str] = {}
        self._stop = threading.Event()
        self._repeat = threading.Thread(target=self._repeat_tour, name="tether-demo-tour", daemon=True)

    @property
    def url(self) -> str:
        assert self.sandbox is not None
        return self.sandbox.url

    @property
    def serve_url(self) -> str:
        assert self.server is not None
        return self.server.url

    def _repeat_tour(self) -> None:
        while not self._stop.wait(TOUR_SECONDS):
            if self.sandbox is not None:
                self.sandbox.reset_clock()

    def __enter__(self) -> Demo:
        self.sandbox = self.runner.start()
        self.env = demo_env(self.ws, self.sandbox.url)
        self.scorer.eval_env = eval_env(self.ws, self.sandbox.url, self.env)
        try:
            book = PriceBook.load(self.ws.root)
            self.server = ServerThread(ServerConfig(self.ws.file, self.ws.systems, self.store_path, self.env, book))
            self.server.start()
            self.heartbeats = HeartbeatPlayer(self.ws, self.server.url, self.env, book, self.sandbox)
            self.heartbeats.start()
            for integration in self.ws.integrations:
                if integration.telemetry is not None and integration.ai is not None:
                    backend = InstrumentedBackend(
                        integration, self.sandbox.url, f"{self.server.url}/v1/traces", self.env
                    )
                    self.backends.append(BackendPlayer(backend, RUN_EVERY))
            for player in self.backends:
                player.start()
            self._repeat.start()
            self.scorer.start()
        except BaseException:
            self._stop_all()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop_all()

    def _stop_all(self) -> None:
        self._stop.set()
        self.scorer.stop()
        for player in self.backends:
            player.stop()
        if self.heartbeats is not None:
            self.heartbeats.stop()
        if self._repeat.is_alive():
            self._repeat.join(timeout=10)
        if self.server is not None and self.server.thread.is_alive():
            self.server.stop()
        self.runner.stop()
