"""Is it OpenAPI at all: the document against the OpenAPI JSON Schema, and every `$ref` resolves.

The JSON Schemas are the ones openapi-spec-validator ships (read as data files: importing the
package costs half a second); the semantic checks it adds on top (unique operationIds, path
parameters, defaults against their schemas) are rules of their own here, with positions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jobmock.documents.pointers import Pointer, encode_pointer
from jobmock.documents.reader import read
from jobmock.errors import SourceError
from jobmock.validate.documents import Kind, SpecDocument
from jobmock.validate.findings import Position, Problem, Severity
from jobmock.validate.openapi import (
    DIALECTS,
    decode_pointer,
    foreign_dialects,
    lookup,
    refs,
    schema_roots,
    walk,
)
from jobmock.validate.rules.registry import rule
from jobmock.validate.schemas import (
    document_validator,
    hint,
    leaf_errors,
    meta_errors,
    plain_message,
    unexpected_key,
)
from jobmock.validate.verdicts import document_is_valid, schema_is_valid

_EXAMPLE_XOR = {"required": ["example", "examples"]}  # the 3.0 schema's ExampleXORExamples


@rule(
    "oas-structure",
    Severity.ERROR,
    Kind.OPENAPI,
    catches="the document breaks the OpenAPI 3.0/3.1 schema (missing `description`, misspelt key, "
    "wrong type), or a 3.1 schema breaks JSON Schema 2020-12 or declares another dialect "
    "(`$schema`, `jsonSchemaDialect`), which jobmock does not read",
    fix="follow the message: add the required key, rename or remove the unexpected one",
)
def structure(doc: SpecDocument) -> Iterator[Problem]:
    if doc.version not in ("3.0", "3.1"):
        written = doc.document.get("openapi", doc.document.get("swagger"))
        yield Problem(
            f"unsupported OpenAPI version {written!r}: jobmock reads 3.0.x and 3.1.x documents",
            ("openapi",),
        )
        return
    validator = document_validator(doc.version)
    if validator is None:  # pragma: no cover - openapi-spec-validator is a dependency
        return
    seen: set[tuple[Pointer, str]] = set()
    valid = document_is_valid(doc.version, doc.document)  # then Python would find nothing
    for error in () if valid else leaf_errors(validator.iter_errors(doc.document)):
        if error.validator == "not" and error.validator_value == _EXAMPLE_XOR:
            continue  # the example-and-examples rule says it, in 3.1 documents too
        pointer = (*error.absolute_path, *unexpected_key(error))
        if (pointer, error.message) not in seen:
            seen.add((pointer, error.message))
            message = f"not valid OpenAPI {doc.version}: {plain_message(error)}; {hint(error)}"
            yield Problem(message, pointer, key=True)
    if doc.version == "3.1":
        default = doc.document.get("jsonSchemaDialect")
        if isinstance(default, str) and default.rstrip("#") not in DIALECTS:
            problem = _dialect_problem(default, "jsonSchemaDialect", "its schemas")
            yield Problem(problem, ("jsonSchemaDialect",))
        foreign = foreign_dialects(doc.document)
        for root in schema_roots(doc.document):
            if root.pointer in foreign:  # read as 2020-12, it would have errors it does not have
                if isinstance(root.value, dict) and "$schema" in root.value:
                    problem = _dialect_problem(foreign[root.pointer], "$schema", "this schema")
                    yield Problem(problem, (*root.pointer, "$schema"), key=True)
                continue
            if schema_is_valid(root.value):
                continue
            for error in leaf_errors(meta_errors(root.value)):
                pointer = (*root.pointer, *error.absolute_path, *unexpected_key(error))
                if (pointer, error.message) not in seen:
                    seen.add((pointer, error.message))
                    yield Problem(
                        f"not a valid JSON Schema 2020-12 schema: {plain_message(error)}; "
                        f"{hint(error)}",
                        pointer,
                        key=True,
                    )


def _dialect_problem(dialect: str, keyword: str, what: str) -> str:
    return (
        f"`{keyword}: {dialect}`: jobmock validates and serves JSON Schema 2020-12 schemas"
        f" (OpenAPI 3.1's default dialect) only; write {what} in 2020-12 (a boolean"
        " `exclusiveMaximum: true` beside `maximum: 20` is `exclusiveMaximum: 20`)"
    )


def _near_miss(document: Any, parts: Pointer) -> str:
    """` (did you mean '#/components/schemas/Job'?)` when one key along the way is misspelt."""
    value = document
    for depth, part in enumerate(parts):
        if isinstance(value, dict) and part in value:
            value = value[part]
            continue
        if isinstance(value, dict):
            close = difflib.get_close_matches(str(part), [str(k) for k in value], n=1)
            if close:
                return f" (did you mean '#{encode_pointer((*parts[:depth], close[0]))}'?)"
        break
    return ""


def _anchors(document: Any) -> set[str]:
    return {
        value["$anchor"]
        for _, value in walk(document)
        if isinstance(value, dict) and isinstance(value.get("$anchor"), str)
    }


@rule(
    "ref-unresolved",
    Severity.ERROR,
    Kind.OPENAPI,
    catches="a `$ref` points at nothing (misspelt component, missing file, bad JSON Pointer)",
    fix="correct the pointer, or add the component it names",
)
def unresolved_refs(doc: SpecDocument) -> Iterator[Problem]:
    # the served document has other files' targets bundled in: a `$ref` still naming a file is
    # one the bundler could not follow, and it is resolved from the file it is written in
    files: dict[Path, Any] = {}
    for pointer, ref in refs(doc.document):
        target, _, fragment = ref.partition("#")
        if "://" in target or target.startswith("urn:"):
            continue  # a remote document: not fetched
        parts = decode_pointer(fragment)
        if not target and parts is not None and lookup(doc.document, parts)[0]:
            continue  # the root's own, or one bundled in
        home = doc.written_in(pointer).resolve()
        data: Any = doc.document
        where = "this document"
        if target or home != doc.path.resolve():
            file = (home.parent / target).resolve() if target else home
            where = target or home.name
            if file not in files:
                try:
                    files[file] = read(file, SourceError).data
                except SourceError as exc:
                    files[file] = exc
            unreadable = files[file]
            if isinstance(unreadable, SourceError):
                if unreadable.line is None:  # no such file: said at the `$ref`
                    yield Problem(
                        f"$ref {ref!r}: cannot read {target}: {unreadable.message}", pointer
                    )
                else:  # said once, where the file breaks (each `$ref` to it would repeat it)
                    at = Position(Path(unreadable.file), unreadable.line, unreadable.column)
                    message = f"{unreadable.message}; the $refs to this file cannot be followed"
                    yield Problem(message, pointer, position=at)
                continue
            data = files[file]
        if parts is None:  # a plain-name fragment: a 3.1 `$anchor`
            if fragment not in _anchors(data):
                yield Problem(f"$ref {ref!r}: no `$anchor: {fragment}` in {where}", pointer)
            continue
        found, _ = lookup(data, parts)
        if not found:
            yield Problem(
                f"$ref {ref!r} resolves to nothing in {where}{_near_miss(data, parts)}; "
                "fix the pointer or add what it names",
                pointer,
            )
