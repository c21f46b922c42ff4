"""The JSON Schema of integrations.yaml, for editors (yaml-language-server) and `tether schema`."""

from __future__ import annotations

import json

from tether.model.workspace_file import WorkspaceFile


def workspace_schema() -> dict[str, object]:
    schema = WorkspaceFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tether integrations.yaml"
    return schema


def workspace_schema_json() -> str:
    return json.dumps(workspace_schema(), indent=2, sort_keys=False) + "\n"
