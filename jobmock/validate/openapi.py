"""Walking an OpenAPI 3.0/3.1 document: operations, parameters, media types, schemas, `$ref`s.

`$ref`s are followed by `jobmock.documents.pointers.deref` (shared with the response checker and routes).

Every walker tolerates a malformed document (a list where a mapping belongs, a missing key): the
structure rule reports those; the other rules just see less.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Re-exported (`as`): the rules walk documents through this module alone
from jobmock.documents.pointers import Node as Node
from jobmock.documents.pointers import Pointer
from jobmock.documents.pointers import decode_pointer as decode_pointer
from jobmock.documents.pointers import deref as deref
from jobmock.documents.pointers import lookup as lookup
from jobmock.documents.specs import HTTP_METHODS

TEMPLATE = re.compile(r"\{([^{}/]+)\}")

# Keywords whose value is one subschema, a list of subschemas, or a map of name -> subschema.
_ONE = (
    "items",
    "additionalProperties",
    "additionalItems",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")

# Maps whose keys are names chosen by the author (a property called `example` is not an example).
_NAME_MAPS = frozenset(
    {
        "paths",
        "webhooks",
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
        "content",
        "encoding",
        "mapping",
        "variables",
        *_MAP,
    }
)
# Keys whose value is data, not OpenAPI: never walked for `$ref`s or schemas.
_DATA = frozenset({"example", "default", "enum", "const", "value"})


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    pointer: Pointer
    value: dict[str, Any]
    item_pointer: Pointer
    item: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    for section in ("paths", "webhooks"):
        for path, item in mapping(document.get(section)).items():
            node = deref(document, Node((section, path), item))
            for method, operation in mapping(node.value).items():
                if method in HTTP_METHODS and isinstance(operation, dict):
                    yield Operation(
                        path,
                        method,
                        (*node.pointer, method),
                        operation,
                        node.pointer,
                        mapping(node.value),
                    )


def parameters(document: dict[str, Any], operation: Operation) -> dict[tuple[str, str], Node]:
    """(name, in) -> parameter, path-item ones first, overridden by the operation's."""
    found: dict[tuple[str, str], Node] = {}
    owners = ((operation.item_pointer, operation.item), (operation.pointer, operation.value))
    for owner, value in owners:
        for index, raw in enumerate(items(value.get("parameters"))):
            node = deref(document, Node((*owner, "parameters", index), raw))
            param = mapping(node.value)
            name, where = param.get("name"), param.get("in")
            if isinstance(name, str) and isinstance(where, str):
                found[(name, where)] = Node((*owner, "parameters", index), param)
    return found


def responses(document: dict[str, Any], operation: Operation) -> dict[str, Node]:
    """status code (as written: "200", "4XX", "default") -> the response, `$ref`s followed."""
    out: dict[str, Node] = {}
    for code, raw in mapping(operation.value.get("responses")).items():
        out[str(code)] = deref(document, Node((*operation.pointer, "responses", str(code)), raw))
    return out


def walk(
    document: Any, pointer: Pointer = (), names: bool = False, *, schemas: bool = True
) -> Iterator[tuple[Pointer, Any]]:
    """Every (pointer, value) of the document that is OpenAPI rather than data or an extension;
    with `schemas=False`, Schema Objects are yielded but not walked into."""
    yield pointer, document
    if isinstance(document, dict):
        for key, value in document.items():
            if not names and (key in _DATA or key.startswith("x-")):
                continue
            if not names and key == "examples" and isinstance(value, list):
                continue  # JSON Schema `examples`: data
            child = (*pointer, key)
            is_schema = (not names and key == "schema") or child == ("components", "schemas")
            if is_schema and not schemas:
                yield child, value
                continue
            yield from walk(value, child, not names and key in _NAME_MAPS, schemas=schemas)
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from walk(value, (*pointer, index), schemas=schemas)


def refs(document: dict[str, Any]) -> Iterator[tuple[Pointer, str]]:
    """(pointer of the `$ref` key, its value) for every reference in the document."""
    for pointer, value in walk(document):
        if isinstance(value, dict) and isinstance(value.get("$ref"), str):
            yield (*pointer, "$ref"), value["$ref"]


def subschemas(pointer: Pointer, schema: Any) -> Iterator[Node]:
    """`schema` and every schema nested in it, depth first (references are not followed)."""
    if not isinstance(schema, dict):
        return
    yield Node(pointer, schema)
    for key in _ONE:
        value = schema.get(key)
        if isinstance(value, dict):
            yield from subschemas((*pointer, key), value)
        elif key == "items" and isinstance(value, list):  # draft 4 tuple form
            for index, sub in enumerate(value):
                yield from subschemas((*pointer, key, index), sub)
    for key in _LIST:
        for index, sub in enumerate(items(schema.get(key))):
            yield from subschemas((*pointer, key, index), sub)
    for key in _MAP:
        for name, sub in mapping(schema.get(key)).items():
            yield from subschemas((*pointer, key, name), sub)


def schema_roots(document: dict[str, Any]) -> Iterator[Node]:
    """Every top-level Schema Object: component schemas and each `schema` of a parameter, header
    or media type."""
    components = mapping(document.get("components"))
    for name, schema in mapping(components.get("schemas")).items():
        yield Node(("components", "schemas", name), schema)
    for pointer, value in walk(document, schemas=False):
        if isinstance(value, dict) and isinstance(value.get("schema"), dict | bool):
            yield Node((*pointer, "schema"), value["schema"])


# OpenAPI 3.1.0, Specifying Schema Dialects: "The $schema keyword MAY be present in any root
# Schema Object, and if present MUST be used to determine which dialect should be used"
DIALECTS = (
    "https://spec.openapis.org/oas/3.1/dialect/base",  # 3.1's default: 2020-12 plus OAS keywords
    "https://json-schema.org/draft/2020-12/schema",
)


def foreign_dialects(document: dict[str, Any]) -> dict[Pointer, str]:
    """The root schemas of a 3.1 document whose dialect is not JSON Schema 2020-12 (their own
    `$schema`, else the document's `jsonSchemaDialect`), each with that dialect."""
    default = document.get("jsonSchemaDialect", DIALECTS[0])
    found: dict[Pointer, str] = {}
    for root in schema_roots(document):
        declared = root.value.get("$schema", default) if isinstance(root.value, dict) else None
        if isinstance(declared, str) and declared.rstrip("#") not in DIALECTS:
            found[root.pointer] = declared
    return found


def schemas(document: dict[str, Any]) -> Iterator[Node]:
    """Every Schema Object of the document, nested ones included."""
    for root in schema_roots(document):
        yield from subschemas(root.pointer, root.value)


def media_owners(document: dict[str, Any]) -> Iterator[Node]:
    """Every object that has a `schema` and may carry `example`/`examples` for it: parameters,
    headers and media types."""
    for pointer, value in walk(document, schemas=False):
        if isinstance(value, dict) and "schema" in value:
            yield Node(pointer, value)
