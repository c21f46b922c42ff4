"""What the documents say, gathered once: definitions, rules and the store's history.

Every source is optional. A fresh workspace has definitions and rules only, and each
document says plainly what is not measured yet. Times come from the store (never the
clock), so the same inputs always give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tether.figures import IntegrationFigures
from tether.model.integration import Integration
from tether.model.systems import SystemCatalogue
from tether.model.troubleshooting import FailureMode, Troubleshooting
from tether.model.workspace_file import WorkspaceFile
from tether.pricing import PriceBook


@dataclass(frozen=True)
class CheckStatus:
    """The latest recorded result of one check."""

    state: str
    reason: str | None
    at: float


@dataclass(frozen=True)
class Monitoring:
    """One integration's figures (tether.figures) as of the latest result, and each check's latest result."""

    as_of: float
    """The time of the latest result these figures include."""
    figures: IntegrationFigures
    checks: dict[str, CheckStatus] = field(default_factory=dict)

    @property
    def state(self) -> str:
        return str(self.figures.state)


@dataclass(frozen=True)
class ReasonCount:
    """How often one failure reason was recorded for an integration by one kind of check, and when last."""

    reason: str
    count: int
    last_seen: float
    kind: str | None = None
    """The kind of check that recorded it (None for a budget incident)."""
    last_text: str | None = None
    """The reason as it was recorded the last time, word for word."""


@dataclass(frozen=True)
class IncidentLine:
    """One incident about the integration, as the documents list it."""

    id: int
    opened_at: float
    resolved_at: float | None
    reason: str
    cause: str


@dataclass(frozen=True)
class SuiteTrend:
    """A sample suite's latest runs, newest first: each pass rate (0..1, None when nothing was graded) and run id."""

    suite: str
    target: float
    runs: list[tuple[int, float, float | None]]
    """(run id, started at, pass rate)."""


@dataclass(frozen=True)
class ReadinessGap:
    title: str
    fix: str


@dataclass(frozen=True)
class Readiness:
    level: str
    as_of: float
    score: float | None = None
    gaps: list[ReadinessGap] = field(default_factory=list)


@dataclass(frozen=True)
class Risk:
    level: str
    title: str
    improvement_plan: str


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str


@dataclass(frozen=True)
class EstimateLine:
    label: str
    monthly_usd: float


@dataclass(frozen=True)
class RoadmapMonth:
    title: str
    items: list[str] = field(default_factory=list)
    note: str | None = None


@dataclass(frozen=True)
class Assessment:
    """One saved milestone of the advisor."""

    number: int
    created_at: float
    answers: list[Answer] = field(default_factory=list)
    primary: str | None = None
    complementary: list[str] = field(default_factory=list)
    trace: list[str] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    estimate: list[EstimateLine] = field(default_factory=list)
    roadmap: list[RoadmapMonth] = field(default_factory=list)


@dataclass(frozen=True)
class TableLine:
    """One line of the decision table: an answer, what the table says, what tether checks."""

    answer: str
    says: str
    checks: str
    improvement_plan: str


@dataclass(frozen=True)
class TableCase:
    """One combination of the table's answers and what the advisor makes of it."""

    answers: list[str]
    recommendation: str
    month_one: str
    departures: list[str] = field(default_factory=list)
    """Each as the line's words and the risks naming it."""


@dataclass(frozen=True)
class TableGroup:
    title: str
    cases: list[TableCase]


@dataclass(frozen=True)
class DecisionTable:
    """The decision table as the lens applies it (reports/decision-table.md)."""

    source: str
    lines: list[TableLine]
    example_answers: list[str]
    groups: list[TableGroup]
    openings: list[str]
    """Each distinct reason the roadmap's month 1 is not the primary pattern's month."""
    followed: int
    total: int


@dataclass(frozen=True)
class AINote:
    """Troubleshooting notes Claude drafted for one integration (already redacted)."""

    model: str
    lines: list[str]


@dataclass(frozen=True)
class RunbookEntry:
    mode: FailureMode
    count: int = 0
    last_seen: float | None = None
    last_text: str | None = None
    """The exact reason of the latest occurrence."""


