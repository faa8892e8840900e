"""What outside schemathesis runs (`st run DOC --url ... -c all --mode all`) found on published
documents, each pinned on a small document written here in the published one's shape: Twilio's
API v2010 (a concrete path beside its template, form bodies) and Swagger's petstore (an id its own
paths refuse, an operation that declares its 400)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.documents.routes import more_concrete
from jobmock.serving.app import create_app
from jobmock.stateless.roundtrip import feeds, narrowing
from tests.strategies import integer_bounds, path_templates

NUMBERS = """\
openapi: 3.0.1
info: {title: numbers, version: '1'}
paths:
  /numbers/{Sid}.json:
    parameters:
      - {name: Sid, in: path, required: true, schema: {type: string, pattern: '^PN[0-9a-f]{32}$'}}
    delete:
      operationId: deleteNumber
      responses:
        '204': {description: deleted}
  /numbers/Local.json:
    get:
      operationId: listLocal
      responses:
        '200':
          description: the local numbers
          content:
            application/json:
              schema: {type: object, required: [kind], properties: {kind: {enum: [local]}}}
    post:
      operationId: createLocal
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                Ttl: {type: integer}
                Secure: {type: boolean}
                Events: {type: array, items: {type: string}}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {type: object, required: [kind], properties: {kind: {enum: [created]}}}
"""
NUMBER = "/numbers/PN" + "0" * 32 + ".json"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def serve(tmp_path: Path, text: str, **options: Any) -> TestClient:
    document = tmp_path / "api.yaml"
    document.write_text(text)
    return TestClient(create_app(Config(documents=(f"={document}",), **options)))


@pytest.fixture
def numbers(tmp_path: Path) -> Iterator[TestClient]:
    with serve(tmp_path, NUMBERS) as client:
        yield client


def test_a_concrete_path_without_the_method_is_a_405_not_its_templates_operation(
    numbers: TestClient,
) -> None:
    # OpenAPI 3.1, Paths Object: "concrete (non-templated) paths would be matched before their
    # templated counterparts": Local.json is matched, and it has no DELETE (RFC 9110: 405, Allow)
    response = numbers.delete("/numbers/Local.json")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://jobmock.dev/problems/method-not-allowed",
        "title": "Method Not Allowed",
        "status": 405,
        "detail": "method not allowed",
    }
    assert numbers.delete(NUMBER).status_code == 204  # the template still takes its own paths


def test_a_form_value_of_the_wrong_type_is_refused_like_a_json_body(numbers: TestClient) -> None:
    # the document declares no refusal: jobmock's 422 problem+json, not connexion's own 400
    response = numbers.post("/numbers/Local.json", headers=FORM, content=b"Ttl=AAA")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://jobmock.dev/problems/invalid-body",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "'AAA' is not of type 'integer' (at /Ttl)",
    }
    both = numbers.post("/numbers/Local.json", headers=FORM, content=b"Secure=AAA&Ttl=7")
    assert (both.status_code, both.json()["detail"]) == (
        422,
        "'AAA' is not of type 'boolean' (at /Secure)",
    )


def test_form_values_of_the_right_type_are_coerced_and_accepted(numbers: TestClient) -> None:
    response = numbers.post("/numbers/Local.json", headers=FORM, content=b"Ttl=7&Secure=true")
    assert (response.status_code, response.json()) == (201, {"kind": "created"})


@pytest.mark.parametrize("sent", [b"Events=completed", b"Events=completed&Events=absent"])
def test_one_value_of_an_array_form_field_is_an_array_of_one(
    numbers: TestClient, sent: bytes
) -> None:
    # OpenAPI Encoding Object: style `form`, explode true by default: each value of the array is
    # its own `Events=...` pair, so one pair is an array of one (Twilio's RecordingStatusCallback-
    # Event takes `completed` alone); schemathesis 4.32 reads it as a string (see README)
    response = numbers.post("/numbers/Local.json", headers=FORM, content=sent)
    assert (response.status_code, response.json()) == (201, {"kind": "created"})


THINGS = """\
openapi: 3.1.0
info: {title: things, version: '1'}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      operationId: getThing
      responses:
        '200':
          description: a thing
          content:
            application/json:
              schema: {type: object, properties: {name: {type: string}}}
              examples:
                one: {value: {name: one}}
                two: {value: {name: two}}
        '400':
          description: the API's own refusal
          content:
            application/json:
              schema: {type: object, required: [code], properties: {code: {type: integer}}}
              example: {code: 1}
