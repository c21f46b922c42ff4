"""Raw history is capped per check: the last N results, pings and runs stay, older ones go.

Rollups keep the long view (rollups.RETENTION); raw rows are for "what happened in the last
runs". Each table's rows per check are counted as they are written (triggers keep `raw_counts`
exact whoever writes), so trimming a check walks only the rows it deletes, from the oldest end
of its (check, time) index: the cost of a batch does not grow with the cap. A batch's trims are
one delete, in rowid order. ADR 0015 sizes the cap.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

KEEP_PER_CHECK = 1_000
"""Raw results (and pings, and runs) kept per check (up to `slack` more between trims): 16 hours
at one run a minute, sized so that 1,000 checks stay under 500 MB for a year with the rollups
(ADR 0015)."""


@dataclass(frozen=True)
class RawTable:
    table: str
    """Where the rows are."""
    check: str
    """SQL picking one check's rows, given :i (integration) and :c (check name)."""
    time: str
    """The column ordering a check's rows, first in the index that starts with the check."""
    key: str
    """SQL giving (integration, check_name) of a row `NEW`/`OLD`, for the counts' triggers."""


_RAW: dict[str, RawTable] = {
    "check_results": RawTable(
        "result_rows",
        "series = (SELECT id FROM result_series WHERE integration = :i AND check_name = :c)",
        "started_at",
        "SELECT integration, check_name FROM result_series WHERE id = {row}.series",
    ),
    "heartbeat_pings": RawTable(
        "heartbeat_pings", "integration = :i AND check_name = :c", "at", "SELECT {row}.integration, {row}.check_name"
    ),
    "runs": RawTable(
        "runs", "integration = :i AND check_name = :c", "started_at", "SELECT {row}.integration, {row}.check_name"
    ),
}
"""Each capped source, by the name its readers know it by."""


def _count_rows(db: sqlite_utils.Database) -> None:
    db.execute(
        "CREATE TABLE raw_counts (source TEXT NOT NULL, integration TEXT NOT NULL, check_name TEXT NOT NULL, "
        "stored INTEGER NOT NULL, PRIMARY KEY (source, integration, check_name)) WITHOUT ROWID"
    )
    for source, raw in _RAW.items():
        db.execute(
            f"INSERT INTO raw_counts (source, integration, check_name, stored) "
            f"SELECT '{source}', integration, check_name, count(*) FROM {source} GROUP BY integration, check_name"
        )
        db.execute(
            f"CREATE TRIGGER {raw.table}_counted AFTER INSERT ON {raw.table} BEGIN "
            f"INSERT INTO raw_counts (source, integration, check_name, stored) "
            f"SELECT '{source}', k.*, 1 FROM ({raw.key.format(row='NEW')}) AS k WHERE true "
            f"ON CONFLICT (source, integration, check_name) DO UPDATE SET stored = stored + 1; END"
        )
        db.execute(
            f"CREATE TRIGGER {raw.table}_uncounted AFTER DELETE ON {raw.table} BEGIN "
            f"UPDATE raw_counts SET stored = stored - 1 WHERE source = '{source}' "
            f"AND (integration, check_name) = ({raw.key.format(row='OLD')}); END"
        )


MIGRATIONS = [("5003_raw_counts", _count_rows)]


def stored(db: sqlite_utils.Database, table: str, integration: str, check: str) -> int:
    """How many raw rows of one check a table holds."""
    row = db.execute(
        "SELECT stored FROM raw_counts WHERE source = ? AND integration = ? AND check_name = ?",
        [table, integration, check],
    ).fetchone()
    return 0 if row is None else int(row[0])


def slack(keep: int) -> int:
    """How far past its cap a check may go before it is trimmed back to the cap: a twentieth, so
    a check gains a delete every few dozen batches, not one every batch."""
    return keep // 20


def keep_last(db: sqlite_utils.Database, table: str, checks: Iterable[tuple[str, str]], keep: int) -> int:
    """Trim each (integration, check) holding more than `keep + slack(keep)` rows to its newest
    `keep`; returns how many rows went. Between trims a check holds at most `keep + slack(keep)`.

    Rows tied in time with the `keep`-th newest all stay. Call inside the batch's transaction.
    """
    raw = _RAW[table]
    # CROSS JOIN keeps the batch's checks outermost, each count found by its key; the planner's own
    # choice scanned every check's count once per check in the batch.
    found = db.execute(
        "SELECT k.integration, k.check_name, k.stored FROM json_each(:checks) AS j CROSS JOIN raw_counts AS k "
        "ON k.source = :source AND k.integration = json_extract(j.value, '$[0]') "
        "AND k.check_name = json_extract(j.value, '$[1]') WHERE k.stored > :most",
        {"checks": json.dumps(sorted(set(checks))), "source": table, "most": keep + slack(keep)},
    ).fetchall()
    doomed: list[int] = []
    for integration, check, rows in found:
        # The `keep`-th newest is the `over`-th oldest: walk the index from the old end, as far as it deletes.
        doomed.extend(
            row[0]
            for row in db.execute(
                f"SELECT rowid FROM {raw.table} WHERE {raw.check} AND {raw.time} < ("
                f"SELECT {raw.time} FROM {raw.table} WHERE {raw.check} ORDER BY {raw.time} LIMIT 1 OFFSET :over)",
                {"i": integration, "c": check, "over": rows - keep},
            )
        )
    if not doomed:
        return 0
    # Rows are stored in the order they arrived, every check's interleaved: a check's oldest rows lie on as
    # many pages as it has rows to drop. One delete of every check's rows in rowid order visits each page once.
    deleted = int(
        db.execute(
            f"DELETE FROM {raw.table} WHERE rowid IN (SELECT value FROM json_each(?))", [json.dumps(doomed)]
        ).rowcount
    )
    reclaim(db)
    return deleted


def reclaim(db: sqlite_utils.Database) -> None:
    """Give free pages back to the file system once they are a large part of it (after a big delete).

    Rows trimmed a few at a time leave pages the next inserts reuse, so steady retention never
    shrinks and regrows the file; a cap lowered, or a week of history dropped, does shrink it.
    Needs auto_vacuum = INCREMENTAL (store.db sets it).
    """
    free = int(db.execute("PRAGMA freelist_count").fetchone()[0])
    pages = int(db.execute("PRAGMA page_count").fetchone()[0])
    if free >= 256 and free * 8 > pages:
        # Python's sqlite3 steps a pragma once, and each step of incremental_vacuum frees one page.
        for _ in range(free):
            db.conn.execute("PRAGMA incremental_vacuum")
