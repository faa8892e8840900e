"""Request bodies whose `oneOf`/`anyOf` carries a discriminator: the branch its value names decides.

OpenAPI 3.0.3 and 3.1.0, Schema Object: "the `discriminator` will be the name of the property that
decides which schema definition validates the structure of the model". Discriminator Object: "If
the discriminator _value_ does not match an implicit or explicit mapping, no schema can be
determined and validation SHOULD fail." The documents below give branches that differ only in the
discriminator's value, as @readme/oas-examples' discriminators.json does: JSON Schema's `oneOf`
alone matches both and refuses every such body.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.http.discriminators import has_discriminator, pinned
from jobmock.serving.app import create_app

OPTIONS = {  # two branches only the discriminator's value tells apart
    "One": {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string"}, "one": {"type": "number"}},
    },
    "Two": {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string"}, "two": {"type": "string"}},
    },
}


def body(discriminator: dict[str, Any], keyword: str = "oneOf") -> dict[str, Any]:
    return {
        keyword: [{"$ref": "#/components/schemas/One"}, {"$ref": "#/components/schemas/Two"}],
        "discriminator": discriminator,
    }


BODIES = {
    "/implicit": body({"propertyName": "kind"}),
    "/mapped": body(
        {
            "propertyName": "kind",
            "mapping": {"first": "#/components/schemas/One", "second": "#/components/schemas/Two"},
        }
    ),
    "/named": body({"propertyName": "kind", "mapping": {"first": "One", "second": "Two"}}),
    "/any": body({"propertyName": "kind"}, "anyOf"),
}


def document(version: str) -> dict[str, Any]:
    operation = {"responses": {"200": {"description": "taken"}}}
    return {
        "openapi": version,
        "info": {"title": "shapes", "version": "1"},
        "paths": {
            path: {
                "patch": {
                    **operation,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": schema}},
                    },
                }
            }
            for path, schema in BODIES.items()
        },
        "components": {"schemas": OPTIONS},
    }


@pytest.fixture(scope="module", params=["3.0.3", "3.1.0"])
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    import json

    path = tmp_path_factory.mktemp("discriminators") / "shapes.json"
    path.write_text(json.dumps(document(request.param)))
    with TestClient(create_app(Config(documents=(f"={path}",)))) as served:
        yield served


# value -> branch it names, per operation (None: no branch; validation SHOULD fail)
NAMED: dict[str, dict[str, str]] = {
    "/implicit": {"One": "One", "Two": "Two"},  # implicit: the schema's name
    "/any": {"One": "One", "Two": "Two"},
    "/mapped": {"first": "One", "second": "Two"},  # explicit mapping by reference
    "/named": {"first": "One", "second": "Two"},  # 3.0.3: "mappings between payload values and
    # schema names or references"
}


@pytest.mark.parametrize("path", sorted(BODIES))
def test_the_value_a_discriminator_names_selects_its_branch(client: TestClient, path: str) -> None:
    for value in NAMED[path]:
        response = client.patch(path, json={"kind": value})
        assert response.status_code == 200, (path, value, response.text)


@pytest.mark.parametrize("path", sorted(BODIES))
def test_a_value_naming_no_branch_is_refused(client: TestClient, path: str) -> None:
    response = client.patch(path, json={"kind": "Three"})
    assert response.status_code == 422  # no 400 declared: problem+json (README, "Your own API")
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "https://jobmock.dev/problems/invalid-body"


@pytest.mark.parametrize("path", ["/mapped", "/named"])
def test_a_mapped_schemas_own_name_is_not_its_value(client: TestClient, path: str) -> None:
    # 3.1.0, Discriminator Object: "the discriminator _value_ of `dog` will map to the schema
    # `Dog`, rather than the default (implicit) value of `Dog`"
    assert client.patch(path, json={"kind": "Two"}).status_code == 422


def test_the_chosen_branch_still_validates_the_body(client: TestClient) -> None:
    # "Two" names Two, whose `two` is a string; One would take it, but One is not named
    response = client.patch("/implicit", json={"kind": "Two", "two": {}})
    assert response.status_code == 422
    assert response.json()["detail"] == "{} is not of type 'string' (at /two)"
    assert client.patch("/implicit", json={"kind": "One", "two": {}}).status_code == 200


def test_the_discriminator_property_is_required(client: TestClient) -> None:
    # 3.1.0, Schema Object: "the `discriminator` field MUST be a required field"
    assert client.patch("/implicit", json={"one": 1}).status_code == 422


KINDS = st.one_of(
    st.sampled_from(["One", "Two", "first", "second", "one", ""]), st.text(max_size=6)
)


@settings(max_examples=60)
@given(value=KINDS)
def test_a_body_is_taken_exactly_when_its_value_names_a_branch(
    client: TestClient, value: str
) -> None:
    for path, names in NAMED.items():
        response = client.patch(path, json={"kind": value})
        assert (response.status_code == 200) == (value in names), (path, value)


def test_a_branch_left_inline_is_checked_as_written() -> None:
    # 3.1.0: "When using the discriminator, _inline_ schemas will not be considered"
    schema = {
        "oneOf": [{"$ref": "#/components/schemas/One"}, {"type": "integer"}],
        "discriminator": {"propertyName": "kind"},
        "components": {"schemas": OPTIONS},
    }
    view = Draft202012Validator(pinned(schema))
    assert view.is_valid(3)
    assert view.is_valid({"kind": "One"})
    assert not view.is_valid({"kind": "Two"})


def test_resolved_branches_are_named_by_their_components() -> None:
    # connexion resolves `$ref`s by updating the ref's node with its component's items
    components = {name: dict(schema) for name, schema in OPTIONS.items()}
    one, two = dict(components["One"]), dict(components["Two"])
    schema = {
        "oneOf": [one, two],
        "discriminator": {"propertyName": "kind"},
        "components": {"schemas": components},
    }
    view = Draft202012Validator(pinned(schema))
    assert view.is_valid({"kind": "Two"})
    assert not view.is_valid({"kind": "Three"})
    assert schema["oneOf"] == [one, two]  # the schema itself is left as it was


def test_a_schema_without_a_discriminator_is_not_copied() -> None:
    assert not has_discriminator(
        {"oneOf": [{"type": "string"}], "components": {"schemas": OPTIONS}}
    )
    cyclic: dict[str, Any] = {"type": "object", "properties": {}}
    cyclic["properties"]["self"] = cyclic
    assert not has_discriminator(cyclic)
    cyclic["properties"]["shape"] = body({"propertyName": "kind"})
    assert has_discriminator(cyclic)


def test_a_nested_discriminator_decides_its_own_branches() -> None:
    # discriminators.json's `PATCH /improper-discriminator-placement`: a discriminator on a nested
    # property whose branches do not declare it; the property still decides the branch
    schemas = {
        "gcsImport": {"type": "object", "properties": {"gcs_bucket": {"type": "string"}}},
        "s3Import": {"type": "object", "properties": {"s3_bucket": {"type": "string"}}},
    }
    nested = {
        "type": "object",
        "properties": {
            "connector_properties": {
                "type": "object",
                "oneOf": [
                    {"$ref": "#/components/schemas/gcsImport"},
                    {"$ref": "#/components/schemas/s3Import"},
                ],
                "discriminator": {"propertyName": "connector_type"},
            }
        },
        "components": {"schemas": schemas},
    }
    view = Draft202012Validator(pinned(nested))
    assert view.is_valid({"connector_properties": {"connector_type": "s3Import", "s3_bucket": ""}})
    assert not view.is_valid({"connector_properties": {"s3_bucket": ""}})
    assert not view.is_valid({"connector_properties": {"connector_type": "azure"}})


def test_a_branch_is_not_named_by_a_component_it_only_resembles() -> None:
    # `{"type": "object"}` shares only an (interned) string with a branch: not its component
    components: dict[str, dict[str, Any]] = {"Bare": {"type": "object"}}
    components.update({n: dict(s) for n, s in OPTIONS.items()})
    schema = {
        "oneOf": [dict(components["One"]), dict(components["Two"])],
        "discriminator": {"propertyName": "kind"},
        "components": {"schemas": components},
    }
    view = Draft202012Validator(pinned(schema))
    assert view.is_valid({"kind": "One"})
    assert not view.is_valid({"kind": "Bare"})


# Answers: a value generated for a discriminated schema carries a value that names the branch it
# was generated from, so a client (and this mock, given it back) reads it as that branch.
# Discriminator Object, `mapping`: "An object to hold mappings between payload values and schema
# names or references"; 3.1.0: "the discriminator value of `dog` will map to the schema `Dog`,
# rather than the default (implicit) value of `Dog`".
ANSWERED = {
    **BODIES,
    "/partly": body({"propertyName": "kind", "mapping": {"first": "One"}}),  # Two: implicit
}
ANSWER_VALUES = {**NAMED, "/partly": {"first": "One", "Two": "Two"}}


def answers_document(version: str) -> dict[str, Any]:
    def answered(schema: dict[str, Any]) -> dict[str, Any]:
        content = {"application/json": {"schema": schema}}
        return {"responses": {"200": {"description": "a shape", "content": content}}}

    def taken(schema: dict[str, Any]) -> dict[str, Any]:
        content = {"application/json": {"schema": schema}}
        return {
            "requestBody": {"required": True, "content": content},
            "responses": {"204": {"description": "taken"}},
        }

    return {
        "openapi": version,
        "info": {"title": "answers", "version": "1"},
        "paths": {
            path: {"get": answered(schema), "put": taken(schema)}
            for path, schema in ANSWERED.items()
        },
        "components": {"schemas": OPTIONS},
    }


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_generated_answer_names_its_branch_by_the_mapping(tmp_path: Any, version: str) -> None:
    import json

    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers_document(version)))
    with TestClient(create_app(Config(documents=(f"={path}",), seed=3))) as served:
        for route, values in ANSWER_VALUES.items():
            for _ in range(8):
                answer = served.get(route, headers={"Prefer": "dynamic=true"})
                assert answer.status_code == 200, answer.text
                assert answer.json()["kind"] in values, (route, answer.json())
                # the answer, sent back, is the branch it names: taken
                assert served.put(route, json=answer.json()).status_code == 204


# OpenAPI 3.1.0, Discriminator Object: "the discriminator MAY be added to a parent schema
# definition, and all schemas comprising the parent schema in an `allOf` construct may be used as
# an alternate schema", with its example (below, as written there): `{"petType": "Cat", "name":
# "misty"}` "will indicate that the `Cat` schema be used", and `{"petType": "dog", "bark": "soft"}`
# "will map to `Dog` because of the definition in the `mapping` element".
PET_COMPONENTS: dict[str, Any] = {
    "Pet": {
        "type": "object",
        "required": ["petType"],
        "properties": {"petType": {"type": "string"}},
        "discriminator": {"propertyName": "petType", "mapping": {"dog": "Dog"}},
    },
    "Cat": {
        "allOf": [
            {"$ref": "#/components/schemas/Pet"},
            {"type": "object", "properties": {"name": {"type": "string"}}},
        ]
    },
    "Dog": {
        "allOf": [
            {"$ref": "#/components/schemas/Pet"},
            {"type": "object", "properties": {"bark": {"type": "string"}}},
        ]
    },
    "Lizard": {
        "allOf": [
            {"$ref": "#/components/schemas/Pet"},
            {"type": "object", "properties": {"lovesRocks": {"type": "boolean"}}},
        ]
    },
}
ANY_PET = {
    "oneOf": [
        {"$ref": "#/components/schemas/Cat"},
        {"$ref": "#/components/schemas/Dog"},
        {"$ref": "#/components/schemas/Lizard"},
    ]
}
PET_ROUTES = {"/pets": ANY_PET, "/dogs": {"$ref": "#/components/schemas/Dog"}}


@pytest.fixture(scope="module", params=["3.0.3", "3.1.0"])
def pets(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    import json

    content = {"application/json": {"schema": ANY_PET}}
    document = {
        **answers_document(request.param),
        "paths": {
            route: {
                "get": {
                    "responses": {
                        "200": {
                            "description": "a pet",
                            "content": {"application/json": {"schema": schema}},
                        }
                    }
                }
            }
            for route, schema in PET_ROUTES.items()
        }
        | {
            "/pet": {
                "put": {
                    "requestBody": {"required": True, "content": content},
                    "responses": {"204": {"description": "taken"}},
                }
            }
        },
        "components": {"schemas": PET_COMPONENTS},
    }
    path = tmp_path_factory.mktemp("pets") / "pets.json"
    path.write_text(json.dumps(document))
    with TestClient(create_app(Config(documents=(f"={path}",), seed=5))) as served:
        yield served


@pytest.mark.parametrize(
    "pet, status",
    [
        ({"petType": "Cat", "name": "misty"}, 204),  # the specification's two payloads
        ({"petType": "dog", "bark": "soft"}, 204),
        ({"petType": "Lizard", "lovesRocks": True}, 204),
        ({"petType": "Dog", "bark": "soft"}, 422),  # mapped away: `dog` names Dog
        ({"petType": "Cat", "name": 7}, 422),  # Cat's own schema still applies
        ({"petType": "Snake"}, 422),  # "no schema can be determined and validation SHOULD fail"
    ],
)
def test_a_parents_discriminator_decides_the_branch_of_a_request(
    pets: TestClient, pet: dict[str, Any], status: int
) -> None:
    assert pets.put("/pet", json=pet).status_code == status


def test_answers_name_their_branch_by_a_parents_discriminator(pets: TestClient) -> None:
    for _ in range(8):
        dog = pets.get("/dogs", headers={"Prefer": "dynamic=true"})
        assert dog.status_code == 200, dog.text
        assert dog.json()["petType"] == "dog"  # Dog alone: the value the mapping gives it
        pet = pets.get("/pets", headers={"Prefer": "dynamic=true"})
        assert pet.status_code == 200, pet.text  # before: 501, no value fits exactly one branch
        assert pet.json()["petType"] in ("Cat", "dog", "Lizard")
        assert pets.put("/pet", json=pet.json()).status_code == 204
