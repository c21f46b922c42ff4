"""The store: WAL, busy timeout, named migrations applied once, registry sync keeping history."""

from __future__ import annotations

from pathlib import Path

import pytest

from tether.store import open_store
from tether.store.migrations import all_migrations, applied_migrations
from tether.store.registry import registered, sync_integrations


def test_a_new_store_is_wal_with_every_migration_applied(tmp_path: Path) -> None:
    store = open_store(tmp_path / "sub" / "tether.db")
    assert store.journal_mode() == "wal"
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    names = [name for name, _ in all_migrations()]
    assert store.applied == names
    assert applied_migrations(store.db) == names
    store.close()


def test_migrations_apply_once(tmp_path: Path) -> None:
    open_store(tmp_path / "t.db").close()
    again = open_store(tmp_path / "t.db")
    assert again.applied == []
    again.close()


def test_migration_names_are_ordered_and_unique() -> None:
    names = [name for name, _ in all_migrations()]
    assert names == sorted(names)
    assert len(names) == len(set(names))
    assert all(name[:4].isdigit() and name[4] == "_" for name in names)


def test_sync_adds_changes_and_marks_removed_without_deleting(tmp_path: Path) -> None:
    store = open_store(tmp_path / "t.db")
    a = {"name": "a", "title": "A", "pattern": "direct-api"}
    b = {"name": "b", "title": "B", "pattern": "custom-app", "owner": "x@example.com"}
    first = sync_integrations(store, [a, b], now=100.0)
    assert (first.added, first.changed, first.removed) == (["a", "b"], [], [])
    second = sync_integrations(store, [{**a, "title": "A2"}], now=200.0)
    assert (second.added, second.changed, second.removed) == ([], ["a"], ["b"])
    assert [r["name"] for r in registered(store)] == ["a"]
    everything = {r["name"]: r for r in registered(store, include_removed=True)}
    assert everything["b"]["removed_at"] == 200.0
    assert everything["a"]["title"] == "A2" and everything["a"]["first_seen"] == 100.0
    third = sync_integrations(store, [{**a, "title": "A2"}, b], now=300.0)
    assert third.changed == ["b"] and third.unchanged == ["a"]
    store.close()


def test_a_failed_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    store = open_store(tmp_path / "t.db")
    sync_integrations(store, [{"name": "a", "title": "A", "pattern": "direct-api"}], now=1.0)

    def interrupted_batch() -> None:
        with store.transaction() as db:
            db.table("integrations").update("a", {"title": "changed"})
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted_batch()
    assert registered(store)[0]["title"] == "A"
    assert store.integrity_ok()
    store.close()


def test_the_workspace_sync_skips_an_unchanged_file_and_takes_an_edited_one(tmp_path: Path) -> None:
    from tether.store.registry import sync_workspace
    from tether.workspace import load_workspace

    path = tmp_path / "integrations.yaml"
    one = "  - {name: a, title: A, pattern: custom-app}\n"
    path.write_text("version: 1\nworkspace: {name: W}\nintegrations:\n" + one, encoding="utf-8")
    with open_store(tmp_path / "t.db") as store:
        assert sync_workspace(store, load_workspace(path), 1.0).added == ["a"]
        assert sync_workspace(store, load_workspace(path), 2.0).unchanged == ["a"]
        path.write_text(path.read_text(encoding="utf-8") + one.replace("a, title: A", "b, title: B"), encoding="utf-8")
        report = sync_workspace(store, load_workspace(path), 3.0)
        assert (report.added, report.unchanged) == (["b"], ["a"])
        path.write_text(path.read_text(encoding="utf-8").replace("title: A", "title: Alpha"), encoding="utf-8")
        assert sync_workspace(store, load_workspace(path), 4.0).changed == ["a"]
        assert {r["name"]: r["title"] for r in registered(store)} == {"a": "Alpha", "b": "B"}
