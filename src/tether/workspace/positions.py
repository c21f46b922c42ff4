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

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._tags: dict[str, str] = {}

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        """PyYAML's resolution, remembered per plain scalar: a file repeats its keys and values a
        thousand times, and the safe loader has no path resolvers, so the tag is the value's alone."""
        if kind is yaml.ScalarNode and implicit[0]:
            tag = self._tags.get(value)
            if tag is None:
                tag = self._tags[value] = super().resolve(kind, value, implicit)
            return tag
        return str(super().resolve(kind, value, implicit))

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


_STR = "tag:yaml.org,2002:str"


def _build(node: yaml.Node, path: Path_, out: Located, loader: _Loader, budget: _Budget) -> Any:
    # The hot loop of every load (a thousand integrations are twenty thousand nodes): attributes
    # are read once, and a plain string, most of any file, is its node's value, as PyYAML's own
    # str constructor would return it.
    budget.spend(node)
    start, end = node.start_mark, node.end_mark
    out.values[path] = (start.line + 1, start.column + 1)
    out.ends[path] = (end.line + 1, end.column + 1)
    if type(node) is yaml.ScalarNode:
        return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    if node.tag not in _PLAIN_TAGS:
        raise yaml.constructor.ConstructorError(
            None, None, f"the tag {node.tag!r} is not allowed here", node.start_mark
        )
    budget.open.append(node)
    try:
        if isinstance(node, yaml.MappingNode):
            return _build_mapping(node, path, out, loader, budget)
        return [_build(item, (*path, i), out, loader, budget) for i, item in enumerate(node.value)]
    finally:
        budget.open.pop()
        budget.built.add(id(node))


def _build_mapping(node: yaml.MappingNode, path: Path_, out: Located, loader: _Loader, budget: _Budget) -> Any:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    keys = out.keys
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode:  # a collection as a key hides any size in one str()
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "a key must be a plain value", key_node.start_mark
            )
        key = key_node.value if key_node.tag == _STR else loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) or key is None:
            key = str(key)
        child = (*path, key)
        start = key_node.start_mark
        at = (start.line + 1, start.column + 1)
        if key in result:
            out.duplicate_keys.append((child, at))
        keys[child] = at
        result[key] = _build(value_node, child, out, loader, budget)
    return result


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
