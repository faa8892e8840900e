"""Stateless answers: the documented status, media type, body and headers of each operation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app
from jobmock.stateless.documents import load_document
from tests.stateless.conftest import DOCUMENTS

KEY = {"X-API-Key": "dev-features-apiKey"}  # dev-<api>-<scheme>: README, "Your own API"


def valid(body: Any, name: str, component: str) -> bool:
    """Whether `body` is valid against components/schemas/`component` of the document `name`, as
    written (3.0 documents as jobmock upgrades them)."""
    document = load_document(DOCUMENTS / name, "check").document
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    checker = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return bool(checker.is_valid(body))


@pytest.mark.parametrize(
    "fixture, name", [("petstore30", "petstore-3.0.yaml"), ("petstore31", "petstore-3.1.yaml")]
)
def test_a_list_is_the_lowest_2xx_with_a_generated_valid_body_and_its_header(
    fixture: str, name: str, request: pytest.FixtureRequest
) -> None:
    client: TestClient = request.getfixturevalue(fixture)
    response = client.get("/pets")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert valid(response.json(), name, "Pets")
    assert "x-next" in response.headers
    assert client.get("/pets").json() == response.json()  # kept: the same answer every time


@pytest.mark.parametrize(
    "fixture, name", [("petstore30", "petstore-3.0.yaml"), ("petstore31", "petstore-3.1.yaml")]
)
def test_every_pet_answered_is_valid(
    fixture: str, name: str, request: pytest.FixtureRequest
) -> None:
    client: TestClient = request.getfixturevalue(fixture)
    body = client.get("/pets/7").json()
    assert valid(body, name, "Pet")
    assert set(body) <= {"id", "name", "tag"}  # no property the schema does not name
    assert -(2**63) <= body["id"] < 2**63  # format: int64


def test_a_response_without_content_is_empty(petstore30: TestClient) -> None:
    response = petstore30.post("/pets")
    assert (response.status_code, response.content) == (201, b"")


def test_prefer_code_answers_that_declared_response_here_by_default(petstore31: TestClient) -> None:
    response = petstore31.get("/pets", headers={"Prefer": "code=503"})
    assert response.status_code == 503
    assert response.headers["preference-applied"] == "code=503"
    assert valid(response.json(), "petstore-3.1.yaml", "Error")


def test_prefer_code_refuses_an_undeclared_code(features: TestClient) -> None:
    response = features.get("/shapes/3", headers={**KEY, "Prefer": "code=500"})
    assert response.status_code == 400
    assert response.json() == {
        "type": "https://jobmock.dev/problems/invalid-prefer",
        "title": "Bad Request",
        "status": 400,
        "detail": "invalid Prefer header: code=500 is not documented for GET /shapes/{shapeId};"
        " documented: 200, 401, 404, 422",  # 422: declared by the served spec (test_refusals)
    }


def test_the_first_named_example_is_the_answer_and_prefer_example_picks_another(
    features: TestClient,
) -> None:
    first = features.get("/shapes/3", headers=KEY)
    assert first.status_code == 200
    assert first.json() == {"kind": "Circle", "radius": 2.5, "label": None}
    chosen = features.get("/shapes/3", headers={**KEY, "Prefer": "example=square"})
    assert chosen.json() == {"kind": "Square", "side": 3, "label": "corner"}
    assert chosen.headers["preference-applied"] == "example=square"


def test_prefer_example_refuses_a_name_the_operation_does_not_have(features: TestClient) -> None:
    response = features.get("/shapes/3", headers={**KEY, "Prefer": "example=hexagon"})
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "invalid Prefer header: example=hexagon is not an example of GET /shapes/{shapeId};"
        " examples: circle, square"
    )


def test_prefer_dynamic_generates_afresh_each_time_valid_and_discriminated(
    features: TestClient,
) -> None:
    bodies = [
        features.get("/shapes/3", headers={**KEY, "Prefer": "dynamic=true"}).json()
        for _ in range(4)
    ]
    assert len({repr(b) for b in bodies}) > 1
    for body in bodies:
        assert valid(body, "features.yaml", "Shape")
        # discriminator without mapping: the value names the schema the body is valid against
        assert body["kind"] in ("Circle", "Square")
        assert valid(body, "features.yaml", body["kind"])


def test_a_declared_header_is_valued_from_its_schema(features: TestClient) -> None:
    response = features.get("/shapes/3", headers=KEY)
    assert 0 <= int(response.headers["x-rate-limit"]) <= 100


def test_without_credentials_the_declared_401_body(features: TestClient) -> None:
    response = features.get("/shapes/3")
    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "hint": "send X-API-Key"}


@pytest.mark.parametrize(
    "headers",
    [{"X-API-Key": "dev-features-apiKey"}, {"Authorization": "Bearer dev-features-bearer"}],
    ids=["api key", "bearer"],
)
def test_each_schemes_development_credential_is_accepted(
    features: TestClient, headers: dict[str, str]
) -> None:
    assert features.get("/shapes/3", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{"X-API-Key": "k"}, {"Authorization": "Bearer dev-features-apiKey"}],
    ids=["unknown key", "another scheme's credential"],
)
def test_any_other_credential_is_the_declared_401(
    features: TestClient, headers: dict[str, str]
) -> None:
    response = features.get("/shapes/3", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "hint": "send X-API-Key"}


def test_the_development_tenant_is_listed_with_its_headers(features: TestClient) -> None:
    tenants = features.get("/_mock/apis/features/tenants").json()
    assert [(t["name"], t["headers"]) for t in tenants] == [
        ("dev", {"X-API-Key": "dev-features-apiKey"})
    ]


def test_a_credential_of_another_scheme_is_not(features: TestClient) -> None:
    assert features.get("/shapes/3", headers={"Authorization": "Basic eDp5"}).status_code == 401


def test_an_invalid_body_answers_the_declared_422(features: TestClient) -> None:
    response = features.post("/shapes", json={"kind": "hexagon"}, headers=KEY)
    assert response.status_code == 422
    assert response.json() == {"error": "invalid", "hint": "a shape needs a kind"}


def test_a_path_parameter_no_resource_can_have_answers_the_declared_404(
    features: TestClient,
) -> None:
    """getShape declares 200, 401 and 404 only: shapeId 0 (minimum 1) names no shape."""
    response = features.get("/shapes/0", headers=KEY)
    assert response.status_code == 404
    assert valid(response.json(), "features.yaml", "Problem")


def test_an_invalid_parameter_without_a_declared_error_is_422_problem_json(
    tmp_path: Path,
) -> None:
    document = tmp_path / "bare.yaml"
    document.write_text(BARE)
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        response = client.get("/notes/0")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://jobmock.dev/problems/invalid-parameter",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "noteId: 0 is less than the minimum of 1",
    }


def test_an_invalid_body_answers_422_with_the_default_response(petstore31: TestClient) -> None:
    response = petstore31.post("/pets", json={"id": 1})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    assert valid(response.json(), "petstore-3.1.yaml", "Error")


BARE = """\
openapi: 3.1.0
info: {title: Bare, version: '1'}
paths:
  /notes:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties: {text: {type: string}}
      responses:
        '201': {description: noted}
  /notes/{noteId}:
    get:
      parameters:
        - {name: noteId, in: path, required: true, schema: {type: integer, minimum: 1}}
      responses:
        '200': {description: a note}
