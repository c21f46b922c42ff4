"""After each committed batch of results: rollups, retention, alerts, notifications.

`Watcher` is the probe engine's first `on_batch` sink; monitor.session assembles the two.
The store work is one short transaction, which also claims each notice due in the outbox; notices
are sent afterwards on the running event loop (async httpx), and each outcome is recorded: a
failed one is retried with exponential backoff (`retry_delay`), never on every failing probe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

import httpx

from tether import clock
from tether.checks.result import CheckResult
from tether.checks.states import is_failing
from tether.model.integration import TELEMETRY_CHECK
from tether.model.systems import SystemCatalogue
from tether.model.workspace_file import WorkspaceFile
from tether.monitor.alerts import BUDGET_CHECK, Alerting, Observation
from tether.monitor.channels import Delivery, Notice, deliver
from tether.monitor.faults import Category
from tether.monitor.maintenance import excluder
from tether.pricing import PriceBook
from tether.secrets import redact, referenced_names
from tether.store.db import Store
from tether.store.incidents import finish_notification
from tether.store.retention import KEEP_PER_CHECK, keep_last
from tether.store.rollups import fold_new

log = logging.getLogger("tether.monitor")

BUDGET_SWEEP = 3600.0
"""Every budgeted integration is re-read at least this often: cost can arrive by other doors
(`tether serve`'s heartbeats and spans) and a projection drifts as the month goes by."""

RETRY_FIRST = 30.0
RETRY_MAX = 900.0
MAX_ATTEMPTS = 10
"""30 s, 1, 2, 4, 8 min, then every 15 min: about 1.5 h of retries before a notice is given up."""


def retry_delay(attempt: int) -> float | None:
    """Seconds until the next attempt after `attempt` failed; None once it is given up."""
    if attempt >= MAX_ATTEMPTS:
        return None
    return min(RETRY_FIRST * float(2 ** (attempt - 1)), RETRY_MAX)


class Watcher:
    def __init__(
        self,
        file: WorkspaceFile,
        catalogue: SystemCatalogue,
        store: Store,
        *,
        env: Mapping[str, str] | None = None,
        client: httpx.AsyncClient | None = None,
        keep: int = KEEP_PER_CHECK,
        book: PriceBook | None = None,
        budget_every: float = 300.0,
    ) -> None:
        self.file = file
        self.store = store
        self.env = env
        self.client = client
        self.keep = keep
        self.book = book or PriceBook.load(None)
        self.budget_every = budget_every
        self.alerting = Alerting(file, catalogue)
        self.excluded = excluder(file)
        """Inside a maintenance window: left out of uptime."""
        self.secret_names = referenced_names([i.model_dump(mode="json") for i in file.integrations])
        """Every `${ENV}` the workspace references: their values are redacted from all that leaves."""
        self._budget_at = float("-inf")
        self._swept_at = float("-inf")
        self.budgeted = {i.name for i in file.integrations if i.budget is not None}
        self.telemetered = {i.name for i in file.integrations if i.telemetry is not None}
        """Integrations whose spans come in through `tether serve`: their verdict is read each round."""
        """The only integrations a budget check can speak for."""
        self._touched: set[str] = set()
        """Budgeted integrations with results since the last budget check."""
        self._over: set[str] = set()
        """Budgeted integrations over budget at the last check (re-read so they can recover)."""
        self._tasks: set[asyncio.Task[list[Delivery]]] = set()

    def __call__(self, batch: list[CheckResult]) -> None:
        now = clock.now()
        self._touched.update(r.integration for r in batch if r.integration in self.budgeted)
        # A result tether could not judge for its own congestion (docs/adr/0014) moves no alert streak.
        observations = [
            Observation(r.integration, r.check, r.started_at, not is_failing(r.state), r.reason, r.category)
            for r in batch
            if r.category != Category.PROBE_OVERLOADED
        ]
        with self.store.transaction() as db:
            fold_new(db, self.excluded, now)
            keep_last(db, "check_results", {(r.integration, r.check) for r in batch}, self.keep)
            keep_last(db, "runs", {(r.integration, r.check) for r in batch if r.runs}, self.keep)
            notices = self.alerting.evaluate(db, observations, now)
        notices += self.check_budgets(now)
        if notices:
            self.dispatch(notices)

    def check_budgets(self, now: float) -> list[Notice]:
        """Budget burn as a check: projected month end over `budget.monthly_usd` fails it. And the
        spans' verdict as the `otlp` check, for an integration with `telemetry:` (no probe judges them).

        Reads the figures of what changed only: budgeted integrations with new results, those over
        budget last time, and every budgeted one once per `BUDGET_SWEEP`."""
        if now - self._budget_at < self.budget_every:
            return []
        self._budget_at = now
        if now - self._swept_at >= BUDGET_SWEEP:
            self._swept_at = now
            names = set(self.budgeted)
        else:
            names = self._touched | self._over
        names |= self.telemetered  # spans arrive through serve, not in a batch: read them each round
        self._touched = set()
        if not names:
            return []
        from tether.figures import read_figures  # a session with no budget never loads the figures

        observations = []
        for row in read_figures(self.file, self.store, now, self.book, sorted(names)):
            if row.spans is not None:
                ok = not is_failing(row.spans.state)
                observations.append(
                    Observation(
                        row.name, TELEMETRY_CHECK, now, ok, row.spans.reason or "", str(Category.LOW_SUCCESS_RATE)
                    )
                )
            c = row.cost
            if c.budget_usd is not None:
                observations.append(
                    Observation(row.name, BUDGET_CHECK, now, not c.over_budget, c.budget_words(), "budget")
                )
                if c.over_budget:
                    self._over.add(row.name)
                else:
                    self._over.discard(row.name)
        with self.store.transaction() as db:
            return self.alerting.evaluate(db, observations, now)

    def dispatch(self, notices: Sequence[Notice]) -> None:
        """Send on the running loop (the engine's); without one, send now."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(self.send(notices))
            return
        task = loop.create_task(self.send(notices))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def send(self, notices: Sequence[Notice]) -> list[Delivery]:
        if self.client is not None:
            deliveries = await asyncio.gather(*(deliver(self.client, n, self.env) for n in notices))
        else:
            async with httpx.AsyncClient(timeout=10.0) as client:
                deliveries = await asyncio.gather(*(deliver(client, n, self.env) for n in notices))
        now = clock.now()
        with self.store.transaction() as db:
            for d in deliveries:
                delay = None if d.ok else retry_delay(d.notice.attempt)
                error = None if d.error is None else redact(d.error, self.env, self.secret_names)
                finish_notification(db, d.notice.delivery_id, now, d.ok, error, None if delay is None else now + delay)
                if not d.ok:
                    then = "given up" if delay is None else f"retry in {delay:g}s"
                    log.warning(
                        "alert to %s failed (attempt %d, %s): %s", d.notice.channel_id, d.notice.attempt, then, error
                    )
        return list(deliveries)

    async def drain(self) -> None:
        """Wait for notices still being sent (call before closing the store)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
