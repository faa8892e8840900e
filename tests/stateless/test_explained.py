"""A refusal's documented error body says why, where its schema has room for the text."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from jobmock.stateless.explained import explained, is_message_name, with_reason
from tests.served_documents import serving

LIMIT = {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}}
OK = {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}


def failing(schema: dict[str, t.Any]) -> dict[str, t.Any]:
    return {"description": "bad", "content": {"application/json": {"schema": schema}}}


# Asana's envelope: {"errors": [{"message": ..., "help": ...}]}
ERRORS = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"message": {"type": "string"}, "help": {"type": "string"}},
                "required": ["message", "help"],
            },
            "minItems": 1,
            "maxItems": 1,
        }
    },
    "required": ["errors"],
}
FIXED = {
    "type": "object",
    "properties": {"message": {"type": "string", "enum": ["Bad request"]}},
    "required": ["message"],
}
WRITTEN = {"errors": [{"message": "limit must be positive", "help": "see the docs"}]}
DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "tasks", "version": "1"},
    "paths": {
        "/tasks": {
            "get": {"parameters": [LIMIT], "responses": {"200": OK, "400": failing(ERRORS)}}
        },
        "/fixed": {"get": {"parameters": [LIMIT], "responses": {"200": OK, "400": failing(FIXED)}}},
        "/plain": {"get": {"parameters": [LIMIT], "responses": {"200": OK}}},
        "/written": {
            "get": {
                "parameters": [LIMIT],
                "responses": {
                    "200": OK,
                    "400": {
                        **failing(ERRORS),
                        "content": {"application/json": {"schema": ERRORS, "example": WRITTEN}},
                    },
                },
            }
        },
    },
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with serving(tmp_path_factory.mktemp("explained"), DOCUMENT) as served:
        yield served


def test_the_documented_error_body_says_why_the_request_was_refused(client: TestClient) -> None:
    # the same refusal without a documented 400: jobmock's 422 problem+json and its detail
    plain = client.get("/plain?limit=0")
    assert plain.status_code == 422
    why = plain.json()["detail"]
    assert why.startswith("limit: ")
    response = client.get("/tasks?limit=0")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["message"] == why
    assert isinstance(error["help"], str) and error["help"] != why  # not a message property


def test_a_body_whose_schema_has_no_room_for_the_text_stays_as_documented(
    client: TestClient,
) -> None:
    response = client.get("/fixed?limit=0")
    assert response.status_code == 400
    assert response.json() == {"message": "Bad request"}


def test_an_error_body_the_document_writes_out_is_answered_as_written(
    client: TestClient,
) -> None:
    response = client.get("/written?limit=0")
    assert response.status_code == 400
    assert response.json() == WRITTEN


@pytest.mark.parametrize(
    "name", ["message", "Message", "detail", "error_description", "errorMessage", "msg", "reason"]
)
def test_names_that_hold_an_errors_text(name: str) -> None:
    assert is_message_name(name)


@pytest.mark.parametrize("name", ["error", "code", "title", "help", "status", "messages"])
def test_names_that_do_not(name: str) -> None:
    assert not is_message_name(name)


def test_nested_envelopes_are_filled_and_other_values_kept() -> None:
    body = {"error": {"code": 7, "message": "", "details": [{"reason": "x", "field": "a"}]}}
    assert with_reason(body, "why") == {
        "error": {"code": 7, "message": "why", "details": [{"reason": "why", "field": "a"}]}
    }


def test_a_body_the_check_refuses_is_kept_as_it_was() -> None:
    body = {"message": ""}
    assert explained(body, "why", lambda told: False) is body
    assert explained(body, "why", lambda told: True) == {"message": "why"}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["message", "detail", "code", "help", "x"]), inner)
    ),
    max_leaves=12,
)


def shape(value: t.Any, message: str) -> t.Any:
    """The value with every string under a message name replaced: what with_reason may change."""
    if isinstance(value, dict):
        return {
            k: message if isinstance(v, str) and is_message_name(k) else shape(v, message)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [shape(item, message) for item in value]
    return value


@given(JSON, st.text(min_size=1, max_size=10))
def test_only_strings_under_message_names_change(body: t.Any, text: str) -> None:
    told = with_reason(body, text)
    assert shape(told, "*") == shape(body, "*")  # same keys, lengths and other values
