"""What an external `$ref` brings in is checked as if written in place: the document with each
external target inlined is validated against the OpenAPI schema (and, for 3.1, a target in a
schema's place against JSON Schema 2020-12); problems inside a target are reported at the `$ref`,
naming the place in the other file."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobmock.documents.pointers import Pointer, typed_pointer
from jobmock.documents.reader import read
from jobmock.documents.yamlfast import KeyedSourceMap
from jobmock.documents.yamlsource import LoadedYaml, SourceMap
from jobmock.errors import SourceError
from jobmock.validate.documents import Kind, SpecDocument
from jobmock.validate.findings import Problem, Severity
from jobmock.validate.openapi import decode_pointer, lookup, refs, schema_roots
from jobmock.validate.rules.registry import rule
from jobmock.validate.schemas import (
    document_validator,
    hint,
    leaf_errors,
    meta_errors,
    plain_message,
    unexpected_key,
)


@dataclass(frozen=True)
class _Target:
    ref: str
    file: str  # as written in the `$ref`
    parts: Pointer  # where in that file
    value: Any
    source: SourceMap


def _targets(doc: SpecDocument) -> dict[Pointer, _Target]:
    """The object holding each external `$ref` that resolves -> what it points at."""
    files: dict[Path, LoadedYaml | None] = {}
    found: dict[Pointer, _Target] = {}
    for pointer, ref in refs(doc.document):
        target, _, fragment = ref.partition("#")
        if not target or "://" in target or target.startswith("urn:"):
            continue
        path = (doc.path.parent / target).resolve()
        if path not in files:
            try:
                files[path] = read(path, SourceError)
            except SourceError:
                files[path] = None  # ref-unresolved says so
        loaded = files[path]
        parts = decode_pointer(fragment)
        if loaded is None or parts is None:
            continue
        exists, value = lookup(loaded.data, parts)
        if exists:
            typed = typed_pointer(loaded.data, parts)
            found[pointer[:-1]] = _Target(ref, target, typed, value, loaded.source)
    return found


def _place(target: _Target, inside: Pointer, key: bool) -> str:
    source, pointer = target.source, (*target.parts, *inside)
    if key and isinstance(source, KeyedSourceMap):
        line, column = source.locate_key(pointer)
    else:
        line, column = source.locate(pointer)
    return f"{target.file}:{line}:{column}"


def _inlined(document: dict[str, Any], targets: dict[Pointer, _Target]) -> dict[str, Any]:
    bundled = copy.deepcopy(document)
    for holder in sorted(targets, key=len, reverse=True):  # deepest first: parents stay valid
        if not holder:
            continue
        parent: Any = bundled
        for part in holder[:-1]:
            parent = parent[part]
        parent[holder[-1]] = copy.deepcopy(targets[holder].value)
    return bundled


def _owner(path: Pointer, targets: dict[Pointer, _Target]) -> Pointer | None:
    for size in range(len(path), 0, -1):
        if path[:size] in targets:
            return path[:size]
    return None


@rule(
    "ref-target-invalid",
    Severity.ERROR,
    Kind.OPENAPI,
    catches="what an external `$ref` points at (another file) is not valid where it is used: a "
    "broken schema, parameter or response in the referenced file",
    fix="correct the referenced file at the place the message names",
)
def external_targets(doc: SpecDocument) -> Iterator[Problem]:
    if doc.version not in ("3.0", "3.1"):
        return
    targets = _targets(doc)
    validator = document_validator(doc.version)
    if not targets or validator is None:
        return
    bundled = _inlined(doc.document, targets)
    seen: set[tuple[Pointer, str]] = set()

    def problem(holder: Pointer, inside: Pointer, key: bool, what: str, error: Any) -> Problem:
        target = targets[holder]
        return Problem(
            f"$ref {target.ref!r} leads to {what} ({_place(target, inside, key)}): "
            f"{plain_message(error)}; {hint(error)}",
            (*holder, "$ref"),
        )

    for error in leaf_errors(validator.iter_errors(bundled)):
        path = (*error.absolute_path, *unexpected_key(error))
        holder = _owner(path, targets)
        if holder is not None and (path, error.message) not in seen:
            seen.add((path, error.message))
            inside = path[len(holder) :]
            yield problem(holder, inside, bool(unexpected_key(error)), "invalid OpenAPI", error)
    if doc.version != "3.1":
        return  # 3.0 schemas are checked by the OpenAPI 3.0 schema itself
    roots = [root.pointer for root in schema_roots(bundled)]
    for holder, target in targets.items():
        if not any(holder[: len(root)] == root for root in roots):
            continue
        for error in leaf_errors(meta_errors(target.value)):
            inside = (*error.absolute_path, *unexpected_key(error))
            if ((*holder, *inside), error.message) not in seen:
                seen.add(((*holder, *inside), error.message))
                key = bool(unexpected_key(error))
                yield problem(
                    holder, inside, key, "a schema that is not JSON Schema 2020-12", error
                )
