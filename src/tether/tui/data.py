"""What the screens show, read from the headless core in worker threads (no textual here).

Each function costs a fixed number of store queries however many integrations there are: the
figures come from `tether.figures.read_figures` (eight queries), readiness from one more, and a
detail screen's history from the rollups (`series`), never raw results. No figure is computed
here: the cells are the figures, formatted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.text import Text

from tether.checks.states import State
from tether.figures import IntegrationFigures, Source, read_figures
from tether.model.integration import Integration
from tether.monitor.quiet import quiet_after
from tether.pricing import PriceBook
from tether.store import Store, open_store
from tether.store.db import changes_seen
from tether.store.incidents import Incident, incidents
from tether.store.results import last_result_at, latest_per_check, results_for
from tether.store.rollups import HOUR, bucket_start, series
from tether.tui import format as fmt
from tether.tui import readiness
from tether.workspace import Workspace

Clock = Callable[[], float]

COLUMNS: tuple[tuple[str, str], ...] = (
    ("state", "State"),
    ("name", "Integration"),
    ("reason", "Why"),
    ("pattern", "Pattern"),
    ("owner", "Owner"),
    ("uptime", "Uptime 24h"),
    ("beat", "Last 24 hours"),
    ("success", "Success"),
    ("p95", "p95"),
    ("cost", "Cost this month"),
    ("quality", "Quality"),
    ("readiness", "Readiness"),
)
"""The dashboard's columns, in order: (key, heading)."""

PRIORITY: tuple[str, ...] = (
    "state",
    "name",
    "reason",
    "uptime",
    "cost",
    "success",
    "p95",
    "beat",
    "readiness",
    "quality",
    "owner",
    "pattern",
)
"""Which columns stay as the terminal narrows: the first ones always, the last ones drop first."""
REASON_WIDTH = 48
"""The widest the reason column grows; the line under the table has the reason in full."""


class StoreAccess:
    """The app's own connection to the store, used by one worker thread at a time.

    Probing writes through other connections (another process, or the in-process prober's own),
    and WAL lets this one read meanwhile.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._store: Store | None = None
        self._lock = threading.Lock()

    @contextmanager
    def use(self) -> Iterator[Store]:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.path)
            yield self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


@dataclass(frozen=True)
class Row:
    """One dashboard row: the figures, the text of each cell, and what each column sorts by."""

    name: str
    title: str
    figures: IntegrationFigures
    owner: str
    readiness: str | None
    cells: tuple[Text, ...]
    keys: tuple[Any, ...]
    search: str
    """Lower-cased text that filtering matches against."""
    signature: str
    """The cells' text and styles in one string, made in the worker: the UI thread compares rows by it."""
    widths: tuple[int, ...]
    """Each cell's width in terminal cells, measured once in the worker."""
    inputs: tuple[Any, ...]
    """Everything the cells, keys and search text are made from: a row with the same inputs is made once."""

    @property
    def state(self) -> State:
        return self.figures.state

    def sort_key(self, column: str) -> Any:
        return self.keys[[key for key, _ in COLUMNS].index(column)]


def _none_last(value: float | None, worst_high: bool = False) -> tuple[int, float]:
    """Sort key: missing figures after measured ones."""
    if value is None:
        return (1, 0.0)
    return (0, -value if worst_high else value)


def row_inputs(figures: IntegrationFigures, integration: Integration, level: str | None) -> tuple[Any, ...]:
    """What `make_row` reads (figures such as the month's projection, shown only in the panel, are not)."""
    cost = figures.cost
    return (
        figures.name,
        figures.title,
        figures.pattern,
        figures.state,
        figures.reason,
        figures.incident is not None,
        integration.owner,
        figures.uptime.day,
        figures.last_day,
        figures.success.rate,
        figures.success.source,
        figures.processing.p95_ms,
        cost.month_to_date_usd,
        cost.budget_usd,
        cost.over_budget,
        figures.quality_rate,
        level,
    )


