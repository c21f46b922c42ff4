"""`tether init`: a new workspace with a commented integrations.yaml."""

from __future__ import annotations

from pathlib import Path

from tether.errors import InputError, Problem, display_path
from tether.fileio import atomic_write

INTEGRATIONS = """\
# yaml-language-server: $schema=./integrations.schema.json
#
# integrations.yaml: every way this team connects AI to its stack, as config as code.
# Add integrations with `tether add`; validate with `tether check`; probe with
# `tether probe`. The JSON Schema beside this file gives your editor completion.
# Secrets are never written here: reference them as ${ENV_VAR}.
version: 1

workspace:
  name: {name}
  # owner: you@example.com   # who answers for this workspace
  timezone: UTC      # an IANA time zone, e.g. Europe/Berlin
  # serve_url: https://tether.example.com   # where automations reach `tether serve` (heartbeats)

defaults:
  interval: 60s      # how often checks run unless a check says otherwise
  timeout: 10s       # always below the interval
  alerts:
    failure_threshold: 3   # consecutive failures before an alert
    success_threshold: 2   # consecutive successes before it resolves

# Patterns: automation-bridge | direct-api | native-feature | custom-app
# Lifecycle: idea | planned | pilot | production | retired
# `tether add` asks for each field and writes the checks that fit; an entry looks like:
#
#   - name: lead-intake
#     title: Website lead scoring
#     pattern: automation-bridge
#     source: web-form
#     middleware: {platform: zapier}
#     ai: {provider: anthropic, model: claude-sonnet-4-6}
#     destinations: [crm]
#     checks:
#       - {kind: statuspage, name: zapier-status, url: "https://status.zapier.com"}
integrations: []
"""

RULES_README = """\
# Workspace rules

Files placed here override tether's packaged rules of the same name, one file at a time:
`systems.yaml`, `questionnaire.yaml`, `prices.yaml`, `roadmap.yaml`, `readiness.yaml`,
`troubleshooting.yaml`.

The packaged files are installed with tether, in the `_rules/` folder of the `tether`
package (the `rules/` folder of a source checkout); `tether rules list` prints their real
path and which copy each command uses. To change one, copy it here and edit the copy:

```sh
tether rules copy systems      # writes rules/systems.yaml; --force replaces an existing copy
```

`tether check` validates every copy here.
"""

GITIGNORE = """\
# tether's store: history and state, rebuilt from integrations.yaml plus new probes
.tether/
"""


def scaffold(folder: Path, schema_json: str, name: str | None = None) -> list[Path]:
    """Create a workspace in `folder`; refuses to overwrite an existing integrations.yaml."""
    target = folder / "integrations.yaml"
    if target.exists():
        raise InputError(
            [
                Problem(
                    display_path(target),
                    1,
                    1,
                    "already exists; tether init never overwrites it (edit it, or init another folder)",
                )
            ]
        )
    workspace_name = name or folder.resolve().name or "My workspace"
    written = [target]
    atomic_write(target, INTEGRATIONS.replace("{name}", _yaml_scalar(workspace_name)))
    schema = folder / "integrations.schema.json"
    atomic_write(schema, schema_json)
    written.append(schema)
    rules = folder / "rules" / "README.md"
    if not rules.exists():
        atomic_write(rules, RULES_README)
        written.append(rules)
    gitignore = folder / ".gitignore"
    existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    if ".tether/" not in existing.split():
        atomic_write(gitignore, existing + ("\n" if existing and not existing.endswith("\n") else "") + GITIGNORE)
        written.append(gitignore)
    return written


def _yaml_scalar(text: str) -> str:
    import json

    return json.dumps(text) if any(c in text for c in ":#{}[]&*!|>'\"%@`,") or text != text.strip() else text
