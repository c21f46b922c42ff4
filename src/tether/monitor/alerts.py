"""The alert state machine: runs in a row → incidents → notices for each channel.

Per check: `failure_threshold` failures in a row open an incident, `success_threshold`
successes in a row resolve it. Each channel is told once it sees as many failures as its own
threshold, reminded no more often than its `reminder` interval while the incident is open and
unacknowledged, and told of the resolution when `send_on_resolved`. Runs inside a maintenance
window are skipped entirely. While a vendor's status check is failing, its dependants'
failures join the one vendor incident (see suppression.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tether.checks.base import CheckBase
from tether.model.alerts import SlackChannel, WebhookChannel
from tether.model.integration import Integration
from tether.model.systems import SystemCatalogue
from tether.model.workspace_file import WorkspaceFile
from tether.monitor.channels import Notice, channel_id
from tether.monitor.maintenance import in_maintenance
from tether.monitor.suppression import dependencies, vendor_name, watched_vendors
from tether.store import incidents as store
from tether.store.incidents import AlertState, Incident

if TYPE_CHECKING:
    import sqlite_utils

Channel = SlackChannel | WebhookChannel
STUCK_AFTER = 600.0
"""A claim still `sending` this long after it was made belongs to a process that died: send it again."""
BUDGET_CHECK = "budget"
"""The check name budget burn is evaluated under (it is not a probe, but alerts like one)."""


@dataclass(frozen=True)
class Observation:
    """One run's verdict, as alerting sees it."""

    integration: str
    check: str
    ts: float
    ok: bool
    reason: str
    category: str = ""


@dataclass(frozen=True)
class Policy:
    open_after: int
    resolve_after: int


