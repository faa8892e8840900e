"""The one reader of users' documents (`validate`, `serve DOC`, `init`): JSON as JSON, YAML as
YAML 1.2 (core schema), positions kept.

OpenAPI 3.1 says a YAML document follows YAML 1.2 and its JSON-compatible values: an unquoted
`2024-10-01` is a string, `on`/`off` are strings, `017` is 17, `0o17` is 15, `1_000` is a string.
PyYAML and ruamel.yaml resolve timestamps even in 1.2 mode, so plain scalars are resolved here.

- JSON (a `.json` file, or text that opens with `{` and decodes as JSON) is decoded by `json`
  (keys of any length, lone surrogate escapes kept); positions are found only when a finding asks.
- YAML is built from libyaml's events (`jobmock.documents.yamlevents`) with the core resolver
  below, without positions: they are noted by a second pass when a finding first asks for one.
  A text with anchors, tags, merge keys, complex or duplicate keys, or deep nesting is composed by
  libyaml and built by `jobmock.documents.yamllazy.build_plain` instead (a position found in the
  composed graph when asked). Before building, the node graph is measured without recursion, so an alias that
  refers to itself, aliases that expand past a sane size, or nesting past `MAX_DEPTH` are refused
  in one line. Only what that path cannot read falls back to ruamel.yaml (complex keys, duplicate
  keys for ruamel's message, tags other than the core ones), its dates turned back into strings;
  `FALLBACKS` counts why, for the bench and the tests.
"""

from __future__ import annotations

import bisect
import datetime
import json
import math
import re
from collections import Counter
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, untyped in typeshed
from pathlib import Path
from typing import Any

from jobmock.documents import yamlevents
from jobmock.documents.pointers import Pointer
from jobmock.documents.yamlfast import (
    PLAIN,
    QUOTED,
    Builder,
    KeyedSourceMap,
    LazySourceMap,
    Unusual,
    compose,
)
from jobmock.documents.yamllazy import Merges, NodeSourceMap, build_plain
from jobmock.documents.yamlsource import LoadedYaml, parse_yaml, read_text
from jobmock.errors import SourceError
from jobmock.http.jsondepth import TooDeep
from jobmock.http.jsondepth import loads as json_loads

MAX_DEPTH = 128  # arrays and objects nested deeper than this are refused (jsonschema recurses)
_EXPANSION_SLACK = 100_000  # nodes aliases may add beyond ten times the document's own

FALLBACKS: Counter[str] = Counter()  # reason -> files read by ruamel.yaml instead

_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
_CORE = "tag:yaml.org,2002:"
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]", re.MULTILINE)  # may also match in strings


def core_value(text: str) -> Any:
    """A plain scalar resolved by the YAML 1.2 core schema (anything unmatched is a string)."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    first = text[:1]
    if not (first.isdigit() or first in "-+."):
        return text
    if _INT.fullmatch(text):
        return int(text)
    if _OCT.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INF.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.fullmatch(text):
        return math.nan
    return text


def _core_scalar(node: Any) -> Any:
    tag, value = node.tag, node.value
    if tag == PLAIN:
        return core_value(value)
    if tag == QUOTED or tag == _CORE + "str":
        return value
    resolved = core_value(value)
    wanted = {"null": type(None), "bool": bool, "int": int, "float": float}.get(
        tag.removeprefix(_CORE)
    )
    if wanted is float and isinstance(resolved, int) and not isinstance(resolved, bool):
        return float(resolved)
    if wanted is None or not isinstance(resolved, wanted):
        raise Unusual  # another tag, or a value its tag does not allow: ruamel's reading
    return resolved


def _children(node: Any) -> list[Any]:
    if node.id == "mapping":
        return [part for pair in node.value for part in pair]
    return list(node.value) if node.id == "sequence" else []


def _guard(root: Any, file: Path | str, cls: type[SourceError]) -> None:
    """Refuse a self-referencing alias, an alias bomb or nesting past MAX_DEPTH, walking the
    composed graph once (each node once, however often aliased), without recursion."""
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        mark = node.start_mark
        if finished:
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            height[key] = (
                0 if node.id == "scalar" else 1 + max((height[id(k)] for k in kids), default=0)
            )
            on_path.discard(key)
            if height[key] > MAX_DEPTH:
                raise cls(
                    file, f"nested deeper than {MAX_DEPTH} levels", mark.line + 1, mark.column + 1
                )
            if size[key] > 10 * len(size) + _EXPANSION_SLACK:
                raise cls(
                    file,
                    f"aliases expand this value to {size[key]:,} values: an alias bomb? write "
                    "the repeated parts out, or use $ref",
                    mark.line + 1,
                    mark.column + 1,
                )
            continue
        if key in size:
            continue
        if key in on_path:
            raise cls(
                file,
                "an alias refers to a node that contains it (a self-referencing alias)",
                mark.line + 1,
                mark.column + 1,
            )
        on_path.add(key)
        stack.append((node, True))
        stack.extend((kid, False) for kid in _children(node) if id(kid) not in size)


def _dates_as_text(value: Any) -> Any:
    """ruamel's dates and times (YAML 1.1 habits) as the strings YAML 1.2 reads."""
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, datetime.date):  # datetime is a date too
        return value.isoformat()
    return value


