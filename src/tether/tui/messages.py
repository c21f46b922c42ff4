"""What workers hand back to the screens: one typed message per outcome, handled with `@on`.

Workers run in threads and post these (post_message is thread-safe); a failure is a message too,
so no screen keeps a switchboard over worker group names and states.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from tether.advisor.engine import Advisor
    from tether.checks.result import CheckResult
    from tether.readiness.ladder import Scorecard
    from tether.store.incidents import Incident
    from tether.tui.data import Detail, Overview


class OverviewLoaded(Message):
    """A fresh read of every integration; a newer one replaces one still queued (a burst paints once)."""

    def __init__(self, overview: Overview) -> None:
        super().__init__()
        self.overview = overview

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, OverviewLoaded)


class DetailLoaded(Message):
    def __init__(self, detail: Detail) -> None:
        super().__init__()
        self.detail = detail

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DetailLoaded)


class RunbookRendered(Message):
    """The runbook's markdown; `written` lists the files a `generate docs` wrote (None: only rendered)."""

    def __init__(self, markdown: str, written: list[str] | None = None) -> None:
        super().__init__()
        self.markdown = markdown
        self.written = written


class ProbeFinished(Message):
    def __init__(self, name: str, results: list[CheckResult]) -> None:
        super().__init__()
        self.name = name
        self.results = results


class IncidentAcknowledged(Message):
    def __init__(self, incident: Incident) -> None:
        super().__init__()
        self.incident = incident


class IncidentsLoaded(Message):
    def __init__(self, incidents: list[Incident]) -> None:
        super().__init__()
        self.incidents = incidents


class ReadinessScored(Message):
    def __init__(self, cards: dict[str, Scorecard]) -> None:
        super().__init__()
        self.cards = cards


class AdvisorLoaded(Message):
    def __init__(self, advisor: Advisor, previous: dict[str, Any]) -> None:
        super().__init__()
        self.advisor = advisor
        self.previous = previous


class MilestoneSaved(Message):
    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number


class WorkFailed(Message):
    """A worker could not finish: `what` says what it was doing, in the user's words."""

    def __init__(self, what: str, error: BaseException) -> None:
        super().__init__()
        self.what = what
        self.error = error
