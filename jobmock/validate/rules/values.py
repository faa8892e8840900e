"""Values written in the document that must agree with its schemas: examples, defaults, enums."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jobmock.documents.pointers import Pointer
from jobmock.validate.documents import Kind, SpecDocument
from jobmock.validate.findings import Problem, Severity
from jobmock.validate.openapi import Node, deref, foreign_dialects, mapping, media_owners
from jobmock.validate.rules.registry import rule
from jobmock.validate.schemas import SchemaSet, describe

# Media types whose examples are data (a JSON value, or YAML that reads as one); the others'
# examples are the serialized text (form-urlencoded, event streams, CSV, XML...).
_JSON_LIKE = re.compile(
    r"application/(?:json|yaml|x-yaml)|text/(?:json|yaml|x-yaml)|.+\+(?:json|yaml)"
)


def json_like(media: str) -> bool:
    """`application/json`, `+json`, YAML (parameters like `; charset=utf-8` ignored)."""
    return bool(_JSON_LIKE.fullmatch(media.split(";")[0].strip().lower()))


def _checked_as_data(doc: SpecDocument, owner: Node) -> bool:
    """A media type's examples are checked when it is JSON-like, or when its schema asks for a
    string (the serialized text itself); other media types' examples are skipped."""
    if len(owner.pointer) < 2 or owner.pointer[-2] != "content":
        return True  # a parameter's or header's own schema: the value, as data
    if json_like(str(owner.pointer[-1])):
        return True
    schema = deref(doc.document, Node((*owner.pointer, "schema"), owner.value.get("schema"))).value
    kind = schema.get("type") if isinstance(schema, dict) else None
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def _values(doc: SpecDocument) -> Iterator[tuple[str, Pointer, Any, Pointer]]:
    """(what, schema pointer, value, value pointer) for every example and default."""
    for node in doc.schemas():
        schema = node.value
        for key in ("example", "default"):
            if key in schema:
                yield f"`{key}`", node.pointer, schema[key], (*node.pointer, key)
        if isinstance(schema.get("examples"), list):
            for index, value in enumerate(schema["examples"]):
                at = (*node.pointer, "examples", index)
                yield f"`examples[{index}]`", node.pointer, value, at
    for owner in media_owners(doc.document):
        schema_pointer = (*owner.pointer, "schema")
        if not _checked_as_data(doc, owner):
            continue
        if "example" in owner.value:
            yield "`example`", schema_pointer, owner.value["example"], (*owner.pointer, "example")
        for name, raw in mapping(owner.value.get("examples")).items():
            use = (*owner.pointer, "examples", name)
            example = deref(doc.document, Node(use, raw))
            if isinstance(example.value, dict) and "value" in example.value:
                at = use if example.pointer != use else (*use, "value")
                yield f"example `{name}`", schema_pointer, example.value["value"], at


def _mismatches(doc: SpecDocument, defaults: bool) -> Iterator[Problem]:
    """Each example (or, with `defaults`, each `default`) its own schema refuses."""
    if doc.version not in ("3.0", "3.1"):
        return
    checker: SchemaSet | None = None
    foreign = foreign_dialects(doc.document) if doc.version == "3.1" else {}
    seen: set[tuple[tuple[Path, Pointer], tuple[Path, Pointer]]] = set()
    for what, schema_pointer, value, pointer in _values(doc):
        if (what == "`default`") is not defaults:
            continue
        if any(schema_pointer[: len(root)] == root for root in foreign):
            continue  # a dialect jobmock does not read: oas-structure names it
        written = (doc.origin(pointer), doc.origin(schema_pointer))
        if written in seen:  # one file's example $ref'd by many operations: checked once
            continue
        seen.add(written)
        checker = checker or SchemaSet(doc.document, doc.version)
        errors = checker.errors(schema_pointer, value)
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            yield Problem(
                f"{what} does not match its schema: {describe(errors[0])}{more}; "
                "fix the value or the schema",
                (*pointer, *errors[0].absolute_path),
                key=True,
            )


@rule(
    "example-invalid",
    Severity.WARNING,
    Kind.OPENAPI,
    catches="an `example` or `examples` entry (of a schema, parameter, header or media type; "
    "named examples' `value`, `$ref`s followed) does not validate against its own schema (JSON "
    "Schema 2020-12 for 3.1, the OpenAPI 3.0 dialect for 3.0; formats asserted). The "
    "specification says an example SHOULD match: a warning. A media type's examples are data "
    "when it is JSON or YAML (`application/json`, `+json`, `application/yaml`), else the "
    "serialized text: checked where the schema asks for a string, skipped otherwise",
    fix="correct the example (or the schema, if the example is what the API really sends)",
)
def invalid_examples(doc: SpecDocument) -> Iterator[Problem]:
    yield from _mismatches(doc, defaults=False)


@rule(
    "default-invalid",
    Severity.ERROR,
    Kind.OPENAPI,
    catches="a schema's `default` does not validate against that schema (OpenAPI 3.0: it MUST "
    "conform to the schema's type; formats asserted)",
    fix="correct the default (or the schema)",
)
def invalid_defaults(doc: SpecDocument) -> Iterator[Problem]:
    yield from _mismatches(doc, defaults=True)


def _canonical(value: Any) -> Any:
    """JSON equality: 1 == 1.0, true != 1, key order ignored."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


@rule(
    "enum-duplicate",
    Severity.WARNING,
    Kind.OPENAPI,
    catches="an `enum` lists the same value twice (often a copy-paste slip hiding a missing value)",
    fix="remove the repeated value, or replace it with the one that was meant",
)
def duplicate_enums(doc: SpecDocument) -> Iterator[Problem]:
    for node in doc.schemas():
        enum = node.value.get("enum")
        if not isinstance(enum, list):
            continue
        seen: dict[str, int] = {}
        for index, value in enumerate(enum):
            key = json.dumps(_canonical(value), sort_keys=True, default=str)
            if key in seen:
                yield Problem(
                    f"enum value {json.dumps(value, default=str)} is listed twice (also item "
                    f"{seen[key]}); remove the repeat",
                    (*node.pointer, "enum", index),
                )
            else:
                seen[key] = index
