"""A monitoring session: the jobs, the prices, the watcher (rollups, incidents, alerts) and the
engine, assembled in one place for `tether probe`, `probe --watch`, the dashboard's prober and
`tether serve --probe`.

    async with monitoring(Watching.of(ws, env), store, jobs) as engine:
        results = await engine.run_once()      # or: await engine.watch(stop)

Leaving the block commits the last batch, waits for notices still being sent, and closes the
engine's clients, in that order, so nothing is lost when a session ends on Ctrl-C.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tether.model.systems import SystemCatalogue
from tether.model.workspace_file import WorkspaceFile
from tether.monitor import otel
from tether.monitor.engine import BatchSink, Engine, Job, ProbeFinished, ProbeStarted, make_jobs
from tether.monitor.watch import Watcher
from tether.pricing import PriceBook
from tether.store.db import Store

if TYPE_CHECKING:
    from tether.workspace import Workspace


@dataclass(frozen=True)
class Watching:
    """What a session watches and with what: the definitions, the systems, the prices, the environment."""

    file: WorkspaceFile
    catalogue: SystemCatalogue
    book: PriceBook
    env: Mapping[str, str] | None = None

    @classmethod
    def of(cls, ws: Workspace, env: Mapping[str, str] | None = None) -> Watching:
        """A workspace's definitions, systems and prices (its own rules/prices.yaml when it has one)."""
        return cls(ws.file, ws.systems, PriceBook.load(ws.root), env)


def plan_jobs(file: WorkspaceFile, names: Sequence[str] = (), interval: float | None = None) -> list[Job]:
    """The jobs for the named integrations (all when none); `interval` overrides every check's
    (the demo probes every few seconds). KeyError with a "did you mean" for an unknown name."""
    jobs = make_jobs(file.integrations, file.defaults.interval, file.defaults.timeout, names)
    if interval is None:
        return jobs
    return [replace(job, interval=interval, timeout=min(job.timeout, interval * 0.9)) for job in jobs]


@asynccontextmanager
async def monitoring(
    watching: Watching,
    store: Store,
    jobs: Sequence[Job],
    *,
    sinks: Sequence[BatchSink] = (),
    concurrency: int = 50,
    max_jitter: float | None = None,
    budget_every: float = 300.0,
    location: str | None = None,
    on_start: ProbeStarted | None = None,
    on_result: ProbeFinished | None = None,
) -> AsyncIterator[Engine]:
    """The engine, with the watcher as its first sink and `sinks` after it; with the standard
    OTEL_EXPORTER_OTLP_ENDPOINT set, OTLP metrics out too, from `location` (default: this host)."""
    watcher = Watcher(
        watching.file, watching.catalogue, store, env=watching.env, book=watching.book, budget_every=budget_every
    )
    export = None
    if otel.wanted() and store.path != ":memory:":
        export = otel.MetricsExport(watching.file, store.path, watching.book, location or otel.default_location())
    try:
        async with Engine(
            jobs,
            store=store,
            env=watching.env,
            concurrency=concurrency,
            on_batch=[watcher, *sinks, *([export] if export else [])],
            prices=watching.book,
            systems=watching.catalogue,
            max_jitter=max_jitter,
            secret_names=watcher.secret_names,
            on_start=on_start,
            on_result=on_result,
        ) as engine:
            yield engine
    finally:
        await watcher.drain()
        if export is not None:
            export.close()
