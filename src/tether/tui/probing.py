"""Probing from inside the dashboard: the schedule, and "probe now" for one integration (no textual here).

Both run the real engine with the real sink (rollups, incidents, alerts) on an event loop of
their own in a worker thread, with their own store connection, so the UI thread never waits
on a probe or a write. The dashboard sees their results the way it sees another process's:
by reading the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Mapping, Sequence

from tether.checks.result import CheckResult
from tether.monitor.session import Watching, monitoring, plan_jobs
from tether.store import Store, open_store
from tether.workspace import Workspace


class Prober:
    """The probe schedule, run by `run()` in a worker thread until `stop()` is called from any thread."""

    def __init__(
        self,
        ws: Workspace,
        store_path: str,
        env: Mapping[str, str] | None = None,
        *,
        interval: float | None = None,
        max_jitter: float | None = None,
        budget_every: float = 300.0,
    ) -> None:
        self.ws = ws
        self.store_path = store_path
        self.env = env
        self.interval = interval
        self.max_jitter = max_jitter
        self.budget_every = budget_every
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._stopping = threading.Event()
        self._done = threading.Event()

    def run(self) -> None:
        try:
            asyncio.run(self._main())
        finally:
            self._done.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait until `run` has returned (its last batch committed); False on timeout."""
        return self._done.wait(timeout)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if self._stopping.is_set():
            return
        store = open_store(self.store_path)
        try:
            async with monitoring(
                Watching.of(self.ws, self.env),
                store,
                plan_jobs(self.ws.file, interval=self.interval),
                max_jitter=self.max_jitter,
                budget_every=self.budget_every,
            ) as engine:
                await engine.watch(self._stop)
        finally:
            store.close()

    def stop(self) -> None:
        """Ask the schedule to finish its batch and end; safe from any thread, before or after `run`."""
        self._stopping.set()
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed between the check and the call
                loop.call_soon_threadsafe(stop.set)


def probe_once(
    ws: Workspace, store_path: str, names: Sequence[str], env: Mapping[str, str] | None
) -> list[CheckResult]:
    """Run the named integrations' checks once, through the same sink as the schedule; blocking."""

    async def run(store: Store) -> list[CheckResult]:
        async with monitoring(Watching.of(ws, env), store, plan_jobs(ws.file, names)) as engine:
            return await engine.run_once()

    with open_store(store_path) as store:
        return asyncio.run(run(store))
