"""The progress bar of `tether probe` on a terminal: checks done of total, and the slowest still running.

It draws on stderr only when both stdout and stderr are terminals (as gh does), so a pipe, a
file or `--json` gets the results alone. rich redraws from its own thread, hence the lock.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.progress import Task, TaskID
    from rich.text import Text

    from tether.checks.result import CheckResult
    from tether.monitor.engine import Job


def wanted(as_json: bool) -> bool:
    """A bar is for a person at a terminal: not for --json, a pipe or a file."""
    return not as_json and sys.stdout.isatty() and sys.stderr.isatty()


class ProbeProgress:
    """Fed by the engine's on_start / on_result hooks; read by the bar at each redraw."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self._running: dict[str, float] = {}
        self._lock = threading.Lock()
        self._task: TaskID | None = None

    def started(self, job: Job) -> None:
        with self._lock:
            self._running[job.key] = time.monotonic()

    def finished(self, job: Job, result: CheckResult) -> None:
        with self._lock:
            self._running.pop(job.key, None)
            self.done += 1

    def slowest(self) -> tuple[str, float] | None:
        """The check running longest, and for how many seconds."""
        with self._lock:
            if not self._running:
                return None
            key, since = min(self._running.items(), key=lambda item: item[1])
        return key, time.monotonic() - since

    def slowest_words(self) -> str:
        found = self.slowest()
        return "" if found is None else f"waiting on {found[0]} ({found[1]:.1f}s)"

    @contextmanager
    def drawn(self, console: Console | None = None) -> Iterator[ProbeProgress]:
        """Show the bar (on stderr by default) while the block runs; it is erased when the block ends."""
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn
        from rich.text import Text

        outer = self

        class Slowest(ProgressColumn):
            def render(self, task: Task) -> Text:
                return Text(outer.slowest_words(), style="dim")

        class Bar(Progress):
            def get_renderables(self) -> Iterable[RenderableType]:
                # The count is read when the bar is redrawn, not pushed on every result.
                if outer._task is not None:
                    self.update(outer._task, completed=outer.done)
                yield from super().get_renderables()

        bar = Bar(
            SpinnerColumn(),
            TextColumn("probing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("checks"),
            Slowest(),
            console=console or Console(stderr=True),
            transient=True,
            refresh_per_second=4,  # a person reads it; fewer redraws leave the probes more CPU
        )
        with bar:
            self._task = bar.add_task("probing", total=self.total)
            yield self