"""


def test_prefer_example_naming_no_example_is_jobmocks_problem_not_the_documents_400(
    tmp_path: Path,
) -> None:
    # the document's 400 is the API's refusal of its inputs; a Prefer the mock cannot honour is
    # the mock's (Prism answers 404 NOT_FOUND there without saying which examples exist)
    with serve(tmp_path, THINGS, validate_responses=True) as things:
        response = things.get("/things/3", headers={"Prefer": "example=three"})
        assert things.get("/things/3", headers={"Prefer": "example=two"}).json() == {"name": "two"}
        invalid = things.get("/things/x")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://jobmock.dev/problems/invalid-prefer",
        "title": "Bad Request",
        "status": 400,
        "detail": "invalid Prefer header: example=three is not an example of GET /things/{id};"
        " examples: one, two",
    }
    assert (invalid.status_code, invalid.json()) == (400, {"code": 1})  # the API's own, still


ORDERS = """\
openapi: 3.0.0
info: {title: store, version: '1'}
paths:
  /store/order:
    post:
      operationId: placeOrder
      responses:
        '200':
          description: the order placed
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
  /store/order/{orderId}:
    get:
      operationId: getOrderById
      parameters:
        - name: orderId
          in: path
          required: true
          schema: {type: integer, format: int64, minimum: 1, maximum: 10}
      responses:
        '200':
          description: the order
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
    delete:
      operationId: deleteOrder
      parameters:
        - name: orderId
          in: path
          required: true
          schema: {type: integer, format: int64, minimum: 1}
      responses:
        '400': {description: Invalid ID supplied}
        '404': {description: Order not found}
components:
  schemas:
    Order:
      type: object
      properties:
        id: {type: integer, format: int64}
        quantity: {type: integer, format: int32}
"""


def test_an_id_the_answer_hands_out_is_one_its_own_paths_take(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Swagger's petstore: Order.id is any int64, yet GET /store/order/{orderId} takes 1 to 10
    # and DELETE 1 or more; an id both take is a valid answer of the schema too
    with caplog.at_level(logging.WARNING, logger="jobmock"), serve(tmp_path, ORDERS) as store:
        placed = store.post("/store/order").json()
        fetched = store.get(f"/store/order/{placed['id']}")
        fresh = [store.get("/store/order/3", headers={"Prefer": "dynamic=true"}) for _ in range(8)]
    assert 1 <= placed["id"] <= 10
    assert fetched.status_code == 200
    ids = [answer.json()["id"] for answer in fresh if "id" in answer.json()]  # id is optional
    assert ids and all(1 <= found <= 10 for found in ids)
    document = tmp_path / "api.yaml"
    warnings = [r.getMessage() for r in caplog.records if "contradicts itself" in r.getMessage()]
    assert warnings == [
        "jobmock: 1 answer property schema(s) hand out ids the document's own paths refuse (the "
        "document contradicts itself); jobmock answers ids both take:\n"
        f"  {document}:42:13: id (placeOrder's answer) is not held to minimum: 1, maximum: 10,"
        " which path parameter orderId of /store/order/{orderId} requires"
    ]


@given(template=path_templates(), data=st.data())
def test_concreting_a_templated_segment_makes_a_path_more_concrete(
    template: str, data: st.DataObject
) -> None:
    segments = template.split("/")
    templated = [i for i, segment in enumerate(segments) if "{" in segment]
    assert not more_concrete(template, template)
    if not templated:
        return
    index = data.draw(st.sampled_from(templated))
    concrete = "/".join([*segments[:index], "Local.json", *segments[index + 1 :]])
    assert more_concrete(concrete, template)
    assert not more_concrete(template, concrete)


@given(bounds=st.lists(integer_bounds, min_size=1, max_size=3), probe=st.integers(-60, 60))
def test_a_narrowed_id_is_one_every_parameter_takes(
    bounds: list[tuple[int | None, int | None]], probe: int
) -> None:
    schemas = [
        {"type": "integer", **({"minimum": low} if low is not None else {}),
         **({"maximum": high} if high is not None else {})}
        for low, high in bounds
    ]  # fmt: skip
    document = {
        "paths": {
            "/orders": {"post": {"operationId": "place", "responses": ORDER_ANSWER}},
            "/orders/{orderId}": {
                method: {
                    "parameters": [{"name": "orderId", "in": "path", "schema": schema}],
                    "responses": ORDER_ANSWER,
                }
                for method, schema in zip(("get", "delete", "put"), schemas, strict=False)
            },
        }
    }
    narrowed = narrowing(feeds(document)).get("place", {"properties": {"id": {}}})
    within = Draft202012Validator({"type": "integer", **narrowed["properties"]["id"]}).is_valid
    takes = [Draft202012Validator(schema).is_valid for schema in schemas]
    # what the answer may hold is exactly what every parameter takes
    assert within(probe) == all(take(probe) for take in takes)


ORDER_ANSWER = {
    "200": {
        "description": "an order",
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}
            }
        },
    }
}


def test_an_integer_parameter_written_with_a_zero_fraction_is_that_integer(
    tmp_path: Path,
) -> None:
    # JSON Schema 2020-12: an integer is any number whose fractional part is zero (schemathesis
    # sends `/store/order/4.0` as a valid orderId); `4.5` is no integer
    with serve(tmp_path, ORDERS) as store:
        whole = store.get("/store/order/4.0")
        fraction = store.get("/store/order/4.5")
    assert whole.status_code == 200
    assert fraction.status_code == 422
    assert fraction.json()["detail"] == "orderId: '4.5' is not of type 'integer'"


PETS_XML = """\
openapi: 3.0.0
info: {title: pets, version: '1'}
paths:
  /pet:
    post:
      operationId: addPet
      requestBody:
        required: true
        content:
          application/xml:
            schema:
              type: object
              required: [name]
              properties:
                id: {type: integer}
                name: {type: string}
              xml: {name: Pet}
      responses:
        '405': {description: Invalid input}
