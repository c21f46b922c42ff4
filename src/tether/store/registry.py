"""The registry in the store: integrations.yaml's definitions, synced so history can refer to them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from tether.secrets import value_forms
from tether.store.db import Store
from tether.workspace import Workspace


def _create(db: sqlite_utils.Database) -> None:
    db.table("integrations").create(
        {
            "name": str,
            "title": str,
            "pattern": str,
            "lifecycle": str,
            "owner": str,
            "definition": str,
            "fingerprint": str,
            "first_seen": float,
            "updated_at": float,
            "removed_at": float,
        },
        pk="name",
        not_null={"title", "pattern", "lifecycle", "definition", "fingerprint", "first_seen", "updated_at"},
    )


def _create_synced(db: sqlite_utils.Database) -> None:
    db.table("registry_synced").create({"id": int, "source_key": str, "names": str, "synced_at": float}, pk="id")


MIGRATIONS = [("0001_integrations", _create), ("0002_registry_synced", _create_synced)]


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def fingerprint(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def sync_integrations(store: Store, definitions: list[dict[str, Any]], now: float) -> SyncReport:
    """Make the store's registry match the definitions (each a JSON-ready dict with a name).

    Removed integrations are marked, never deleted: their history stays readable.
    """
    report = SyncReport()
    with store.transaction() as db:
        existing = {row["name"]: row for row in db.table("integrations").rows}
        added: list[dict[str, Any]] = []
        for definition in definitions:
            name = definition["name"]
            fp = fingerprint(definition)
            row = existing.get(name)
            record = {
                "name": name,
                "title": definition.get("title", name),
                "pattern": definition["pattern"],
                "lifecycle": definition.get("lifecycle", "planned"),
                "owner": definition.get("owner"),
                "definition": json.dumps(definition, sort_keys=True),
                "fingerprint": fp,
                "updated_at": now,
                "removed_at": None,
            }
            if row is None:
                added.append({**record, "first_seen": now})
                report.added.append(name)
            elif row["fingerprint"] != fp or row["removed_at"] is not None:
                db.table("integrations").update(name, record)
                report.changed.append(name)
            else:
                report.unchanged.append(name)
        if added:  # one statement for a whole new workspace, not a table lookup per row
            db.table("integrations").insert_all(added)
        names = {d["name"] for d in definitions}
        for name, row in existing.items():
            if name not in names and row["removed_at"] is None:
                db.table("integrations").update(name, {"removed_at": now})
                report.removed.append(name)
    return report


def sync_workspace(store: Store, ws: Workspace, now: float) -> SyncReport:
    """`sync_integrations` with the workspace's definitions, skipped when it would change nothing.

    Making the definitions is most of a sync (a thousand integrations: ~0.2 s, paid before the
    dashboard paints and before every probe run). It is skipped when the file and this tether are
    the ones last synced (`source_key`) and no value of a variable the file refers to now appears
    in what the store holds: redaction depends on the environment as well as on the file, and a
    value exported since would otherwise stay in the store unredacted.
    """
    last = store.db.table("registry_synced").rows_where("id = 1")
    row = next(iter(last), None)
    if row is not None and row["source_key"] == ws.source_key and not _holds_a_value(store, json.loads(row["names"])):
        names = [i.name for i in ws.integrations]
        return SyncReport(unchanged=names)
    names = ws.secret_names()
    report = sync_integrations(store, ws.store_definitions(names), now)
    store.db.table("registry_synced").upsert(
        {"id": 1, "source_key": ws.source_key, "names": json.dumps(names), "synced_at": now}, pk="id"
    )
    return report


def _holds_a_value(store: Store, names: list[str]) -> bool:
    """Whether a stored definition carries the current value of one of the named variables."""
    forms = value_forms(names)
    if not forms:
        return False
    # Definitions are stored as JSON, which escapes per character: a value inside a string is
    # stored as its own JSON escape, so the escaped form is what to look for.
    stored = "\n".join(row[0] for row in store.db.execute("SELECT definition FROM integrations").fetchall())
    return any(json.dumps(form)[1:-1] in stored for form in forms)


def registered(store: Store, include_removed: bool = False) -> list[dict[str, Any]]:
    where = None if include_removed else "removed_at is null"
    rows = store.db.table("integrations").rows_where(where, order_by="name")
    return [{**row, "definition": json.loads(row["definition"])} for row in rows]
