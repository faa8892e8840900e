"""`--validate-responses` (jobmock.http.stack.OnceBuiltResponseValidation): connexion's checks, worked
out once per (status, Content-Type), and a body byte-identical to one found valid not checked again;
the verdicts are connexion's own."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmock.config import Config
from jobmock.http.openapi31 import OpenAPI31App
from jobmock.http.stack import middlewares
from jobmock.http.validators import ValidatorCache, make_validator_map

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "response validation built once", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "operationId": "get_thing",
                "parameters": [
                    {"name": "n", "in": "query", "schema": {"type": "integer"}},
                    {"name": "as", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "a thing",
                        "headers": {"X-Count": {"required": True, "schema": {"type": "string"}}},
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["n"],
                                    "properties": {"n": {"type": "integer", "maximum": 5}},
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}


async def get_thing(n: int = 0, **query: Any) -> Any:
    headers = {} if query.get("as") == "bare" else {"X-Count": "1"}
    return {"n": n}, 200, headers


@pytest.fixture(scope="module")
def checked() -> tuple[Any, list[Any]]:
    """A client of an app with --validate-responses, and the body checks its validators ran."""
    bodies: list[Any] = []
    validator_map = make_validator_map(ValidatorCache())
    base = validator_map["response"]["*/*json"]

    class Counted(base):  # type: ignore[misc, valid-type]
        def validate_body(self, body: Any) -> None:
            bodies.append(body)
            super().validate_body(body)

    validator_map["response"]["*/*json"] = Counted
    config = Config(validate_responses=True)
    app = OpenAPI31App(
        __name__,
        middlewares=middlewares(config),
        validator_map=validator_map,
        validate_responses=True,
    )
    app.add_api(SPEC, resolver=lambda op: get_thing)
    return app.test_client(), bodies


def test_a_conforming_answer_passes_and_one_that_breaks_the_schema_is_a_500(
    checked: tuple[Any, list[Any]],
) -> None:
    client, _ = checked
    assert client.get("/things?n=3").json() == {"n": 3}
    refused = client.get("/things?n=9")  # maximum: 5
    assert refused.status_code == 500  # connexion's problem+json, with its message
    assert refused.json()["detail"].startswith("Response body does not conform to specification")


def test_required_headers_are_checked_on_every_answer(checked: tuple[Any, list[Any]]) -> None:
    client, _ = checked
    for _ in range(2):
        assert client.get("/things?n=1").status_code == 200
        missing = client.get("/things?n=1&as=bare")  # X-Count is required
        assert missing.status_code == 500
        assert "x-count" in missing.json()["detail"]


def test_a_body_already_found_valid_is_not_checked_again(checked: tuple[Any, list[Any]]) -> None:
    client, bodies = checked
    bodies.clear()
    for _ in range(3):
        assert client.get("/things?n=4").status_code == 200
    assert bodies == [{"n": 4}]
    assert client.get("/things?n=2").status_code == 200
    assert bodies == [{"n": 4}, {"n": 2}]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=-3, max_value=9), min_size=1, max_size=12))
def test_remembering_valid_bodies_never_changes_a_verdict(
    checked: tuple[Any, list[Any]], numbers: list[int]
) -> None:
    client, _ = checked
    for n in numbers:
        assert client.get(f"/things?n={n}").status_code == (200 if n <= 5 else 500)
