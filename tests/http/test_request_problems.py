"""Every problem of a request, in FastAPI's order (jobmock.http.request_problems, jobmock.http.openapi31): the
parameters (path, query, header, cookie), then the body's fields in the order they are declared.
The problem raised is the one a single-problem envelope has always rendered."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from jobmock.errors import ApiError, InvalidBody, InvalidParameter, carrying
from jobmock.http.envelopes import FastApiDetail
from jobmock.http.openapi31 import OpenAPI31App
from jobmock.http.validators import ValidatorCache, make_validator_map

UUID = "019c96a0-10ce-75fc-a273-dc799079a99c"
BODY = {
    "type": "object",
    "required": ["kind", "tags"],
    "properties": {
        "kind": {"type": "string"},
        "tags": {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "string"}},
        "weight": {"type": "number"},
    },
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "problems", "version": "1"},
    "paths": {
        "/things/{thing_id}": {
            "parameters": [
                {
                    "name": "thing_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid"},
                }
            ],
            "get": {
                "operationId": "show",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "X-Tenant", "in": "header", "required": True, "schema": {}},
                ],
                "responses": {"200": {"description": "ok"}},
            },
            "put": {
                "operationId": "put",
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": BODY}},
                },
                "responses": {"200": {"description": "ok"}},
            },
        }
    },
}


async def answer(**kwargs: Any) -> Any:
    return {}, 200


async def list_problems(request: Any, exc: Exception) -> Any:
    """The raised problem, then every problem it carries: (kind, where, keyword)."""
    import json

    from connexion.lifecycle import ConnexionResponse

    def row(problem: Any) -> list[Any]:
        where = problem.name if isinstance(problem, InvalidParameter) else list(problem.path)
        return [type(problem).__name__, where, problem.keyword]

    assert isinstance(exc, InvalidParameter | InvalidBody)
    body = {"raised": row(exc), "problems": [row(p) for p in exc.problems]}
    return ConnexionResponse(status_code=400, body=json.dumps(body), mimetype="application/json")


@pytest.fixture(scope="module")
def client() -> Any:
    app = OpenAPI31App(__name__, validator_map=make_validator_map(ValidatorCache()))
    app.add_api(SPEC, resolver=lambda op_id: answer)
    app.add_error_handler(ApiError, list_problems)
    return app.test_client()


def test_every_parameter_in_the_order_fastapi_checks_them(client: Any) -> None:
    response = client.get("/things/nope", params={"limit": "ten"})
    assert response.json() == {
        "raised": ["InvalidParameter", "thing_id", "format"],
        "problems": [
            ["InvalidParameter", "thing_id", "format"],
            ["InvalidParameter", "limit", "type"],
            ["InvalidParameter", "X-Tenant", "required"],
        ],
    }


def test_the_body_problems_follow_the_parameters(client: Any) -> None:
    body = {"tags": ["a", 1, 2, 3], "weight": "heavy"}  # kind missing, tags too long and wrong
    response = client.put("/things/nope", params={"limit": "ten"}, json=body)
    assert response.json() == {
        "raised": ["InvalidParameter", "thing_id", "format"],
        "problems": [
            ["InvalidParameter", "thing_id", "format"],
            ["InvalidParameter", "limit", "type"],
            ["InvalidBody", [], "required"],  # kind: declared first
            ["InvalidBody", ["tags"], "maxItems"],
            ["InvalidBody", ["tags", 1], "type"],
            ["InvalidBody", ["tags", 2], "type"],
            ["InvalidBody", ["tags", 3], "type"],
            ["InvalidBody", ["weight"], "type"],
        ],
    }


@pytest.mark.parametrize(
    ("content", "body_problem"),
    [
        (b"", ["InvalidBody", [], "required"]),
        (b"{", ["InvalidBody", [], "json"]),
    ],
)
def test_a_missing_or_broken_body_is_one_more_problem(
    client: Any, content: bytes, body_problem: list[Any]
) -> None:
    response = client.put(
        "/things/nope", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.json() == {
        "raised": ["InvalidParameter", "thing_id", "format"],
        "problems": [["InvalidParameter", "thing_id", "format"], body_problem],
    }


def test_parameters_alone_when_the_body_is_valid(client: Any) -> None:
    response = client.put("/things/nope", json={"kind": "k", "tags": ["a", "b"]})
    assert response.json() == {
        "raised": ["InvalidParameter", "thing_id", "format"],
        "problems": [["InvalidParameter", "thing_id", "format"]],
    }
    assert client.put(f"/things/{UUID}", json={"kind": "k", "tags": ["a", "b"]}).status_code == 200


def test_the_body_alone_raises_its_most_relevant_problem(client: Any) -> None:
    body = {"kind": "k", "tags": ["a"], "weight": "heavy"}
    relevant = best_match(Draft202012Validator(BODY).iter_errors(body))  # what it always raised
    response = client.put(f"/things/{UUID}", json=body)
    assert response.json() == {
        "raised": ["InvalidBody", list(relevant.absolute_path), relevant.validator],
        "problems": [
            ["InvalidBody", ["tags"], "minItems"],
            ["InvalidBody", ["weight"], "type"],
        ],
    }


def items(*problems: InvalidParameter | InvalidBody) -> list[dict[str, Any]]:
    return FastApiDetail().items(carrying(problems[0], list(problems)))


def test_fastapi_stops_at_a_body_that_is_not_json() -> None:
    path = InvalidParameter("path", "thing_id", "nope", "not a uuid", keyword="format")
    broken = InvalidBody("request body is not valid JSON", keyword="json")
    assert items(path, broken) == [
        {"type": "json_invalid", "loc": ["body"], "msg": "JSON decode error", "input": {}}
    ]


def test_pydantic_checks_a_list_length_after_its_items() -> None:
    short = InvalidBody("too short", path=("tags",), keyword="minItems", value=[1], expected=2)
    item = InvalidBody("not a string", path=("tags", 0), keyword="type", value=1, expected="string")
    assert items(short, item) == [
        {
            "type": "string_type",
            "loc": ["body", "tags", 0],
            "msg": "Input should be a valid string",
            "input": 1,
        }
    ]
    assert items(short)[0]["type"] == "too_short"