"""


def test_an_invalid_body_without_a_declared_error_is_422_problem_json(tmp_path: Path) -> None:
    document = tmp_path / "bare.yaml"
    document.write_text(BARE)
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        response = client.post("/notes", json={"text": 3})
    assert response.status_code == 422
    assert response.json() == {
        "type": "https://jobmock.dev/problems/invalid-body",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "3 is not of type 'string' (at /text)",
    }


def test_a_recursive_schema_is_cut_off_and_valid(features: TestClient) -> None:
    body = features.get("/tree").json()
    assert valid(body, "features.yaml", "Node")


def test_write_only_properties_are_never_answered(features: TestClient) -> None:
    for _ in range(3):
        body = features.get("/account", headers={"Prefer": "dynamic=true"}).json()
        assert "password" not in body
        assert {"id", "email", "created"} <= set(body)
        assert valid({**body, "password": "12345678"}, "features.yaml", "Account")


def test_nullable_is_upgraded_to_a_null_type(features: TestClient) -> None:
    assert valid({"kind": "Circle", "radius": 1, "label": None}, "features.yaml", "Circle")
    assert not valid({"kind": "Circle", "radius": 0}, "features.yaml", "Circle")  # exclusive


def test_the_seed_decides_the_generated_values() -> None:
    from tests.stateless.conftest import served

    with served("=petstore-3.0.yaml", seed=1) as one, served("=petstore-3.0.yaml", seed=1) as again:
        assert one.get("/pets/1").json() == again.get("/pets/1").json()


UNANSWERABLE = """\
openapi: 3.1.0
info: {title: Odd, version: '1'}
paths:
  /odd:
    get:
      operationId: getOdd
      responses:
        '200':
          description: no integer is both
          content:
            application/json:
              schema: {type: integer, minimum: 5, maximum: 1}
  /fine:
    get:
      responses:
        '204': {description: nothing}
