"""Text → pydantic model, or every problem at once as FILE:LINE:COL: message.

Shared by integrations.yaml and every rules file, so each gets the same located errors,
typo suggestions and refusal of literal secrets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from tether.errors import InputError, Problem, did_you_mean, quoted
from tether.secrets import any_secret, find_secret, walk_strings
from tether.workspace.positions import MAX_VALUES, Located, Path_, TooManyValues, parse
from tether.workspace.syntax import syntax_message

M = TypeVar("M", bound=BaseModel)


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def parse_located(text: str, file: str) -> Located:
    """Parse YAML text; syntax errors become a located InputError."""
    try:
        located = parse(text, MAX_VALUES)
    except TooManyValues as exc:
        raise InputError([Problem(file, exc.line, exc.col, str(exc))]) from None
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        what = f"#x{exc.character:04x}" if isinstance(exc.character, int) else quoted(exc.character)
        name = " (a NUL byte)" if exc.character in (0, "\x00") else ""
        message = f"YAML: the character {what}{name} is not allowed in YAML text; remove it"
        raise InputError([Problem(file, line, col, message)]) from None
    except yaml.MarkedYAMLError as exc:
        line, col, message = syntax_message(exc, text)
        raise InputError([Problem(file, line, col, message)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, 1, 1, f"YAML syntax: {exc}")]) from None
    except RecursionError:
        raise InputError(
            [Problem(file, 1, 1, "YAML: an alias refers to itself (recursive anchors are not allowed)")]
        ) from None
    problems = [
        Problem(file, line, col, f"{format_path(path)}: duplicate key {quoted(path[-1])}; YAML keeps only the last one")
        for path, (line, col) in located.duplicate_keys
    ]
    if problems:
        raise InputError(problems)
    return located


def secret_problems(located: Located, file: str) -> list[Problem]:
    """Every literal secret, in a value or a mapping key, at its line and column."""
    values = list(walk_strings(located.data))
    keys = [(path, str(path[-1])) for path in located.keys if path and isinstance(path[-1], str)]
    if not any_secret(text for _, text in (*values, *keys)):
        return []
    found = [(path, value, located.where(path)) for path, value in values]
    found += [(path, text, located.keys[path]) for path, text in keys]
    problems = []
    for path, text, (line, col) in found:
        kind = find_secret(text)
        if kind is not None:
            problems.append(
                Problem(
                    file,
                    line,
                    col,
                    f"{format_path(path)}: this looks like {kind.label} written as a literal; "
                    f"secrets never go in this file — export it (export {kind.suggested_env}=...) "
                    f'and write "${{{kind.suggested_env}}}" here instead',
                )
            )
    return problems


@cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _branches(schema: dict[str, Any], root: dict[str, Any], data: Any) -> dict[str, Any]:
    """Pick the branch of a union that fits the data (by a `const` tag when there is one)."""
    schema = _resolve(schema, root)
    options = schema.get("oneOf") or schema.get("anyOf")
    if not options:
        return schema
    resolved = [_resolve(o, root) for o in options]
    objects = [o for o in resolved if o.get("type") == "object" or "properties" in o]
    if isinstance(data, dict):
        for option in objects:
            props = option.get("properties", {})
            tags = {k: v["const"] for k, v in props.items() if isinstance(v, dict) and "const" in v}
            if tags and all(data.get(k) == v for k, v in tags.items()):
                return option
    if len(objects) == 1:
        return objects[0]
    return resolved[0]


def keys_at(model: type[BaseModel], path: Path_, data: Any) -> list[str]:
    """The keys the schema allows at a mapping path (for 'did you mean')."""
    root = _schema(model)
    schema: dict[str, Any] = root
    node = data
    for part in path:
        schema = _branches(schema, root, node)
        if isinstance(part, int):
            schema = schema.get("items", {})
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            schema = schema.get("properties", {}).get(part, {})
            node = node.get(part) if isinstance(node, dict) else None
    schema = _branches(schema, root, node)
    return list(schema.get("properties", {}))


def _data_path(loc: tuple[Any, ...], data: Any) -> Path_:
    """Pydantic's loc, minus the union tags and type names it inserts, as a path into the data."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)) or (
            isinstance(node, dict) and part in node
        ):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and not isinstance(part, int):
            # A union tag ('http'), a type name ('function-after[...]'), or a missing key.
            if part == "[key]" or any(c in str(part) for c in "[]()") or part in node.values():
                continue
            path.append(part)
            node = None
        else:
            continue
    return tuple(path)


