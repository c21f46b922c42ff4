"""Knowledge as data: the packaged rules/ files, overridden file by file by a workspace's own."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar, cast

from pydantic import BaseModel

from tether.errors import InputError, Problem, display_path
from tether.workspace.positions import Located
from tether.workspace.validate import load_text, read_text

M = TypeVar("M", bound=BaseModel)


@cache
def defaults_dir() -> Path:
    """The packaged rules: `tether/_rules` in a wheel, the checkout's `rules/` in development."""
    packaged = Path(str(resources.files("tether"))) / "_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rules"


def packaged_names() -> list[str]:
    """The packaged rules files, e.g. prices.yaml, systems.yaml."""
    return sorted(p.name for p in defaults_dir().glob("*.yaml"))


def copy_in_use(name: str, workspace_dir: Path | None = None, change: str = "edit it") -> str:
    """Which copy of a rules file a message is about, in words a user can act on: the workspace's
    own, or the packaged one at its real path with the command that makes a copy to `change`."""
    path = rule_file(name, workspace_dir)
    if path.parent != defaults_dir():
        return f"{display_path(path)} (this workspace's copy; {change} there)"
    copy = f"`tether rules copy {name.removesuffix('.yaml')}`"
    if workspace_dir is None:
        return f"the packaged {path} (to {change}, make a workspace with `tether init`, then run {copy})"
    return f"the packaged {path} (this workspace has no rules/{name}; {copy} makes one to {change})"


def rule_file(name: str, workspace_dir: Path | None = None) -> Path:
    """The workspace's own `rules/NAME` when it has one, else the packaged default.

    Something that is there but is not a file (a directory, a broken link) is an error, not a
    silent fall back to the default: the user meant to override it."""
    if workspace_dir is not None:
        own = workspace_dir / "rules" / name
        if own.is_file():
            return own
        if own.exists() or own.is_symlink():
            what = "a directory" if own.is_dir() else "not a readable file"
            raise InputError(
                [
                    Problem(
                        display_path(own),
                        1,
                        1,
                        f"{what}, where a rules file was expected; make it a YAML file or remove it",
                    )
                ]
            )
    return defaults_dir() / name


def load_rules(name: str, model: type[M], workspace_dir: Path | None = None) -> M:
    """Load and validate a rules file; problems are located in whichever file was used."""
    path = rule_file(name, workspace_dir)
    return cast(M, _load(path, path.stat().st_mtime_ns if path.exists() else 0, model))


def load_rules_located(name: str, model: type[M], workspace_dir: Path | None = None) -> tuple[M, Located, str]:
    """Like load_rules, plus where every value stood and the file as shown to the user."""
    path = rule_file(name, workspace_dir)
    shown = display_path(path)
    result, located = _load_located(path, path.stat().st_mtime_ns if path.exists() else 0, model, shown)
    return cast(M, result), located, shown


@cache
def _load_located(path: Path, _mtime: int, model: type[M], shown: str) -> tuple[M, Located]:
    return load_text(read_text(path, shown), model, shown)


@cache
def _load(path: Path, _mtime: int, model: type[M]) -> M:
    shown = display_path(path)
    result: M = load_text(read_text(path, shown), model, shown)[0]
    return result
