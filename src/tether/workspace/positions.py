"""YAML parsed into plain data, remembering where every key and value stood.

PyYAML's composer gives each node a start mark; we walk the node tree once and keep a map from
the data path (a tuple of keys and indexes, as pydantic reports it in `loc`) to (line, col).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

MAX_VALUES = 200_000
"""Values a document may hold once its aliases are expanded: far above any real file, far below a
"billion laughs" (ten anchors of ten aliases each is 10^10 values)."""


class TooManyValues(Exception):
    """Alias expansion passed MAX_VALUES; counted while building, so nothing large was ever made."""

    def __init__(self, line: int, col: int, limit: int, *, anchor: bool = True) -> None:
        self.line, self.col, self.limit = line, col, limit
        super().__init__(
            f"YAML: the anchor here, repeated by its aliases, expands to over {limit} values (nested "
            "anchors and aliases, a 'billion laughs'); write the values out, or refer to it fewer times"
            if anchor
            else f"YAML: over {limit} values; a file this large is not one tether reads, split it"
        )


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
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(SafeLoader):  # type: ignore[valid-type,misc]
    """The safe loader; kept as a subclass so our constructor changes never leak into PyYAML's."""

    limit = MAX_VALUES

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        """PyYAML's merge-key (`<<: *a`) flattening, counting as it goes: merges of merges grow
        exponentially inside PyYAML's own version before any caller could count them."""
        merge: list[tuple[yaml.Node, yaml.Node]] = []
        index = 0
        while index < len(node.value):
            key_node, value_node = node.value[index]
            if key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.tag == "tag:yaml.org,2002:value":
                    key_node.tag = "tag:yaml.org,2002:str"
                index += 1
                continue
            del node.value[index]
            subnodes = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for subnode in reversed(subnodes):
                if not isinstance(subnode, yaml.MappingNode):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"a merge (<<) takes a mapping or a list of mappings, not {subnode.id}",
                        subnode.start_mark,
                    )
                self.flatten_mapping(subnode)
                if len(merge) + len(subnode.value) > self.limit:
                    line, col = _mark(value_node)
                    raise TooManyValues(line, col, self.limit)
                merge.extend(subnode.value)
        if merge:
            node.value = merge + node.value


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _end(node: yaml.Node) -> tuple[int, int]:
    return (node.end_mark.line + 1, node.end_mark.column + 1)


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _Budget:
    """Counts values as they are built; an alias is its anchor's node built again, so it counts again."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.limit = limit
        self.open: list[yaml.Node] = []
        """The collections being built, outermost first: the first one built twice is the alias to blame."""
        self.built: set[int] = set()

    def spend(self, node: yaml.Node) -> None:
        self.left -= 1
        if self.left < 0:
            repeated = next((n for n in self.open if id(n) in self.built), None)
            raise TooManyValues(*_mark(repeated or node), self.limit, anchor=repeated is not None)


def _build(node: yaml.Node, path: Path_, out: Located, loader: _Loader, budget: _Budget) -> Any:
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        raise yaml.constructor.ConstructorError(
            None, None, f"the tag {node.tag!r} is not allowed here", node.start_mark
        )
    budget.spend(node)
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        budget.open.append(node)
        try:
            return _build_collection(node, path, out, loader, budget)
        finally:
            budget.open.pop()
            budget.built.add(id(node))
    out.values[path] = _mark(node)
    out.ends[path] = _end(node)
    return loader.construct_object(node, deep=True)


def _build_collection(node: yaml.Node, path: Path_, out: Located, loader: _Loader, budget: _Budget) -> Any:
    out.values[path] = _mark(node)
    out.ends[path] = _end(node)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # a collection as a key hides any size in one str()
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, "a key must be a plain value", key_node.start_mark
                )
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                key = str(key)
            child = (*path, key)
            if key in result:
                out.duplicate_keys.append((child, _mark(key_node)))
            out.keys[child] = _mark(key_node)
            result[key] = _build(value_node, child, out, loader, budget)
        return result
    return [_build(item, (*path, i), out, loader, budget) for i, item in enumerate(node.value)]


def parse(text: str, max_values: int = MAX_VALUES) -> Located:
    """Parse one YAML document. Raises yaml.YAMLError (with a problem_mark) on bad syntax, and
    TooManyValues when aliases would expand past `max_values`."""
    loader = _Loader(text)
    loader.limit = max_values
    try:
        node = loader.get_single_node()
        located = Located(data=None, text=text)
        if node is not None:
            located.data = _build(node, (), located, loader, _Budget(max_values))
        return located
    finally:
        loader.dispose()
