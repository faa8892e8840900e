"""The smallest value of a large schema: required properties only, valid, the same for a seed
whichever answer asks first, and Hypothesis still behind what the walk cannot build."""

from __future__ import annotations

import functools
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.http.validators import FORMAT_CHECKER
from jobmock.serving.app import create_app
from jobmock.stateless.smallest import SIZE, Unbuilt, is_large, seeded_leaves, size, smallest
from jobmock.stateless.values import Generator, leaf_value
from jobmock.stateless.views import response_schema

# GitHub's issue, cut down (api.github.com.json, components/schemas/issue, as jobmock serves a
# 3.0 document: nullable upgraded to a null branch): a nullable $ref, a required array of a oneOf,
# an optional recursive property, formats, and an integer format's bounds
ISSUE_DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "components": {
        "schemas": {
            "simple-user": {
                "type": "object",
                "required": ["login", "id", "url", "type"],
                "properties": {
                    "login": {"type": "string", "example": "octocat"},
                    "id": {"type": "integer", "format": "int64", "example": 1},
                    "url": {"type": "string", "format": "uri"},
                    "type": {"type": "string", "example": "User"},
                    "email": {"type": ["string", "null"]},
                },
            },
            "nullable-simple-user": {
                "anyOf": [{"$ref": "#/components/schemas/simple-user"}, {"type": "null"}]
            },
            "issue": {
                "type": "object",
                "required": ["id", "number", "state", "title", "user", "labels", "created_at"],
                "properties": {
                    "id": {"type": "integer", "format": "int64"},
                    "number": {"type": "integer", "example": 42},
                    "state": {"type": "string", "example": "open"},
                    "state_reason": {
                        "type": ["string", "null"],
                        "enum": ["completed", "reopened", None],
                    },
                    "title": {"type": "string", "example": "Widget creation fails"},
                    "user": {"$ref": "#/components/schemas/nullable-simple-user"},
                    "labels": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "oneOf": [
                                {"type": "string", "minLength": 3},
                                {"type": "object", "properties": {"name": {"type": "string"}}},
                            ]
                        },
                    },
                    "parent": {"$ref": "#/components/schemas/issue"},
                    "created_at": {"type": "string", "format": "date-time"},
                },
            },
        }
    },
}
ISSUES = {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/issue"}}


@functools.cache
def leaves(seed: int = 0) -> Any:
    """Leaf values of a seed, kept across tests (a leaf's value depends on its schema only)."""
    return seeded_leaves(str(seed), leaf_value)


def valid(schema: Any, value: Any) -> bool:
    return bool(Draft202012Validator(schema, format_checker=FORMAT_CHECKER).is_valid(value))


def test_an_issue_list_is_one_issue_with_its_required_properties_and_their_examples() -> None:
    schema = response_schema(ISSUES, ISSUE_DOCUMENT)
    value = smallest(schema, leaves())
    assert valid(schema, value)
    [issue] = value  # minItems: 1 (a list answered has one item anyway)
    assert sorted(issue) == ["created_at", "id", "labels", "number", "state", "title", "user"]
    # the schema's own examples where it gives them; 0 where not
    assert (issue["number"], issue["state"], issue["title"]) == (
        42,
        "open",
        "Widget creation fails",
    )
    assert issue["id"] == 0
    assert sorted(issue["user"]) == ["id", "login", "type", "url"]  # the $ref, not null
    assert (issue["user"]["login"], issue["user"]["id"]) == ("octocat", 1)
    assert len(issue["labels"]) == 1 and isinstance(issue["labels"][0], str)
    assert len(issue["labels"][0]) >= 3


def test_the_same_seed_gives_the_same_value_whichever_schema_is_built_first() -> None:
    issues = response_schema(ISSUES, ISSUE_DOCUMENT)
    user = response_schema({"$ref": "#/components/schemas/simple-user"}, ISSUE_DOCUMENT)
    first, second = seeded_leaves("5", leaf_value), seeded_leaves("5", leaf_value)
    one = (smallest(issues, first), smallest(user, first))
    other_user = smallest(user, second)
    assert (smallest(issues, second), other_user) == one


def test_a_required_cycle_with_a_null_branch_ends_in_null() -> None:
    document = {
        "components": {
            "schemas": {
                "node": {
                    "type": "object",
                    "required": ["next"],
                    "properties": {
                        "next": {"anyOf": [{"$ref": "#/components/schemas/node"}, {"type": "null"}]}
                    },
                }
            }
        }
    }
    schema = response_schema({"$ref": "#/components/schemas/node"}, document)
    assert smallest(schema, leaves()) == {"next": None}


def test_a_required_cycle_nothing_breaks_is_unbuilt() -> None:
    document = {
        "components": {
            "schemas": {
                "node": {
                    "type": "object",
                    "required": ["next"],
                    "properties": {"next": {"$ref": "#/components/schemas/node"}},
                }
            }
        }
    }
    with pytest.raises(Unbuilt):
        smallest(response_schema({"$ref": "#/components/schemas/node"}, document), leaves())


def test_a_discriminators_pinned_value_wins() -> None:
    document = {
        "components": {
            "schemas": {
                "pet": {
                    "oneOf": [{"$ref": "#/components/schemas/cat"}],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {"feline": "#/components/schemas/cat"},
                    },
                },
                "cat": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {"kind": {"type": "string", "enum": ["cat", "feline"]}},
                },
            }
        }
    }
    schema = response_schema({"$ref": "#/components/schemas/pet"}, document)
    assert smallest(schema, leaves()) == {"kind": "feline"}


