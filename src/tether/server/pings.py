"""Group commit for heartbeat pings: many concurrent pings, one transaction, then every reply.

A ping is answered only after the transaction holding it has committed, so a 200 always
means stored; under a flood the writer takes whatever has queued up as one batch, which is
what keeps the throughput close to a bare endpoint's.

The writer is a thread of its own rather than a task handing each batch to a worker: the next
batch starts the moment one commits, and a batch's answers reach the event loop in one call.
Under a flood each turn of the loop takes milliseconds, and the task's three hand-offs per
batch (to the worker, back to the task, then to each ping) cost three turns.
"""

from __future__ import annotations

import asyncio
import queue
import threading

from tether import clock
from tether.store.db import Store
from tether.store.heartbeats import PingRecord, record_pings
from tether.store.rollups import Excluded

MAX_BATCH = 1000

Waiting = tuple[PingRecord, asyncio.Future[None]]
Outcome = tuple[asyncio.Future[None], Exception | None]


class PingWriter:
    def __init__(self, store: Store, excluded: Excluded, keep: int | None = None) -> None:
        self.store = store
        self.excluded = excluded
        self.keep = keep
        self._queue: queue.SimpleQueue[Waiting | None] = queue.SimpleQueue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="ping-writer", daemon=True)
        self._thread.start()

    async def submit(self, ping: PingRecord) -> None:
        """Queue a ping and wait until it is committed (raises if the write failed)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put((ping, future))
        await future

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch: list[Waiting] = []
            item = self._queue.get()
            while True:
                if item is None:  # stop() was called: write what came before, then end
                    stopping = True
                    break
                batch.append(item)
                if len(batch) >= MAX_BATCH:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._answer(self._write(batch))

    def _write(self, batch: list[Waiting]) -> list[Outcome]:
        try:
            record_pings(self.store, [p for p, _ in batch], self.excluded, clock.now(), self.keep)
        except Exception:
            # The batch rolled back whole; one at a time, only the row that cannot be stored fails.
            return [self._write_one(item) for item in batch]
        return [(future, None) for _, future in batch]

    def _write_one(self, item: Waiting) -> Outcome:
        ping, future = item
        try:
            record_pings(self.store, [ping], self.excluded, clock.now(), self.keep)
        except Exception as exc:
            return future, exc
        return future, None

    def _answer(self, outcomes: list[Outcome]) -> None:
        assert self._loop is not None
        self._loop.call_soon_threadsafe(_settle, outcomes)

    async def stop(self) -> None:
        """Write everything queued so far, then stop."""
        if self._thread is not None:
            self._queue.put(None)
            await asyncio.to_thread(self._thread.join)
            self._thread = None


def _settle(outcomes: list[Outcome]) -> None:
    """On the event loop: each ping's answer (a ping whose client has gone is cancelled already)."""
    for future, error in outcomes:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
