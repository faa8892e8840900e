"""The benchmark's OpenAPI 3.1 -> 3.0 rewrite for connexion's mock (bench/downconvert.py)."""

from __future__ import annotations

from bench.downconvert import AUTH_MODULE, to_openapi30

DOC = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1", "summary": "s", "license": {"name": "MIT", "identifier": "MIT"}},
    "servers": [{"url": "/_mock"}],
    "paths": {
        "/jobs/{id}": {
            "get": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": ["string", "null"]}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Job"},
                    "examples": {"one": {"value": {"id": "x"}}},
                }}}},
            }
        }
    },
    "components": {
        "schemas": {
            "Job": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "examples": ["a", "b"]},
                    "kind": {"const": "job"},
                    "error": {"anyOf": [{"type": "string", "maxLength": 9}, {"type": "null"}]},
                    "result": {"anyOf": [{"type": "object"}, {"type": "array"}, {"type": "null"}]},
                    "rows": {"type": "integer", "exclusiveMinimum": 0, "$comment": "x"},
                },
            }
        },
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        },
    },
}


def test_document_level_changes() -> None:
    doc = to_openapi30(DOC)
    assert doc["openapi"] == "3.0.3"
    assert "servers" not in doc
    assert "summary" not in doc["info"]
    assert doc["info"]["license"] == {"name": "MIT", "url": "https://example.invalid/license"}
    assert DOC["openapi"] == "3.1.0"  # the input is not changed


def test_schemas_become_30() -> None:
    doc = to_openapi30(DOC)
    props = doc["components"]["schemas"]["Job"]["properties"]
    assert props["id"] == {"type": "string", "example": "a"}
    assert props["kind"] == {"enum": ["job"]}
    assert props["error"] == {"nullable": True, "type": "string", "maxLength": 9}
    assert props["result"] == {"nullable": True, "anyOf": [{"type": "object"}, {"type": "array"}]}
    assert props["rows"] == {"type": "integer", "minimum": 0, "exclusiveMinimum": True}
    parameter = doc["paths"]["/jobs/{id}"]["get"]["parameters"][0]
    assert parameter["schema"] == {"type": "string", "nullable": True}
    media = doc["paths"]["/jobs/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert media["examples"] == {"one": {"value": {"id": "x"}}}  # media-type examples are 3.0 already


def test_security_schemes_get_accept_any_functions() -> None:
    schemes = to_openapi30(DOC)["components"]["securitySchemes"]
    assert schemes["bearer"]["x-bearerInfoFunc"] == f"{AUTH_MODULE}.bearer_info"
    assert schemes["key"]["x-apikeyInfoFunc"] == f"{AUTH_MODULE}.apikey_info"
    assert "x-bearerInfoFunc" not in to_openapi30(DOC, auth=False)["components"]["securitySchemes"]["bearer"]
