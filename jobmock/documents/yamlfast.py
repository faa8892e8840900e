"""YAML with positions, fast: libyaml (PyYAML's C parser) builds what `jobmock.documents.yamlsource` builds.

`jobmock.documents.yamlsource.parse_yaml` (ruamel.yaml, pure Python) is the reference. It costs about a
quarter of a millisecond per line: most of `jobmock serve`'s start and too slow for a check meant
to run on every save. So specs, overlays and fixtures are composed with libyaml instead, and plain
scalars resolved here by the YAML 1.2 core schema, as ruamel does. Anything outside that common
ground (merge keys, explicit tags, empty values, timestamps, octal or underscored numbers, complex
keys, syntax errors) is handed to `parse_yaml`, so the result is always the reference one;
tests/validate checks that the two agree on every spec and fixture in the repository.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.resolver import implicit_resolvers

from jobmock.documents.pointers import Pointer
from jobmock.documents.yamlsource import LoadedYaml, SourceMap, load_yaml, parse_yaml
from jobmock.errors import SourceError

_PLAIN = "jobmock:plain"  # plain scalars without a tag: resolved below
_QUOTED = "jobmock:quoted"  # quoted and block scalars without a tag: strings
PLAIN, QUOTED = _PLAIN, _QUOTED  # the tags a scalar resolver given to `Builder` sees
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(
    r"[-+]?[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+|[-+]?\.[0-9]+(?:[eE][-+][0-9]+)?"
)
_SPECIAL = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    ".inf": math.inf,
    ".Inf": math.inf,
    ".INF": math.inf,
    "+.inf": math.inf,
    "+.Inf": math.inf,
    "+.INF": math.inf,
    "-.inf": -math.inf,
    "-.Inf": -math.inf,
    "-.INF": -math.inf,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
}
# Plain scalars ruamel resolves to something this module does not build: YAML 1.2 ints and floats
# in their rarer spellings (0x1F, 0o17, 017, 1_000), timestamps, merge keys, `=`.
_UNUSUAL = tuple(
    regexp
    for versions, tag, regexp, _ in implicit_resolvers
    if (1, 2) in versions
    and tag.rsplit(":", 1)[-1] in ("int", "float", "timestamp", "merge", "value")
)


class Unusual(Exception):
    """The document needs the reference parser (raised by a scalar resolver, or the builder)."""


_Unusual = Unusual


def _loader() -> type[Any] | None:
    try:
        from yaml import CBaseLoader
        from yaml.nodes import ScalarNode
        from yaml.resolver import BaseResolver
    except ImportError:  # PyYAML without libyaml
        return None

    class Loader(CBaseLoader):
        """libyaml's parser with this module's resolver; only composed, never constructed."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode:
                return _PLAIN if implicit[0] else _QUOTED
            # types-PyYAML leaves BaseResolver.resolve unannotated
            return BaseResolver.resolve(self, kind, value, implicit)  # type: ignore[no-untyped-call]

    return Loader


_LOADER: list[type[Any] | None] = []


def _scalar(node: Any) -> Any:
    value: str = node.value
    if node.tag == _QUOTED:
        return value
    if node.tag != _PLAIN or not value:  # explicit tags; empty values (ruamel places them oddly)
        raise _Unusual
    if value in _SPECIAL:
        return _SPECIAL[value]
    first = value[:1]
    if first.isdigit() or first in "-+.<=":
        if _INT.fullmatch(value):
            return int(value)
        if _FLOAT.fullmatch(value):
            return float(value)
        if any(regexp.match(value) for regexp in _UNUSUAL):
            raise _Unusual
    return value


@dataclass
class KeyedSourceMap(SourceMap):
    """A SourceMap that also knows where each mapping key is written (`SourceMap.positions` holds
    where values start: for a block mapping or list, the line after its key)."""

    keys: dict[Pointer, tuple[int, int]] = field(default_factory=dict)

    def locate_key(self, path: Pointer) -> tuple[int | None, int | None]:
        """The position of the key of `path`, else of its value (see `SourceMap.locate`)."""
        path = tuple(path)
        if path in self.keys:
            return self.keys[path]
        return self.locate(path)


