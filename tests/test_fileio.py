"""Atomic writes, one at a time or many with one flush to disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tether.fileio import atomic_write, atomic_write_all


def test_many_files_are_written_whole_with_their_modes_kept_and_no_temporaries_left(tmp_path: Path) -> None:
    kept = tmp_path / "a" / "old.md"
    atomic_write(kept, "before\n")
    os.chmod(kept, 0o600)
    files = {kept: "after\n", tmp_path / "a" / "new.md": "ünï\r\n", tmp_path / "b" / "c" / "deep.md": "x" * 100_000}
    atomic_write_all(files)
    assert {p: p.read_bytes() for p in files} == {p: t.encode() for p, t in files.items()}
    assert kept.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "a" / "new.md").stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["deep.md", "new.md", "old.md"]


def test_a_failed_write_leaves_every_file_as_it_was(tmp_path: Path) -> None:
    first = tmp_path / "first.md"
    atomic_write(first, "old\n")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(FileExistsError):
        atomic_write_all({first: "new\n", blocked / "inside.md": "never\n"})
    assert first.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked", "first.md"]
