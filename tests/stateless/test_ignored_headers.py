"""Header parameters named Accept, Content-Type or Authorization, and a response header named
Content-Type: definitions OpenAPI says to ignore, ignored everywhere.

OpenAPI 3.1.0 (and 3.0.3), Parameter Object, `name`: "If `in` is `"header"` and the `name` field
is `"Accept"`, `"Content-Type"` or `"Authorization"`, the parameter definition SHALL be ignored."
Response Object, `headers`: "If a response header is defined with the name `"Content-Type"`, it
SHALL be ignored." The document below is DigitalOcean's `POST /v2/apps` cut down: its `Accept`
parameter lists `application/yaml`, which none of its responses declares.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app
from jobmock.serving.banner import example_request

ERROR = {"id": "example_error", "message": "some error message"}
ACCEPT = {
    "in": "header",
    "name": "Accept",
    "required": True,
    "schema": {"type": "string", "enum": ["application/json", "application/yaml"]},
}
APPS: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "apps", "version": "2"},
    "components": {"parameters": {"accept": ACCEPT}},
    "paths": {
        "/v2/apps": {
            "parameters": [
                {
                    "in": "header",
                    "name": "authorization",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^Token "},
                }
            ],
            "post": {
                "parameters": [
                    {"$ref": "#/components/parameters/accept"},
                    {
                        "in": "header",
                        "name": "Content-Type",
                        "required": True,
                        "schema": {"type": "string", "enum": ["application/yaml"]},
                    },
                    {"in": "header", "name": "X-Trace", "schema": {"type": "integer"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"name": {"type": "string"}},
                                "required": ["name"],
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "the app",
                        "headers": {
                            "Content-Type": {"schema": {"type": "string", "enum": ["text/csv"]}}
                        },
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"id": {"type": "string"}},
                                    "required": ["id"],
                                },
                                "example": {"id": "app-1"},
                            }
                        },
                    },
                    "default": {
                        "description": "unexpected error",
                        "content": {"application/json": {"example": ERROR}},
                    },
                },
            },
        },
        "/v2/apps/regions": {
            "get": {
                "parameters": [{"$ref": "#/components/parameters/accept"}],
                "responses": {
                    "200": {
                        "description": "the regions",
                        "content": {"application/json": {"example": {"regions": []}}},
                    }
                },
            }
        },
    },
}


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path: Path = tmp_path_factory.mktemp("apps") / "apps.json"
    path.write_text(json.dumps(APPS))
    with TestClient(create_app(Config(documents=(f"={path}",)))) as client:
        yield client


def test_required_ignored_parameters_are_not_required(apps: TestClient) -> None:
    # neither Authorization's pattern nor Content-Type's enum nor Accept's: the body is JSON
    answer = apps.post("/v2/apps", json={"name": "web"}, headers={"Accept": "*/*"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": "app-1"}


@settings(max_examples=25, deadline=None)
@given(value=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=12))
def test_any_value_of_an_ignored_authorization_parameter_is_taken(
    apps: TestClient, value: str
) -> None:
    answer = apps.post("/v2/apps", json={"name": "web"}, headers={"Authorization": value})
    assert answer.status_code == 200, answer.text


def test_a_parameter_not_ignored_is_still_checked(apps: TestClient) -> None:
    answer = apps.post("/v2/apps", json={"name": "web"}, headers={"X-Trace": "many"})
    assert answer.status_code == 422  # no 400 or 422 declared; `default` is the error's body
    assert answer.json() == ERROR


def test_the_response_content_type_is_its_media_type_not_the_declared_header(
    apps: TestClient,
) -> None:
    answer = apps.post("/v2/apps", json={"name": "web"})
    assert answer.headers["content-type"] == "application/json"


def test_an_accept_only_the_ignored_parameter_lists_is_not_acceptable(apps: TestClient) -> None:
    # RFC 9110 12.5.1: "If the header field is present in a request and none of the available
    # representations for the response have a media type that is listed as acceptable, the
    # origin server can either honor the header field by sending a 406 (Not Acceptable) response
    # or disregard the header field". The Accept parameter's `application/yaml` is no
    # representation (its definition is ignored), so the only one is application/json: jobmock
    # honours the header, as it does for any Accept its responses cannot meet (Prism 5 answers
    # 406 here too), with the operation's documented body for it, `default`'s.
    answer = apps.post("/v2/apps", json={"name": "web"}, headers={"Accept": "application/yaml"})
    assert answer.status_code == 406
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == ERROR


def test_the_served_document_leaves_the_ignored_parameters_out(apps: TestClient) -> None:
    served = apps.get("/openapi.json").json()
    item = served["paths"]["/v2/apps"]
    assert item["parameters"] == []
    assert item["post"]["parameters"] == [
        {"in": "header", "name": "X-Trace", "schema": {"type": "integer"}}
    ]
    assert served["components"]["parameters"] == {"accept": ACCEPT}  # components as written


def test_an_operation_with_only_ignored_parameters_has_nothing_to_refuse(apps: TestClient) -> None:
    # no input is checked, so no 422 is inferred for it (jobmock.stateless.refusals)
    served = apps.get("/openapi.json").json()
    assert list(served["paths"]["/v2/apps/regions"]["get"]["responses"]) == ["200"]
    assert apps.get("/v2/apps/regions").json() == {"regions": []}


def test_the_banner_curl_line_may_leave_an_ignored_required_parameter_out() -> None:
    inline = {"in": "header", "name": "Accept", "required": True, "schema": {"type": "string"}}
    document = {"paths": {"/v2/apps/regions": {"get": {"parameters": [inline], "responses": {}}}}}
    assert example_request(document, "apps") == ("/v2/apps/regions", {})
