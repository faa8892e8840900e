"""The documents `validate` checks: OpenAPI specs (with their overlay), overlays and fixtures.

Each knows its file and how to turn a JSON Pointer into a position. A served spec is the
documented file plus its overlay; a node the overlay added is located in the overlay, every other
node in the documented file.

The overlay is applied here rather than with `jobmock.documents.specs.apply_overlay` for two reasons: a
check wants every action tried (not a stop at the first target that matches nothing) and to know
which action put which node where; and `apply_overlay` imports oas-patch, whose package pulls in
its CLI, pydantic and deepdiff (half a second). The semantics are oas-patch's for Overlay 1.0
(update merges objects, extends arrays, replaces the rest; remove deletes the target), and a
test checks both give the same served document for every spec in the repository.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from jobmock.documents.bundle import BundledSource, Bundler
from jobmock.documents.pointers import Node, Pointer
from jobmock.documents.specs import OVERLAY_SUFFIX
from jobmock.documents.yamlfast import KeyedSourceMap
from jobmock.documents.yamlsource import LoadedYaml, SourceMap
from jobmock.errors import FixtureError, SpecError
from jobmock.fixtures.loading import Fixture
from jobmock.validate.findings import Position
from jobmock.validate.openapi import schemas as all_schemas


class Kind(StrEnum):
    OPENAPI = "openapi"
    OVERLAY = "overlay"
    FIXTURE = "fixture"


def classify(path: Path, data: Any) -> Kind | None:
    """What a loaded YAML file is, by its top-level keys (an overlay also by its name)."""
    if path.name.endswith(OVERLAY_SUFFIX) or (isinstance(data, dict) and "overlay" in data):
        return Kind.OVERLAY
    if not isinstance(data, dict):
        return None
    if "openapi" in data or "swagger" in data:
        return Kind.OPENAPI
    if "api" in data and ("scenarios" in data or "statuses" in data or "tenants" in data):
        return Kind.FIXTURE
    return None


def position(source: SourceMap, pointer: Pointer, key: bool = False) -> Position:
    """Where `pointer` is written in `source`'s file: its value, or its key; the document itself
    (the empty pointer) is where its first key is. In a bundled document, the file is the one
    the node was written in."""
    if isinstance(source, BundledSource):
        source, pointer = source.where(pointer)
    if not pointer:
        keys = source.keys if isinstance(source, KeyedSourceMap) else source.positions
        firsts = [p for k, p in keys.items() if len(k) == 1]
        line, column = min(firsts) if firsts else source.locate(())
    elif key and isinstance(source, KeyedSourceMap):
        line, column = source.locate_key(pointer)
    else:
        line, column = source.locate(pointer)
    return Position(source.file, line, column)


def spec_path_for_overlay(overlay_path: Path) -> Path:
    return overlay_path.with_name(overlay_path.name.removesuffix(OVERLAY_SUFFIX) + ".yaml")


@dataclass(frozen=True)
class ActionOutcome:
    """What one overlay action did: the nodes it matched, or why it did nothing."""

    index: int
    targets: tuple[Pointer, ...] = ()
    problem: str | None = None


@dataclass
class OverlayDocument:
    path: Path
    data: Any
    source: SourceMap
    spec_path: Path | None = None  # the document it applies to, when one sits beside it
    outcomes: list[ActionOutcome] = field(default_factory=list)

    def locate(self, pointer: Pointer, key: bool = False) -> Position:
        return position(self.source, pointer, key)

    def actions(self) -> list[tuple[int, dict[str, Any]]]:
        actions = self.data.get("actions") if isinstance(self.data, dict) else None
        if not isinstance(actions, list):
            return []
        return [(i, a) for i, a in enumerate(actions) if isinstance(a, dict)]


@dataclass
class SpecDocument:
    """An OpenAPI document as jobmock serves it: the documented file with its overlay applied."""

    path: Path
    documented: dict[str, Any]
    source: SourceMap
    document: dict[str, Any]
    overlay: OverlayDocument | None = None
    files: tuple[Path, ...] = ()  # every file read for it: the root and what its `$ref`s name
    # (container, keys): where the served document holds what a `$ref` there named, inlined
    substituted: tuple[tuple[Any, set[str | int]], ...] = field(default=(), repr=False)
    _schemas: list[Node] | None = field(default=None, repr=False, compare=False)

    def schemas(self) -> list[Node]:
        """Every Schema Object of the served document, nested ones included: walked once for
        all rules (a bundled document repeats what many `$ref`s name; DigitalOcean's has 315,000)."""
        if self._schemas is None:
            self._schemas = list(all_schemas(self.document))
        return self._schemas

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def version(self) -> str:
        """ "3.0", "3.1", or the version as written when it is neither."""
        raw = str(self.document.get("openapi", self.document.get("swagger", "")))
        return raw[:3] if raw.startswith(("3.0", "3.1")) else raw

    def locate(self, pointer: Pointer, key: bool = False) -> Position:
        if self.overlay is not None:
            found = _overlay_position(self.overlay, pointer, key)
            if found is not None:
                return found
        return position(self.source, pointer, key)

    def origin(self, pointer: Pointer) -> tuple[Path, Pointer]:
        """The file the node at `pointer` of the served document is written in (the root
        document's, unless a `$ref` brought it from another file) and its pointer there."""
        if isinstance(self.source, BundledSource):
            source, inner = self.source.where(pointer)
            return source.file, inner
        return self.path, pointer

    def written_in(self, pointer: Pointer) -> Path:
        return self.origin(pointer)[0]

    def node(self, pointer: Pointer) -> Any:
        """The value at `pointer` in the served document (KeyError/IndexError if absent)."""
        value: Any = self.document
        for part in pointer:
            value = value[part]
        return value


@dataclass
class FixtureDocument:
    path: Path
    data: Any
    source: SourceMap
    fixture: Fixture | None = None
    error: FixtureError | None = None
    spec: SpecDocument | None = None  # the served spec of the fixture's API, when found
    spec_error: SpecError | None = None
    handlers: Path | None = None  # handlers/<api>.py, when found

    @property
    def api(self) -> str | None:
        api = self.data.get("api") if isinstance(self.data, dict) else None
        return api if isinstance(api, str) else None

    def locate(self, pointer: Pointer, key: bool = False) -> Position:
        return position(self.source, pointer, key)


def _overlay_position(overlay: OverlayDocument, pointer: Pointer, key: bool) -> Position | None:
    """Where in the overlay the node at `pointer` of the served document came from, if it did."""
    updates = dict(overlay.actions())
    for outcome in reversed(overlay.outcomes):
        action = updates.get(outcome.index, {})
        if "update" not in action:
            continue
        for target in outcome.targets:
            if pointer[: len(target)] != target or len(pointer) == len(target):
                continue
            value: Any = action["update"]
            where: Pointer = ("actions", outcome.index, "update")
            for part in pointer[len(target) :]:
                inside_dict = isinstance(value, dict) and part in value
                in_list = isinstance(value, list) and isinstance(part, int) and part < len(value)
                if not (inside_dict or in_list):
                    break
                value = value[part]
                where = (*where, part)
            else:
                return overlay.locate(where, key)
    return None


def _concrete(match: Any) -> Pointer:
    """The path of a jsonpath-ng match, as a pointer tuple."""
    parts: list[str | int] = []
    while match is not None and match.context is not None:
        path = match.path
        fields = getattr(path, "fields", None)
        indices = getattr(path, "indices", None)
        if fields:
            parts.append(str(fields[0]))
        elif indices:
            parts.append(int(indices[0]))
        elif getattr(path, "index", None) is not None:
            parts.append(int(path.index))
        match = match.context
    return tuple(reversed(parts))


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            _merge(current, value)
        elif isinstance(value, list) and isinstance(current, list):
            current.extend(copy.deepcopy(value))
        else:
            target[key] = copy.deepcopy(value)


def _update(document: dict[str, Any], pointer: Pointer, update: Any) -> None:
    if not pointer:
        if isinstance(update, dict):
            _merge(document, update)
        return
    parent: Any = document
    for part in pointer[:-1]:
        parent = parent[part]
    key = pointer[-1]
    current = parent[key]
    if isinstance(current, dict) and isinstance(update, dict):
        _merge(current, update)
    elif isinstance(current, list):
        if isinstance(update, list):
            current.extend(copy.deepcopy(update))
        else:
            current.append(copy.deepcopy(update))
    else:
        parent[key] = copy.deepcopy(update)


def _remove(document: dict[str, Any], pointers: list[Pointer]) -> None:
    def order(pointer: Pointer) -> tuple[int, int]:  # deepest and last first: the rest stay valid
        return len(pointer), pointer[-1] if pointer and isinstance(pointer[-1], int) else -1

    for pointer in sorted(pointers, key=order, reverse=True):
        if not pointer:
            continue
        parent: Any = document
        for part in pointer[:-1]:
            parent = parent[part]
        del parent[pointer[-1]]


def apply_overlay(document: dict[str, Any], overlay: OverlayDocument) -> dict[str, Any]:
    """A copy of `document` with every action of `overlay` that can apply applied, in order.

    `overlay.outcomes` records, per action, what it matched or why it did nothing.
    """
    from jsonpath_ng.ext import parse  # type: ignore[attr-defined]

    result = copy.deepcopy(document)
    overlay.outcomes = []
    for index, action in overlay.actions():
        target = action.get("target")
        if not isinstance(target, str):
            overlay.outcomes.append(ActionOutcome(index, problem="has no `target` string"))
            continue
        try:
            matches = parse(target).find(result)
        except Exception as exc:  # jsonpath-ng raises bare Exceptions for some syntax errors
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            problem = f"is not valid JSONPath ({message})"
            overlay.outcomes.append(ActionOutcome(index, problem=problem))
            continue
        pointers = [_concrete(m) for m in matches]
        if not pointers:
            overlay.outcomes.append(ActionOutcome(index, problem="matches nothing in the document"))
            continue
        overlay.outcomes.append(ActionOutcome(index, tuple(pointers)))
        if action.get("remove") is True:
            _remove(result, pointers)
        elif "update" in action:
            for pointer in pointers:
                _update(result, pointer, action["update"])
    return result


def spec_document(loaded: LoadedYaml, overlay: OverlayDocument | None) -> SpecDocument:
    """The document as `jobmock serve` reads it: other files' `$ref` targets bundled in (one
    that resolves to nothing is left as written, for `ref-unresolved`), then the overlay."""
    path = loaded.source.file
    documented = loaded.data
    if not isinstance(documented, dict):
        raise loaded.source.error((), "an OpenAPI document must be a mapping", SpecError)
    bundler = Bundler(loaded, path, strict=False)
    bundled = bundler.bundle(path)
    served = bundled if overlay is None else apply_overlay(bundled, overlay)
    files = tuple(bundler.files)
    substituted = tuple(bundler.substituted.values())
    return SpecDocument(path, documented, bundler.source, served, overlay, files, substituted)


def overlay_document(loaded: LoadedYaml) -> OverlayDocument:
    path = loaded.source.file
    spec_path = spec_path_for_overlay(path)
    beside = spec_path if spec_path.exists() else None
    return OverlayDocument(path, loaded.data, loaded.source, beside)
