"""The probe engine: every check on its own schedule, bounded concurrency, results stored in batches.

- Small httpx pools over the engine's own sockets (`monitor/network.py`); at most `concurrency`
  probes in flight. A result's latency is its request's time on the wire, and a probe delayed by
  tether itself says so (`probe_overloaded`, docs/adr/0014).
- Each check runs every `interval`, the next run armed when the last one finishes (no overlap),
  the first run jittered within its interval so a thousand checks do not fire at once.
- A run never outlasts its timeout (always below the interval); a fault becomes a result.
- Results are committed in batches, each batch in one transaction, then handed to every
  `on_batch` sink (rollups and alerting hook in there). Cancelling never leaves half a batch:
  a result enters the buffer only when its run has finished, and a flush has no await in it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from tether import clock
from tether.checks.base import CheckBase
from tether.checks.result import CheckResult, ConditionResult, Outcome
from tether.checks.states import State
from tether.errors import did_you_mean
from tether.model.integration import Integration
from tether.model.systems import SystemCatalogue
from tether.monitor import load
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault
from tether.monitor.kinds import prepare, probe_for
from tether.monitor.transport import engine_transport
from tether.pricing import PriceBook
from tether.secrets import redact, redact_data, referenced_names
from tether.store.db import Store
from tether.store.results import Ping, last_ping, record_results
from tether.store.runs import last_external_id

log = logging.getLogger("tether.monitor")

BatchSink = Callable[[list[CheckResult]], None]
"""Called with each committed batch of results, in order (issue 5: rollups, incidents, alerts)."""

TIMEOUTS = frozenset({Category.TIMEOUT, Category.CONNECT_TIMEOUT, Category.READ_TIMEOUT, Category.SLOW_BODY})
"""Outcomes a congested prober can cause by itself: judged `unknown` when it was (docs/adr/0014)."""
USER_AGENT = "tether-probe/0.1"
POOL_SIZE = 2
"""Connections per httpx pool: the engine runs ceil(concurrency / POOL_SIZE) pools. Measured on
5,000 checks at 50 in flight: pools of 2 spend about 15 % less CPU than pools of 10 (docs/adr/0014)."""


@dataclass(frozen=True)
class Job:
    """One check of one integration, with its effective interval and timeout."""

    integration: Integration
    check: CheckBase
    interval: float
    timeout: float

    @property
    def key(self) -> str:
        return f"{self.integration.name}/{self.check.name}"


ProbeStarted = Callable[[Job], None]
ProbeFinished = Callable[[Job, CheckResult], None]
"""Progress hooks (the probe progress bar): a run starts once it holds a slot, and finishes with its
result, before the result is batched or stored."""


def make_jobs(
    integrations: Sequence[Integration],
    default_interval: float,
    default_timeout: float,
    names: Sequence[str] = (),
) -> list[Job]:
    """The jobs for the named integrations (or `integration/check`), every check when no name is given.

    Raises KeyError with a "did you mean" for an unknown name.
    """
    jobs = []
    for integration in integrations:
        for check in integration.checks:
            interval = check.interval or default_interval
            # The loader refuses timeout >= interval; clamping keeps runs apart even if that changes.
            timeout = min(check.timeout or default_timeout, interval * 0.9)
            jobs.append(Job(integration, check, interval, timeout))
    if not names:
        return jobs
    known = {i.name for i in integrations} | {job.key for job in jobs}
    for name in names:
        if name not in known:
            raise KeyError(f"no integration or check named {name!r}{did_you_mean(name, sorted(known))}")
    wanted = set(names)
    return [job for job in jobs if job.integration.name in wanted or job.key in wanted]


def _referenced(jobs: Sequence[Job]) -> list[str]:
    integrations = {id(job.integration): job.integration for job in jobs}.values()
    return referenced_names([i.model_dump(mode="json") for i in integrations])


def first_delay(interval: float, rng: random.Random, max_jitter: float | None = None) -> float:
    """When a check first runs after `watch` starts: uniformly within its interval (or max_jitter)."""
    bound = interval if max_jitter is None else min(interval, max_jitter)
    return rng.uniform(0, bound)


def _delay(overloaded: Mapping[str, float]) -> str:
    lag, waited = overloaded["loop_lag_ms"], overloaded["waited_ms"]
    return f"loop {lag:.0f} ms late" if lag >= waited else f"{waited:.0f} ms of its own waiting"


class Engine:
    """Runs jobs once (`run_once`) or on their schedules (`watch`). Use as `async with Engine(...)`."""

    def __init__(
        self,
        jobs: Sequence[Job],
        *,
        store: Store | None = None,
        on_batch: Sequence[BatchSink] = (),
        concurrency: int = 50,
        batch_size: int = 200,
        flush_every: float = 1.0,
        env: Mapping[str, str] | None = None,
        max_jitter: float | None = None,
        rng: random.Random | None = None,
        client: httpx.AsyncClient | None = None,
        prices: PriceBook | None = None,
        systems: SystemCatalogue | None = None,
        secret_names: Sequence[str] | None = None,
        on_start: ProbeStarted | None = None,
        on_result: ProbeFinished | None = None,
    ) -> None:
        self.jobs = list(jobs)
        self.on_start = on_start
        self.on_result = on_result
        self.store = store
        self.sinks = list(on_batch)
        self.concurrency = max(1, concurrency)
        self.batch_size = max(1, batch_size)
        self.flush_every = flush_every
        self.env = env
        self.max_jitter = max_jitter
        self.rng = rng or random.Random()
        self.prices = prices if prices is not None else PriceBook.load(None)
        self.systems = systems
        """The workspace's catalogue, for status checks that leave their platform to it."""
        """Prices canary and AI-call tokens; pass `PriceBook.load(workspace_root)` for its overrides."""
        self.secret_names = list(secret_names) if secret_names is not None else _referenced(self.jobs)
        """Variables whose values never leave the engine: every `${ENV}` the workspace (or these jobs) reference."""
        self._own_client = client is None
        self._clients: list[httpx.AsyncClient] = [client] if client is not None else []
        self._in_flight: list[int] = [0] * len(self._clients)
        self._semaphore = asyncio.Semaphore(self.concurrency)
        self._buffer: list[CheckResult] = []
        self._shared: dict[str, Any] = {}
        self.lag = load.LagMonitor()
        """How late the loop runs: a probe in flight while it lagged says so on its result."""
        self.committed = 0
        """Results committed so far (stored and handed to every sink)."""

    async def __aenter__(self) -> Engine:
        for kind in {job.check.kind for job in self.jobs}:
            probe_for(kind)  # import each kind's probe now, not inside a timed run
        for job in self.jobs:
            prepare(job.check)  # and what a check's runs need beyond it (the SDK for a canary)
        if not self._clients:
            # httpcore's pool does O(queued requests x connections) work on every assignment, which
            # at 100 connections costs more CPU than the probes; small pools keep that cheap.
            shards = math.ceil(self.concurrency / POOL_SIZE)
            per_pool = math.ceil(self.concurrency / shards)
            limits = httpx.Limits(max_connections=per_pool, max_keepalive_connections=per_pool)
            self._clients = [
                httpx.AsyncClient(transport=engine_transport(limits), headers={"user-agent": USER_AGENT})
                for _ in range(shards)
            ]
            self._in_flight = [0] * shards
        self.lag.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        self.lag.stop()
        self.flush()
        for resource in self._shared.values():
            closing = getattr(resource, "close", None)
            if callable(closing):
                result = closing()
                if asyncio.iscoroutine(result):
                    await result
        self._shared.clear()
        if self._own_client:
            for client in self._clients:
                await client.aclose()
            self._clients = []
            self._in_flight = []

    @property
    def client(self) -> httpx.AsyncClient:
        if not self._clients:
            raise RuntimeError("use the engine as `async with Engine(...) as engine:`")
        return self._clients[0]

    def _lease(self) -> int:
        """The least busy pool; the semaphore keeps each within its connection limit."""
        if not self._clients:
            raise RuntimeError("use the engine as `async with Engine(...) as engine:`")
        index = min(range(len(self._in_flight)), key=self._in_flight.__getitem__)
        self._in_flight[index] += 1
        return index

    def _last_ping(self, integration: str, check: str) -> Ping | None:
        return last_ping(self.store, integration, check) if self.store is not None else None

    def _last_run(self, integration: str, source: str) -> str | None:
        return last_external_id(self.store, integration, source) if self.store is not None else None

    async def probe(self, job: Job, *, due: float | None = None) -> CheckResult:
        """Run one check once; whatever happens becomes a result. `due` (perf_counter) is when its
        schedule wanted it run: a wait for a free slot past that is the engine's saturation."""
        async with self._semaphore:
            index = self._lease()
            queued = 0.0 if due is None else (time.perf_counter() - due) * 1000
            if self.on_start is not None:
                self.on_start(job)
            try:
                result = await self._probe(job, self._clients[index], queued)
            finally:
                if index < len(self._in_flight):
                    self._in_flight[index] -= 1
            if self.on_result is not None:
                self.on_result(job, result)
            return result

    async def _probe(self, job: Job, client: httpx.AsyncClient, queued_ms: float = 0.0) -> CheckResult:
        ctx = ProbeContext(
            client=client,
            integration=job.integration,
            timeout=job.timeout,
            env=self.env,
            last_ping=self._last_ping,
            last_run=self._last_run,
            shared=self._shared,
            prices=self.prices,
            systems=self.systems,
        )
        started_at = clock.now()
        start = time.perf_counter()
        waits = load.Waits()
        load.current.set(waits)  # this task's own context: each probe runs in a task of its own
        try:
            # The probes keep their own deadlines; this one is the backstop for a probe that does not.
            async with asyncio.timeout(job.timeout * 1.1 + 0.05):
                outcome = await probe_for(job.check.kind)(job.check, ctx)
        except ProbeFault as fault:
            outcome = Outcome(fault.state, fault.reason, fault.category)
        except TimeoutError:
            outcome = Outcome(
                State.DOWN, f"timeout: the check did not finish within {job.timeout:g}s", Category.TIMEOUT
            )
        except Exception as exc:  # a probe bug must not stop the other checks
            log.exception("probe %s failed", job.key)
            outcome = Outcome(State.UNKNOWN, f"probe error: {type(exc).__name__}: {exc}", Category.UNEXPECTED)
        elapsed = (time.perf_counter() - start) * 1000
        # The request's own time on the wire when the probe made HTTP exchanges (not the wait for
        # a connection, nor for this task to be resumed); the whole run only for probes without.
        measured = waits.network_ms if waits.exchanges else elapsed
        latency = (outcome.latency_ms if outcome.latency_ms is not None else measured) if outcome.timed else None
        metrics = outcome.metrics
        overloaded = load.signal(self.lag.worst_since(start), waits.waited_ms, queued_ms)
        if overloaded is not None:
            metrics = {**metrics, "probe_overloaded": overloaded}
            # Queueing happens before the clock starts; only lag or waiting can cause a timeout.
            ours = max(overloaded["loop_lag_ms"], overloaded["waited_ms"]) > load.OVERLOADED_MS
            if outcome.category in TIMEOUTS and ours:
                outcome = Outcome(
                    State.UNKNOWN,
                    f"probe overloaded: tether's own delay ({_delay(overloaded)}) may have caused "
                    f"this {outcome.category.replace('_', ' ')}; the target was not judged",
                    Category.PROBE_OVERLOADED,
                )
        # The one door out of the engine: every text a result carries is redacted here (an echoing
        # server, a URL with a key in its query, an SDK message quoting a header all end up in results).
        return CheckResult(
            integration=job.integration.name,
            check=job.check.name,
            kind=job.check.kind,
            state=State(outcome.state),
            reason=self._redact(outcome.reason),
            category=str(outcome.category),
            started_at=started_at,
            latency_ms=latency,
            conditions=tuple(
                ConditionResult(c.condition, c.ok, None if c.actual is None else self._redact(c.actual))
                for c in outcome.conditions
            ),
            metrics=redact_data(metrics, self.env, self.secret_names),
            tokens_in=outcome.tokens_in,
            tokens_out=outcome.tokens_out,
            cost_usd=outcome.cost_usd,
            request_id=outcome.request_id,
            runs=tuple(outcome.runs),
        )

    def _redact(self, text: str) -> str:
        return redact(text, self.env, self.secret_names)

    def _collect(self, result: CheckResult) -> None:
        self._buffer.append(result)
        if len(self._buffer) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Commit the buffered results as one batch, then hand it to the sinks. Never awaits."""
        if not self._buffer:
            return
        batch, self._buffer = self._buffer, []
        if self.store is not None:
            try:
                record_results(self.store, batch)
            except Exception:
                log.exception("could not store %d results; keeping them for the next flush", len(batch))
                self._buffer = (batch + self._buffer)[-10 * self.batch_size :]
                return
        self.committed += len(batch)
        for sink in self.sinks:
            try:
                sink(batch)
            except Exception:
                log.exception("a result sink failed")

    async def run_once(self) -> list[CheckResult]:
        """Run every job once, concurrently within the bound; results in job order, all committed."""

        async def one(job: Job) -> CheckResult:
            result = await self.probe(job)
            self._collect(result)
            return result

        try:
            return list(await asyncio.gather(*(one(job) for job in self.jobs)))
        finally:
            self.flush()

    async def _schedule(self, job: Job) -> None:
        await asyncio.sleep(first_delay(job.interval, self.rng, self.max_jitter))
        while True:
            self._collect(await self.probe(job, due=time.perf_counter()))
            await asyncio.sleep(job.interval)  # armed when the run finishes: runs never overlap

    async def _flusher(self) -> None:
        while True:
            await asyncio.sleep(self.flush_every)
            self.flush()

    async def watch(self, stop: asyncio.Event | None = None) -> None:
        """Run every job on its schedule until `stop` is set or the task is cancelled (Ctrl-C)."""
        tasks = [asyncio.create_task(self._schedule(job), name=job.key) for job in self.jobs]
        tasks.append(asyncio.create_task(self._flusher(), name="flusher"))
        try:
            if stop is None:
                await asyncio.gather(*tasks)
            else:
                await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.flush()
