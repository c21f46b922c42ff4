"""Values that repeat on every raw row, stored once: a row keeps a small integer instead.

A check's names, its kind/state/category and its condition texts are a small vocabulary that
only grows when the workspace changes, so these tables are never pruned. Ids are cached per
connection; a rolled-back transaction clears the cache (store.db.Store.transaction), since the
ids it handed out were never committed.
"""

from __future__ import annotations

import sqlite_utils


def create_interned(db: sqlite_utils.Database) -> None:
    db.execute(
        "CREATE TABLE result_series (id INTEGER PRIMARY KEY, integration TEXT NOT NULL, check_name TEXT NOT NULL, "
        "UNIQUE (integration, check_name))"
    )
    db.execute(
        "CREATE TABLE result_verdicts (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, "
        "category TEXT NOT NULL, UNIQUE (kind, state, category))"
    )
    db.execute("CREATE TABLE condition_sets (id INTEGER PRIMARY KEY, texts TEXT NOT NULL UNIQUE)")


class Interned:
    """Ids of interned values seen on one connection."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, ...], int] = {}

    def clear(self) -> None:
        self._ids.clear()

    def _id(self, db: sqlite_utils.Database, table: str, columns: tuple[str, ...], values: tuple[str, ...]) -> int:
        key = (table, *values)
        found = self._ids.get(key)
        if found is None:
            where = " AND ".join(f"{c} = ?" for c in columns)
            row = db.execute(f"SELECT id FROM {table} WHERE {where}", values).fetchone()
            if row is None:
                marks = ", ".join("?" for _ in columns)
                cursor = db.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)
                found = int(cursor.lastrowid or 0)
            else:
                found = int(row[0])
            self._ids[key] = found
        return found

    def series(self, db: sqlite_utils.Database, integration: str, check: str) -> int:
        return self._id(db, "result_series", ("integration", "check_name"), (integration, check))

    def verdict(self, db: sqlite_utils.Database, kind: str, state: str, category: str) -> int:
        return self._id(db, "result_verdicts", ("kind", "state", "category"), (kind, state, category))

    def condition_set(self, db: sqlite_utils.Database, texts: str) -> int:
        return self._id(db, "condition_sets", ("texts",), (texts,))
