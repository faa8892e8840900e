"""YAML loading that remembers where every value came from (file, line, column).

ruamel.yaml's round-trip loader keeps positions; we convert to plain dicts/lists for speed everywhere
else, and keep a `SourceMap` from JSON Pointer to (line, column) for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from jobmock.documents.pointers import Pointer
from jobmock.errors import SourceError


@dataclass
class SourceMap:
    """Positions (1-based line, column) of the values in one YAML file, keyed by path."""

    file: Path
    positions: dict[Pointer, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Pointer) -> tuple[int | None, int | None]:
        """The position of `path`, or of its closest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (None, None))

    def error(
        self, path: Pointer, message: str, cls: type[SourceError] = SourceError
    ) -> SourceError:
        line, column = self.locate(path)
        return cls(self.file, message, line, column)


@dataclass
class LoadedYaml:
    data: Any
    source: SourceMap


def _plain(node: Any, path: Pointer, positions: dict[Pointer, tuple[int, int]]) -> Any:
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key, value in node.items():
            child = (*path, str(key))
            try:
                line, col = node.lc.value(key)
            except (KeyError, TypeError):
                line, col = node.lc.line, node.lc.col
            positions[child] = (line + 1, col + 1)
            out[str(key)] = _plain(value, child, positions)
        return out
    if isinstance(node, CommentedSeq):
        items: list[Any] = []
        for index, value in enumerate(node):
            child = (*path, index)
            try:
                line, col = node.lc.item(index)
                positions[child] = (line + 1, col + 1)
            except (KeyError, TypeError, IndexError):
                pass
            items.append(_plain(value, child, positions))
        return items
    return _scalar(node)


def _scalar(node: Any) -> Any:
    """ruamel's scalar subclasses (folded strings, ScalarFloat…) as the plain Python values."""
    if isinstance(node, bool) or node is None:
        return bool(node) if node is not None else None
    for plain in (str, int, float):
        if isinstance(node, plain) and type(node) is not plain:
            return plain(node)
    return node


def parse_yaml(text: str, file: Path | str, cls: type[SourceError] = SourceError) -> LoadedYaml:
    """Parse YAML text; a syntax error becomes a `cls` naming the file, line and column."""
    yaml = YAML(typ="rt")
    try:
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise cls(file, f"invalid YAML: {problem}", line, column) from None
    except (
        Exception
    ) as exc:  # ruamel raises a few non-Marked errors (duplicate keys, reader errors)
        raise cls(file, f"invalid YAML: {exc}".splitlines()[0]) from None
    positions: dict[Pointer, tuple[int, int]] = {(): (1, 1)}
    return LoadedYaml(_plain(node, (), positions), SourceMap(Path(file), positions))


def read_text(path: Path, cls: type[SourceError] = SourceError) -> str:
    """The UTF-8 text of `path`; a file that cannot be read raises `cls` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise cls(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise cls(path, f"cannot read file: {exc}") from None


def load_yaml(path: Path, cls: type[SourceError] = SourceError) -> LoadedYaml:
    return parse_yaml(read_text(path, cls), path, cls)
