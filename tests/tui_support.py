"""Deterministic stores for the dashboard tests: fixed clock values, written through the store's public functions.

`seeded_store` gives the bundled workspace one integration in each state with history, incidents
and a budget overrun, as of NOW; `big_workspace` writes an integrations.yaml of N integrations
and fills 30 days of rollups for them (the smoke test and the startup benchmark).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable

from tether.checks.result import CheckResult, ConditionResult
from tether.checks.states import State
from tether.model.tokens import TokenCounts
from tether.store import Store, open_store
from tether.store.incidents import open_incident, resolve_incident
from tether.store.registry import sync_integrations
from tether.store.results import record_results
from tether.store.rollups import DAY, HOUR, MINUTE, Sample, record_samples
from tether.tui.app import Settings, TetherApp
from tether.workspace import Workspace, load_workspace

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 3, 14, 12, 0, 30, tzinfo=UTC).timestamp()
"""A Saturday in mid-March: 13.5 days into the month, so cost projections are round-ish."""
SIZE = (200, 50)
"""Wide enough for every dashboard column (narrower terminals drop columns by priority)."""

# (integration, check, kind, state, reason, latency ms, failed condition)
LATEST = [
    (
        "lead-intake-zapier",
        "zap-runs",
        "zapier",
        State.HEALTHY,
        "39/40 runs succeeded in the last 24h (98%)",
        None,
        None,
    ),
    ("lead-intake-zapier", "zapier-status", "statuspage", State.HEALTHY, "All Systems Operational", 180.0, None),
    ("crm-followup-email", "claude-api", "anthropic", State.HEALTHY, "key and model accepted", 240.0, None),
    ("crm-followup-email", "crm-webhook", "http", State.HEALTHY, "2/2 conditions hold", 95.0, None),
    (
        "hubspot-ai-scoring",
        "hubspot-status",
        "statuspage",
        State.DEGRADED,
        "minor: Delays in AI lead scoring",
        150.0,
        None,
    ),
    (
        "support-portal-rag",
        "portal-health",
        "http",
        State.DOWN,
        "1 of 3 conditions failed: [STATUS] == 200",
        30.0,
        ("[STATUS] == 200", "503"),
    ),
    ("support-portal-rag", "claude-api", "anthropic", State.HEALTHY, "key and model accepted", 210.0, None),
    ("support-portal-rag", "pinecone-status", "statuspage", State.HEALTHY, "All Systems Operational", 120.0, None),
]
# lead-intake-n8n is left unprobed: its state is unknown.


def copy_bundled(folder: Path) -> Workspace:
    shutil.copy(ROOT / "integrations.yaml", folder / "integrations.yaml")
    return load_workspace(folder / "integrations.yaml")


def _result(
    integration: str,
    check: str,
    kind: str,
    state: State,
    reason: str,
    latency: float | None,
    failed: tuple[str, str] | None,
    at: float,
) -> CheckResult:
    conditions: tuple[ConditionResult, ...] = ()
    if failed is not None:
        conditions = (ConditionResult(failed[0], False, failed[1]), ConditionResult("[BODY].status == UP", True, "UP"))
    return CheckResult(
        integration,
        check,
        kind,
        state,
        reason,
        "ok" if state == State.HEALTHY else "condition",
        at,
        latency,
        conditions,
    )


def seed(store: Store, ws: Workspace) -> None:
    """The bundled workspace as of NOW: results, 30 days of rollups, incidents and a budget overrun."""
    sync_integrations(store, ws.store_definitions(), NOW - 40 * DAY)
    earlier = [_result(i, c, k, State.HEALTHY, "ok", lat, None, NOW - 600) for i, c, k, _s, _r, lat, _f in LATEST]
    record_results(store, earlier)
    record_results(store, [_result(*row, NOW - 60) for row in LATEST])
    samples: list[Sample] = []
    for n, (integration, check, _k, state, _r, latency, _f) in enumerate(LATEST):
        base = latency or 1800.0
        # Every 6 hours for 30 days, hourly for the last day, each minute for the last 20 minutes.
        times = [NOW - h * HOUR for h in range(6, 30 * 24, 6)] + [NOW - h * HOUR for h in range(1, 24)]
        times += [NOW - m * MINUTE for m in range(1, 21)]
        for j, ts in enumerate(sorted(times)):
            failing = state == State.DOWN and ts > NOW - 40 * MINUTE
            ok = not failing and (j + n) % 17 != 0
            cost = 0.9 if integration == "lead-intake-zapier" and ts >= NOW - 13 * DAY else 0.0
            samples.append(
                Sample(
                    integration,
                    check,
                    ts,
                    ok,
                    base * (1 + (j % 7) / 10),
                    cost_usd=cost,
                    tokens=TokenCounts(1500, 400) if cost else TokenCounts(),
                )
            )
    record_samples(store, samples, NOW)
    with store.transaction() as db:
        open_incident(
            db,
            "check:support-portal-rag/portal-health",
            "check",
            "1 of 3 conditions failed: [STATUS] == 200",
            NOW - 35 * MINUTE,
            integration="support-portal-rag",
            check="portal-health",
            category="condition",
        )
        past = open_incident(
            db,
            "check:support-portal-rag/claude-api",
            "check",
            "overloaded (HTTP 529)",
            NOW - 3 * DAY,
            integration="support-portal-rag",
            check="claude-api",
            category="overloaded",
        )
        resolve_incident(db, past, NOW - 3 * DAY + 20 * MINUTE)


def seeded_store(folder: Path) -> tuple[Workspace, Path]:
    ws = copy_bundled(folder)
    path = folder / "tether.db"
    with open_store(path) as store:
        seed(store, ws)
    return ws, path


def make_app(ws: Workspace, path: Path, **settings: object) -> TetherApp:
    """The app over a store, on the fixed clock, never refreshing by itself during a test."""
    options: dict[str, object] = {
        "clock": lambda: NOW,
        "refresh_every": 3600.0,
        "user": "tester",
        "docs_out": path.parent / "reports",
    }
    options.update(settings)
    return TetherApp(Settings(workspace=ws, store_path=str(path), **options))  # type: ignore[arg-type]


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and every message it posted be handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    while getattr(pilot.app.screen, "_filling", False):  # a big table is filled a chunk per frame
        await pilot.pause()


def shown_names(app: TetherApp) -> list[str]:
    """The dashboard's rows, top to bottom."""
    table = app.screen.query_one(DataTable)
    return [str(table.coordinate_to_cell_key((row, 0)).row_key.value) for row in range(table.row_count)]


