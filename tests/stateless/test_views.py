"""The schema an answer is generated from, made for one schema and the components it reaches
(`response_schema`) rather than by copying the whole document at start."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given

from jobmock.stateless.views import (
    closed_response_schema,
    response_schema,
    response_view,
    standalone,
)
from tests.strategies import DOCUMENT_SCHEMAS, response_schemas

BASE = "#/components/schemas/Base"
CAT = "#/components/schemas/Cat"

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {},
    "components": {
        "schemas": {
            "Base": {
                "type": "object",
                "properties": {"id": {"type": "integer", "format": "int32"}},
                "required": ["id"],
            },
            "Cat": {"allOf": [{"$ref": BASE}, {"properties": {"kind": {"type": "string"}}}]},
            "Pet": {
                "oneOf": [{"$ref": CAT}],
                "discriminator": {"propertyName": "kind", "mapping": {"cat": CAT}},
            },
            "Secret": {
                "type": "object",
                "properties": {"password": {"type": "string", "writeOnly": True}, "name": {}},
                "required": ["password", "name"],
            },
            "Unused": {"type": "object", "properties": {"x": {}}},
        }
    },
}


def test_a_discriminated_schema_is_pinned_and_only_its_own_components_come_along() -> None:
    before = copy.deepcopy(DOCUMENT)
    made = response_schema({"$ref": "#/components/schemas/Pet"}, DOCUMENT)
    assert made == {
        "$ref": "#/components/schemas/Pet",
        "components": {
            "schemas": {
                "Pet": {
                    "oneOf": [
                        {  # the branch pinned to its mapping value, closed
                            "allOf": [{"$ref": CAT}],
                            "properties": {"kind": {"const": "cat"}},
                            "required": ["kind"],
                            "unevaluatedProperties": False,
                        }
                    ],
                    "discriminator": {"propertyName": "kind", "mapping": {"cat": CAT}},
                },
                # allOf branches stay open: their siblings add properties
                "Cat": {"allOf": [{"$ref": BASE}, {"properties": {"kind": {"type": "string"}}}]},
                "Base": {
                    "type": "object",
                    "properties": {
                        "id": {
                            "type": "integer",
                            "format": "int32",
                            "minimum": -(2**31),
                            "maximum": 2**31 - 1,
                        }
                    },
                    "required": ["id"],
                },
            }
        },
    }
    assert before == DOCUMENT  # the document served and validated against is untouched


def test_write_only_properties_are_left_out_and_the_object_closed() -> None:
    made = response_schema({"$ref": "#/components/schemas/Secret"}, DOCUMENT)
    assert made["components"]["schemas"]["Secret"] == {
        "type": "object",
        "properties": {"password": False, "name": {}},
        "required": ["name"],
        "unevaluatedProperties": False,
    }


def test_the_same_as_the_whole_documents_view_where_no_other_schema_uses_it_in_allof() -> None:
    for name in ("Pet", "Secret", "Base"):
        schema = {"$ref": f"#/components/schemas/{name}"}
        whole = standalone(schema, response_view(DOCUMENT))
        if name == "Base":  # Cat's branch in the whole document, so open there; closed here
            whole["components"]["schemas"]["Base"]["unevaluatedProperties"] = False
        assert response_schema(schema, DOCUMENT) == whole, name


@given(schema=response_schemas)
def test_closing_is_said_exactly_where_the_closed_view_differs_from_the_open(schema: Any) -> None:
    # generation checks a value against the open view only where closing changed the schema
    document = {"openapi": "3.1.0", "paths": {}, "components": {"schemas": DOCUMENT_SCHEMAS}}
    made, closes = closed_response_schema(schema, document)
    assert made == response_schema(schema, document)
    assert closes == (made != response_schema(schema, document, closed=False))