def _fallback(text: str, file: Path | str, cls: type[SourceError], reason: str) -> LoadedYaml:
    FALLBACKS[reason] += 1
    loaded = parse_yaml(text, file, cls)
    return LoadedYaml(_dates_as_text(loaded.data), loaded.source)


def parse_yaml_12(text: str, file: Path | str, cls: type[SourceError] = SourceError) -> LoadedYaml:
    import yaml

    if not _ANCHOR.search(text):  # aliases are measured on composed nodes (below)
        try:
            data = yamlevents.build(text, core_value, MAX_DEPTH)
        except (yaml.YAMLError, Unusual):
            pass  # composed below, for its error message, fallback or guard
        else:
            return LoadedYaml(data, yamlevents.EventSourceMap(Path(file), text, core_value))
    try:
        node = compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        deep = "nesting depth" in problem  # libyaml's own bound (1,000 flow levels)
        problem = f"nested deeper than {MAX_DEPTH} levels" if deep else f"invalid YAML: {problem}"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise cls(file, problem, line, column) from None
    except (yaml.YAMLError, Unusual):
        return _fallback(text, file, cls, "libyaml unavailable or unreadable")
    if node is None:
        return LoadedYaml(None, KeyedSourceMap(Path(file), {(): (1, 1)}, {}))
    if _ANCHOR.search(text):  # without anchors there are no aliases: depth is checked after
        _guard(node, file, cls)
    try:
        try:
            data, deep = build_plain(node, _core_scalar, MAX_DEPTH)
        except Merges:  # `Builder` places merged keys; rare enough to note every position
            builder = Builder(_core_scalar)
            data = builder.build(node)
            deep = max(map(len, builder.positions), default=0) >= MAX_DEPTH
            source = KeyedSourceMap(Path(file), builder.positions, builder.keys)
        else:
            source = NodeSourceMap(Path(file), node, _core_scalar)
    except Unusual:
        return _fallback(text, file, cls, "tags, complex or duplicate keys")
    except RecursionError:
        _guard(node, file, cls)  # says where it nests too deep
        raise
    if deep:
        _guard(node, file, cls)
    return LoadedYaml(data, source)


# -- JSON ------------------------------------------------------------------------------------

_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _blank(text: str, at: int) -> int:
    """The offset of the first non-whitespace character from `at`."""
    found = _SPACE.match(text, at)
    return found.end() if found else at


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _child(text: str, start: int, part: str | int) -> tuple[int, int | None] | None:
    """(offset of the value, offset of its key) of member `part` of the JSON value at `start`
    (a text json.loads took), or None when it has none. Siblings before it are skipped by
    `json`'s scanner; of duplicate keys the first is found (json.loads keeps the last)."""
    opener = text[start]
    if opener not in "{[":
        return None
    at = _blank(text, start + 1)
    if text[at] in "}]":
        return None
    index = 0
    while True:
        key = None
        if opener == "{":
            key = at
            name, at = scanstring(text, at + 1)
            at = _blank(text, _blank(text, at) + 1)  # past the colon
            if name == str(part):
                return at, key
        elif str(index) == str(part):
            return at, None
        _, at = _DECODER.raw_decode(text, at)
        at = _blank(text, at)
        if text[at] in "}]":
            return None
        at = _blank(text, at + 1)  # past the comma
        index += 1


WALKS = 32  # pointers located one by one in a JSON text before every position is noted at once


