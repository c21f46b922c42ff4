"""Group commit for heartbeat pings: many concurrent pings, one transaction, then every reply.

A ping is answered only after the transaction holding it has committed, so a 200 always
means stored; under a flood the writer takes whatever has queued up as one batch, which is
what keeps the throughput close to a bare endpoint's.
"""

from __future__ import annotations

import asyncio

from tether import clock
from tether.store.db import Store
from tether.store.heartbeats import PingRecord, record_pings
from tether.store.rollups import Excluded

MAX_BATCH = 1000


class PingWriter:
    def __init__(self, store: Store, excluded: Excluded, keep: int | None = None) -> None:
        self.store = store
        self.excluded = excluded
        self.keep = keep
        self._queue: asyncio.Queue[tuple[PingRecord, asyncio.Future[None]] | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.written = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="ping-writer")

    async def submit(self, ping: PingRecord) -> None:
        """Queue a ping and wait until it is committed (raises if the write failed)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((ping, future))
        await future

    async def _run(self) -> None:
        stopping = False
        while not stopping:
            batch: list[tuple[PingRecord, asyncio.Future[None]]] = []
            item = await self._queue.get()
            while True:
                if item is None:  # stop() was called: write what came before, then end
                    stopping = True
                    break
                batch.append(item)
                if len(batch) >= MAX_BATCH or self._queue.empty():
                    break
                item = self._queue.get_nowait()
            if batch:
                await self._write(batch) if len(batch) > 1 else await self._write_one(batch[0])

    async def _write(self, batch: list[tuple[PingRecord, asyncio.Future[None]]]) -> None:
        try:
            await asyncio.to_thread(
                record_pings, self.store, [p for p, _ in batch], self.excluded, clock.now(), self.keep
            )
        except Exception:
            # The batch rolled back whole; one at a time, only the row that cannot be stored fails.
            for item in batch:
                await self._write_one(item)
            return
        self.written += len(batch)
        for _, future in batch:
            if not future.done():
                future.set_result(None)

    async def _write_one(self, item: tuple[PingRecord, asyncio.Future[None]]) -> None:
        ping, future = item
        try:
            await asyncio.to_thread(record_pings, self.store, [ping], self.excluded, clock.now(), self.keep)
        except Exception as exc:
            if not future.done():
                future.set_exception(exc)
            return
        self.written += 1
        if not future.done():
            future.set_result(None)

    async def stop(self) -> None:
        """Write everything queued so far, then stop."""
        if self._task is not None:
            self._queue.put_nowait(None)
            await self._task
            self._task = None