"""


def test_an_operation_that_cannot_be_answered_warns_at_start_and_answers_501(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    document = tmp_path / "odd.yaml"
    document.write_text(UNANSWERABLE)
    app = create_app(Config(documents=(f"={document}",)))
    assert caplog.messages == [
        f"jobmock: {document}:6:7: getOdd cannot be answered: its 200 response cannot be"
        " generated: no value satisfies the schema (it answers 501)"
    ]
    with TestClient(app) as client:
        response = client.get("/odd")
        assert response.status_code == 501
        assert response.json() == {
            "type": "https://jobmock.dev/problems/internal-server-error",
            "title": "Not Implemented",
            "status": 501,
            "detail": "getOdd: its 200 response cannot be generated: no value satisfies the schema",
        }
        assert client.get("/fine").status_code == 204


def test_a_read_only_property_is_not_required_of_a_request(features: TestClient) -> None:
    account = {"email": "a@b.example", "password": "12345678", "created": "2026-01-02T03:04:05Z"}
    assert features.put("/account", json=account).status_code == 204
    response = features.put("/account", json={"email": "a@b.example"})
    assert response.status_code == 422
    assert response.json()["detail"] == "'password' is a required property"


ONE_OF_OPEN = """\
openapi: 3.1.0
info: {title: Shapes, version: '1'}
paths:
  /shape:
    get:
      responses:
        '200':
          description: a circle or a square, never both
          content:
            application/json:
              schema:
                oneOf:
                  - {type: object, properties: {radius: {type: integer}}}
                  - {type: object, properties: {side: {type: integer}}}
"""


def test_a_generated_answer_fits_one_of_branches_that_the_document_leaves_open(
    tmp_path: Path,
) -> None:
    # closing both branches (the client's view) makes {"radius": 1} fit one; the document's open
    # branches accept it twice, which `oneOf` refuses: only {} and doubly-named objects are out
    document = tmp_path / "shapes.yaml"
    document.write_text(ONE_OF_OPEN)
    schema = {
        "oneOf": [
            {"type": "object", "properties": {"radius": {"type": "integer"}}},
            {"type": "object", "properties": {"side": {"type": "integer"}}},
        ]
    }
    for seed in range(4):
        with TestClient(create_app(Config(documents=(f"={document}",), seed=seed))) as client:
            for _ in range(3):
                body = client.get("/shape", headers={"Prefer": "dynamic=true"}).json()
                assert Draft202012Validator(schema).is_valid(body), body


WRITE_ONLY_EXAMPLE = """\
openapi: 3.1.0
info: {title: Cards, version: '1'}
paths:
  /card:
    get:
      operationId: getCard
      responses:
        '200':
          description: a card, its code never read back
          content:
            application/json:
              schema:
                type: object
                required: [number]
                properties:
                  number: {type: string}
                  cvc: {type: integer, writeOnly: true}
              example: {number: '4242', cvc: 123}
"""


def test_an_example_with_a_write_only_property_is_not_answered(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # 3.1.0, Schema Object, readOnly/writeOnly: a writeOnly property "SHOULD NOT be sent as part
    # of the response"; such an example does not fit what the server may answer
    document = tmp_path / "cards.yaml"
    document.write_text(WRITE_ONLY_EXAMPLE)
    app = create_app(Config(documents=(f"={document}",)))
    assert any("getCard's 200 example does not fit its schema" in m for m in caplog.messages)
    with TestClient(app) as client:
        body = client.get("/card").json()
    assert "cvc" not in body
    assert isinstance(body["number"], str)


REF_INTO_PATHS = """\
openapi: 3.0.3
info: {title: Offsets, version: '1'}
paths:
  /offsets:
    get:
      responses:
        '200':
          description: an offset, its schema named through the POST's body
          content:
            application/json:
              schema:
                type: object
                required: [before]
                properties:
                  before: {$ref: '#/paths/~1offsets/post/requestBody/content/application~1json/schema'}
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Offset'}
      responses:
        '204': {description: kept}
