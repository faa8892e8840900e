"""Parameter checks read straight from the scope (`plainly_valid`) conclude what connexion's request
reading (`validate_request`) concludes, for operations whose parameters are plain strings."""

from __future__ import annotations

from typing import Any

import pytest
from connexion.lifecycle import ConnexionRequest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmock.config import Config
from jobmock.errors import ApiError
from jobmock.http.openapi31 import OpenAPI31App
from jobmock.http.stack import middlewares
from jobmock.http.validators import ValidatorCache, make_validator_map

PLAIN = {"type": "string", "pattern": "^[0-9a-f]{1,4}$"}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "plain parameters", "version": "1"},
    "paths": {
        "/things/{thing-id}": {
            "get": {
                "operationId": "get_thing",
                "parameters": [
                    {"name": "thing-id", "in": "path", "required": True, "schema": PLAIN},
                    {"name": "X-Tag", "in": "header", "schema": {"type": "string", "maxLength": 3}},
                    {"name": "X-Need", "in": "header", "required": True, "schema": PLAIN},
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/typed/{n}": {
            "get": {
                "operationId": "get_typed",
                "parameters": [
                    {"name": "n", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {"200": {"description": "ok"}},
            }
        },
    },
}


async def handler(**kwargs: Any) -> Any:
    return {}, 200


@pytest.fixture(scope="module")
def validators() -> dict[str, Any]:
    """The parameter validator of each operation, as the app built them."""
    made: dict[str, Any] = {}
    validator_map = make_validator_map(ValidatorCache())
    base = validator_map["parameter"]

    class Kept(base):  # type: ignore[misc, valid-type]
        def __init__(self, parameters: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(parameters, *args, **kwargs)
            made[str(parameters[0]["name"])] = self

    validator_map["parameter"] = Kept
    app = OpenAPI31App(__name__, middlewares=middlewares(Config()), validator_map=validator_map)
    app.add_api(SPEC, resolver=lambda operation_id: handler)
    app.test_client().get("/typed/1")  # the app, and its validators, are built on a first request
    return made


def scope_of(path_params: dict[str, Any], headers: list[tuple[bytes, bytes]], query: bytes) -> Any:
    return {
        "type": "http",
        "method": "GET",
        "path": "/",
        "query_string": query,
        "headers": headers,
        "path_params": path_params,
    }


def connexion_accepts(validator: Any, scope: Any) -> bool:
    try:
        validator.validate_request(ConnexionRequest(scope, uri_parser=validator.uri_parser))
    except ApiError:
        return False
    return True


HEADER_VALUE = st.text(st.sampled_from("0abfz-"), max_size=5).map(str.encode)


@settings(max_examples=300, deadline=None)
@given(
    thing=st.none() | st.text(st.sampled_from("0179abcfgz%"), max_size=6),
    tag=st.none() | HEADER_VALUE,
    need=st.lists(HEADER_VALUE, max_size=2),
    order=st.booleans(),
)
def test_plain_parameters_read_from_the_scope_conclude_as_connexions_request_does(
    validators: dict[str, Any], thing: str | None, tag: bytes | None, need: list[bytes], order: bool
) -> None:
    validator = validators["thing-id"]
    assert validator.plain is not None  # the fast path applies to this operation
    headers = [(b"x-need", value) for value in need] + (
        [(b"x-tag", tag)] if tag is not None else []
    )
    if order:
        headers.reverse()
    scope = scope_of({} if thing is None else {"thing_id": thing}, headers, b"")
    assert validator.plainly_valid(scope) == connexion_accepts(validator, scope)


def test_a_query_string_or_a_typed_parameter_goes_through_connexions_request(
    validators: dict[str, Any],
) -> None:
    plain = validators["thing-id"]
    scope = scope_of({"thing_id": "ab"}, [(b"x-need", b"0")], b"q=1")
    assert connexion_accepts(plain, scope) and not plain.plainly_valid(scope)
    assert validators["n"].plain is None  # an integer is coerced: read as always