_SHARED: dict[tuple[str, Any], Text] = {}
"""Cells that follow from one value (a state, a pattern, a day of hours, "not measured"), made once
for every row that shows the same: a thousand rows are made per load, and most rows share them.
Safe to share because no cell is changed once made (the table copies one to cut it)."""
SHARED_MAX = 4096
"""A day of hours can be any tuple of uptimes: past this many kept cells, start again."""


def _shared(key: tuple[str, Any], make: Callable[[Any], Text], value: Any) -> Text:
    cell = _SHARED.get(key)
    if cell is None:
        if len(_SHARED) >= SHARED_MAX:
            _SHARED.clear()
        cell = _SHARED[key] = make(value)
    return cell


def make_row(figures: IntegrationFigures, integration: Integration, level: str | None) -> Row:
    cost = figures.cost
    spent = cost.month_to_date_usd
    owner = fmt.owner_text(integration.owner)
    uptime, success, p95 = figures.uptime.day, figures.success.rate, figures.processing.p95_ms
    incident = " ⚑" if figures.incident is not None else ""
    # Every cell is Text, never a str: the table would parse a str as console markup on the UI thread.
    cells: tuple[Text, ...] = (
        _shared(("state", figures.state), fmt.state_text, figures.state),
        Text(figures.name + incident),
        fmt.reason_text(figures.state, figures.reason),
        _shared(("pattern", figures.pattern), Text, figures.pattern),
        Text(owner),
        Text(fmt.percent(uptime)),
        _shared(("beat", figures.last_day), fmt.heartbeat, figures.last_day),
        fmt.success_text(success, figures.success.source is Source.PROBES),
        Text(fmt.millis(p95)),
        fmt.budget_bar(spent, cost.budget_usd, cost.over_budget),
        _shared(("quality", figures.quality_rate), fmt.quality_text, figures.quality_rate),
        _shared(("readiness", level), fmt.readiness_text, level),
    )
    share = float(spent / cost.budget_usd) if cost.budget_usd else (float(spent) if spent else 0.0)
    keys = (
        -fmt.state_rank(figures.state),  # ascending sort puts the worst first
        figures.name,
        (figures.state is State.HEALTHY, figures.reason or ""),
        figures.pattern,
        owner,
        _none_last(uptime),
        sum(1 for hour in figures.last_day if hour is not None and hour < 0.9995) * -1,  # most bad hours first
        _none_last(success),
        _none_last(p95, worst_high=True),
        (0 if cost.over_budget else 1, -share),
        _none_last(figures.quality_rate),
        (level is None, level or ""),
    )
    search = " ".join(
        (
            figures.name,
            figures.title,
            figures.pattern,
            integration.owner or "",
            str(figures.state),
            figures.reason or "",
        )
    ).lower()
    # Each cell's style follows from its text, except the bar's colour: add what decides that.
    signature = "\x1f".join([*(cell.plain for cell in cells), str(cost.over_budget), str(share >= 0.8)])
    widths = tuple(cell.cell_len for cell in cells)
    inputs = row_inputs(figures, integration, level)
    return Row(figures.name, figures.title, figures, owner, level, cells, keys, search, signature, widths, inputs)


@dataclass(frozen=True)
class Overview:
    """Everything the dashboard shows at one moment."""

    rows: list[Row]
    now: float
    counts: dict[State, int]
    incidents: int
    """Integrations with an open incident."""
    spent: Decimal
    budget: Decimal
    last_result: float | None = None
    """When any prober last recorded a result (None: never)."""
    quiet: bool = False
    """No prober has written for longer than the workspace's checks allow."""
    widths: dict[str, int] = field(default_factory=dict)
    """Each column's natural width (`natural_widths`), so the UI thread measures no cell to fit columns."""
    seen: tuple[int, int] = (-1, -1)
    """The store's changes as of this read (`changes_seen`): the next load reads again only when they differ."""
    elapsed: float = 0.0
    """Seconds the load took in its worker (the next refresh waits in proportion)."""