_QUOTED = re.compile(r"'([^']*)'")


def _message(err: Any, model: type[BaseModel], path: Path_, data: Any) -> tuple[str, bool]:
    """(message, point at the key rather than the value)."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    where = format_path(path)
    if kind == "extra_forbidden":
        allowed = keys_at(model, path[:-1], data)
        key = str(path[-1])
        hint = did_you_mean(key, allowed)
        listing = f"; allowed here: {', '.join(allowed)}" if not hint and allowed else ""
        return f"{where}: unknown key {quoted(key)}{hint}{listing}", True
    if kind == "missing":
        return f"{format_path(path[:-1])}: missing required key {path[-1]!r}", True
    if kind in ("enum", "literal_error"):
        expected = _QUOTED.findall(str(ctx.get("expected", ""))) or [str(ctx.get("expected", ""))]
        given = _value_at(data, path)
        hint = did_you_mean(str(given), expected)
        return f"{where}: {quoted(given)} is not one of {', '.join(expected)}{hint}", False
    if kind == "union_tag_invalid":
        tags = _QUOTED.findall(str(ctx.get("expected_tags", "")))
        tag = ctx.get("tag")
        field = ctx.get("discriminator", "kind").strip("'")
        return (
            f"{where}.{field}: unknown {field} {quoted(tag)}{did_you_mean(str(tag), tags)}; known: {', '.join(tags)}",
            False,
        )
    if kind == "union_tag_not_found":
        field = str(ctx.get("discriminator", "kind")).strip("'")
        return f"{where}: missing {field!r}, which says what kind of item this is", False
    text = err["msg"]
    text = text.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"{where}: {text}", False


def _value_at(data: Any, path: Path_) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def validation_problems(exc: ValidationError, model: type[BaseModel], located: Located, file: str) -> list[Problem]:
    problems: set[Problem] = set()
    errors = exc.errors()
    paths = [_data_path(tuple(err["loc"]), located.data) for err in errors]
    # A misspelt key explains the "missing" error for the key it was meant to be: report it once.
    misspelt: set[Path_] = set()
    for err, path in zip(errors, paths, strict=True):
        if err["type"] == "extra_forbidden":
            allowed = keys_at(model, path[:-1], located.data)
            hint = did_you_mean(str(path[-1]), allowed)
            if hint:
                misspelt.add((*path[:-1], hint.split("'")[1]))
    for err, path in zip(errors, paths, strict=True):
        if err["type"] == "missing" and path in misspelt:
            continue
        message, at_key = _message(err, model, path, located.data)
        if err["type"] == "missing":
            line, col = located.where(path[:-1], key=True)
        else:
            line, col = located.where(path, key=at_key)
        problems.add(Problem(file, line, col, message))
    return sorted(problems)


def load_text(
    text: str,
    model: type[M],
    file: str,
    *,
    extra_checks: Callable[[Located], list[Problem]] | None = None,
    refuse_secrets: bool = True,
) -> tuple[M, Located]:
    """Validate YAML text into a model; every problem at once as an InputError."""
    located = parse_located(text, file)
    if not isinstance(located.data, dict):
        raise InputError(
            [Problem(file, 1, 1, f"expected a mapping at the top of the file ({', '.join(keys_at(model, (), None))})")]
        )
    problems = secret_problems(located, file) if refuse_secrets else []
    # Checks beyond the schema run on the raw data, so their problems come with schema ones.
    extra = extra_checks(located) if extra_checks is not None else []
    try:
        result = model.model_validate(located.data)
    except ValidationError as exc:
        # A literal secret is reported once, by the secret scan, which says how to fix it.
        secret_at = {(p.line, p.col) for p in problems}
        others = [p for p in validation_problems(exc, model, located, file) if (p.line, p.col) not in secret_at]
        raise InputError(problems + others + extra) from None
    problems += extra
    if problems:
        raise InputError(problems)
    return result, located


def read_text(path: Any, file: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(file, 1, 1, "file not found")]) from None
    except OSError as exc:
        raise InputError([Problem(file, 1, 1, f"cannot read: {exc.strerror}")]) from None
    try:
        return str(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError([Problem(file, line, col, "not UTF-8 text; save the file as UTF-8")]) from None
