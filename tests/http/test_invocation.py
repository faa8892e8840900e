"""Operations bound once (jobmock.http.invocation): arguments and answers as connexion's decorators give them."""

from __future__ import annotations

from typing import Any

import pytest
from connexion.jsonifier import Jsonifier
from connexion.lifecycle import ConnexionResponse
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmock.http.invocation import encoder_of
from jobmock.http.openapi31 import OpenAPI31App
from jobmock.http.validators import ValidatorCache, make_validator_map

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "bound operations", "version": "1"},
    "paths": {
        "/things/{thing_id}": {
            "get": {
                "operationId": "get_thing",
                "parameters": [
                    {
                        "name": "thing_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 20}},
                    {
                        "name": "tags",
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {}}}},
            },
            "delete": {
                "operationId": "delete_thing",
                "parameters": [
                    {
                        "name": "thing_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "responses": {"204": {"description": "gone"}},
            },
        },
        "/plain/{thing_id}": {
            "get": {
                "operationId": "plain",
                "parameters": [
                    {
                        "name": "thing_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {}}}},
            }
        },
        "/list": {
            "get": {
                "operationId": "list_things",
                "responses": {"200": {"description": "ok", "content": {"application/json": {}}}},
            }
        },
        "/text": {
            "get": {
                "operationId": "text",
                "responses": {"200": {"description": "ok", "content": {"text/plain": {}}}},
            }
        },
        "/context": {
            "get": {
                "operationId": "context",
                "responses": {"200": {"description": "ok", "content": {"application/json": {}}}},
            }
        },
        "/things": {
            "post": {
                "operationId": "post_thing",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {"201": {"description": "made", "content": {"application/json": {}}}},
            }
        },
    },
}


async def get_thing(thing_id: int, limit: int, tags: list[str] | None = None) -> Any:
    return {"id": thing_id, "limit": limit, "tags": tags}, 200, {"X-Seen": "yes"}


async def delete_thing(thing_id: int) -> Any:
    return ConnexionResponse(status_code=204)


async def list_things() -> Any:
    return [1, 2], 200


async def text() -> Any:
    return "plain words", 200


async def context(context_: dict[str, Any]) -> Any:
    return {"keys": sorted(context_)}, 200


async def post_thing(body: dict[str, Any]) -> Any:
    return {"got": body}, 201


def plain(thing_id: int) -> Any:  # not a coroutine: connexion runs it in a thread
    return {"plain": thing_id}, 200


HANDLERS = {
    f.__name__: f for f in (get_thing, delete_thing, list_things, text, context, post_thing, plain)
}


@pytest.fixture(scope="module")
def client() -> Any:
    app = OpenAPI31App(__name__, validator_map=make_validator_map(ValidatorCache()))
    app.add_api(SPEC, resolver=lambda operation_id: HANDLERS[operation_id])
    return app.test_client()


def test_path_and_query_parameters_are_coerced_by_their_schemas(client: Any) -> None:
    response = client.get("/things/7?limit=5&tags=a&tags=b")
    assert response.status_code == 200
    assert response.json() == {"id": 7, "limit": 5, "tags": ["a", "b"]}


def test_a_query_parameter_left_out_takes_its_schema_default(client: Any) -> None:
    assert client.get("/things/7").json() == {"id": 7, "limit": 20, "tags": None}


def test_a_tuple_answer_is_json_of_the_declared_type_with_the_handlers_headers(client: Any) -> None:
    response = client.get("/things/7")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-seen"] == "yes"
    assert response.text == '{"id": 7, "limit": 20, "tags": null}\n'  # connexion's jsonifier


def test_a_list_body_is_json_too(client: Any) -> None:
    response = client.get("/list")
    assert (response.status_code, response.json()) == (200, [1, 2])


def test_a_connexion_response_is_passed_through(client: Any) -> None:
    response = client.delete("/things/7")
    assert (response.status_code, response.content) == (204, b"")


def test_a_non_json_operation_is_answered_by_connexions_response_decorator(client: Any) -> None:
    response = client.get("/text")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "plain words"


def test_a_handler_asking_for_the_context_gets_it(client: Any) -> None:
    assert client.get("/context").status_code == 200


def test_an_operation_with_a_body_keeps_connexions_decorators(client: Any) -> None:
    response = client.post("/things", json={"name": "x"})
    assert (response.status_code, response.json()) == (201, {"got": {"name": "x"}})


def test_a_plain_function_handler_is_called_as_connexion_calls_it(client: Any) -> None:
    assert client.get("/plain/3").json() == {"plain": 3}


@settings(max_examples=60, deadline=None)
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    ),
    indent=st.sampled_from([None, 2]),
)
def test_the_encoder_made_once_writes_what_connexions_jsonifier_writes(
    body: Any, indent: int | None
) -> None:
    jsonifier = Jsonifier(**({"indent": indent} if indent else {}))
    assert encoder_of(jsonifier)(body) == jsonifier.dumps(body)
