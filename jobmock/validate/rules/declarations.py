"""What the specification forbids that its JSON Schema cannot say: duplicate parameters, a
`pattern` that is no regular expression, a server variable's default outside its enum, `example`
beside `examples`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from jobmock.documents.specs import HTTP_METHODS
from jobmock.validate.documents import Kind, SpecDocument
from jobmock.validate.findings import Problem, Severity
from jobmock.validate.openapi import Node, deref, items, mapping, walk
from jobmock.validate.rules.registry import rule


def _parameter_lists(doc: SpecDocument) -> Iterator[tuple[str, tuple[str | int, ...], Any]]:
    """(label, pointer, list) for every path item's and operation's `parameters`."""
    for section in ("paths", "webhooks"):
        for path, raw in mapping(doc.document.get(section)).items():
            item = deref(doc.document, Node((section, path), raw))
            yield path, (*item.pointer, "parameters"), mapping(item.value).get("parameters")
            for method, operation in mapping(item.value).items():
                if method in HTTP_METHODS and isinstance(operation, dict):
                    label = f"{method.upper()} {path}"
                    yield label, (*item.pointer, method, "parameters"), operation.get("parameters")
    components = mapping(doc.document.get("components"))
    for name, raw in mapping(components.get("pathItems")).items():
        yield name, ("components", "pathItems", name, "parameters"), mapping(raw).get("parameters")


@rule(
    "parameter-duplicate",
    Severity.ERROR,
    Kind.OPENAPI,
    catches="one operation (or path item) lists two parameters with the same `name` and `in` "
    "(the specification: the list MUST NOT include duplicated parameters), `$ref`s followed",
    fix="remove one of them, or correct its `name` or `in`",
)
def duplicate_parameters(doc: SpecDocument) -> Iterator[Problem]:
    for label, pointer, raw in _parameter_lists(doc):
        seen: dict[tuple[str, str], int] = {}
        for index, entry in enumerate(items(raw)):
            param = mapping(deref(doc.document, Node((*pointer, index), entry)).value)
            name, where = param.get("name"), param.get("in")
            if not (isinstance(name, str) and isinstance(where, str)):
                continue
            if (name, where) in seen:
                yield Problem(
                    f"{label} lists the {where} parameter `{name}` twice (also item "
                    f"{seen[(name, where)]}); remove one",
                    (*pointer, index),
                )
            else:
                seen[(name, where)] = index


_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")  # ECMA-262 `(?<name>`, Python's `(?P<name>`
_PROPERTY = re.compile(r"\\[pP]\{[^}]*\}")  # ECMA-262 `\p{L}` (Unicode property): no Python form


def regex_problem(pattern: str) -> str | None:
    """Why `pattern` is not a regular expression (ECMA-262, read by Python's `re` where the two
    agree), or None."""
    try:
        re.compile(_PROPERTY.sub("x", _NAMED_GROUP.sub("(?P<", pattern)))
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        return f"{exc.msg}{where}"
    return None


@rule(
    "pattern-invalid",
    Severity.ERROR,
    Kind.OPENAPI,
    catches="a schema's `pattern` (or a `patternProperties` key) is not a regular expression: "
    "nothing can be validated against it",
    fix="correct the expression (ECMA-262 syntax; escape a literal `[` as `\\[`)",
)
def invalid_patterns(doc: SpecDocument) -> Iterator[Problem]:
    for node in doc.schemas():
        pattern = node.value.get("pattern")
        if isinstance(pattern, str) and (why := regex_problem(pattern)):
            yield Problem(
                f"`pattern` {json.dumps(pattern)} is not a regular expression ({why}); correct it",
                (*node.pointer, "pattern"),
            )
        for key in mapping(node.value.get("patternProperties")):
            if why := regex_problem(key):
                yield Problem(
                    f"`patternProperties` key {json.dumps(key)} is not a regular expression ({why}); "
                    "correct it",
                    (*node.pointer, "patternProperties", key),
                    key=True,
                )


@rule(
    "server-variable-default",
    Severity.ERROR,
    Kind.OPENAPI,
    catches="a server variable's `default` is not one of its `enum` (3.1: it MUST be; 3.0: it "
    "SHOULD be)",
    fix="add the default to the enum, or choose a default from it",
)
def server_variables(doc: SpecDocument) -> Iterator[Problem]:
    for pointer, value in walk(doc.document):
        if not (pointer and pointer[-1] == "servers" and isinstance(value, list)):
            continue
        for index, server in enumerate(value):
            for name, variable in mapping(mapping(server).get("variables")).items():
                at = (*pointer, index, "variables", name)
                enum = mapping(variable).get("enum")
                if not isinstance(enum, list) or not enum:  # an empty enum: oas-structure's (3.1)
                    continue
                if "default" in variable and variable["default"] not in enum:
                    yield Problem(
                        f"server variable `{name}`: default {json.dumps(variable['default'])} is "
                        f"not one of its enum {json.dumps(enum)}; add it or choose one of them",
                        (*at, "default"),
                    )


@rule(
    "example-and-examples",
    Severity.ERROR,
    Kind.OPENAPI,
    catches="a media type, parameter or header has both `example` and `examples` (the "
    "specification: the two fields are mutually exclusive)",
    fix="keep one: move the `example` into `examples` under a name",
)
def example_and_examples(doc: SpecDocument) -> Iterator[Problem]:
    for pointer, value in walk(doc.document, schemas=False):
        if not isinstance(value, dict) or pointer[-1:] == ("schema",):
            continue  # a Schema Object may have both (3.1: `examples` is JSON Schema's list)
        if pointer[:2] == ("components", "schemas"):
            continue
        if "example" in value and "examples" in value:
            yield Problem(
                "`example` and `examples` are mutually exclusive; keep one (move the `example` "
                "into `examples` under a name)",
                (*pointer, "example"),
                key=True,
            )
