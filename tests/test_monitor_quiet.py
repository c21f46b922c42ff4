"""Whether anything is probing this store: `tether dash` probes in-process by default only when nothing is."""

from __future__ import annotations

from pathlib import Path

from tests.tui_support import NOW, _result, copy_bundled
from tether.checks.states import State
from tether.monitor.quiet import nothing_probing, quiet_after
from tether.store import open_store
from tether.store.registry import sync_integrations
from tether.store.results import record_results


def test_a_store_is_quiet_until_a_result_and_again_after_two_intervals(tmp_path: Path) -> None:
    ws = copy_bundled(tmp_path)
    with open_store(tmp_path / "tether.db") as store:
        sync_integrations(store, ws.store_definitions(), NOW - 3600)
        assert nothing_probing(ws, store, NOW)  # never probed
        record_results(
            store, [_result("crm-followup-email", "claude-api", "anthropic", State.HEALTHY, "ok", 1, None, NOW)]
        )
        assert not nothing_probing(ws, store, NOW + 1)
        assert not nothing_probing(ws, store, NOW + quiet_after(ws))
        assert nothing_probing(ws, store, NOW + quiet_after(ws) + 1)