def cell(app: TetherApp, name: str, column: str) -> str:
    value = app.screen.query_one(DataTable).get_cell(name, column)
    return str(getattr(value, "plain", value))


PATTERNS = ("automation-bridge", "direct-api", "native-feature", "custom-app")


def many_integrations(count: int) -> str:
    """An integrations.yaml of `count` integrations, one http check each (the smoke test and the dashboard bench)."""
    lines = ["version: 1", "workspace:", "  name: Many integrations", "integrations:"]
    for i in range(count):
        lines += [
            f"  - name: service-{i:04d}",
            f"    title: Service {i}",
            f"    owner: team{i % 9}@example.com",
            f"    pattern: {PATTERNS[i % 4]}",
            "    budget:",
            f"      monthly_usd: {40 + i % 300}",
            "    checks:",
            "      - kind: http",
            "        name: health",
            f"        url: http://127.0.0.1:9/health/{i}",
        ]
    return "\n".join(lines) + "\n"


def big_workspace(folder: Path, count: int = 1000, days: int = 30, every_hours: int = 24) -> tuple[Workspace, Path]:
    """`count` integrations with one http check each, and `days` of rollups (a sample every `every_hours`)."""
    (folder / "integrations.yaml").write_text(many_integrations(count), encoding="utf-8")
    ws = load_workspace(folder / "integrations.yaml")
    path = folder / "tether.db"
    with open_store(path) as store:
        sync_integrations(store, ws.store_definitions(), NOW - 40 * DAY)
        step = every_hours * HOUR
        samples = [
            Sample(
                f"service-{i:04d}",
                "health",
                NOW - k * step - 60,
                (i + k) % 23 != 0,
                80.0 + (i * 7 + k) % 400,
                cost_usd=0.02 * (i % 5),
            )
            for i in range(count)
            for k in range(int(days * DAY // step))
        ]
        record_samples(store, samples, NOW)
        record_results(
            store,
            [
                _result(
                    f"service-{i:04d}",
                    "health",
                    "http",
                    [State.HEALTHY, State.DEGRADED, State.DOWN][i % 3 if i % 10 == 0 else 0],
                    "ok",
                    90.0,
                    None,
                    NOW - 30,
                )
                for i in range(count)
            ],
        )
    return ws, path
