"""A `$ref` where OpenAPI takes no Reference Object: in an Operation Object's place (OpenAPI
3.0.0, Path Item Object: `get | Operation Object`, where other fields say `| Reference Object`),
or for a `description` string. jobmock reads what it names, as bundlers do, and checks that with
every other rule; openapi-spec-validator refuses the document as written, and so does this rule.

The places are found by the OpenAPI schema itself (the structure rule's, from
openapi-spec-validator): each `$ref` the bundler replaced by its target is put back as a `$ref`,
and the schema's refusals at exactly those places are the findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jobmock.documents.bundle import BundledSource
from jobmock.documents.pointers import Pointer
from jobmock.validate.documents import Kind, SpecDocument, position
from jobmock.validate.findings import Position, Problem, Severity
from jobmock.validate.rules.registry import rule
from jobmock.validate.schemas import document_validator
from jobmock.validate.verdicts import document_is_valid


def _expected(error: Any) -> str:
    """What the schema expects where it refused the `$ref`: `a string`, or the object."""
    if error.validator == "type" and isinstance(error.validator_value, str):
        return f"a {error.validator_value}"
    return "the object itself"


def _refused(doc: SpecDocument) -> dict[Pointer, str]:
    """The pointer of each substituted `$ref` the OpenAPI schema refuses there -> what it
    expects there instead."""
    validator = document_validator(doc.version)
    if validator is None or not doc.substituted:
        return {}
    swapped: list[tuple[Any, str | int, Any]] = []
    placeholders: set[int] = set()
    try:
        for container, keys in doc.substituted:
            for key in keys:
                placeholder = {"$ref": "#/"}
                placeholders.add(id(placeholder))
                swapped.append((container, key, container[key]))
                container[key] = placeholder
        if document_is_valid(doc.version, doc.document):
            return {}
        refused: dict[Pointer, str] = {}
        for error in validator.iter_errors(doc.document):
            if id(error.instance) in placeholders:
                refused.setdefault(tuple(error.absolute_path), _expected(error))
        return refused
    finally:
        for container, key, value in reversed(swapped):
            container[key] = value


def _written(doc: SpecDocument, pointer: Pointer) -> Position:
    """Where the `$ref` at `pointer` is written: in the file that holds its parent."""
    source, parent = doc.source, pointer[:-1]
    if isinstance(source, BundledSource):
        source, parent = source.where(parent)
    return position(source, (*parent, pointer[-1], "$ref"))


@rule(
    "ref-not-allowed",
    Severity.ERROR,
    Kind.OPENAPI,
    catches="a `$ref` stands where OpenAPI takes no Reference Object: an operation under a path "
    "(a Path Item's `get` is an Operation Object only), a `description`; jobmock and bundlers "
    "read what it names, openapi-spec-validator and other strict tools refuse the document",
    fix="`$ref` the whole path item instead (a Path Item takes `$ref`), or bundle the document "
    "(`redocly bundle`) for the tools that read it as written",
)
def refs_not_allowed(doc: SpecDocument) -> Iterator[Problem]:
    if doc.version not in ("3.0", "3.1"):
        return
    for pointer, why in sorted(_refused(doc).items(), key=lambda item: str(item[0])):
        yield Problem(
            f"a `$ref` in place of `{pointer[-1]}`, where OpenAPI {doc.version} expects {why}, "
            "not a Reference Object: openapi-spec-validator refuses the document (jobmock "
            "reads what the `$ref` names)",
            (*pointer,),
            position=_written(doc, pointer),
        )