def test_what_the_walk_does_not_model_is_unbuilt() -> None:
    for schema in (
        {"not": {"type": "string"}},
        {"type": "array", "minItems": 2, "uniqueItems": True, "items": {"type": "integer"}},
        {"type": "integer", "enum": ["a"]},  # the first enum value, refused by its type
    ):
        with pytest.raises(Unbuilt):
            smallest(schema, leaves())


def large(properties: int) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["a0"],
        "properties": {f"a{i}": {"type": "string", "maxLength": 5} for i in range(properties)},
    }


def test_a_schema_is_large_from_its_size() -> None:
    assert size(large(3)) == 5  # the object, its properties, three strings
    assert not is_large(large(3))
    assert is_large(large(SIZE))


def test_the_generator_answers_a_large_schema_with_its_smallest_value() -> None:
    value = Generator(0).value("op", large(SIZE))
    assert list(value) == ["a0"] and len(value["a0"]) <= 5
    fresh = Generator(0).value("op", large(SIZE), fresh=True)
    assert list(fresh) == ["a0"]


# -- any schema: the walk's value is valid, and it builds every schema it models ----------------

_LEAVES = st.sampled_from(
    [
        {"type": "string"},
        {"type": "string", "minLength": 2, "maxLength": 4},
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "uuid"},
        {"type": "string", "pattern": "^[a-f0-9]{6}$"},
        {"type": "string", "example": "octocat"},
        {"type": "integer", "minimum": 3},
        {"type": "integer", "exclusiveMaximum": -2},
        {"type": "number", "minimum": 0.5, "multipleOf": 0.25},
        {"type": "boolean"},
        {"type": "null"},
        {"type": ["integer", "null"]},
        {"enum": ["b", "a"]},
        {"const": 7},
        {"anyOf": [{"$ref": "#/$defs/leaf"}, {"type": "null"}]},
    ]
)


def _object(children: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": children,
        "required": [n for n in required if n in children],
    }


_TWO_OBJECTS = st.just(
    {
        "allOf": [
            _object({"p": {"type": "string"}}, ["p"]),
            _object({"q": {"type": "integer"}}, ["q"]),
        ]
    }
)
_NAMES = st.sampled_from("pqrs")


def _array(items: Any, count: int) -> dict[str, Any]:
    return {"type": "array", "items": items, "minItems": count}


_SCHEMAS = st.recursive(
    _LEAVES | _TWO_OBJECTS,
    lambda inner: (
        st.builds(_object, st.dictionaries(_NAMES, inner, max_size=3), st.lists(_NAMES))
        | st.builds(_array, inner, st.integers(0, 2))
        | st.builds(lambda a, b: {"oneOf": [a, b]}, inner, inner)
    ),
    max_leaves=6,
)


DEFS = {"$defs": {"leaf": {"type": "string", "maxLength": 3}}}
SEEDS = range(4)


@pytest.fixture(scope="module")
def drawn_leaves() -> None:
    """Every leaf's strings drawn before the property test: Hypothesis does not nest in @given."""
    for seed in SEEDS:
        for schema in [*_LEAVES.elements, DEFS["$defs"]["leaf"]]:  # type: ignore[attr-defined]
            smallest({**schema, **DEFS}, leaves(seed))


