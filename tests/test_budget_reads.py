"""The budget check reads only what changed: budgeted integrations with new results, those over
budget, and a sweep of every budgeted one once an hour — never every integration per batch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tether import clock
from tether.checks.result import CheckResult
from tether.checks.states import State
from tether.monitor.watch import BUDGET_SWEEP, Watcher
from tether.store import Store, open_store
from tether.workspace import load_workspace

WORKSPACE = """\
version: 1
workspace: {name: Budgets, owner: ops@example.com}
integrations:
  - name: budgeted
    title: Budgeted
    pattern: custom-app
    budget: {monthly_usd: 50}
    checks:
      - {kind: http, name: up, url: "http://127.0.0.1:9/"}
  - name: free
    title: Free
    pattern: custom-app
    checks:
      - {kind: http, name: up, url: "http://127.0.0.1:9/"}
"""


def statements(store: Store, action: Callable[[], object]) -> list[str]:
    """The SQL `action()` ran, read from SQLite's own trace."""
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        store.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def result(name: str, at: float) -> CheckResult:
    return CheckResult(name, "up", "http", State.HEALTHY, "ok", "ok", at, 5.0)


def test_the_budget_check_reads_only_budgeted_integrations_that_changed(tmp_path: Path) -> None:
    path = tmp_path / "integrations.yaml"
    path.write_text(WORKSPACE, encoding="utf-8")
    ws = load_workspace(path)
    now = clock.now()
    with open_store(tmp_path / "checked.db") as checked, open_store(tmp_path / "unchecked.db") as unchecked:
        # Two watchers, the same batches: one judges budgets after every batch, the other never
        # again after its first sweep; what the first reads beyond the second is the budget check.
        every = Watcher(ws.file, ws.systems, checked, budget_every=0)
        never = Watcher(ws.file, ws.systems, unchecked, budget_every=float("inf"))

        def extra(batch: list[CheckResult]) -> int:
            return len(statements(checked, lambda: every(batch))) - len(statements(unchecked, lambda: never(batch)))

        assert extra([]) == 0  # both sweep every budgeted integration first
        assert extra([result("free", now)]) == 0  # an unbudgeted integration's results: nothing to read
        assert extra([result("budgeted", now)]) > 0  # a budgeted one's: its figures are read
        assert extra([]) == 0  # no new results, nothing over budget: nothing read
        later = clock.now() + BUDGET_SWEEP
        assert len(statements(checked, lambda: every.check_budgets(later))) > 0  # the hourly sweep
