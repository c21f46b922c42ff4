"""Find integrations.yaml, load it with its rules, and check what the schema alone cannot."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tether import __version__
from tether.errors import InputError, did_you_mean, display_path, unlocated
from tether.model.integration import Integration
from tether.model.systems import SystemCatalogue
from tether.model.workspace_file import WorkspaceFile
from tether.secrets import redact_data, referenced_names
from tether.workspace.positions import Located
from tether.workspace.references import reference_problems
from tether.workspace.rules import copy_in_use, load_rules
from tether.workspace.validate import load_text, read_text

FILENAME = "integrations.yaml"


@dataclass(frozen=True)
class Workspace:
    """A loaded workspace: the validated file, where it lives, and the systems catalogue."""

    path: Path
    file: WorkspaceFile
    located: Located
    systems: SystemCatalogue

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def integrations(self) -> list[Integration]:
        return self.file.integrations

    def integration(self, name: str) -> Integration:
        for integration in self.file.integrations:
            if integration.name == name:
                return integration
        names = [i.name for i in self.file.integrations]
        raise KeyError(f"no integration named {name!r}{did_you_mean(name, names)}")

    def store_definitions(self, names: list[str] | None = None) -> list[dict[str, Any]]:
        """Definitions as the store keeps them: JSON-ready, and redacted of every referenced
        variable's value (`names`, when the caller has them already: `secret_names()`), so a
        secret pasted into free text never reaches the store."""
        definitions = [i.model_dump(mode="json", exclude_defaults=True) for i in self.integrations]
        names = self.secret_names() if names is None else names
        return [redact_data(d, names=names) for d in definitions]

    def secret_names(self) -> list[str]:
        """Every variable the integrations refer to, whose values are redacted wherever they appear."""
        # A reference the model supplies by default (a zapier check's `${ZAPIER_TOKEN}`) is one too.
        return referenced_names([i.model_dump(mode="json") for i in self.integrations])

    @property
    def source_key(self) -> str:
        """What the definitions are made from: this tether's models and the file's text. Equal keys,
        equal definitions (before redaction, which depends on the environment too)."""
        return hashlib.sha256(f"{__version__}\0{self.located.text}".encode()).hexdigest()

    def default_db(self) -> Path:
        return self.root / ".tether" / "tether.db"

    def check_interval(self, check_interval: float | None) -> float:
        return check_interval or self.file.defaults.interval

    def check_timeout(self, check_timeout: float | None) -> float:
        return check_timeout or self.file.defaults.timeout


def find_workspace_file(start: Path | None = None, explicit: Path | None = None) -> Path:
    """`--file`/TETHER_FILE, else integrations.yaml in this folder or the nearest parent."""
    if explicit is not None:
        return explicit
    env = os.environ.get("TETHER_FILE")
    if env:
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / FILENAME
        if candidate.is_file():
            return candidate
    return here / FILENAME


def load_workspace(path: Path | None = None, text: str | None = None, *, named_by: str | None = None) -> Workspace:
    """Load integrations.yaml (or the given text as if it were that file); InputError on any problem.

    `named_by` is how the user chose `path` (`--file`), for the message when it is not there."""
    searched = path is None
    if searched and os.environ.get("TETHER_FILE"):
        named_by = "TETHER_FILE"
    path = find_workspace_file(explicit=path)
    shown = display_path(path)
    if text is None:
        if not path.exists():
            raise InputError([unlocated(_not_there(path, named_by, searched))])
        text = read_text(path, shown)
    systems = load_rules("systems.yaml", SystemCatalogue, path.parent)
    systems_file = copy_in_use("systems.yaml", path.parent, change="add a system")
    ws, located = load_text(
        text,
        WorkspaceFile,
        shown,
        extra_checks=lambda located: reference_problems(located, shown, systems, systems_file),
    )
    return Workspace(path=path, file=ws, located=located, systems=systems)


def _not_there(path: Path, named_by: str | None, searched: bool) -> str:
    """Why there is no workspace file, in the terms the user chose it by: no location to point at."""
    if named_by is not None or not searched:
        how = f" (named by {named_by})" if named_by is not None else ""
        return (
            f"{path} does not exist{how}; check the path, "
            f"or create a workspace there with `tether init {display_path(path.parent)}`"
        )
    return (
        f"no {FILENAME} in this folder or any folder above it; run `tether init` to create one here, "
        "or pass --file PATH"
    )
