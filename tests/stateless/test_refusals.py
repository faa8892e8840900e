"""Refusals the document does not declare (Twilio's API v2010 declares only 2xx answers, though
every operation requires basic auth): answered problem+json, named in a warning at start, and
declared in the served /openapi.json, marked inferred. The user's document is not changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app
from jobmock.stateless.refusals import PROBLEM

DOCUMENT = """\
openapi: 3.0.1
info: {title: calls, version: '1'}
security: [{basic: []}]
paths:
  /calls/{Sid}.json:
    get:
      operationId: fetchCall
      parameters:
        - {name: Sid, in: path, required: true, schema: {type: string, pattern: '^CA[0-9a-f]{32}$'}}
      responses:
        '200':
          description: one call
          content:
            application/json:
              schema: {type: object, required: [kind], properties: {kind: {enum: [call]}}}
  /calls.json:
    get:
      operationId: listCall
      parameters:
        - {name: PageSize, in: query, schema: {type: integer, minimum: 1, maximum: 1000}}
      responses:
        '200':
          description: calls
          content:
            application/json:
              schema: {type: object, required: [kind], properties: {kind: {enum: [list]}}}
        '400':
          description: a refused page size
          content:
            application/json:
              schema: {type: object, required: [code], properties: {code: {enum: [20001]}}}
  /health:
    get:
      operationId: health
      security: []
      responses:
        default:
          description: anything
components:
  securitySchemes:
    basic: {type: http, scheme: basic}
"""
CALL = "/calls/CA" + "0" * 32 + ".json"
REFUSED = {
    "description": "",  # replaced per code below
    "x-jobmock-inferred": True,
    "content": {"application/problem+json": {"schema": PROBLEM}},
}


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    document = tmp_path / "calls.yaml"
    document.write_text(DOCUMENT)
    return document


@pytest.fixture
def client(calls: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Config(documents=(f"={calls}",)))) as served:
        yield served


def refused(why: str) -> dict[str, object]:
    return {**REFUSED, "description": f"jobmock's refusal of {why}: the document declares no "
            "response for it."}  # fmt: skip


def test_the_served_document_declares_the_refusals_the_document_does_not(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/calls/{Sid}.json"]["get"]["responses"]["401"] == refused(
        "a request without a valid credential for the operation's security"
    )
    assert paths["/calls/{Sid}.json"]["get"]["responses"]["404"] == refused(
        "a path parameter no route takes (a `/` or a line break in it)"
    )
    assert paths["/calls/{Sid}.json"]["get"]["responses"]["422"] == refused(
        "a request its parameters' or body's schemas refuse"
    )
    # its declared 400 is the refusal of an invalid page size: no 422 added; `default` covers all
    assert sorted(paths["/calls.json"]["get"]["responses"]) == ["200", "400", "401"]
    assert sorted(paths["/health"]["get"]["responses"]) == ["default"]


def test_undeclared_refusals_answer_problem_json_as_declared(client: TestClient) -> None:
    response = client.get(CALL)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://jobmock.dev/problems/unauthorized",
        "title": "Unauthorized",
        "status": 401,
        "detail": "missing credentials",
    }
    auth = ("dev", "dev-calls-basic")
    response = client.get("/calls/CA%0A.json", auth=auth)  # no route takes a line break
    assert (response.status_code, response.json()["title"]) == (404, "Not Found")
    response = client.get("/calls/nope.json", auth=auth)
    assert response.status_code == 422
    assert response.json() == {
        "type": "https://jobmock.dev/problems/invalid-parameter",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "Sid: 'nope' does not match '^CA[0-9a-f]{32}$'",
    }
    response = client.get("/calls.json?PageSize=1001", auth=auth)
    assert (response.status_code, response.json()) == (400, {"code": 20001})


def test_the_gap_is_named_at_start(calls: Path, caplog: pytest.LogCaptureFixture) -> None:
    create_app(Config(documents=(f"={calls}",)))
    # each position is the start of the operation's `responses` mapping (its first `'200':`)
    assert caplog.messages == [
        "jobmock: 2 operation(s) declare no response (nor `default`) for a request jobmock "
        "refuses (problem+json), or no success (204); these answers are declared "
        "(x-jobmock-inferred) in its /openapi.json only. The document's gap: a checker given "
        "the document itself (schemathesis' status_code_conformance) reports them as "
        "undocumented:\n"
        f"  {calls}:11:9: fetchCall declares no 401, 404, 422\n"
        f"  {calls}:22:9: listCall declares no 401"
    ]


def test_the_users_document_is_left_as_it_was(calls: Path) -> None:
    app = create_app(Config(documents=(f"={calls}",)))
    runtime = app.mock.apis["calls"]  # type: ignore[attr-defined]
    kept = runtime.stateless.answers.document["paths"]["/calls/{Sid}.json"]["get"]["responses"]
    assert sorted(kept) == ["200"]
    assert calls.read_text() == DOCUMENT


def test_prefer_code_asks_for_a_refusal_the_served_spec_declares(client: TestClient) -> None:
    auth = ("dev", "dev-calls-basic")
    response = client.get(CALL, auth=auth, headers={"Prefer": "code=422"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://jobmock.dev/problems/unprocessable-entity",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "Prefer: code=422 (jobmock's refusal)",
    }
    assert client.get(CALL, auth=auth, headers={"Prefer": "code=200"}).json() == {"kind": "call"}


ERRORS_ONLY = """\
openapi: 3.1.0
info: {title: orders, version: '1'}
paths:
  /orders/{orderId}:
    delete:
      operationId: deleteOrder
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: integer, minimum: 1}}
      responses:
        '400': {description: Invalid ID supplied}
        '404': {description: Order not found}
  /users:
    get:
      operationId: listUsers
