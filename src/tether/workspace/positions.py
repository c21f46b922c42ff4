"""YAML parsed into plain data, remembering where every key and value stood.

PyYAML's composer gives each node a start mark; we walk the node tree once and keep a map from
the data path (a tuple of keys and indexes, as pydantic reports it in `loc`) to (line, col).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """Plain data from a YAML document, with positions for each path (1-based line, col)."""

    data: Any
    text: str = ""
    """The source it was parsed from, for locating a character inside a value."""
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    ends: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    duplicate_keys: list[tuple[Path_, tuple[int, int]]] = field(default_factory=list)

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """The closest known position for a path: the key itself, or its nearest ancestor."""
        p = tuple(path)
        while True:
            if key and p in self.keys:
                return self.keys[p]
            if p in self.values:
                return self.values[p]
            if p in self.keys:
                return self.keys[p]
            if not p:
                return (1, 1)
            p = p[:-1]


# libyaml's parser is about ten times faster than PyYAML's pure-Python one and gives the same
# nodes and marks; the pure one stands in where PyYAML was built without it.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """The safe loader; kept as a subclass so our constructor changes never leak into PyYAML's."""


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _end(node: yaml.Node) -> tuple[int, int]:
    return (node.end_mark.line + 1, node.end_mark.column + 1)


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _build(node: yaml.Node, path: Path_, out: Located, loader: _Loader) -> Any:
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        raise yaml.constructor.ConstructorError(
            None, None, f"the tag {node.tag!r} is not allowed here", node.start_mark
        )
    out.values[path] = _mark(node)
    out.ends[path] = _end(node)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                key = str(key)
            child = (*path, key)
            if key in result:
                out.duplicate_keys.append((child, _mark(key_node)))
            out.keys[child] = _mark(key_node)
            result[key] = _build(value_node, child, out, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), out, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def parse(text: str) -> Located:
    """Parse one YAML document. Raises yaml.YAMLError (with a problem_mark) on bad syntax."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        located = Located(data=None, text=text)
        if node is not None:
            located.data = _build(node, (), located, loader)
        return located
    finally:
        loader.dispose()
