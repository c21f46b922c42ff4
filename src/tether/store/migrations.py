"""Schema changes as named migrations, applied once each, in name order, at open.

Each domain module of the store declares its own `MIGRATIONS` list; names carry a number
prefix so the order is fixed (0xxx registry, 1xxx advisor, 2xxx monitoring, 3xxx alerts
and costs, 4xxx readiness, 5xxx documents). A migration never changes once released.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable

import sqlite_utils

Migration = tuple[str, Callable[[sqlite_utils.Database], None]]


def all_migrations() -> list[Migration]:
    import tether.store as package

    found: list[Migration] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in ("db", "migrations"):
            continue
        module = importlib.import_module(f"tether.store.{info.name}")
        found.extend(getattr(module, "MIGRATIONS", []))
    names = [name for name, _ in found]
    if len(names) != len(set(names)):
        raise RuntimeError(f"duplicate migration names: {sorted(names)}")
    return sorted(found, key=lambda m: m[0])


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not yet applied; returns their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()}
    applied: list[str] = []
    for name, migrate in all_migrations():
        if name in done:
            continue
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have applied it while we waited for the lock.
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", [name]).fetchone():
                db.conn.execute("ROLLBACK")
                continue
            migrate(db)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", [name, time.time()])
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
        applied.append(name)
    return applied


def applied_migrations(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY name").fetchall()]
