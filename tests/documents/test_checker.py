"""jobmock's OpenAPI check is openapi-spec-validator's, with sets where it keeps lists: the same
errors, in the same order, with the same messages."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from jobmock.documents.checker import SeenSchemas, checker_for


def document(version: str, **changes: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/pets/{id}": {
                "get": {
                    "operationId": "pet",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "a pet",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "friend": {"$ref": "#/components/schemas/Pet"},
                        "age": {"type": "integer", "minimum": 0, "default": 1},
                    },
                }
            }
        },
    }
    for where, value in changes.items():
        *path, last = where.split("__")
        node = found
        for part in path:
            node = node[part]
        node[last] = value
    return found


BROKEN: dict[str, dict[str, Any]] = {
    "valid": {},
    "duplicate-operation-id": {
        "paths__/pets/{id}__post": {
            "operationId": "pet",
            "responses": {"204": {"description": "ok"}},
        }
    },
    "default-of-the-wrong-type": {
        "components__schemas__Pet__properties__age__default": "one",
    },
    "schema-keyword-of-the-wrong-type": {
        "components__schemas__Pet__properties__name__type": 5,
    },
    "undeclared-path-parameter": {"paths__/pets/{id}__get__parameters": []},
    "no-info": {"info": None},
}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_same_errors_as_openapi_spec_validator(version: str, case: str) -> None:
    given = document(version, **BROKEN[case])
    theirs_cls = OpenAPIV31SpecValidator if version == "3.1.0" else OpenAPIV30SpecValidator
    theirs = [
        (list(e.absolute_path), e.message) for e in theirs_cls(copy.deepcopy(given)).iter_errors()
    ]
    ours = [(list(e.absolute_path), e.message) for e in checker_for(version)(given).iter_errors()]
    assert ours == theirs
    assert bool(theirs) is (case != "valid")


def test_checked_schemas_are_kept_in_sets() -> None:
    checker = checker_for("3.0.3")(document("3.0.3"))
    assert list(checker.iter_errors()) == []
    schemas: Any = checker.keyword_validators_registry["schema"]
    assert isinstance(schemas.visited_schema_ids, SeenSchemas)
    assert isinstance(schemas.meta_checked_schema_ids, SeenSchemas)
    assert len(schemas.visited_schema_ids) >= 4  # the parameter's, Pet and its properties
