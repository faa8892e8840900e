"""What serving a published description (Twilio's API v2010, 197 operations) showed: a concrete path
is matched before its templated counterpart, and an optional form body may be left out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app

DOCUMENT = """\
openapi: 3.1.0
info: {title: numbers, version: '1'}
paths:
  /numbers/{Sid}.json:
    parameters:
      - {name: Sid, in: path, required: true, schema: {type: string, minLength: 34, maxLength: 34}}
    get:
      operationId: getNumber
      responses:
        '200':
          description: one number
          content:
            application/json:
              schema: {type: object, required: [kind], properties: {kind: {const: one}}}
    post:
      operationId: updateNumber
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object, required: [Status], properties: {Status: {enum: [stopped]}}}
      responses:
        '200':
          description: updated
          content:
            application/json:
              schema: {type: object, required: [kind], properties: {kind: {const: updated}}}
  /numbers/Local.json:
    get:
      operationId: listLocal
      responses:
        '200':
          description: the local numbers
          content:
            application/json:
              schema: {type: object, required: [kind], properties: {kind: {const: local}}}
"""
NUMBER = "/numbers/PN" + "0" * 32 + ".json"


@pytest.fixture
def numbers(tmp_path: Path) -> Iterator[TestClient]:
    document = tmp_path / "numbers.yaml"
    document.write_text(DOCUMENT)
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        yield client


def test_a_concrete_path_is_matched_before_the_template_declared_first(
    numbers: TestClient,
) -> None:
    # OpenAPI 3.1, Paths Object: concrete paths are matched before their templated counterparts
    assert numbers.get("/numbers/Local.json").json() == {"kind": "local"}
    assert numbers.get(NUMBER).json() == {"kind": "one"}


def test_an_optional_form_body_may_be_left_out(numbers: TestClient) -> None:
    # the requestBody has no `required: true`: a request without one is valid
    assert numbers.post(NUMBER).json() == {"kind": "updated"}


def test_a_form_body_given_is_still_validated(numbers: TestClient) -> None:
    response = numbers.post(NUMBER, data={"Status": "running"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_an_empty_form_sent_as_one_lacks_its_required_field(numbers: TestClient) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = numbers.post(NUMBER, headers=form, content=b"")
    assert response.status_code == 422
    assert response.json()["detail"] == "'Status' is a required property"


def test_a_405_on_a_concrete_path_allows_its_own_methods(numbers: TestClient) -> None:
    # Allow lists the methods of the path that matched (schemathesis' allow_header_conformance
    # found `/IncomingPhoneNumbers/Local.json` advertising its template's DELETE)
    response = numbers.delete("/numbers/Local.json")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert numbers.delete(NUMBER).headers["allow"] == "GET, POST"


EXAMPLES_ONLY = """\
openapi: 3.0.3
info: {title: examples, version: '1'}
paths:
  /examples:
    get:
      operationId: getExamples
      responses:
        '200':
          description: an example and no schema; a media type key that lists two types
          content:
            application/json:
              examples:
                cat: {value: {name: Fluffy, petType: Cat}}
                dog: {value: {name: Puma, petType: Dog}}
            text/csv, text/comma-separated-values:
              example: name,petType
"""


@pytest.fixture
def examples(tmp_path: Path) -> Iterator[TestClient]:
    # shapes of ReadMe's response-examples.json (npm @readme/oas-examples)
    document = tmp_path / "examples.yaml"
    document.write_text(EXAMPLES_ONLY)
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        yield client


def test_a_media_type_key_listing_two_types_is_served_not_a_500(examples: TestClient) -> None:
    # connexion's is_json_mimetype raised on it when the first request built the app: every
    # request was a 500
    response = examples.get("/examples")
    assert (response.status_code, response.json()) == (200, {"name": "Fluffy", "petType": "Cat"})


def test_dynamic_answers_the_example_when_there_is_no_schema_to_generate_from(
    examples: TestClient,
) -> None:
    response = examples.get("/examples", headers={"Prefer": "dynamic=true"})
    assert response.json() == {"name": "Fluffy", "petType": "Cat"}  # was ""
    named = examples.get("/examples", headers={"Prefer": "example=dog"})
    assert named.json() == {"name": "Puma", "petType": "Dog"}
