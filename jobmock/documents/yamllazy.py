"""YAML values built without positions; a position found only when one is asked for.

`jobmock.documents.yamlfast.Builder` notes the position of every value and key as it builds (a
tuple pointer and two dict entries per node): on a 3 MB description that is as much CPU as
libyaml's composing, and `jobmock validate` of a valid document asks for a handful of them.
`build_plain` builds the same values from the same composed graph, noting nothing;
`NodeSourceMap` keeps the graph and walks down it for each pointer a finding names, giving the
position `Builder` would have noted (the full maps are built on first use of `positions`/`keys`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jobmock.documents.pointers import Pointer
from jobmock.documents.yamlfast import PLAIN, Builder, LazySourceMap, Unusual

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

Resolve = Callable[[Any], Any]


class Merges(Exception):
    """A `<<` merge key: `Builder` builds that document (it places the merged keys)."""


def build_plain(root: Any, scalar: Resolve, limit: int) -> tuple[Any, bool]:
    """(the values of `root`, whether some node sits `limit` or more levels down). Raises
    `Unusual` where `Builder` would (tags, complex or duplicate keys) and `Merges` on `<<`."""
    deep: list[int] = []

    def build(node: Any, depth: int) -> Any:
        if depth >= limit:
            deep.append(depth)
        kind = node.id
        if kind == "scalar":
            return scalar(node)
        if kind == "mapping":
            if node.tag != _MAP:
                raise Unusual
            out: dict[str, Any] = {}
            below = depth + 1
            for key_node, value_node in node.value:
                if key_node.id != "scalar":
                    raise Unusual
                if key_node.tag == PLAIN and key_node.value == "<<":
                    raise Merges
                key = str(scalar(key_node))
                if key in out:
                    raise Unusual  # ruamel's duplicate-key error is the reference message
                out[key] = build(value_node, below)
            return out
        if kind == "sequence":
            if node.tag != _SEQ:
                raise Unusual
            below = depth + 1
            return [build(item, below) for item in node.value]
        raise Unusual

    data = build(root, 0)
    return data, bool(deep)


class NodeSourceMap(LazySourceMap):
    """Positions of a YAML file read by `build_plain`, found in its composed graph when asked:
    the same as `Builder` notes (a value where its node starts, a key where its key starts)."""

    def __init__(self, file: Path, root: Any, scalar: Resolve) -> None:
        self.file = file
        self._root: Any = root
        self._scalar = scalar
        self._members: dict[int, dict[Any, tuple[Any, Any]]] = {}  # node id -> part -> key, value
        self._positions: dict[Pointer, tuple[int, int]] = {}
        self._keys: dict[Pointer, tuple[int, int]] = {}

    def _forget(self) -> None:
        self._root = None

    def _note_all(self) -> None:
        if self._root is None:
            return
        builder = Builder(self._scalar)
        builder.build(self._root)
        self._positions, self._keys, self._root = builder.positions, builder.keys, None

    def _parts(self, node: Any) -> dict[Any, tuple[Any, Any]]:
        """A container's members by pointer part: (key node or None, value node)."""
        found = self._members.get(id(node))
        if found is None:
            if node.id == "mapping":
                found = {str(self._scalar(k)): (k, v) for k, v in node.value}
            elif node.id == "sequence":
                found = {i: (None, v) for i, v in enumerate(node.value)}
            else:
                found = {}
            self._members[id(node)] = found
        return found

    def _walk(self, path: Pointer) -> tuple[Any, Any, bool]:
        """(the node of the longest prefix of `path` in the graph, its key node, whether that
        prefix is `path` whole); the root's node is None (its position is 1:1)."""
        node, key, current = self._root, None, None
        for part in path:
            members = self._parts(node)
            if part not in members:
                return current, key, False
            key, node = members[part]
            current = node
        return current, key, True

    def locate(self, path: Pointer) -> tuple[int | None, int | None]:
        if self._root is None:
            return super().locate(path)
        node, _, _ = self._walk(tuple(path))
        if node is None:
            return (1, 1)
        return node.start_mark.line + 1, node.start_mark.column + 1

    def locate_key(self, path: Pointer) -> tuple[int | None, int | None]:
        if self._root is None:
            return super().locate_key(path)
        _, key, whole = self._walk(tuple(path))
        if whole and key is not None:
            return key.start_mark.line + 1, key.start_mark.column + 1
        return self.locate(path)
