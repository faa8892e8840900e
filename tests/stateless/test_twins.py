"""A `oneOf` whose branches are identical takes no value (oneOf: exactly one); jobmock answers the
first branch's value in the declared media type and says so at start (ReadMe's legacy API
declares its 401 so: `authUnauthorized`, a oneOf of `error_APIKEY_EMPTY` and
`error_APIKEY_NOTFOUND`, which differ in their `default` only)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app
from jobmock.stateless.twins import twin_branches, validated
from tests.strategies import DOCUMENT_SCHEMAS, response_schemas

# the shape of readme-legacy.json (npm @readme/oas-examples 8.2.2, 3.0/json), cut down (its
# error_APIKEY_EMPTY and error_APIKEY_NOTFOUND are keyEmpty and keyNotFound here)
README_LIKE = """\
openapi: 3.0.3
info: {title: readme, version: '1'}
security: [{apiKey: []}]
paths:
  /version:
    get:
      responses:
        '200':
          description: versions
          content: {application/json: {schema: {type: array, items: {type: string}}}}
        '401': {$ref: '#/components/responses/authUnauthorized'}
components:
  securitySchemes:
    apiKey: {type: http, scheme: bearer}
  responses:
    authUnauthorized:
      description: Unauthorized
      content:
        application/json:
          schema: {oneOf: [{$ref: '#/components/schemas/keyEmpty'}, {$ref: '#/components/schemas/keyNotFound'}]}
  schemas:
    baseError:
      type: object
      properties:
        error: {type: string, description: An error code unique to the error received.}
        message: {type: string}
    keyEmpty:
      allOf:
        - $ref: '#/components/schemas/baseError'
        - {type: object, properties: {error: {type: string, default: APIKEY_EMPTY}}}
    keyNotFound:
      allOf:
        - $ref: '#/components/schemas/baseError'
        - {type: object, properties: {error: {type: string, default: APIKEY_NOTFOUND}}}
"""


def test_the_first_branchs_value_is_answered_in_the_declared_media_type_and_said_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    document = tmp_path / "readme.yaml"
    document.write_text(README_LIKE)
    app = create_app(Config(documents=(f"={document}",)))
    line = next(n for n, text in enumerate(README_LIKE.splitlines(), 1) if "{oneOf: [" in text)
    column = README_LIKE.splitlines()[line - 1].index("[") + 1
    assert any(
        message.startswith("jobmock: no value satisfies 1 oneOf schema(s) (identical branches")
        and "answering the first branch's value" in message
        and f"{document}:{line}:{column}: oneOf (identical branches)" in message
        for message in caplog.messages
    ), caplog.messages
    with TestClient(app) as client:
        refused = client.get("/version")  # no credential: the declared 401
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/json"
    components = {"schemas": load_schemas()}
    first = {"$ref": "#/components/schemas/keyEmpty", "components": components}
    declared = {**yaml_oneof(), "components": components}
    assert Draft202012Validator(first).is_valid(refused.json())
    assert not Draft202012Validator(declared).is_valid(refused.json())  # none could be


def load_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = yaml.safe_load(README_LIKE)["components"]["schemas"]
    return schemas


def yaml_oneof() -> dict[str, Any]:
    responses = yaml.safe_load(README_LIKE)["components"]["responses"]
    schema: dict[str, Any] = responses["authUnauthorized"]["content"]["application/json"]["schema"]
    return schema


def annotated(schema: Any) -> Any:
    """`schema` with annotations a validator does not read added to it and its object members."""
    if not isinstance(schema, dict):
        return schema
    made = copy.deepcopy(schema)
    made.update(description="said otherwise", default=None)
    for name, member in (made.get("properties") or {}).items():
        made["properties"][name] = annotated(member)
    return made


@given(schema=response_schemas)
def test_branches_that_differ_in_annotations_only_are_twins(schema: Any) -> None:
    assert twin_branches({"oneOf": [schema, annotated(schema)]}, DOCUMENT_SCHEMAS)
    assert validated(annotated(schema), DOCUMENT_SCHEMAS) == validated(schema, DOCUMENT_SCHEMAS)


def test_a_branch_without_a_twin_makes_no_twins() -> None:
    base, other = {"$ref": "#/components/schemas/Base"}, {"type": "string"}
    assert twin_branches({"oneOf": [base, base, other, other]}, DOCUMENT_SCHEMAS)
    assert not twin_branches({"oneOf": [base, base, other]}, DOCUMENT_SCHEMAS)  # `other` fits once
    assert not twin_branches({"oneOf": [base]}, DOCUMENT_SCHEMAS)
    assert not twin_branches({"anyOf": [base, base]}, DOCUMENT_SCHEMAS)  # anyOf takes both


def test_twins_that_refer_to_themselves_are_told_without_end() -> None:
    node = {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Node"}}}
    named = {"Node": node, "Tree": {**node, "description": "the same, said otherwise"}}
    refs = [{"$ref": "#/components/schemas/Node"}, {"$ref": "#/components/schemas/Tree"}]
    assert twin_branches({"oneOf": refs}, named)