@settings(max_examples=150, deadline=None)
@given(_SCHEMAS, st.sampled_from(SEEDS))
def test_any_modelled_schema_is_built_valid(
    drawn_leaves: None, schema: dict[str, Any], seed: int
) -> None:
    root = {**schema, **DEFS}
    try:
        value = smallest(root, leaves(seed))
    except Unbuilt:
        # a oneOf whose two branches both take the value built: the one thing left to Hypothesis
        assert "oneOf" in str(root)
        return
    assert valid(root, value)


def test_leaves_are_kept_and_seeded() -> None:
    draws: list[str] = []

    def draw(schema: Any, rng: random.Random) -> str:
        draws.append(str(schema))
        return str(rng.random())

    one, other = seeded_leaves("1", draw), seeded_leaves("1", draw)
    leaf = {"type": "string"}
    assert one(leaf, "k") == one(leaf, "k") == other(leaf, "k")
    assert len(draws) == 2  # once per Leaf function, then kept
    assert seeded_leaves("2", draw)(leaf, "k") != one(leaf, "k")


def test_a_list_answered_shows_one_item_and_a_nested_list_its_min_items() -> None:
    schema = {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["tags"],
            "properties": {"tags": {"type": "array", "items": {"type": "string"}}},
        },
    }
    assert smallest(schema, leaves()) == [{"tags": []}]
    assert smallest({"type": "array", "maxItems": 0}, leaves()) == []


# -- served: a large operation answers its smallest value, the same whichever request is first ---


def large_document() -> dict[str, Any]:
    """Two operations answering large schemas (GitHub's issue, cut down, with 40 optional
    properties more) and one small one."""
    components = json.loads(json.dumps(ISSUE_DOCUMENT["components"]))
    extra = {f"field_{i}": {"type": "string", "format": "uri"} for i in range(SIZE)}
    components["schemas"]["issue"]["properties"].update(extra)

    def answers(schema: Any) -> dict[str, Any]:
        content = {"application/json": {"schema": schema}}
        return {"responses": {"200": {"description": "ok", "content": content}}}

    return {
        "openapi": "3.1.0",
        "info": {"title": "issues", "version": "1"},
        "paths": {
            "/issues": {"get": {"operationId": "listIssues", **answers(ISSUES)}},
            "/issues/{number}": {
                "parameters": [
                    {
                        "name": "number",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "get": {
                    "operationId": "getIssue",
                    **answers({"$ref": "#/components/schemas/issue"}),
                },
            },
            "/zen": {"get": {"operationId": "zen", **answers({"type": "string"})}},
        },
        "components": components,
    }


def test_a_large_answer_is_its_smallest_value_the_same_whichever_request_comes_first(
    tmp_path: Path,
) -> None:
    document = tmp_path / "issues.json"
    document.write_text(json.dumps(large_document()))
    config = Config(documents=(f"={document}",), seed=3)
    with TestClient(create_app(config)) as one, TestClient(create_app(config)) as other:
        first = (one.get("/issues").json(), one.get("/issues/1").json(), one.get("/zen").json())
        later = (
            other.get("/zen").json(),
            other.get("/issues/1").json(),
            other.get("/issues").json(),
        )
        assert first == later[::-1]
    issues, issue, _ = first
    assert issues == [issue]  # one item, the same issue: its strings are seeded by their schemas
    assert sorted(issue) == ["created_at", "id", "labels", "number", "state", "title", "user"]
    schema = response_schema(ISSUES, large_document())
    assert valid(schema, issues)


def test_a_large_answer_asked_for_dynamically_is_fresh_and_valid(tmp_path: Path) -> None:
    document = tmp_path / "issues.json"
    document.write_text(json.dumps(large_document()))
    with TestClient(create_app(Config(documents=(f"={document}",)))) as client:
        dynamic = {"Prefer": "dynamic=true"}
        one, other = (client.get("/issues/1", headers=dynamic).json() for _ in range(2))
    schema = response_schema({"$ref": "#/components/schemas/issue"}, large_document())
    assert valid(schema, one) and valid(schema, other)
    assert one["created_at"] != other["created_at"]  # strings drawn afresh