"""


@pytest.fixture
def orders(tmp_path: Path) -> Iterator[TestClient]:
    document = tmp_path / "orders.yaml"
    document.write_text(ERRORS_ONLY)
    with TestClient(create_app(Config(documents=(f"={document}",)))) as served:
        yield served


def test_a_valid_request_never_gets_the_answer_kept_for_invalid_ones(orders: TestClient) -> None:
    # Swagger's petstore declares only 400 ("Invalid ID supplied") and 404 for this DELETE: a
    # valid request is not refused (schemathesis' positive_data_acceptance), nor is an order just
    # created not found (ensure_resource_availability); no success is declared, so none is said
    valid = orders.delete("/orders/7")
    assert (valid.status_code, valid.content) == (204, b"")
    served = orders.get("/openapi.json").json()["paths"]["/orders/{orderId}"]["delete"]
    assert served["responses"]["204"] == {
        "description": "jobmock's answer to a valid request to an operation that declares no "
        "success (no 2xx, nor `default`): No Content.",
        "x-jobmock-inferred": True,
    }
    assert orders.delete("/orders/7").status_code == 404  # deleted: gone from then on
    invalid = orders.delete("/orders/0")  # its 400 declares no body: problem+json says why
    assert invalid.status_code == 400
    assert invalid.json() == {
        "type": "https://jobmock.dev/problems/invalid-parameter",
        "title": "Bad Request",
        "status": 400,
        "detail": "orderId: 0 is less than the minimum of 1",
    }


def test_an_operation_without_responses_answers_204_declared_as_inferred(
    orders: TestClient,
) -> None:
    # OpenAPI 3.1's Operation Object does not require `responses` (the OAI non-oauth-scopes example)
    response = orders.get("/users")
    assert (response.status_code, response.content) == (204, b"")
    served = orders.get("/openapi.json").json()["paths"]["/users"]["get"]["responses"]
    assert served == {
        "204": {
            "description": "jobmock's answer to a valid request to an operation that declares "
            "no success (no 2xx, nor `default`): No Content.",
            "x-jobmock-inferred": True,
        }
    }


PETS = """\
openapi: 3.1.0
info: {title: pets, version: '1'}
paths:
  /pets:
    post:
      operationId: addPet
      responses:
        '201':
          description: the pet, created
          content:
            application/json:
              schema: {type: object}
              example: {id: 7, name: Rex}
  /pets/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}
    get:
      operationId: findPet
      responses:
        '200':
          description: a pet
          content:
            application/json:
              schema: {type: object}
              example: {id: 7, name: Rex}
        default:
          description: unexpected error
          content:
            application/json:
              schema: {type: object}
              example: {code: 404, message: no such pet}
    put:
      operationId: putPet
      responses:
        '204': {description: stored}
    delete:
      operationId: deletePet
      responses:
        '204': {description: pet deleted}
        default: {description: unexpected error}
"""


def test_a_deleted_resource_answers_404_until_it_is_put_back(tmp_path: Path) -> None:
    # schemathesis' use_after_free (the OAI petstore-expanded example: DELETE then GET /pets/{id})
    document = tmp_path / "pets.yaml"
    document.write_text(PETS)
    with TestClient(create_app(Config(documents=(f"={document}",)))) as pets:
        assert pets.get("/pets/7").json() == {"id": 7, "name": "Rex"}
        assert pets.delete("/pets/7").status_code == 204
        gone = pets.get("/pets/7")
        assert (gone.status_code, gone.json()) == (404, {"code": 404, "message": "no such pet"})
        assert pets.delete("/pets/7").status_code == 404  # deleted already
        assert pets.get("/pets/8").json() == {"id": 7, "name": "Rex"}  # another one stays
        assert pets.get("/pets/7", headers={"Prefer": "code=200"}).status_code == 200
        assert pets.put("/pets/7").status_code == 204
        assert pets.get("/pets/7").status_code == 200
        assert pets.delete("/pets/7").status_code == 204
        # a create answers the same pet every time (schemathesis' stateful phase: POST, then the
        # id it answered): what was deleted under /pets is there again
        assert pets.post("/pets").json() == {"id": 7, "name": "Rex"}
        assert pets.get("/pets/7").status_code == 200


BRANCHES = """\
openapi: 3.1.0
info: {title: branches, version: '1'}
paths:
  /branches/{branch}:
    parameters: [{name: branch, in: path, required: true, schema: {type: string}}]
    delete:
      responses: {'204': {description: deleted}}
  /branches/{branch}/guides/{slug}:
    parameters:
      - {name: branch, in: path, required: true, schema: {type: string}}
      - {name: slug, in: path, required: true, schema: {type: string}}
    get:
      responses: {'200': {description: a guide}}
"""


def test_what_lies_below_a_deleted_resource_is_gone_with_it(tmp_path: Path) -> None:
    # npm's @readme/oas-examples readme.json: `DELETE /branches/vstable_`, then `GET
    # /branches/vstable_/guides/x` answered 200 (schemathesis' use_after_free reads a path that
    # starts with the deleted one as the deleted resource's)
    document = tmp_path / "branches.yaml"
    document.write_text(BRANCHES)
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        assert client.get("/branches/b/guides/x").status_code == 200
        assert client.delete("/branches/b").status_code == 204
        assert client.get("/branches/b/guides/x").status_code == 404
        assert client.get("/branches/bb/guides/x").status_code == 200  # not below /branches/b
        assert client.get("/branches/c/guides/x").status_code == 200