def overview(ws: Workspace, store: Store, now: float, book: PriceBook, previous: Overview | None = None) -> Overview:
    """Every integration's row: the figures' queries, one for readiness and one for the last result.

    A row whose cells would be made from what the `previous` overview's row was made from keeps
    that row's cells (with today's figures). When nothing has been written to the store since
    `previous` was read, in the same hour and within a minute, nothing is read again: the
    previous overview stands, with the time and the quiet flag brought up to date.
    """
    seen = changes_seen(store)
    if previous is not None and _still(previous, seen, now):
        return replace(previous, now=now, quiet=_quiet(ws, previous.last_result, now))
    figures = read_figures(ws.file, store, now, book)
    levels = readiness.levels(store, ws)
    by_name = {i.name: i for i in ws.integrations}
    before = {} if previous is None else {r.name: r for r in previous.rows}
    rows = [_row(f, by_name[f.name], levels.get(f.name), before.get(f.name)) for f in figures]
    counts = dict.fromkeys(State, 0)
    for row in rows:
        counts[row.state] += 1
    spent = sum((r.figures.cost.month_to_date_usd for r in rows), Decimal(0))
    budget = sum((r.figures.cost.budget_usd or Decimal(0) for r in rows), Decimal(0))
    incidents = sum(1 for r in rows if r.figures.incident is not None)
    last = last_result_at(store)
    return Overview(
        rows, now, counts, incidents, spent, budget, last, _quiet(ws, last, now), natural_widths(rows), seen
    )


REREAD_EVERY = 60.0
"""Seconds after which an unchanged store is read again anyway: projections move with the clock."""


def _still(previous: Overview, seen: tuple[int, int], now: float) -> bool:
    """Whether `previous` still holds at `now`: nothing written since, the same hour (windows start on
    hours), and not long after."""
    return (
        previous.seen == seen
        and bucket_start(previous.now, HOUR) == bucket_start(now, HOUR)
        and 0 <= now - previous.now < REREAD_EVERY
    )


def _quiet(ws: Workspace, last: float | None, now: float) -> bool:
    return last is None or now - last > quiet_after(ws)


def _row(figures: IntegrationFigures, integration: Integration, level: str | None, before: Row | None) -> Row:
    if before is not None and before.inputs == row_inputs(figures, integration, level):
        b = before  # spelled out rather than dataclasses.replace, which costs ten times as much
        return Row(
            b.name, b.title, figures, b.owner, b.readiness, b.cells, b.keys, b.search, b.signature, b.widths, b.inputs
        )
    return make_row(figures, integration, level)


CELL_PADDING = 2
"""A DataTable cell's padding, one column each side."""
REASON_MIN = 28


def natural_widths(rows: list[Row]) -> dict[str, int]:
    """Each column's width with its widest cell or heading, padding included (measured in the worker)."""
    return {
        key: max([len(heading), *(r.widths[i] for r in rows)]) + CELL_PADDING
        for i, (key, heading) in enumerate(COLUMNS)
    }


def fit_columns(natural: dict[str, int], width: int) -> dict[str, int | None]:
    """The columns that fit in `width`, by PRIORITY, in table order: key -> fixed width (None: as wide as its cells).

    State and name always stay; the reason gets at least REASON_MIN when any row has one, and
    whatever is left over after the other columns that fit, up to its full length.
    """
    reason_full = min(natural["reason"], REASON_WIDTH + CELL_PADDING)
    # At least REASON_MIN, but never so much that state, name and reason overflow a narrow terminal.
    reason_least = max(
        CELL_PADDING + 1, min(reason_full, REASON_MIN + CELL_PADDING, width - natural["state"] - natural["name"])
    )
    left = width - natural["state"] - natural["name"] - reason_least
    chosen = {"state", "name", "reason"}
    for key in PRIORITY:
        if key in chosen:
            continue
        if natural[key] <= left:
            chosen.add(key)
            left -= natural[key]
        else:
            break  # keep the priority order: a later, narrower column never jumps a wider, earlier one
    reason = max(reason_least, min(reason_full, reason_least + max(0, left))) - CELL_PADDING
    return {key: (reason if key == "reason" else None) for key, _ in COLUMNS if key in chosen}


