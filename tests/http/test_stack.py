"""The middleware stack (jobmock.http.stack): its order, and request validation built once per operation."""

from __future__ import annotations

from typing import Any

import pytest
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware

from jobmock.config import Config
from jobmock.errors import ApiError
from jobmock.http.openapi31 import OpenAPI31App
from jobmock.http.stack import (
    Layers,
    OnceBuiltRequestValidation,
    OnceBuiltResponseValidation,
    ScopeSecurity,
    middlewares,
)
from jobmock.http.validators import ValidatorCache, make_validator_map


def outer(app: Any) -> Any:
    return app


def routed(app: Any) -> Any:
    return app


def test_jobmocks_layers_sit_where_they_need_to() -> None:
    stack = middlewares(Config(), Layers(outer=[outer], routed=[routed]))
    assert stack[0] is ServerErrorMiddleware
    assert stack.index(outer) < stack.index(ExceptionMiddleware)  # CORS decorates error answers
    assert stack.index(ScopeSecurity) < stack.index(routed)  # the caller is known
    assert stack.index(routed) < stack.index(OnceBuiltRequestValidation)
    assert stack[-1] is ContextMiddleware


def test_response_validation_only_when_asked_for() -> None:
    assert OnceBuiltResponseValidation not in middlewares(Config())
    stack = middlewares(Config(validate_responses=True))
    assert stack.index(OnceBuiltResponseValidation) == stack.index(LifespanMiddleware) - 1


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "validation built once", "version": "1"},
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
                    }
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {}}}},
            }
        },
        "/items": {
            "post": {
                "operationId": "post_item",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "required": ["name"]},
                        }
                    },
                },
                "responses": {"201": {"description": "made", "content": {"application/json": {}}}},
            }
        },
    },
}
UUID = "019c96a0-10ce-75fc-a273-dc799079a99c"


async def get_item(item_id: str) -> Any:
    return {"id": item_id}, 200


async def post_item(body: dict[str, Any]) -> Any:
    return body, 201


def render(request: Any, exc: Exception) -> Any:
    from connexion.lifecycle import ConnexionResponse

    status = exc.status if isinstance(exc, ApiError) else 500
    return ConnexionResponse(status_code=status, body=type(exc).__name__, mimetype="text/plain")


@pytest.fixture(scope="module")
def built() -> tuple[Any, list[Any]]:
    """A test client, and the parameter validators its app built."""
    made: list[Any] = []
    validator_map = make_validator_map(ValidatorCache())
    base = validator_map["parameter"]

    class Counted(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    validator_map["parameter"] = Counted
    app = OpenAPI31App(__name__, middlewares=middlewares(Config()), validator_map=validator_map)
    app.add_api(SPEC, resolver=lambda op: {"get_item": get_item, "post_item": post_item}[op])
    app.add_error_handler(Exception, render)
    client = app.test_client()
    client.get(f"/items/{UUID}")  # the app is built on its first request
    return client, made


def test_parameter_validators_are_built_with_the_app_not_per_request(
    built: tuple[Any, list[Any]],
) -> None:
    client, made = built
    before = len(made)
    for _ in range(3):
        assert client.get(f"/items/{UUID}").status_code == 200
        assert client.post("/items", json={"name": "x"}).status_code == 201
    assert len(made) == before == 2  # one per operation


def test_parameters_are_still_checked(built: tuple[Any, list[Any]]) -> None:
    client, _ = built
    response = client.get("/items/not-a-uuid")
    assert (response.status_code, response.text) == (400, "InvalidParameter")


def test_bodies_are_still_checked(built: tuple[Any, list[Any]]) -> None:
    client, _ = built
    response = client.post("/items", json={"other": 1})
    assert (response.status_code, response.text) == (400, "InvalidBody")


def test_a_body_less_operation_ignores_a_content_type_as_connexion_does(
    built: tuple[Any, list[Any]],
) -> None:
    client, _ = built
    response = client.get(f"/items/{UUID}", headers={"Content-Type": "text/csv"})
    assert response.status_code == 200
