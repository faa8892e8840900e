"""Query parameters sent empty (`?opt_pretty=`): accepted where the parameter's allowEmptyValue
says so, refused like any schema miss where it does not (Asana's description marks its boolean
`opt_pretty` allowEmptyValue; schemathesis sends it empty as a valid request)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests.served_documents import serving

OK = {
    "200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"type": "string", "enum": ["ok"]}}},
    }
}
BOOLEAN = {"type": "boolean"}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "empty values", "version": "1"},
    "paths": {
        "/tasks": {
            "get": {
                "parameters": [
                    # OpenAPI 3.0.3 Parameter Object, allowEmptyValue: "Sets the ability to pass
                    # empty-valued parameters. This is valid only for query parameters and allows
                    # sending a parameter with an empty value."
                    {
                        "name": "opt_pretty",
                        "in": "query",
                        "allowEmptyValue": True,
                        "schema": BOOLEAN,
                    },
                    {"name": "archived", "in": "query", "schema": BOOLEAN},
                    {
                        "name": "limit",
                        "in": "query",
                        "allowEmptyValue": True,
                        "schema": {"type": "integer", "minimum": 1},
                    },
                ],
                "responses": OK,
            }
        }
    },
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with serving(tmp_path_factory.mktemp("empty"), DOCUMENT) as served:
        yield served


@pytest.mark.parametrize(
    "query", ["opt_pretty=", "opt_pretty", "limit=", "opt_pretty=&limit=", "opt_pretty=true"]
)
def test_a_parameter_that_allows_an_empty_value_is_accepted_empty(
    client: TestClient, query: str
) -> None:
    response = client.get(f"/tasks?{query}")
    assert response.status_code == 200, response.text
    assert response.json() == "ok"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("archived=", "archived"),  # allowEmptyValue defaults to false
        ("opt_pretty=maybe", "opt_pretty"),  # not empty: its schema still decides
        ("limit=0", "limit"),
        # one pair empty, another not: the value read is checked (found by a random run against
        # Asana's description: `opt_pretty=[...]&opt_pretty=` was a 500)
        ("opt_pretty=maybe&opt_pretty=", "opt_pretty"),
        ("opt_pretty=&opt_pretty=maybe", "opt_pretty"),
    ],
)
def test_an_empty_value_elsewhere_and_a_wrong_value_are_refused(
    client: TestClient, query: str, name: str
) -> None:
    response = client.get(f"/tasks?{query}")
    # the document declares no 400 nor 422: jobmock's 422 problem+json
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith(f"{name}: "), response.text
