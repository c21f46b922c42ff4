"""Incidents, each check's alert state, and the notifications sent for each incident.

An incident is keyed by what it is about: `check:<integration>/<check>`, `vendor:<system>`
(one incident for every integration a vendor outage touches) or `budget:<integration>`.
A partial unique index keeps at most one open incident per key, even with two writers.

A notification is an outbox row: claimed (`sending`) in the transaction that decides it is due,
so a delivery still in flight counts as told; then `sent`, or `failed` with the time of its next
attempt (backoff), or `gave_up`. Retries update the same row, so one event is one row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from tether.store.db import Store


def _create(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL,
            cause TEXT NOT NULL,
            integration TEXT,
            check_name TEXT,
            vendor TEXT,
            reason TEXT NOT NULL,
            category TEXT NOT NULL DEFAULT '',
            affected TEXT NOT NULL DEFAULT '[]',
            opened_at REAL NOT NULL,
            last_failure_at REAL NOT NULL,
            acknowledged_at REAL,
            acknowledged_by TEXT,
            resolved_at REAL
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX incidents_one_open_per_key ON incidents (key) WHERE resolved_at IS NULL")
    db.execute("CREATE INDEX incidents_by_time ON incidents (opened_at)")
    db.execute(
        """
        CREATE TABLE alert_states (
            integration TEXT NOT NULL,
            check_name TEXT NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0,
            successes INTEGER NOT NULL DEFAULT 0,
            last_ok INTEGER,
            last_at REAL,
            last_reason TEXT,
            PRIMARY KEY (integration, check_name)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE incident_notifications (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id INTEGER NOT NULL REFERENCES incidents (id),
            channel TEXT NOT NULL,
            event TEXT NOT NULL,
            sent_at REAL NOT NULL,
            ok INTEGER NOT NULL,
            error TEXT
        )
        """
    )
    db.execute("CREATE INDEX incident_notifications_by_incident ON incident_notifications (incident_id, channel)")


def _outbox(db: sqlite_utils.Database) -> None:
    db.execute("ALTER TABLE incident_notifications ADD COLUMN state TEXT NOT NULL DEFAULT 'sent'")
    db.execute("ALTER TABLE incident_notifications ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE incident_notifications ADD COLUMN retry_at REAL")
    db.execute("UPDATE incident_notifications SET state = 'gave_up' WHERE ok = 0")  # old failures: no retry time
    db.execute("CREATE INDEX incident_notifications_due ON incident_notifications (state, retry_at)")


MIGRATIONS = [("3001_incidents", _create), ("3005_notification_outbox", _outbox)]

SENDING, SENT, FAILED, GAVE_UP = "sending", "sent", "failed", "gave_up"


@dataclass
class AlertState:
    """Runs in a row that failed or succeeded, for one check."""

    integration: str
    check: str
    failures: int = 0
    successes: int = 0
    last_ok: bool | None = None
    last_at: float | None = None
    last_reason: str | None = None


@dataclass
class Incident:
    id: int
    key: str
    cause: str
    """`check`, `vendor` or `budget`."""
    integration: str | None
    check: str | None
    vendor: str | None
    reason: str
    category: str
    opened_at: float
    last_failure_at: float
    acknowledged_at: float | None = None
    acknowledged_by: str | None = None
    resolved_at: float | None = None
    affected: list[str] = field(default_factory=list)
    """Every integration this incident covers (for a vendor: each dependant that failed)."""
    deliveries: list[LastDelivery] = field(default_factory=list)
    """The latest notification per channel (filled by `incidents` and `open_incidents`)."""

    def concerns(self, integration: str) -> bool:
        """Whether this incident is about the integration: its own, or a vendor outage it is part of."""
        return self.integration == integration or integration in self.affected

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cause": self.cause,
            "integration": self.integration,
            "check": self.check,
            "vendor": self.vendor,
            "reason": self.reason,
            "category": self.category,
            "affected": self.affected,
            "opened_at": self.opened_at,
            "acknowledged_at": self.acknowledged_at,
            "acknowledged_by": self.acknowledged_by,
            "resolved_at": self.resolved_at,
            "deliveries": [d.to_json() for d in self.deliveries],
        }


@dataclass(frozen=True)
class LastDelivery:
    """How the latest notification of an incident to one channel went."""

    channel: str
    event: str
    state: str
    """`sending`, `sent`, `failed` (retried at `retry_at`) or `gave_up`."""
    at: float
    attempts: int
    error: str | None = None
    retry_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "event": self.event,
            "state": self.state,
            "at": self.at,
            "attempts": self.attempts,
            "error": self.error,
            "retry_at": self.retry_at,
        }

    def summary(self) -> str:
        """One line for a table: `webhook:x sent` or `slack:y failed (HTTP 500), attempt 2`."""
        text = f"{self.channel} {self.event} {self.state.replace('_', ' ')}"
        if self.state in (FAILED, GAVE_UP):
            text += f" ({self.error or 'no reason'}), attempt {self.attempts}"
        return text


def _incident(row: dict[str, Any]) -> Incident:
    return Incident(
        id=row["id"],
        key=row["key"],
        cause=row["cause"],
        integration=row["integration"],
        check=row["check_name"],
        vendor=row["vendor"],
        reason=row["reason"],
        category=row["category"],
        opened_at=row["opened_at"],
        last_failure_at=row["last_failure_at"],
        acknowledged_at=row["acknowledged_at"],
        acknowledged_by=row["acknowledged_by"],
        resolved_at=row["resolved_at"],
        affected=json.loads(row["affected"]),
    )


STATES_AT_ONCE = 400
"""Checks whose alert state one query reads (two parameters each, far under SQLite's limit)."""


def alert_states(
    db: sqlite_utils.Database, checks: Iterable[tuple[str, str]] | None = None
) -> dict[tuple[str, str], AlertState]:
    """The alert state of the given (integration, check) pairs; of every check when none are given."""
    if checks is None:
        rows = list(db.query("SELECT * FROM alert_states"))
    else:
        wanted = list(dict.fromkeys(checks))
        rows = []
        for at in range(0, len(wanted), STATES_AT_ONCE):
            part = wanted[at : at + STATES_AT_ONCE]
            pairs = ", ".join("(?, ?)" for _ in part)
            sql = f"SELECT * FROM alert_states WHERE (integration, check_name) IN (VALUES {pairs})"
            rows += db.query(sql, [value for pair in part for value in pair])
    return {
        (r["integration"], r["check_name"]): AlertState(
            r["integration"],
            r["check_name"],
            r["failures"],
            r["successes"],
            None if r["last_ok"] is None else bool(r["last_ok"]),
            r["last_at"],
            r["last_reason"],
        )
        for r in rows
    }


def save_alert_states(db: sqlite_utils.Database, states: Iterable[AlertState]) -> None:
    db.conn.executemany(
        "INSERT OR REPLACE INTO alert_states (integration, check_name, failures, successes, last_ok, last_at, "
        "last_reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(s.integration, s.check, s.failures, s.successes, s.last_ok, s.last_at, s.last_reason) for s in states],
    )


def open_incidents(db: sqlite_utils.Database) -> list[Incident]:
    found = [_incident(r) for r in db.query("SELECT * FROM incidents WHERE resolved_at IS NULL ORDER BY opened_at")]
    return _with_deliveries(db, found)


def incident_by_id(db: sqlite_utils.Database, incident_id: int) -> Incident | None:
    rows = list(db.query("SELECT * FROM incidents WHERE id = ?", [incident_id]))
    return _incident(rows[0]) if rows else None


def _with_deliveries(db: sqlite_utils.Database, found: list[Incident]) -> list[Incident]:
    """Attach each incident's latest notification per channel, in one query."""
    if not found:
        return found
    marks = ", ".join("?" for _ in found)
    rows = db.query(
        f"SELECT n.* FROM incident_notifications n JOIN (SELECT incident_id, channel, MAX(id) AS id "
        f"FROM incident_notifications WHERE incident_id IN ({marks}) GROUP BY incident_id, channel) last "
        f"ON n.id = last.id ORDER BY n.channel",
        [i.id for i in found],
    )
    by_id = {i.id: i for i in found}
    for r in rows:
        by_id[r["incident_id"]].deliveries.append(
            LastDelivery(r["channel"], r["event"], r["state"], r["sent_at"], r["attempts"], r["error"], r["retry_at"])
        )
    return found


def open_incident(
    db: sqlite_utils.Database,
    key: str,
    cause: str,
    reason: str,
    at: float,
    *,
    integration: str | None = None,
    check: str | None = None,
    vendor: str | None = None,
    category: str = "",
    affected: Sequence[str] = (),
) -> Incident:
    """Open an incident for `key`, or return the one already open."""
    existing = list(db.query("SELECT * FROM incidents WHERE key = ? AND resolved_at IS NULL", [key]))
    if existing:
        return _incident(existing[0])
    cursor = db.execute(
        "INSERT INTO incidents (key, cause, integration, check_name, vendor, reason, category, affected, opened_at, "
        "last_failure_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [key, cause, integration, check, vendor, reason, category, json.dumps(sorted(set(affected))), at, at],
    )
    return _incident(next(db.query("SELECT * FROM incidents WHERE id = ?", [cursor.lastrowid])))


def touch_incident(db: sqlite_utils.Database, incident: Incident, at: float, reason: str | None = None) -> None:
    """A further failure: remember when, and the latest reason."""
    incident.last_failure_at = at
    if reason:
        incident.reason = reason
    db.execute(
        "UPDATE incidents SET last_failure_at = ?, reason = ?, affected = ? WHERE id = ?",
        [at, incident.reason, json.dumps(sorted(set(incident.affected))), incident.id],
    )


def resolve_incident(db: sqlite_utils.Database, incident: Incident, at: float) -> None:
    incident.resolved_at = at
    db.execute("UPDATE incidents SET resolved_at = ? WHERE id = ?", [at, incident.id])


def acknowledge(store: Store, incident_id: int, at: float, by: str | None = None) -> Incident:
    """Mark an incident acknowledged (reminders stop); KeyError when there is no such incident."""
    with store.transaction() as db:
        rows = list(db.query("SELECT * FROM incidents WHERE id = ?", [incident_id]))
        if not rows:
            raise KeyError(f"no incident #{incident_id}; `tether incidents` lists them")
        incident = _incident(rows[0])
        if incident.acknowledged_at is None:
            db.execute(
                "UPDATE incidents SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ?", [at, by, incident_id]
            )
            incident.acknowledged_at, incident.acknowledged_by = at, by
    return incident


def incidents(store: Store, limit: int = 100, include_resolved: bool = True) -> list[Incident]:
    """Newest first."""
    where = "" if include_resolved else "WHERE resolved_at IS NULL"
    sql = f"SELECT * FROM incidents {where} ORDER BY opened_at DESC, id DESC LIMIT ?"
    return _with_deliveries(store.db, [_incident(r) for r in store.db.query(sql, [limit])])


def claim_notification(db: sqlite_utils.Database, incident_id: int, channel: str, event: str, at: float) -> int:
    """An outbox row for a notice now due, in the deciding transaction: from here on it counts as told."""
    cursor = db.execute(
        "INSERT INTO incident_notifications (incident_id, channel, event, sent_at, ok, error, state, attempts) "
        "VALUES (?, ?, ?, ?, 0, NULL, ?, 1)",
        [incident_id, channel, event, at, SENDING],
    )
    return int(cursor.lastrowid or 0)


def retry_notification(db: sqlite_utils.Database, notification_id: int, at: float) -> int:
    """Take a failed notification up again; returns its attempt number."""
    db.execute(
        "UPDATE incident_notifications SET state = ?, attempts = attempts + 1, sent_at = ?, retry_at = NULL "
        "WHERE id = ?",
        [SENDING, at, notification_id],
    )
    [row] = db.query("SELECT attempts FROM incident_notifications WHERE id = ?", [notification_id])
    return int(row["attempts"])


def finish_notification(
    db: sqlite_utils.Database,
    notification_id: int,
    at: float,
    ok: bool,
    error: str | None = None,
    retry_at: float | None = None,
) -> None:
    """How the attempt went: sent; failed, to be tried again at `retry_at`; or given up (no `retry_at`)."""
    state = SENT if ok else FAILED if retry_at is not None else GAVE_UP
    db.execute(
        "UPDATE incident_notifications SET state = ?, ok = ?, error = ?, retry_at = ?, sent_at = ? WHERE id = ?",
        [state, int(ok), error, retry_at, at, notification_id],
    )


def due_retries(db: sqlite_utils.Database, now: float, stuck_after: float) -> list[dict[str, Any]]:
    """Failed notifications whose retry time has come, and claims left `sending` by a process that died."""
    return list(
        db.query(
            "SELECT * FROM incident_notifications WHERE (state = ? AND retry_at <= ?) OR (state = ? AND sent_at <= ?) "
            "ORDER BY id",
            [FAILED, now, SENDING, now - stuck_after],
        )
    )


def last_sent(db: sqlite_utils.Database, incident_ids: Sequence[int]) -> dict[tuple[int, str], float]:
    """When each channel was last told, or is being told, about each incident.

    Every outbox row counts, whatever its state: one in flight or failing is retried by itself,
    so it must never make the same event due again (issue 14: a slow receiver got 3-4 "opened")."""
    if not incident_ids:
        return {}
    marks = ", ".join("?" for _ in incident_ids)
    rows = db.query(
        f"SELECT incident_id, channel, MAX(sent_at) AS at FROM incident_notifications "
        f"WHERE incident_id IN ({marks}) GROUP BY incident_id, channel",
        list(incident_ids),
    )
    return {(r["incident_id"], r["channel"]): r["at"] for r in rows}


def notifications(store: Store, incident_id: int) -> list[dict[str, Any]]:
    return list(store.db.query("SELECT * FROM incident_notifications WHERE incident_id = ? ORDER BY id", [incident_id]))