class LazySourceMap(KeyedSourceMap):
    """A KeyedSourceMap that notes its positions only when first asked (`_note_all`): most
    documents are read, found valid and never located. Setting them replaces what is pending
    (`_forget`)."""

    def _note_all(self) -> None:
        raise NotImplementedError

    def _forget(self) -> None:
        raise NotImplementedError

    @property  # type: ignore[override]
    def positions(self) -> dict[Pointer, tuple[int, int]]:
        self._note_all()
        return self._positions

    @positions.setter
    def positions(self, value: dict[Pointer, tuple[int, int]]) -> None:
        self._positions = value
        self._forget()

    @property  # type: ignore[override]
    def keys(self) -> dict[Pointer, tuple[int, int]]:
        self._note_all()
        return self._keys

    @keys.setter
    def keys(self, value: dict[Pointer, tuple[int, int]]) -> None:
        self._keys = value
        self._forget()


Positions = dict[Pointer, tuple[int, int]]


Resolve = Callable[[Any], Any]


class Builder:
    """Plain values from a composed libyaml node graph, each value's and key's position noted;
    plain scalars resolved by `scalar` (this module's: what ruamel.yaml builds)."""

    def __init__(self, scalar: Resolve = _scalar) -> None:
        self.scalar = scalar
        self.positions: Positions = {(): (1, 1)}
        self.keys: Positions = {}

    def mapping(self, node: Any, path: Pointer, note: bool = True) -> dict[str, Any]:
        """A mapping as ruamel gives it: its own keys in order, then those merged in with `<<`
        (the first source that has a key wins), merged keys placed where the mapping starts."""
        if node.tag != "tag:yaml.org,2002:map":
            raise _Unusual
        positions, keys = (self.positions, self.keys) if note else ({}, {})
        out: dict[str, Any] = {}
        merged: list[Any] = []
        for key_node, value_node in node.value:
            if key_node.id != "scalar":
                raise _Unusual
            if key_node.tag == _PLAIN and key_node.value == "<<":
                sources = value_node.value if value_node.id == "sequence" else [value_node]
                if merged or not all(s.id == "mapping" for s in sources):
                    raise _Unusual
                merged = sources
                continue
            key = str(self.scalar(key_node))
            if key in out:
                raise _Unusual  # ruamel's duplicate-key error is the reference message
            child = (*path, key)
            mark = value_node.start_mark
            positions[child] = (mark.line + 1, mark.column + 1)
            keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, child) if note else None
        start = (node.start_mark.line + 1, node.start_mark.column + 1)
        for source in merged:
            for key in self.mapping(source, path, note=False):
                if key not in out:
                    child = (*path, key)
                    found = [v for k, v in source.value if k.id == "scalar" and k.value == key]
                    if len(found) != 1:
                        raise _Unusual  # merged in turn by the source: leave it to ruamel
                    out[key] = self.build(found[0], child)
                    positions[child] = keys[child] = start
        return out

    def build(self, node: Any, path: Pointer = ()) -> Any:
        kind = node.id
        if kind == "scalar":
            return self.scalar(node)
        if kind == "mapping":
            return self.mapping(node, path)
        if kind == "sequence":
            if node.tag != "tag:yaml.org,2002:seq":
                raise _Unusual
            items: list[Any] = []
            for index, item_node in enumerate(node.value):
                child = (*path, index)
                mark = item_node.start_mark
                self.positions[child] = (mark.line + 1, mark.column + 1)
                items.append(self.build(item_node, child))
            return items
        raise _Unusual


def compose(text: str) -> Any:
    """libyaml's node graph of `text` (None for an empty document; yaml.YAMLError on bad syntax),
    or raise `Unusual` when PyYAML has no libyaml."""
    if not _LOADER:
        _LOADER.append(_loader())
    loader = _LOADER[0]
    if loader is None:
        raise _Unusual
    import yaml

    return yaml.compose(text, Loader=loader)


def fast_parse(text: str, file: Path | str, cls: type[SourceError] = SourceError) -> LoadedYaml:
    """Same result as `jobmock.documents.yamlsource.parse_yaml(text, file, cls)`, usually much sooner."""
    import yaml

    try:
        node = compose(text)
        builder = Builder()
        data = None if node is None else builder.build(node)
    except (yaml.YAMLError, _Unusual, RecursionError):
        return parse_yaml(text, file, cls)
    return LoadedYaml(data, KeyedSourceMap(Path(file), builder.positions, builder.keys))


def fast_load(path: Path, cls: type[SourceError] = SourceError) -> LoadedYaml:
    """`jobmock.documents.yamlsource.load_yaml`, through `fast_parse`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return load_yaml(path, cls)  # raises the reference "cannot read" error
    return fast_parse(text, path, cls)
