"""AI-drafted document notes, cached by a hash of everything sent, so a re-run costs nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from tether.store.db import Store

TABLE = "doc_ai_notes"


def _create(db: sqlite_utils.Database) -> None:
    db.table(TABLE).create(
        {
            "key": str,
            "integration": str,
            "model": str,
            "lines": str,
            "input_tokens": int,
            "output_tokens": int,
            "created_at": float,
        },
        pk="key",
        not_null={"integration", "model", "lines", "created_at"},
    )
    db.table(TABLE).create_index(["integration"])


MIGRATIONS = [("5001_doc_ai_notes", _create)]


@dataclass(frozen=True)
class CachedNote:
    integration: str
    model: str
    lines: list[str]
    input_tokens: int
    output_tokens: int
    created_at: float


def get_note(store: Store, key: str) -> CachedNote | None:
    row = store.conn.execute(
        f"SELECT integration, model, lines, input_tokens, output_tokens, created_at FROM {TABLE} WHERE key = ?", [key]
    ).fetchone()
    if row is None:
        return None
    return CachedNote(row[0], row[1], json.loads(row[2]), row[3] or 0, row[4] or 0, row[5])


def put_note(store: Store, key: str, note: CachedNote) -> None:
    """Keep one note per input hash; older notes of the same integration stay until pruned."""
    with store.transaction() as db:
        db.table(TABLE).upsert(
            {
                "key": key,
                "integration": note.integration,
                "model": note.model,
                "lines": json.dumps(note.lines),
                "input_tokens": note.input_tokens,
                "output_tokens": note.output_tokens,
                "created_at": note.created_at,
            },
            pk="key",
        )


def prune_notes(store: Store, keep: set[str]) -> int:
    """Drop cached notes whose input no longer occurs; returns how many went."""
    keys = [row[0] for row in store.conn.execute(f"SELECT key FROM {TABLE}").fetchall()]
    gone = [k for k in keys if k not in keep]
    if gone:
        with store.transaction() as db:
            for key in gone:
                db.execute(f"DELETE FROM {TABLE} WHERE key = ?", [key])
    return len(gone)
