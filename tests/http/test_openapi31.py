"""connexion serving a 3.1 document with JSON Schema 2020-12 semantics (jobmock.http.openapi31)."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest

from jobmock.errors import ApiError, InvalidBody, InvalidParameter
from jobmock.http.openapi31 import ConnexionDocument, OpenAPI31App, coercion_schema
from jobmock.http.validators import ValidatorCache, make_validator_map

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "3.1 constructs", "version": "1"},
    "paths": {
        "/items/{item_id}": {
            "get": {
                "operationId": "get_item",
                "parameters": [
                    {
                        "name": "item_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    },
                    {
                        "name": "label",
                        "in": "query",
                        "schema": {"type": ["string", "null"], "maxLength": 5},
                    },
                    {
                        "name": "size",
                        "in": "query",
                        "schema": {"type": "number", "exclusiveMinimum": 0},
                    },
                    {
                        "name": "count",
                        "in": "query",
                        "schema": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/things": {
            "post": {
                "operationId": "post_thing",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["kind"],
                                "properties": {
                                    "kind": {"const": "thing"},
                                    "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                                    "weight": {"type": "number", "exclusiveMinimum": 0},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "made",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    },
}


async def get_item(
    item_id: str, label: str | None = None, size: float | None = None, count: int | None = None
) -> Any:
    return {"item_id": item_id, "label": label, "size": size, "count": count}, 200


async def post_thing(body: dict[str, Any]) -> Any:
    return body, 201


async def render_error(request: Any, exc: Exception) -> Any:
    from connexion.lifecycle import ConnexionResponse

    kind = type(exc).__name__
    detail = getattr(exc, "keyword", "")
    name = getattr(exc, "name", "")
    status = exc.status if isinstance(exc, ApiError) else 500
    return ConnexionResponse(
        status_code=status,
        body=f'{{"error": "{kind}", "keyword": "{detail}", "name": "{name}"}}',
        mimetype="application/json",
    )


@pytest.fixture(scope="module")
def client() -> Any:
    app = OpenAPI31App(__name__, validator_map=make_validator_map(ValidatorCache()))
    app.add_api(
        SPEC, resolver=lambda op_id: {"get_item": get_item, "post_thing": post_thing}[op_id]
    )
    app.add_error_handler(ApiError, render_error)
    return app.test_client()


UUID = "019c96a0-10ce-75fc-a273-dc799079a99c"


def test_document_31_is_served_as_written(client: Any) -> None:
    served = client.get("/openapi.json").json()
    assert served["openapi"] == "3.1.0"
    assert served["servers"][0]["url"] == "/"
    assert served["paths"]["/items/{item_id}"]["get"]["parameters"][1]["schema"]["type"] == [
        "string",
        "null",
    ]


def test_uuid_format_on_path_parameter(client: Any) -> None:
    assert client.get(f"/items/{UUID}").status_code == 200
    bad = client.get("/items/not-a-uuid")
    assert bad.status_code == 400
    assert bad.json() == {
        "error": InvalidParameter.__name__,
        "keyword": "format",
        "name": "item_id",
    }


def test_type_list_with_null(client: Any) -> None:
    assert client.get(f"/items/{UUID}", params={"label": "abc"}).json()["label"] == "abc"
    too_long = client.get(f"/items/{UUID}", params={"label": "abcdefgh"})
    assert too_long.status_code == 400 and too_long.json()["keyword"] == "maxLength"


def test_numeric_exclusive_minimum(client: Any) -> None:
    # draft 4 treats exclusiveMinimum as a boolean; 2020-12 as a number
    assert client.get(f"/items/{UUID}", params={"size": "0.5"}).json()["size"] == 0.5
    zero = client.get(f"/items/{UUID}", params={"size": "0"})
    assert zero.status_code == 400 and zero.json()["keyword"] == "exclusiveMinimum"


def test_anyof_with_null_parameter_is_coerced(client: Any) -> None:
    assert client.get(f"/items/{UUID}", params={"count": "7"}).json()["count"] == 7
    assert client.get(f"/items/{UUID}", params={"count": "seven"}).status_code == 400


def test_const_and_anyof_null_in_body(client: Any) -> None:
    ok = client.post("/things", json={"kind": "thing", "note": None, "weight": 1})
    assert ok.status_code == 201
    wrong = client.post("/things", json={"kind": "other"})
    assert wrong.status_code == 400 and wrong.json() == {
        "error": InvalidBody.__name__,
        "keyword": "const",
        "name": "",
    }
    zero = client.post("/things", json={"kind": "thing", "weight": 0})
    assert zero.json()["keyword"] == "exclusiveMinimum"


def test_invalid_json_body_is_a_client_error(client: Any) -> None:
    response = client.post(
        "/things", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer"}, "integer"),
        ({"type": ["integer", "null"]}, "integer"),
        ({"type": ["null"]}, "string"),
        ({"anyOf": [{"type": "null"}, {"type": "number"}]}, "number"),
        ({"format": "uuid"}, "string"),
    ],
)
def test_coercion_schema_picks_the_concrete_type(schema: dict[str, Any], expected: str) -> None:
    assert coercion_schema(schema)["type"] == expected


def test_validators_are_compiled_once_per_schema() -> None:
    cache = ValidatorCache()
    schema = {"type": "string"}
    assert cache.get(schema) is cache.get(schema)
    assert cache.get(schema) is not cache.get({"type": "string"})


def test_a_malformed_integer_path_parameter_reaches_validation_not_a_404() -> None:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/logs/{log_id}": {
                "get": {
                    "operationId": "get_log",
                    "parameters": [
                        {
                            "name": "log_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }

    async def get_log(log_id: int) -> Any:
        return {"log_id": log_id, "type": type(log_id).__name__}, 200

    app = OpenAPI31App(__name__, validator_map=make_validator_map(ValidatorCache()))
    app.add_api(spec, resolver=lambda op_id: get_log)
    app.add_error_handler(ApiError, render_error)
    client = app.test_client()
    assert client.get("/logs/12").json() == {"log_id": 12, "type": "int"}
    bad = client.get("/logs/abc")
    assert bad.status_code == 400
    assert bad.json() == {"error": InvalidParameter.__name__, "keyword": "type", "name": "log_id"}


def test_connexions_copies_of_a_document_are_equal_and_its_own() -> None:
    """connexion deep-copies the document it is given (twice at start): marshal's copy is equal
    and shares nothing with it; a value marshal does not take is copied copy's way."""
    shared = {"type": "string"}
    document = ConnexionDocument(
        {"paths": {"/a": {"get": {"x": [shared, shared, 1.5, None, True]}}}, "big": 2**70}
    )
    copied = copy.deepcopy(document)
    assert copied == document and type(copied) is dict
    assert copied["paths"] is not document["paths"]
    assert copied["paths"]["/a"]["get"]["x"][0] is not shared
    odd = ConnexionDocument({"when": datetime.date(2024, 10, 1), "items": [shared]})
    assert copy.deepcopy(odd) == odd
