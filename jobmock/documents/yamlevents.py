"""YAML values straight from libyaml's events, without composing nodes; positions when asked.

PyYAML's C composer spends ten times as long building node objects as libyaml takes to parse
(4.4 s against 0.4 s on a 4 MB block-style description), so the common case (no anchors, tags,
merge keys, complex or duplicate keys, one document, nesting under the limit) is built here from
the event stream. Anything else raises `Unusual`, and the reader composes nodes as before.
`EventSourceMap` notes every position in a second pass over the events, only when a finding
first asks for one: the positions `jobmock.documents.yamlfast.Builder` notes from nodes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jobmock.documents.pointers import Pointer
from jobmock.documents.yamlfast import LazySourceMap, Unusual

_CORE_MAP = "tag:yaml.org,2002:map"
_CORE_SEQ = "tag:yaml.org,2002:seq"


def _events(text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CBaseLoader", None)
    if loader is None:  # PyYAML without libyaml
        raise Unusual
    return yaml.parse(text, Loader=loader)


def build(text: str, resolve: Any, limit: int) -> Any:
    """The values of `text` (one YAML document; None when empty), plain scalars resolved by
    `resolve`; `Unusual` for what only composing reads the same, and for nesting `limit` deep."""
    from yaml.events import (
        AliasEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
    )

    root: Any = None
    documents = 0
    stack: list[list[Any]] = []  # [container, is a mapping, key awaiting its value or _NO_KEY]
    no_key = _NO_KEY
    for event in _events(text):
        kind = event.__class__
        if kind is ScalarEvent:
            tag = event.tag
            if tag is not None and tag != "!":
                raise Unusual  # an explicit tag: the composer's reading
            value = resolve(event.value) if event.implicit[0] else event.value
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                raise Unusual
            if len(stack) >= limit - 1:
                raise Unusual  # the composer's walk says where it nests too deep
            value = {} if kind is MappingStartEvent else []
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
            continue
        elif kind is AliasEvent:
            raise Unusual
        else:
            if kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise Unusual  # the composer's "expected a single document" error
            continue
        if kind is ScalarEvent and event.anchor is not None:
            raise Unusual
        if not stack:
            root = value
        else:
            frame = stack[-1]
            container = frame[0]
            if not frame[1]:
                container.append(value)
            elif frame[2] is no_key:
                if kind is not ScalarEvent:
                    raise Unusual  # a complex key
                if event.implicit[0] and event.value == "<<":
                    raise Unusual  # a merge key: `Builder` places what it merges
                key = str(value)
                if key in container:
                    raise Unusual  # ruamel's duplicate-key error is the reference message
                frame[2] = key
            else:
                container[frame[2]] = value
                frame[2] = no_key
        if kind is not ScalarEvent:
            stack.append([value, kind is MappingStartEvent, no_key])
    return root


class _NoKey:
    """No key read yet in this mapping (a key may be any string, `None` too)."""


_NO_KEY = _NoKey()


def positions(
    text: str, resolve: Any
) -> tuple[dict[Pointer, tuple[int, int]], dict[Pointer, tuple[int, int]]]:
    """(where each value starts, where each mapping key is written), as `Builder` notes them, for
    a text `build` read."""
    from yaml.events import (
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
    )

    values: dict[Pointer, tuple[int, int]] = {(): (1, 1)}
    keys: dict[Pointer, tuple[int, int]] = {}
    stack: list[list[Any]] = []  # [pointer, is a mapping, next index or the key read, key mark]
    for event in _events(text):
        kind = event.__class__
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
            continue
        if (
            kind is not ScalarEvent
            and kind is not MappingStartEvent
            and kind is not SequenceStartEvent
        ):
            continue
        mark = event.start_mark
        here: Pointer = ()
        if stack:
            frame = stack[-1]
            if frame[1]:
                if frame[2] is _NO_KEY:  # a key
                    value = resolve(event.value) if event.implicit[0] else event.value
                    frame[2], frame[3] = str(value), (mark.line + 1, mark.column + 1)
                    continue
                here = (*frame[0], frame[2])
                keys[here] = frame[3]
                frame[2] = _NO_KEY
            else:
                here = (*frame[0], frame[2])
                frame[2] += 1
            values[here] = (mark.line + 1, mark.column + 1)
        if kind is not ScalarEvent:
            is_map = kind is MappingStartEvent
            stack.append([here, is_map, _NO_KEY if is_map else 0, None])
    return values, keys


class EventSourceMap(LazySourceMap):
    """Positions of a YAML text read by `build`: every one noted by a second pass over its
    events the first time any is asked for (a valid document without findings asks none)."""

    def __init__(self, file: Path, text: str, resolve: Any) -> None:
        self.file = file
        self._text: str | None = text
        self._resolve = resolve
        self._positions: dict[Pointer, tuple[int, int]] = {}
        self._keys: dict[Pointer, tuple[int, int]] = {}

    def _note_all(self) -> None:
        if self._text is not None:
            self._positions, self._keys = positions(self._text, self._resolve)
            self._text = None

    def _forget(self) -> None:
        self._text = None