"""


def test_an_xml_body_is_validated_by_its_schema(tmp_path: Path) -> None:
    # Swagger's petstore: `POST /pet` takes XML and declares only its 405 ("Invalid input")
    xml = {"Content-Type": "application/xml"}
    with serve(tmp_path, PETS_XML) as pets:
        valid = pets.post("/pet", headers=xml, content=b"<Pet><id>7</id><name>doggie</name></Pet>")
        mistyped = pets.post(
            "/pet", headers=xml, content=b"<Pet><id>seven</id><name>x</name></Pet>"
        )
        broken = pets.post("/pet", headers=xml, content=b"<Pet>null</Pet><Pet>null</Pet>")
    assert (valid.status_code, valid.content) == (204, b"")  # no success declared
    assert (mistyped.status_code, mistyped.json()["detail"]) == (
        422,
        "'seven' is not of type 'integer' (at /id)",
    )
    assert broken.status_code == 422
    assert broken.json()["detail"].startswith("request body is not well-formed XML: ")


UPLOADS = """\
openapi: 3.0.0
info: {title: pets, version: '1'}
paths:
  /pet/{petId}/uploadImage:
    parameters:
      - {name: petId, in: path, required: true, schema: {type: integer}}
    post:
      operationId: uploadFile
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                additionalMetadata: {type: string}
                size: {type: integer}
                file: {type: string, format: binary}
      responses:
        '200':
          description: uploaded
          content:
            application/json:
              schema: {type: object, required: [code], properties: {code: {type: integer}}}
              example: {code: 200}
"""


def test_a_multipart_body_is_validated_by_its_schema(tmp_path: Path) -> None:
    # Swagger's petstore's uploadImage: schemathesis sent `521851` as the whole multipart body
    with serve(tmp_path, UPLOADS) as pets:
        valid = pets.post(
            "/pet/7/uploadImage",
            data={"additionalMetadata": "front", "size": "12"},
            files={"file": ("a.png", b"\x89PNG", "image/png")},
        )
        mistyped = pets.post("/pet/7/uploadImage", data={"size": "big"}, files={"file": b"x"})
        broken = pets.post(
            "/pet/7/uploadImage",
            headers={"Content-Type": "multipart/form-data; boundary=5cd4"},
            content=b"--5cd4\r\n521851--5cd4--\r\n",
        )
    assert (valid.status_code, valid.json()) == (200, {"code": 200})
    assert (mistyped.status_code, mistyped.json()["detail"]) == (
        422,
        "'big' is not of type 'integer' (at /size)",
    )
    assert broken.status_code == 422
    assert broken.json()["detail"].startswith("request body is not valid multipart/form-data: ")