components:
  schemas:
    Offset:
      type: object
      required: [id]
      properties:
        id: {type: string}
        rules: {$ref: '#/components/schemas/Rules'}
    Rules:
      type: object
      properties:
        next: {$ref: '#/components/schemas/Offset'}
"""


def test_a_ref_into_paths_among_cyclic_components_is_served(tmp_path: Path) -> None:
    # valid OpenAPI (a Reference Object's $ref is any URI; components may refer to each other in
    # a cycle) that connexion's own ref resolver recursed on without end
    document = tmp_path / "offsets.yaml"
    document.write_text(REF_INTO_PATHS)
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        response = client.get("/offsets")
        refused = client.post("/offsets", json={"id": 3})
    assert response.status_code == 200
    assert isinstance(response.json()["before"]["id"], str)
    assert refused.status_code == 422
    assert refused.json()["detail"] == "3 is not of type 'string' (at /id)"


REPEATED_NAME = """\
openapi: 3.1.0
info: {title: Actions, version: '1'}
paths:
  /things/{id}/{action}/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: action, in: path, required: true, schema: {type: string}}
    get:
      responses:
        '204': {description: done}
  /things:
    get:
      responses:
        '204': {description: none}
"""


def test_a_path_naming_a_parameter_twice_is_not_routed_and_said_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    document = tmp_path / "actions.yaml"
    document.write_text(REPEATED_NAME)
    app = create_app(Config(documents=(f"={document}",)))
    assert (
        f"jobmock: {document}:5:5: /things/{{id}}/{{action}}/{{id}} names {{id}} twice:"
        " not routed (requests there answer 404)"
    ) in caplog.messages
    with TestClient(app) as client:
        assert client.get("/things").status_code == 204
        assert client.get("/things/1/x/1").status_code == 404


NULLABLE_31 = """\
openapi: 3.1.0
info: {title: Notes, version: '1'}
paths:
  /notes:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                text: {type: string, nullable: true}
      responses:
        '204': {description: kept}
"""


def test_a_31_documents_nullable_takes_null_as_its_author_meant_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # OpenAPI 3.1 dropped `nullable` (JSON Schema 2020-12 keeps it only as an annotation);
    # schemathesis and the author read it as 3.0 did: null allowed
    document = tmp_path / "notes.yaml"
    document.write_text(NULLABLE_31)
    app = create_app(Config(documents=(f"={document}",)))
    assert any(
        message.startswith(
            "jobmock: 1 schema(s) of this OpenAPI 3.1.0 document say `nullable: true`"
        )
        and f"{document}:12:48: nullable: true" in message  # the value `true`
        for message in caplog.messages
    ), caplog.messages
    with TestClient(app) as client:
        assert client.post("/notes", json={"text": None}).status_code == 204
        refused = client.post("/notes", json={"text": 3})
    assert refused.status_code == 422
    assert refused.json()["detail"] == "3 is not of type 'string', 'null' (at /text)"


ACCEPT_PARAMETER = """\
openapi: 3.1.0
info: {title: Answers, version: '1'}
paths:
  /answer:
    get:
      parameters:
        - {name: Accept, in: header, schema: {type: string, enum: [application/json]}}
        - {name: Content-Type, in: header, required: true, schema: {type: string}}
      responses:
        '204': {description: answered}
"""


def test_accept_and_content_type_header_parameters_are_ignored(tmp_path: Path) -> None:
    # 3.1.0, Parameter Object: for in: header named Accept, Content-Type or Authorization,
    # "the parameter definition SHALL be ignored"
    document = tmp_path / "answers.yaml"
    document.write_text(ACCEPT_PARAMETER)
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        assert client.get("/answer", headers={"Accept": "*/*"}).status_code == 204
