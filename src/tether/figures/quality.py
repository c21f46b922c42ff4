"""Quality: the latest eval pass rate of each sample suite an integration declares, and overall."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tether.model.integration import Integration
from tether.store.evals import Quality, SuiteSummary


@dataclass(frozen=True)
class QualityFigures:
    """The latest run of each suite the integration declares now; suites never run are listed apart."""

    suites: tuple[SuiteSummary, ...]
    never_run: tuple[str, ...]

    @property
    def graded(self) -> int:
        return sum(s.graded for s in self.suites)

    @property
    def pass_rate(self) -> float | None:
        """Passed over graded cases across the latest run of every suite, 0..1."""
        return sum(s.passed for s in self.suites) / self.graded if self.graded else None

    @property
    def as_of(self) -> float | None:
        """When the oldest of the latest runs started: how stale the figure may be."""
        return min((s.started_at for s in self.suites), default=None)

    @property
    def below_target(self) -> list[SuiteSummary]:
        return [s for s in self.suites if not s.meets_target]

    def to_json(self) -> dict[str, Any]:
        return {
            "pass_rate": self.pass_rate,
            "graded": self.graded,
            "measured_at": self.as_of,  # the oldest suite run behind the figure
            "suites": [
                {
                    "suite": s.suite,
                    "run_id": s.id,
                    "started_at": s.started_at,
                    "pass_rate": s.pass_rate,
                    "graded": s.graded,
                    "passed": s.passed,
                    "target_pass_rate": s.target_pass_rate,
                    "meets_target": s.meets_target,
                    "stopped": s.stopped,
                }
                for s in self.suites
            ],
            "never_run": list(self.never_run),
        }


def quality_figures(integration: Integration, latest: Quality | None) -> QualityFigures | None:
    """None when the integration declares no sample suites (nothing to measure quality with)."""
    if not integration.samples:
        return None
    runs = latest.suites if latest is not None else {}
    declared = [s.name for s in integration.samples]
    return QualityFigures(
        suites=tuple(runs[name] for name in declared if name in runs),
        never_run=tuple(name for name in declared if name not in runs),
    )
