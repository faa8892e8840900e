"""Requests in every parameter style, served (`jobmock serve DOC`): what the style writes is
accepted, what it cannot have written or what its schema refuses is the same refusal (the
document declares no 400 nor 422 here: 422 problem+json), never a 500."""

from __future__ import annotations

import json
import typing as t
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app

INTEGERS = {"type": "array", "items": {"type": "integer"}}
POINT = {
    "type": "object",
    "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}},
    "additionalProperties": False,
}
NAMED = {"type": "object", "properties": {"name": {"type": "string"}}}
SLUG = {"type": "string", "pattern": "^[a-z0-9-]+$"}
OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}}


def operation(*parameters: dict[str, t.Any]) -> dict[str, t.Any]:
    return {"get": {"parameters": list(parameters), "responses": OK}}


def path(name: str, schema: dict[str, t.Any], **style: t.Any) -> dict[str, t.Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema, **style}


DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "styles", "version": "1"},
    "paths": {
        "/matrix/{ids}": operation(path("ids", INTEGERS, style="matrix", explode=True)),
        "/label/{point}": operation(path("point", POINT, style="label")),
        "/simple/{point}": operation(path("point", POINT, explode=True)),
        "/named/{named}": operation(path("named", NAMED)),
        # DigitalOcean's image id or slug: the first type that reads the value (3.1.0 Schema
        # Object: "anyOf" is JSON Schema's: valid against at least one branch)
        "/images/{image}": operation(path("image", {"anyOf": [{"type": "integer"}, SLUG]})),
        "/query": operation(
            {"name": "tags", "in": "query", "style": "pipeDelimited", "schema": INTEGERS},
            {"name": "ranks", "in": "query", "style": "spaceDelimited", "schema": INTEGERS},
            {"name": "near", "in": "query", "style": "deepObject", "schema": POINT},
            {"name": "at", "in": "query", "explode": False, "schema": POINT},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32"}},
        ),
        "/headers": operation(
            {"name": "X-Ids", "in": "header", "schema": INTEGERS},
            {"name": "X-Count", "in": "header", "schema": {"type": "integer", "maximum": 9}},
            {"name": "X-Point", "in": "header", "explode": True, "schema": POINT},
        ),
        "/cookies": operation(
            {"name": "ids", "in": "cookie", "schema": INTEGERS},
            {"name": "count", "in": "cookie", "schema": {"type": "integer"}},
        ),
        "/form": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            # properties without `type: object`, as star-trek's search forms
                            "schema": {
                                "properties": {
                                    "page": {"type": "integer", "format": "int32"},
                                    "canine": {"type": "boolean"},
                                    "tags": INTEGERS,
                                }
                            },
                            "encoding": {"tags": {"style": "pipeDelimited"}},
                        }
                    }
                },
                "responses": OK,
            }
        },
    },
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    document = tmp_path_factory.mktemp("styles") / "styles.json"
    document.write_text(json.dumps(DOCUMENT))
    with TestClient(create_app(Config(documents=(f"={document}",)))) as served:
        yield served


def refused(response: t.Any, name: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith(f"{name}: "), response.text


# Style Examples: "matrix | true | ... | ;color=blue;color=black;color=brown"; "label | false |
# ... | .R,100,G,200,B,150" (RFC 6570 3.2.5); "simple | true | ... | R=100,G=200,B=150"
@pytest.mark.parametrize(
    "url",
    [
        "/matrix/;ids=3;ids=4",
        "/matrix/;ids",  # "matrix | true | ;color" (empty): no ids
        "/label/.x,1,y,2",
        "/label/.x.1.y.2",  # OpenAPI 3.1.0's own table: ".R.100.G.200.B.150"
        "/simple/x=1,y=2",
        "/named/name,a%2Cb",  # RFC 6570 3.2.1: a comma of a value is pct-encoded
    ],
)
def test_a_path_in_its_style_is_accepted(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/matrix/3,4", "ids"),  # no `;ids=`: not matrix
        ("/matrix/;ids=3;ids=x", "ids"),  # an item the schema refuses
        ("/label/x,1,y,2", "point"),  # no leading `.`: not label
        ("/simple/x=1,z=2", "point"),  # a property the schema does not allow
        ("/simple/x,1", "point"),  # explode: each property name=value
    ],
)
def test_a_path_its_style_cannot_have_written_is_refused(
    client: TestClient, url: str, name: str
) -> None:
    refused(client.get(url), name)


def test_query_styles_are_accepted(client: TestClient) -> None:
    # "pipeDelimited | false | blue|black|brown"; "spaceDelimited | false | blue%20black%20brown";
    # "deepObject | true | color[R]=100&color[G]=200"; "form | false | color=R,100,G,200,B,150"
    query = "tags=1|2&ranks=3%204&near[x]=1&near[y]=2&at=x,5,y,6&limit=2147483647"
    assert client.get(f"/query?{query}").status_code == 200
    # an HTTP library given `x,5,y,6` as one value encodes its commas: read alike
    assert client.get("/query?at=x%2C5%2Cy%2C6").status_code == 200


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("tags=1|a", "tags"),
        ("near[z]=1", "near"),
        ("near[x]=1&near[x][y]=2", "near"),  # x is a value, then an object
        ("at=x,5,y", "at"),
        ("limit=2147483648", "limit"),  # int32's maximum is 2^31 - 1
    ],
)
def test_query_values_their_style_or_schema_refuse_are_refused(
    client: TestClient, query: str, name: str
) -> None:
    refused(client.get(f"/query?{query}"), name)


def test_headers_and_cookies_are_typed_and_split(client: TestClient) -> None:
    # "simple | false | blue,black,brown"; "simple | true | R=100,G=200,B=150"
    headers = {"X-Ids": "1,2", "X-Count": "3", "X-Point": "x=1,y=2"}
    assert client.get("/headers", headers=headers).status_code == 200
    refused(client.get("/headers", headers={"X-Count": "10"}), "X-Count")
    refused(client.get("/headers", headers={"X-Ids": "1,b"}), "X-Ids")
    response = client.get("/cookies", headers={"Cookie": "ids=1,2; count=7"})
    assert response.status_code == 200, response.text
    refused(client.get("/cookies", headers={"Cookie": "count=seven"}), "count")


def test_form_fields_are_typed_by_their_schema_and_encoding(client: TestClient) -> None:
    form = "page=-2147483648&canine=false&tags=1|2"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.post("/form", content=form, headers=headers).status_code == 200
    for refusal in ("page=2147483648", "canine=maybe", "tags=1|x"):
        response = client.post("/form", content=refusal, headers=headers)
        assert response.status_code == 422, (refusal, response.text)
        assert response.headers["content-type"] == "application/problem+json"


def test_the_document_is_served_as_written(client: TestClient) -> None:
    served = client.get("/openapi.json").json()
    assert served["paths"]["/query"]["get"]["parameters"][0]["style"] == "pipeDelimited"


@pytest.mark.parametrize(("url", "status"), [("/images/ubuntu-16-04-x64", 200), ("/images/4", 200)])
def test_a_path_value_of_several_types_is_read_as_the_first_that_reads_it(
    client: TestClient, url: str, status: int
) -> None:
    """`4` reads as the integer branch, `ubuntu-16-04-x64` as the slug: both valid (connexion's
    coercion made every value an integer: the slug was a 500)."""
    assert client.get(url).status_code == status


def test_a_path_value_no_type_reads_is_refused(client: TestClient) -> None:
    refused(client.get("/images/Ubuntu"), "image")  # not an integer, not a lower-case slug
