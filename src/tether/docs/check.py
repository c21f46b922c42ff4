"""Compare rendered documents with an output folder, and bring the folder up to date.

Only files that start with our generated header are ever removed, so a person's own notes in
reports/ are safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tether.docs.render import HEADER_MARK
from tether.fileio import atomic_write_all

FOLDERS = ("", "integrations", "runbooks")


@dataclass
class Plan:
    """What the folder needs, each list of paths relative to it ('/' separated, sorted)."""

    out: Path
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    fresh: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def is_generated(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as handle:
            return handle.readline().startswith(HEADER_MARK)
    except (OSError, UnicodeDecodeError):
        return False


def generated_files(out: Path) -> list[str]:
    """Our generated files already in the folder."""
    found: list[str] = []
    for folder in FOLDERS:
        base = out / folder if folder else out
        if base.is_dir():
            found.extend(
                f"{folder}/{p.name}" if folder else p.name for p in sorted(base.glob("*.md")) if is_generated(p)
            )
    return sorted(found)


def plan(out: Path, documents: dict[str, str]) -> Plan:
    result = Plan(out)
    for name in sorted(documents):
        path = out / name
        if not path.is_file():
            result.missing.append(name)
        elif path.read_bytes() != documents[name].encode("utf-8"):
            result.stale.append(name)
        else:
            result.fresh.append(name)
    result.extra = [name for name in generated_files(out) if name not in documents]
    return result


def apply(result: Plan, documents: dict[str, str]) -> None:
    """Write the missing and stale files (atomically) and remove generated files no longer wanted."""
    atomic_write_all({result.out / name: documents[name] for name in (*result.missing, *result.stale)})
    for name in result.extra:
        (result.out / name).unlink()
