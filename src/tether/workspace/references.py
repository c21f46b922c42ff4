"""What the schema alone cannot check: unique names, known systems, timeouts below intervals.

These run on the raw parsed data (not the model) so their problems are reported together
with schema problems, all at once.
"""

from __future__ import annotations

from typing import Any

from tether.errors import Problem, did_you_mean, quoted
from tether.model.common import parse_duration
from tether.model.systems import SystemCatalogue
from tether.wording import article
from tether.workspace.positions import Located, Path_
from tether.workspace.validate import format_path

# Where an integration names a system, as (path within the integration, expected kind or None).
SYSTEM_FIELDS: list[tuple[Path_, str | None]] = [
    (("source",), None),
    (("ai", "provider"), None),
    (("middleware", "platform"), "middleware"),
]


def _seconds(value: Any) -> float | None:
    try:
        seconds = parse_duration(value)
    except ValueError:
        return None
    return seconds if isinstance(seconds, float) else None


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        if isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        elif isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _system_refs(integration: dict[str, Any]) -> list[tuple[Path_, str, str | None]]:
    refs: list[tuple[Path_, str, str | None]] = []
    for path, kind in SYSTEM_FIELDS:
        value = _get(integration, path)
        if isinstance(value, str):
            refs.append((path, value, kind))
    destinations = integration.get("destinations")
    if isinstance(destinations, list):
        refs.extend((("destinations", i), d, None) for i, d in enumerate(destinations) if isinstance(d, str))
    checks = integration.get("checks")
    if isinstance(checks, list):
        for i, check in enumerate(checks):
            deps = check.get("depends_on") if isinstance(check, dict) else None
            if isinstance(deps, list):
                refs.extend((("checks", i, "depends_on", j), d, None) for j, d in enumerate(deps) if isinstance(d, str))
    return refs


def reference_problems(located: Located, file: str, systems: SystemCatalogue, systems_file: str) -> list[Problem]:
    """`systems_file` is the catalogue in use as a message names it (rules.copy_in_use)."""
    data = located.data if isinstance(located.data, dict) else {}
    integrations = data.get("integrations")
    if not isinstance(integrations, list):
        return []
    defaults_value = data.get("defaults")
    defaults: dict[str, Any] = defaults_value if isinstance(defaults_value, dict) else {}
    default_interval = _seconds(defaults.get("interval", 60)) or 60.0
    default_timeout = _seconds(defaults.get("timeout", 10)) or 10.0
    known = systems.names()
    problems: list[Problem] = []

    def add(path: Path_, message: str) -> None:
        line, col = located.where(path)
        problems.append(Problem(file, line, col, f"{format_path(path)}: {message}"))

    seen: dict[str, int] = {}
    for i, integration in enumerate(integrations):
        if not isinstance(integration, dict):
            continue
        base: Path_ = ("integrations", i)
        name = integration.get("name")
        if isinstance(name, str):
            if name in seen:
                taken = f"{quoted(name)} is already the name of integrations[{seen[name]}]; names are unique"
                add((*base, "name"), taken)
            seen.setdefault(name, i)
        for path, ref, kind in _system_refs(integration):
            system = known.get(ref.lower())
            if system is None:
                add(
                    (*base, *path),
                    f"unknown system {quoted(ref)}{did_you_mean(ref.lower(), known)}; the systems tether "
                    f"knows are listed in {systems_file}",
                )
            elif kind is not None and system.kind != kind:
                add((*base, *path), f"{quoted(ref)} is not {article(kind)} platform (it is {system.kind})")
        checks = integration.get("checks")
        for j, check in enumerate(checks if isinstance(checks, list) else []):
            if not isinstance(check, dict):
                continue
            interval = _seconds(check["interval"]) if "interval" in check else default_interval
            timeout = _seconds(check["timeout"]) if "timeout" in check else default_timeout
            if interval is not None and timeout is not None and timeout >= interval:
                which = "timeout" if "timeout" in check else "interval"
                add(
                    (*base, "checks", j, which),
                    f"the timeout ({timeout:g}s) must be below the interval ({interval:g}s) so runs never overlap",
                )
    return problems