class JsonSourceMap(LazySourceMap):
    """Positions of a JSON text. A few pointers (a start warning's) are found by walking down to
    them, skipping sibling values with `json`'s C scanner; every position (`positions`, `keys`:
    `jobmock validate`) by one scan of all tokens the first time one is asked."""

    def __init__(self, file: Path, text: str) -> None:
        self.file = file
        self._text: str | None = text
        self._positions: dict[Pointer, tuple[int, int]] = {}
        self._keys: dict[Pointer, tuple[int, int]] = {}
        self._walked: dict[Pointer, tuple[int, int | None]] = {}  # value offset, key offset
        self._asked = 0

    def _forget(self) -> None:
        self._text = None

    def _few(self) -> bool:
        """Whether to walk to this pointer alone: yes for the first `WALKS` asked (a start
        warning's few), then one scan of every token is cheaper (a report of hundreds)."""
        self._asked += 1
        if self._text is not None and self._asked > WALKS:
            self._note_all()
        return self._text is not None

    def locate(self, path: Pointer) -> tuple[int | None, int | None]:
        if not self._few():
            return super().locate(path)
        assert self._text is not None
        value, _, _ = self._walk(tuple(path))
        return _line_column(self._text, value)

    def locate_key(self, path: Pointer) -> tuple[int | None, int | None]:
        if not self._few():
            return super().locate_key(path)
        assert self._text is not None
        value, key, whole = self._walk(tuple(path))
        return _line_column(self._text, key if whole and key is not None else value)

    def _walk(self, path: Pointer) -> tuple[int, int | None, bool]:
        """(offset of the value of the longest prefix of `path` in the text, offset of its key,
        whether that prefix is `path` whole)."""
        text = self._text
        assert text is not None
        value, key = _blank(text, 0), None
        for depth in range(len(path)):
            prefix = path[: depth + 1]
            found = self._walked.get(prefix)
            if found is None:
                found = _child(text, value, path[depth])
                if found is None:
                    return value, key, False
                self._walked[prefix] = found
            value, key = found
        return value, key, True

    def _note_all(self) -> None:
        text = self._text
        if text is None:
            return
        self._text = None
        starts = [0] + [m.end() for m in re.finditer("\n", text)]

        def at(offset: int) -> tuple[int, int]:
            line = bisect.bisect_right(starts, offset)
            return line, offset - starts[line - 1] + 1

        frames: list[list[Any]] = []  # [path, is_object, next index or current key]
        expect_key = False
        for match in _TOKEN.finditer(text):
            token = match.group()
            if token in ",:":
                expect_key = token == "," and bool(frames) and frames[-1][1]
                continue
            if token in "]}":
                frames.pop()
                continue
            if frames and frames[-1][1] and expect_key:
                name = token[1:-1] if "\\" not in token else json.loads(token)
                frames[-1][2] = name
                self._keys[(*frames[-1][0], name)] = at(match.start())
                expect_key = False
                continue
            path: Pointer = ()
            if frames:
                frame = frames[-1]
                path = (*frame[0], frame[2])  # the current key, or the next index
                if not frame[1]:
                    frame[2] += 1
            self._positions[path] = at(match.start())
            if token == "{":
                frames.append([path, True, None])
                expect_key = True
            elif token == "[":
                frames.append([path, False, 0])


def parse_json(text: str, file: Path | str, cls: type[SourceError] = SourceError) -> LoadedYaml:
    try:
        data = json_loads(text, MAX_DEPTH)
    except TooDeep as exc:
        raise cls(file, f"nested deeper than {MAX_DEPTH} levels", exc.lineno, exc.colno) from None
    except json.JSONDecodeError as exc:
        raise cls(file, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    return LoadedYaml(data, JsonSourceMap(Path(file), text))


def parse(text: str, file: Path | str, cls: type[SourceError] = SourceError) -> LoadedYaml:
    """`text` read as JSON when it is (by name, or by its first character and a clean decode),
    else as YAML 1.2."""
    if str(file).endswith(".json"):
        return parse_json(text, file, cls)
    if text.lstrip()[:1] == "{":
        try:
            return parse_json(text, file, cls)
        except SourceError:
            pass  # a YAML flow mapping, most likely
    return parse_yaml_12(text, file, cls)


def read(path: Path, cls: type[SourceError] = SourceError) -> LoadedYaml:
    """The document in `path`; a file that cannot be read or parsed raises `cls` (exit 2)."""
    return parse(read_text(path, cls), path, cls)
