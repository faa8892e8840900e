"""The parts of a multipart/form-data body read by their media types and Encoding Objects.

OpenAPI 3.1.0, Media Type Object, "Special Considerations for `multipart` Content": "each schema
property, or each element of a schema array property, takes a section in the payload", and "the
following default `Content-Type`s are defined for `multipart`: If the property is a primitive,
or an array of primitive values, the default Content-Type is `text/plain`; If the property is
complex, or an array of complex values, the default Content-Type is `application/json`".
Encoding Object, `style`: "The behavior follows the same values as `query` parameters, including
default values. [...] If a value is explicitly defined, then the value of `contentType` (implicit
or explicit) SHALL be ignored." RFC 7578 4.4: "Each part MAY have an (optional) "Content-Type"
header field, which defaults to "text/plain"": a part that names its media type is read as it.
No 400 is declared, so a refusal is jobmock's 422 problem+json; a valid body, the 204 declared.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app
from tests.served_documents import serving

BOUNDARY = "parts-boundary"
ADDRESS = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
PROFILES = {
    "openapi": "3.1.0",
    "info": {"title": "profiles", "version": "1"},
    "components": {"schemas": {"Address": ADDRESS}},
    "paths": {
        "/profiles": {
            "put": {
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "address": {"$ref": "#/components/schemas/Address"},
                                    "children": {"type": "array", "items": {"type": "string"}},
                                    "addresses": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Address"},
                                    },
                                    "metadata": {"type": "string"},
                                    "tags": {"type": "array", "items": {"type": "integer"}},
                                    "color": {
                                        "type": "object",
                                        "properties": {
                                            "R": {"type": "integer"},
                                            "G": {"type": "integer"},
                                        },
                                    },
                                    "photo": {"type": "string", "format": "binary"},
                                },
                            },
                            "encoding": {
                                "tags": {"style": "form", "explode": False},
                                "color": {"style": "form"},
                            },
                        }
                    }
                },
                "responses": {"204": {"description": "stored"}},
            }
        }
    },
}

Part = tuple[str, str, str | None]  # name, content, the part's own Content-Type (None: none)


def body(*parts: Part, filename: str | None = None) -> bytes:
    chunks = []
    for name, content, media_type in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
        if media_type is not None:
            head += f"Content-Type: {media_type}\r\n"
        chunks.append(f"{head}\r\n{content}\r\n")
    return ("".join(chunks) + f"--{BOUNDARY}--\r\n").encode()


@pytest.fixture(scope="module")
def profiles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path: Path = tmp_path_factory.mktemp("profiles") / "profiles.json"
    path.write_text(json.dumps(PROFILES))
    with TestClient(create_app(Config(documents=(f"={path}",)))) as client:
        yield client


def put(client: TestClient, *parts: Part, filename: str | None = None) -> int:
    response = client.put(
        "/profiles",
        content=body(*parts, filename=filename),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    if response.status_code != 204:
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
    return int(response.status_code)


CITY = '{"city": "Oslo"}'


@pytest.mark.parametrize(
    "parts, status",
    [
        # an object's part: application/json, as its Content-Type says or by default
        ([("address", CITY, "application/json")], 204),
        ([("address", CITY, None)], 204),
        ([("address", CITY, "application/json; charset=utf-8")], 204),
        ([("address", "{}", "application/json")], 422),  # an object without its required city
        ([("address", "Oslo", "text/plain")], 422),  # text is a string, not an object
        ([("address", "{not json", "application/json")], 422),
        # a primitive's part is text/plain, read as its type is, as a form field
        ([("id", "7", None)], 204),
        ([("id", "seven", None)], 422),
        ([("id", "7", "application/json")], 204),
        ([("metadata", '{"a": 1}', "application/json")], 204),  # a string's text is a string
        # an array of primitives: a part per element
        ([("children", "Ann", None), ("children", "Bo", None)], 204),
        ([("children", "Ann", None)], 204),
        # an array of objects: each element's part JSON by default, or the array in one part
        ([("addresses", CITY, None), ("addresses", '{"city": "Rome"}', None)], 204),
        ([("addresses", f"[{CITY}]", "application/json")], 204),
        ([("addresses", CITY, None), ("addresses", '{"town": "Rome"}', None)], 422),
        # tags: style form, explode false: "blue,black,brown" (Parameter Object, Style Examples)
        ([("tags", "1,2,3", None)], 204),
        ([("tags", "1,x", None)], 422),
        # color: style form, explode true by default: "R=100&G=200", a part per property
        ([("R", "100", None), ("G", "200", None)], 204),
        ([("R", "red", None)], 422),
        # explicit style, and a part that says it is JSON: read as the JSON it says it is
        ([("color", '{"R": 1}', "application/json")], 204),
        ([("color", '{"R": "one"}', "application/json")], 422),
    ],
)
def test_each_part_is_read_by_its_media_type(
    profiles: TestClient, parts: list[Part], status: int
) -> None:
    assert put(profiles, *parts) == status


def test_a_file_part_is_a_string_whatever_its_media_type(profiles: TestClient) -> None:
    # 3.1.0: "If the property is a `type: string` with a `contentEncoding`, the default
    # Content-Type is `application/octet-stream`": a file's bytes are the string
    assert put(profiles, ("photo", "[1, 2]", "application/json"), filename="p.json") == 204


# @readme/oas-examples@8.2.2 schema-encoding-style.json (3.0 and 3.1), `PUT /form/primitive`: the
# body schemathesis 4.32.5 sent as valid and jobmock refused (an object part, style form, sent as
# the JSON `{}` with its own Content-Type application/json, and an empty primitive)
ENCODING_STYLE = {
    "openapi": "3.1.0",
    "info": {"title": "schema-encoding-style", "version": "1"},
    "paths": {
        "/form/primitive": {
            "put": {
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "primitive": {"type": "string"},
                                    "array": {"type": "array", "items": {"type": "string"}},
                                    "object": {
                                        "type": "object",
                                        "properties": {
                                            "foo": {"type": "string"},
                                            "bar": {"type": "string"},
                                        },
                                    },
                                },
                            },
                            "encoding": {
                                "primitive": {"style": "form"},
                                "array": {"style": "form"},
                                "object": {"style": "form"},
                            },
                        }
                    }
                },
                "responses": {"200": {"description": "OK"}},
            }
        }
    },
}


def test_the_corpus_body_schemathesis_sent_is_taken(tmp_path: Path) -> None:
    path = tmp_path / "schema-encoding-style.json"
    path.write_text(json.dumps(ENCODING_STYLE))
    with TestClient(create_app(Config(documents=(f"={path}",)))) as client:
        response = client.put(
            "/form/primitive",
            content=body(("primitive", "", None), ("object", "{}", "application/json")),
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
        exploded = client.put(
            "/form/primitive",
            content=body(("foo", "a", None), ("bar", "b", None), ("array", "x", None)),
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
    assert response.status_code == 200, response.text
    assert exploded.status_code == 200, exploded.text


TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x00"), max_size=20)


@settings(max_examples=30, deadline=None)
@given(number=st.integers(-(2**53), 2**53), city=TEXT, children=st.lists(TEXT, max_size=3))
def test_values_written_as_their_parts_read_back_valid(
    profiles: TestClient, number: int, city: str, children: list[str]
) -> None:
    # any valid value, written as the default Content-Types say, is taken
    parts: list[Part] = [
        ("id", str(number), None),
        ("address", json.dumps({"city": city}), None),
        *(("children", child, None) for child in children),
        ("addresses", json.dumps({"city": city}), "application/json"),
    ]
    assert put(profiles, *parts) == 204


@settings(max_examples=30, deadline=None)
@given(city=st.one_of(st.integers(), st.booleans(), st.lists(st.integers(), max_size=2)))
def test_an_object_part_whose_city_is_not_a_string_is_refused(
    profiles: TestClient, city: object
) -> None:
    assert put(profiles, ("address", json.dumps({"city": city}), None)) == 422


# Asana's POST /attachments: the body schema is a `$ref` to a component (AttachmentRequest), its
# boolean `connect_to_app` sent as the text part `false` (found by a random run against Asana's
# description: refused, "'false' is not of type 'boolean'")
ATTACHMENTS = {
    "openapi": "3.0.3",
    "info": {"title": "attachments", "version": "1"},
    "components": {
        "schemas": {
            "AttachmentRequest": {
                "type": "object",
                "required": ["parent"],
                "properties": {
                    "parent": {"type": "string"},
                    "connect_to_app": {"type": "boolean"},
                    "size": {"type": "integer"},
                },
            }
        }
    },
    "paths": {
        "/attachments": {
            "post": {
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {"$ref": "#/components/schemas/AttachmentRequest"}
                        }
                    }
                },
                "responses": {"204": {"description": "attached"}},
            }
        }
    },
}


@pytest.mark.parametrize(
    "parts, status",
    [
        ([("parent", "", None), ("connect_to_app", "false", None)], 204),
        ([("parent", "12", None), ("size", "3", None)], 204),
        ([("parent", "12", None), ("connect_to_app", "maybe", None)], 422),
        ([("connect_to_app", "true", None)], 422),  # the required parent left out
    ],
)
def test_the_parts_of_a_body_schema_given_by_ref_are_typed(
    tmp_path: Path, parts: list[Part], status: int
) -> None:
    with serving(tmp_path, ATTACHMENTS) as client:
        response = client.post(
            "/attachments",
            content=body(*parts),
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
    assert response.status_code == status, response.text
