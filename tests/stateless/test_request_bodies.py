"""What a request must send, read from the document alone: a required body, an integer in a query."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpx import Response
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app

REFUSED_NOTE = '<?xml version="1.0" encoding="UTF-8"?><note>Invalid pet!</note>'

# @readme/oas-examples' request-examples.json, `POST /requestBody-multi-media-types`, cut down: a
# required body in two media types, neither with a schema, and a 400 declared in XML
NOTES = {
    "openapi": "3.0.3",
    "info": {"title": "notes", "version": "1"},
    "paths": {
        "/notes": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "text/plain": {"example": "OK"},
                        "application/json": {"example": {"name": "Fluffy"}},
                    },
                },
                "responses": {
                    "200": {"description": "OK"},
                    "400": {
                        "description": "Validation failed",
                        "content": {"application/xml": {"example": REFUSED_NOTE}},
                    },
                },
            }
        }
    },
}


UPLOADS = {  # a required multipart body with a schema: connexion leaves it to the operation
    "openapi": "3.1.0",
    "info": {"title": "uploads", "version": "1"},
    "paths": {
        "/uploads": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {"file": {"type": "string", "format": "binary"}},
                            }
                        }
                    },
                },
                "responses": {"201": {"description": "stored"}},
            }
        }
    },
}


def test_a_required_multipart_body_not_sent_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "uploads.json"
    path.write_text(json.dumps(UPLOADS))
    with TestClient(create_app(Config(documents=(f"={path}",)))) as client:
        missing = client.post("/uploads")
        sent = client.post("/uploads", files={"file": ("a.txt", b"{}")})
    assert missing.status_code == 422  # no 400 declared: problem+json
    assert missing.json()["detail"] == "request body is required"
    assert sent.status_code == 201


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("notes") / "notes.json"
    path.write_text(json.dumps(NOTES))
    with TestClient(create_app(Config(documents=(f"={path}",)))) as client:
        yield client


def test_a_required_body_not_sent_is_refused_with_the_declared_400(notes: TestClient) -> None:
    # OpenAPI 3.0.3, Request Body Object, `required`: "Determines if the request body is required
    # in the request"; the refusal is the operation's declared 400, its example as written
    response = notes.post("/notes")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text == REFUSED_NOTE


@pytest.mark.parametrize(
    "content, media_type", [("OK", "text/plain"), ('{"name": "Buster"}', "application/json")]
)
def test_a_required_body_sent_in_a_media_type_without_schema_is_taken(
    notes: TestClient, content: str, media_type: str
) -> None:
    response = notes.post("/notes", content=content, headers={"Content-Type": media_type})
    assert response.status_code == 200


# A query parameter is text: OpenAPI 3.0.3/3.1.0 serialize it by RFC 6570 (style `form`), which
# writes an integer in decimal digits; JSON Schema 2020-12 counts 0.0 an integer only as a JSON
# number, and a query value is not JSON (only `content: application/json` would make it so).
# Decided: for `type: integer` a query value is an integer only when written as one (an optional
# sign, digits): `limit=0.0` is refused, `limit=4` taken.
def pets(refusal: dict[str, object] | None) -> dict[str, object]:
    responses: dict[str, object] = {"200": {"description": "pets"}}
    if refusal is not None:
        responses["400"] = refusal
    return {
        "openapi": "3.1.0",
        "info": {"title": "pets", "version": "1"},
        "paths": {
            "/pets": {
                "get": {
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "format": "int32", "maximum": 100},
                        }
                    ],
                    "responses": responses,
                }
            }
        },
    }


BAD_LIMIT = {"code": 400, "message": "bad limit"}
DECLARED_400: dict[str, object] = {
    "description": "bad request",
    "content": {"application/json": {"example": BAD_LIMIT}},
}


@pytest.fixture(scope="module", params=["no 400", "declared 400"])
def served_pets(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, bool]]:
    declared = request.param == "declared 400"
    path: Path = tmp_path_factory.mktemp("pets") / "pets.json"
    path.write_text(json.dumps(pets(DECLARED_400 if declared else None)))
    with TestClient(create_app(Config(documents=(f"={path}",)))) as client:
        yield client, declared


def assert_refused(response: Response, declared: bool) -> None:
    if declared:
        assert response.status_code == 400
        assert response.json() == BAD_LIMIT
    else:
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "https://jobmock.dev/problems/invalid-parameter"


def test_a_zero_written_with_a_fraction_is_not_an_integer_query_value(
    served_pets: tuple[TestClient, bool],
) -> None:
    client, declared = served_pets
    assert_refused(client.get("/pets", params={"limit": "0.0"}), declared)
    assert client.get("/pets", params={"limit": "4"}).status_code == 200


@settings(max_examples=40)
@given(number=st.integers(-1000, 100), fraction=st.from_regex(r"\A[0-9]{1,3}\Z"))
def test_integer_query_values_are_taken_written_as_integers_only(
    served_pets: tuple[TestClient, bool], number: int, fraction: str
) -> None:
    client, declared = served_pets
    assert client.get("/pets", params={"limit": str(number)}).status_code == 200
    assert_refused(client.get("/pets", params={"limit": f"{number}.{fraction}"}), declared)


# @readme/oas-examples' 3.1 schema-types.json, `POST /anything/strings`, cut down: an operation
# without `responses` (OpenAPI 3.1.0 no longer requires them) whose body says `nullable: true`
LOOSE = {
    "openapi": "3.1.0",
    "info": {"title": "loose", "version": "1"},
    "paths": {
        "/anything/strings": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "stock": {"type": "string"},
                                    "nullable": {"type": "string", "nullable": True},
                                },
                            }
                        }
                    }
                }
            }
        }
    },
}


def test_nullable_is_read_as_meant_in_an_operation_without_responses(tmp_path: Path) -> None:
    # README, "Your own API": a 3.1 document's `nullable: true` takes null, as in 3.0
    path = tmp_path / "loose.json"
    path.write_text(json.dumps(LOOSE))
    with TestClient(create_app(Config(documents=(f"={path}",)))) as client:
        taken = client.post("/anything/strings", json={"nullable": None})
        refused = client.post("/anything/strings", json={"stock": None})
    assert taken.status_code == 204  # no success declared: 204 (README, "Your own API")
    assert refused.status_code == 422
    assert refused.json()["detail"] == "None is not of type 'string' (at /stock)"