@dataclass
class DocumentSet:
    """Everything the documents are rendered from. Fields other than the definitions are optional."""

    workspace_name: str
    timezone: str
    integrations: list[Integration]
    systems: SystemCatalogue
    troubleshooting: Troubleshooting
    file: WorkspaceFile
    """The definitions as loaded: what the figures are read for."""
    prices: PriceBook
    root: Path | None = None
    """The workspace folder, for its own rules (the questionnaire) where a source needs them."""
    default_interval: float = 60.0
    default_timeout: float = 10.0
    assessment: Assessment | None = None
    decision_table: DecisionTable | None = None
    previous_assessment: Assessment | None = None
    sources: dict[str, str] = field(default_factory=dict)
    """Each integration's text as written in integrations.yaml (comments and `${ENV}` references kept)."""
    monitoring: dict[str, Monitoring] = field(default_factory=dict)
    history: dict[str, list[ReasonCount]] = field(default_factory=dict)
    """Recorded failure reasons per integration (results and incidents)."""
    readiness: dict[str, Readiness] = field(default_factory=dict)
    incidents: dict[str, list[IncidentLine]] = field(default_factory=dict)
    """Open incidents and the latest resolved ones, newest first."""
    quality: dict[str, list[SuiteTrend]] = field(default_factory=dict)
    ai_notes: dict[str, AINote] = field(default_factory=dict)

    def source_text(self, integration: Integration) -> str:
        """The integration as the user wrote it; a YAML dump of the definition only where no text is known."""
        found = self.sources.get(integration.name)
        if found:
            return found
        import yaml

        return str(yaml.safe_dump(integration.model_dump(mode="json"), sort_keys=False, allow_unicode=True))

    def runbook(self, integration: Integration) -> list[RunbookEntry]:
        """The failure modes that can happen to this integration's checks and systems (or did), most
        frequent in its own history first.

        Ties go to the most recently seen; modes never seen keep the order of troubleshooting.yaml.
        """
        seen: dict[str, RunbookEntry] = {}
        for found in self.history.get(integration.name, []):
            mode = self.troubleshooting.for_reason(found.reason, found.kind)
            if mode is None:
                continue
            entry = seen.get(mode.id, RunbookEntry(mode))
            newer = entry.last_seen is None or found.last_seen >= entry.last_seen
            seen[mode.id] = RunbookEntry(
                mode,
                entry.count + found.count,
                found.last_seen if newer else entry.last_seen,
                found.last_text if newer else entry.last_text,
            )
        entries = [
            seen.get(mode.id, RunbookEntry(mode))
            for mode in self.troubleshooting.failure_modes
            if applies(mode, integration, self.systems) or mode.id in seen
        ]
        order = {entry.mode.id: i for i, entry in enumerate(entries)}
        return sorted(entries, key=lambda e: (-e.count, -(e.last_seen or 0.0), order[e.mode.id]))

    def not_expected(self, integration: Integration, runbook: list[RunbookEntry] | None = None) -> list[FailureMode]:
        """The failure modes none of its checks or systems can meet, named in one line of its runbook
        (`runbook`: its entries, when they are at hand already)."""
        listed = {e.mode.id for e in (self.runbook(integration) if runbook is None else runbook)}
        return [m for m in self.troubleshooting.failure_modes if m.id not in listed]

    def unmapped_reasons(self, integration: Integration) -> list[ReasonCount]:
        """Recorded reasons no failure mode claims for their check kind: shown so the on-call person still sees them."""
        return [
            r
            for r in self.history.get(integration.name, [])
            if self.troubleshooting.for_reason(r.reason, r.kind) is None
        ]


def system_ids(integration: Integration) -> list[str]:
    """Every system the integration uses, in the order a reader meets them."""
    ids: list[str] = []
    for _, name in integration.systems():
        if name not in ids:
            ids.append(name)
    return ids


def applies(mode: FailureMode, integration: Integration, systems: SystemCatalogue) -> bool:
    target = mode.applies_to
    if integration.pattern in target.patterns:
        return True
    if any(check.kind in target.check_kinds for check in integration.checks):
        return True
    for name in system_ids(integration):
        system = systems.resolve(name)
        if name in target.systems or (system is not None and system.id in target.systems):
            return True
        if system is not None and system.kind in target.system_kinds:
            return True
    return False
