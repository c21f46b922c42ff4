"""Open the store: one SQLite file in WAL mode, busy timeout set, migrations applied."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from tether.store.interned import Interned
from tether.store.migrations import apply_migrations

log = logging.getLogger("tether.store")

BUSY_TIMEOUT_MS = 10_000
VACUUM_WAIT_MS = 500
"""How long the one-time VACUUM of an older store waits for another process's lock."""
INCREMENTAL = 2
"""PRAGMA auto_vacuum's value for INCREMENTAL."""


class Store:
    """A handle on the store. Domain modules (registry, results, ...) take one of these."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # One connection may be used from a worker thread (the dashboard); access is serialised
        # by the callers, and SQLite's own locking covers other processes.
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None)
        self.db = sqlite_utils.Database(conn)
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Only takes on a store with no table yet; an older store is switched below, once.
        self.db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        if self.path != ":memory:":
            self.db.enable_wal()
        # WAL with synchronous=NORMAL is durable across process crashes (not power loss), and fast.
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.interned = Interned()
        """Ids of the values raw rows share (store.interned), cached for this connection."""
        self.applied = apply_migrations(self.db)
        self._reclaimable()

    def _reclaimable(self) -> None:
        """Switch a store made before ADR 0015 to incremental auto_vacuum, so space that retention
        frees goes back to the file system (store.retention.reclaim). Needs one VACUUM, once."""
        if self.path == ":memory:" or self.auto_vacuum() == INCREMENTAL:
            return
        # Waiting long for another process's lock would slow every command until it is done.
        self.db.execute(f"PRAGMA busy_timeout = {VACUUM_WAIT_MS}")
        try:
            self.db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            self.db.execute("VACUUM")
        except sqlite3.OperationalError as exc:
            # Another process holds the store: the next open tries again; nothing is lost.
            log.warning("store %s not compacted yet (%s); it will be at the next start", self.path, exc)
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def auto_vacuum(self) -> int:
        return int(self.conn.execute("PRAGMA auto_vacuum").fetchone()[0])

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One atomic batch: all of it is committed, or none of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.conn.execute("ROLLBACK")
            self.interned.clear()
            raise
        else:
            self.conn.execute("COMMIT")

    def journal_mode(self) -> str:
        return str(self.conn.execute("PRAGMA journal_mode").fetchone()[0])

    def integrity_ok(self) -> bool:
        return bool(self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def changes_seen(store: Store) -> tuple[int, int]:
    """What has been written to the store as this connection sees it: SQLite's data_version (bumped by
    other connections' commits) and this connection's own changes. Equal values: nothing was written."""
    return int(store.conn.execute("PRAGMA data_version").fetchone()[0]), store.conn.total_changes


def open_store(path: Path | str) -> Store:
    return Store(path)
