"""`tether rules`: which copy of each rules file is in use, and a packaged one copied in to edit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tether.errors import InputError, did_you_mean, display_path, unlocated
from tether.fileio import atomic_write
from tether.workspace.rules import defaults_dir, packaged_names, rule_file


@dataclass(frozen=True)
class RulesFile:
    """One rules file: the packaged default, and the copy tether reads for this workspace."""

    name: str
    packaged: Path
    in_use: Path

    @property
    def own(self) -> bool:
        """True when the workspace's own copy overrides the packaged one."""
        return self.in_use != self.packaged


def rules_files(workspace_dir: Path | None) -> list[RulesFile]:
    return [RulesFile(name, defaults_dir() / name, rule_file(name, workspace_dir)) for name in packaged_names()]


def rules_name(given: str) -> str:
    """`systems` or `systems.yaml` as the packaged file's name; InputError naming the choices."""
    names = packaged_names()
    name = given if given.endswith(".yaml") else f"{given}.yaml"
    if name not in names:
        stems = [n.removesuffix(".yaml") for n in names]
        hint = did_you_mean(given.removesuffix(".yaml"), stems)
        raise InputError([unlocated(f"no packaged rules file {given!r}{hint}; there are: {', '.join(stems)}")])
    return name


def copy_rules(given: str, workspace_dir: Path, *, force: bool = False) -> Path:
    """Copy a packaged rules file into the workspace's rules/ as it is, comments and all.

    An existing copy holds the user's edits, so it is replaced only when they say so."""
    name = rules_name(given)
    target = workspace_dir / "rules" / name
    if (target.exists() or target.is_symlink()) and not force:
        raise InputError(
            [
                unlocated(
                    f"{display_path(target)} already exists and may hold your edits; it was left as it is "
                    "(pass --force to replace it with the packaged file)"
                )
            ]
        )
    if target.is_dir():
        raise InputError([unlocated(f"{display_path(target)} is a directory; move it away first")])
    atomic_write(target, (defaults_dir() / name).read_text(encoding="utf-8"))
    return target
