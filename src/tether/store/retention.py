"""Raw history is capped per check: the last N results and pings stay, older ones go.

Rollups keep the long view (rollups.RETENTION); raw rows are for "what happened in the last
runs". Deleting by time below the Nth newest row uses each table's (integration, check, time)
index, so it is cheap enough to run on every batch.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

KEEP_PER_CHECK = 10_000
"""Raw results (and pings) kept per check: a week at one run a minute."""

_TIME_COLUMN = {"check_results": "started_at", "heartbeat_pings": "at", "runs": "started_at"}


def keep_last(db: sqlite_utils.Database, table: str, checks: Iterable[tuple[str, str]], keep: int) -> int:
    """Delete all but the newest `keep` rows of each (integration, check); returns how many went."""
    column = _TIME_COLUMN[table]
    deleted = 0
    for integration, check in checks:
        cursor = db.execute(
            f"DELETE FROM {table} WHERE integration = :i AND check_name = :c AND {column} < ("
            f"SELECT {column} FROM {table} WHERE integration = :i AND check_name = :c "
            f"ORDER BY {column} DESC LIMIT 1 OFFSET :offset)",
            {"i": integration, "c": check, "offset": keep - 1},
        )
        deleted += cursor.rowcount
    return deleted