class Alerting:
    """Evaluates observations against the workspace's alert settings. One per loaded workspace."""

    def __init__(self, file: WorkspaceFile, catalogue: SystemCatalogue) -> None:
        self.file = file
        self.catalogue = catalogue
        self.defaults = file.defaults.alerts
        self.integrations = {i.name: i for i in file.integrations}
        self.status_checks = [
            (i.name, c.name) for i in file.integrations for c in i.checks if watched_vendors(c, catalogue)
        ]
        """Checks of a vendor's status: any failing check may need to know whether its vendor is down."""

    # -- settings ---------------------------------------------------------------------------

    def failure_threshold(self, channel: Channel) -> int:
        return channel.failure_threshold or self.defaults.failure_threshold

    def success_threshold(self, channel: Channel) -> int:
        return channel.success_threshold or self.defaults.success_threshold

    def reminder(self, channel: Channel) -> float:
        return channel.reminder or self.defaults.reminder

    def send_on_resolved(self, channel: Channel) -> bool:
        return self.defaults.send_on_resolved if channel.send_on_resolved is None else channel.send_on_resolved

    def policy(self, integration: Integration) -> Policy:
        # The incident opens with the most eager channel and resolves when the most patient agrees.
        if not integration.alerts:
            return Policy(self.defaults.failure_threshold, self.defaults.success_threshold)
        return Policy(
            min(self.failure_threshold(c) for c in integration.alerts),
            max(self.success_threshold(c) for c in integration.alerts),
        )

    def _check(self, integration: Integration, name: str) -> CheckBase | None:
        return next((c for c in integration.checks if c.name == name), None)

    def channels(self, incident: Incident) -> dict[str, tuple[Channel, str]]:
        """Where an incident's notices go, each destination once, with the title to show."""
        out: dict[str, tuple[Channel, str]] = {}
        names = list(incident.affected) if incident.cause == "vendor" else [incident.integration or ""]
        for name in names:
            integration = self.integrations.get(name)
            if integration is None:
                continue
            title = (
                vendor_name(incident.vendor or "", self.catalogue) if incident.cause == "vendor" else integration.title
            )
            for channel in integration.alerts:
                out.setdefault(channel_id(channel), (channel, title))
        return out

    # -- evaluation -------------------------------------------------------------------------

    def evaluate(self, db: sqlite_utils.Database, observations: Sequence[Observation], now: float) -> list[Notice]:
        """Advance each check's state and the incidents; returns the notices now due. Call in a transaction."""
        # The checks observed and the vendors' status checks: never every check's state per batch.
        states = store.alert_states(db, [*((o.integration, o.check) for o in observations), *self.status_checks])
        open_by_key = {i.key: i for i in store.open_incidents(db)}
        sent = store.last_sent(db, [i.id for i in open_by_key.values()])
        notices: list[Notice] = []
        touched: dict[tuple[str, str], AlertState] = {}

        def is_status(obs: Observation) -> bool:
            integration = self.integrations.get(obs.integration)
            check = self._check(integration, obs.check) if integration else None
            return bool(check and watched_vendors(check, self.catalogue))

        # Vendor status first, so a batch holding both the outage and its dependants' failures groups them.
        ordered = sorted(observations, key=lambda o: (not is_status(o), o.ts))
        for obs in ordered:
            integration = self.integrations.get(obs.integration)
            if integration is None or in_maintenance(self.file, integration, obs.ts):
                continue
            state = states.setdefault((obs.integration, obs.check), AlertState(obs.integration, obs.check))
            if obs.ok:
                state.failures, state.successes = 0, state.successes + 1
            else:
                state.failures, state.successes = state.failures + 1, 0
            state.last_ok, state.last_at, state.last_reason = obs.ok, obs.ts, obs.reason
            touched[(obs.integration, obs.check)] = state

            check = self._check(integration, obs.check)
            watched = watched_vendors(check, self.catalogue) if check else set()
            policy = self.policy(integration)
            if watched:
                for system in sorted(watched):
                    self._step(db, obs, state, policy, f"vendor:{system}", open_by_key, sent, notices, now, system)
                continue
            vendor = self._down_vendor(integration, check, states, open_by_key) if not obs.ok else None
            if vendor is not None:
                self._step(db, obs, state, policy, f"vendor:{vendor}", open_by_key, sent, notices, now, vendor)
            else:
                cause = "budget" if obs.check == BUDGET_CHECK and check is None else "check"
                key = f"{cause}:{obs.integration}" if cause == "budget" else f"check:{obs.integration}/{obs.check}"
                self._step(db, obs, state, policy, key, open_by_key, sent, notices, now, None)
        store.save_alert_states(db, touched.values())
        claimed = [
            replace(n, delivery_id=store.claim_notification(db, n.incident.id, n.channel_id, n.event, now))
            for n in notices
        ]
        return claimed + self._retries(db, now, open_by_key)

    def _retries(self, db: sqlite_utils.Database, now: float, open_by_key: dict[str, Incident]) -> list[Notice]:
        """Failed deliveries whose backoff has passed, taken up again (same outbox row, next attempt)."""
        notices = []
        open_by_id = {i.id: i for i in open_by_key.values()}
        for row in store.due_retries(db, now, STUCK_AFTER):
            incident = open_by_id.get(row["incident_id"]) or store.incident_by_id(db, row["incident_id"])
            target = self.channels(incident).get(row["channel"]) if incident is not None else None
            moot = incident is None or (
                row["event"] != "resolved"
                and (incident.resolved_at is not None or incident.acknowledged_at is not None)
            )
            if incident is None or target is None or moot:
                why = "the channel is no longer configured" if target is None else "the incident moved on"
                store.finish_notification(db, row["id"], now, False, f"{row['error'] or 'not sent'}; {why}")
                continue
            attempt = store.retry_notification(db, row["id"], now)
            channel, title = target
            notices.append(Notice(row["event"], incident, channel, row["channel"], title, row["id"], attempt))
        return notices

    def _down_vendor(
        self,
        integration: Integration,
        check: CheckBase | None,
        states: dict[tuple[str, str], AlertState],
        open_by_key: dict[str, Incident],
    ) -> str | None:
        """A vendor this check depends on whose status is failing right now, if any."""
        if check is None:
            return None
        needs = dependencies(integration, check, self.catalogue)
        if not needs:
            return None
        for other in self.file.integrations:
            for status_check in other.checks:
                for vendor in sorted(watched_vendors(status_check, self.catalogue) & needs):
                    state = states.get((other.name, status_check.name))
                    if f"vendor:{vendor}" in open_by_key or (state is not None and state.last_ok is False):
                        return vendor
        return None

    def _step(
        self,
        db: sqlite_utils.Database,
        obs: Observation,
        state: AlertState,
        policy: Policy,
        key: str,
        open_by_key: dict[str, Incident],
        sent: dict[tuple[int, str], float],
        notices: list[Notice],
        now: float,
        vendor: str | None,
    ) -> None:
        incident = open_by_key.get(key)
        if not obs.ok:
            if incident is None:
                if state.failures < policy.open_after:
                    return
                if vendor is not None:
                    reason = f"{vendor_name(vendor, self.catalogue)} is having an outage: {obs.reason}"
                    incident = store.open_incident(
                        db,
                        key,
                        "vendor",
                        reason,
                        obs.ts,
                        vendor=vendor,
                        category=obs.category,
                        affected=[obs.integration],
                    )
                else:
                    incident = store.open_incident(
                        db,
                        key,
                        key.split(":", 1)[0],
                        obs.reason,
                        obs.ts,
                        integration=obs.integration,
                        check=obs.check,
                        category=obs.category,
                        affected=[obs.integration],
                    )
                open_by_key[key] = incident
            else:
                if obs.integration not in incident.affected:
                    incident.affected.append(obs.integration)
                store.touch_incident(db, incident, obs.ts, None if vendor else obs.reason)
            self._due(incident, state.failures, sent, notices, now)
            return
        # A success only resolves what this check itself owns: a dependant never resolves the vendor's incident.
        owns = incident is not None and (incident.cause != "vendor" or obs.check in self._status_checks_of(key))
        if incident is not None and owns and state.successes >= policy.resolve_after:
            store.resolve_incident(db, incident, obs.ts)
            del open_by_key[key]
            for cid, (channel, title) in self.channels(incident).items():
                if (incident.id, cid) in sent and self.send_on_resolved(channel):
                    notices.append(Notice("resolved", incident, channel, cid, title))

    def _status_checks_of(self, key: str) -> set[str]:
        vendor = key.split(":", 1)[1]
        return {
            c.name for i in self.file.integrations for c in i.checks if vendor in watched_vendors(c, self.catalogue)
        }

    def _due(
        self, incident: Incident, failures: int, sent: dict[tuple[int, str], float], notices: list[Notice], now: float
    ) -> None:
        for cid, (channel, title) in self.channels(incident).items():
            last = sent.get((incident.id, cid))
            if last is None:
                # A vendor incident is already corroborated by the status page: every channel hears at once.
                if incident.cause == "vendor" or failures >= self.failure_threshold(channel):
                    notices.append(Notice("opened", incident, channel, cid, title))
                    sent[(incident.id, cid)] = now
            elif incident.acknowledged_at is None and now - last >= self.reminder(channel):
                notices.append(Notice("reminder", incident, channel, cid, title))
                sent[(incident.id, cid)] = now