def visible(rows: list[Row], text: str, column: str, reverse: bool) -> list[Row]:
    """The rows matching the filter text, in the chosen order (ties by name)."""
    needle = text.strip().lower()
    shown = [r for r in rows if needle in r.search] if needle else list(rows)
    shown.sort(key=lambda r: r.name)
    shown.sort(key=lambda r: r.sort_key(column), reverse=reverse)
    return shown


def workspace_incidents(store: Store, limit: int = 500) -> list[Incident]:
    """Every integration's incidents: open and unacknowledged first, then acknowledged, then resolved.

    Newest first within each.
    """

    def rank(x: Incident) -> int:
        if x.resolved_at is not None:
            return 2
        return 1 if x.acknowledged_at is not None else 0

    return sorted(incidents(store, limit=limit), key=lambda x: (rank(x), -x.opened_at, -x.id))


# -- one integration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Detail:
    """One integration's screen: history for the chosen span, latest results, incidents, definition."""

    integration: Integration
    figures: IntegrationFigures
    span: str
    now: float
    points: list[dict[str, Any]]
    latest: list[dict[str, Any]]
    results: list[dict[str, Any]]
    incidents: list[Incident]
    definition: str


def detail(ws: Workspace, store: Store, name: str, span: str, now: float, book: PriceBook, limit: int = 50) -> Detail:
    """The integration's figures (read for it alone), the rollup series, each check's latest state,
    recent results and recent incidents."""
    integration = ws.integration(name)
    found = [i for i in incidents(store, limit=500) if i.concerns(name)]
    return Detail(
        integration=integration,
        figures=read_figures(ws.file, store, now, book, names=[name])[0],
        span=span,
        now=now,
        points=series(store, name, span, now),
        latest=latest_per_check(store, name),
        results=results_for(store, name, limit=limit),
        incidents=found,
        definition=definition_text(ws, name),
    )


def definition_text(ws: Workspace, name: str) -> str:
    """The integration as written in integrations.yaml, as YAML: secrets stay ${ENV} references, and the
    value of any variable it references is redacted wherever it turns up in free text."""
    import yaml

    from tether.secrets import redact_data, referenced_names

    definition = ws.integration(name).model_dump(mode="json", exclude_unset=True)
    safe = redact_data(definition, names=referenced_names(definition))
    return str(yaml.safe_dump(safe, sort_keys=False, allow_unicode=True, width=100))


def failed_conditions(result: dict[str, Any]) -> str:
    """The conditions that did not hold, with the value seen (http checks); empty when none failed."""
    failed = [c for c in result.get("conditions") or [] if not c.get("ok")]
    return "; ".join(f"{c['condition']} (saw {c.get('actual')})" for c in failed)


@dataclass
class Runbook:
    markdown: str
    written: list[str] = field(default_factory=list)
    """Files written by the last `generate docs`, relative to the output folder."""


def runbook(ws: Workspace, store: Store, name: str) -> str:
    """The runbook for one integration, rendered as `tether docs` renders it."""
    from tether.docs.gather import gather
    from tether.docs.render import render_documents

    docs = gather(ws, store)
    docs.integrations = [i for i in docs.integrations if i.name == name]
    return render_documents(docs, ws.root)[f"runbooks/{name}.md"]


def generate_docs(ws: Workspace, store: Store, out: Path, name: str) -> Runbook:
    """Write every document (as `tether docs --out OUT`) and return this integration's runbook."""
    from tether.docs import check as checking
    from tether.docs.gather import gather
    from tether.docs.render import render_documents

    documents = render_documents(gather(ws, store), ws.root)
    plan = checking.plan(out, documents)
    checking.apply(plan, documents)
    return Runbook(documents[f"runbooks/{name}.md"], sorted([*plan.missing, *plan.stale]))
