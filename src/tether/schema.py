"""The JSON Schema of integrations.yaml, for editors (yaml-language-server) and `tether schema`."""

from __future__ import annotations

import ast
import inspect
import json
import textwrap
from functools import cache

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from tether.model.workspace_file import WorkspaceFile


def workspace_schema() -> dict[str, object]:
    schema = WorkspaceFile.model_json_schema(schema_generator=_WithAttributeDocstrings)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tether integrations.yaml"
    return schema


def workspace_schema_json() -> str:
    return json.dumps(workspace_schema(), indent=2, sort_keys=False) + "\n"


class _WithAttributeDocstrings(GenerateJsonSchema):
    """Each field's docstring (the string under it in the model's source) as its description.

    Done here rather than by pydantic's `use_attribute_docstrings`, which reads and parses every
    model's source when the class is made: a cost every command paid at start-up for a text only
    the schema shows."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        cls = schema["cls"]
        properties = json_schema.get("properties", {})
        for name, field in cls.model_fields.items():
            key = field.alias or name
            doc = _field_docstring(cls, name)
            if field.description is None and doc is not None and key in properties:
                properties[key]["description"] = doc  # over a type's own, as a field's description is
        return json_schema


def _field_docstring(cls: type[BaseModel], name: str) -> str | None:
    """The docstring of a field, from the class that declares it (or the nearest that documents it)."""
    for owner in cls.__mro__:
        if isinstance(owner, type) and issubclass(owner, BaseModel) and name in _attribute_docstrings(owner):
            return _attribute_docstrings(owner)[name]
    return None


@cache
def _attribute_docstrings(cls: type) -> dict[str, str]:
    """`name: type` followed by a string, in the class body: pydantic's own convention for these."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    body = ast.parse(source).body[0]
    if not isinstance(body, ast.ClassDef):
        return {}
    docs: dict[str, str] = {}
    for node, following in zip(body.body, body.body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = inspect.cleandoc(following.value.value)
    return docs
