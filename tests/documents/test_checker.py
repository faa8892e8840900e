"""jobmock's OpenAPI check is openapi-spec-validator's, with sets where it keeps lists and
jsonschema-rs asked first for each Schema Object's meta-check: the same errors, in the same order,
with the same messages."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import SchemaError, ValidationError
from openapi_schema_validator import OAS30Validator, OAS31Validator, oas31_format_checker
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from jobmock.documents.checker import SeenSchemas, checker_for, compiled_meta_check
from jobmock.documents.reader import read
from jobmock.stateless.documents import nested
from jobmock.validate.openapi import schema_roots


def document(version: str, **changes: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/pets/{id}": {
                "get": {
                    "operationId": "pet",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "a pet",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "friend": {"$ref": "#/components/schemas/Pet"},
                        "age": {"type": "integer", "minimum": 0, "default": 1},
                    },
                }
            }
        },
    }
    for where, value in changes.items():
        *path, last = where.split("__")
        node = found
        for part in path:
            node = node[part]
        node[last] = value
    return found


BROKEN: dict[str, dict[str, Any]] = {
    "valid": {},
    "duplicate-operation-id": {
        "paths__/pets/{id}__post": {
            "operationId": "pet",
            "responses": {"204": {"description": "ok"}},
        }
    },
    "default-of-the-wrong-type": {
        "components__schemas__Pet__properties__age__default": "one",
    },
    "schema-keyword-of-the-wrong-type": {
        "components__schemas__Pet__properties__name__type": 5,
    },
    "undeclared-path-parameter": {"paths__/pets/{id}__get__parameters": []},
    "no-info": {"info": None},
}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_same_errors_as_openapi_spec_validator(version: str, case: str) -> None:
    given = document(version, **BROKEN[case])
    theirs_cls = OpenAPIV31SpecValidator if version == "3.1.0" else OpenAPIV30SpecValidator
    theirs = [
        (list(e.absolute_path), e.message) for e in theirs_cls(copy.deepcopy(given)).iter_errors()
    ]
    ours = [(list(e.absolute_path), e.message) for e in checker_for(version)(given).iter_errors()]
    assert ours == theirs
    assert bool(theirs) is (case != "valid")


def test_checked_schemas_are_kept_in_sets() -> None:
    checker = checker_for("3.0.3")(document("3.0.3"))
    assert list(checker.iter_errors()) == []
    schemas: Any = checker.keyword_validators_registry["schema"]
    assert isinstance(schemas.visited_schema_ids, SeenSchemas)
    assert isinstance(schemas.meta_checked_schema_ids, SeenSchemas)
    assert len(schemas.visited_schema_ids) >= 4  # the parameter's, Pet and its properties


# -- the compiled meta-check: jsonschema-rs's verdict first, the same as Python's ---------------

ROOT = Path(__file__).resolve().parents[2]


def python_meta_checks() -> dict[str, Any]:
    """openapi-spec-validator's meta-check of a Schema Object, by OpenAPI version (what
    `_get_schema_checker` hands out for a schema of the default dialect)."""
    return {
        "3.0": OAS30Validator.check_schema,
        "3.1": functools.partial(OAS31Validator.check_schema, format_checker=oas31_format_checker),
    }


def refused(check: Any, schema: Any) -> bool:
    try:
        check(schema)
    except (SchemaError, ValidationError):
        return True
    return False


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_the_meta_check_is_compiled(version: str) -> None:
    python = python_meta_checks()[version]
    assert compiled_meta_check(python) is not python


_KEYWORDS = st.sampled_from(
    ["type", "minimum", "exclusiveMinimum", "maxLength", "pattern", "items", "required", "enum",
     "nullable", "properties", "format", "$ref", "additionalProperties", "allOf", "x-note"]
)  # fmt: skip
_PATTERNS = st.sampled_from(
    ["^a+$", "(", "[a-z", "\\p{L}", "(?<n>a)", "(?P<n>a)", "\\d{2}", "a{2,1}", "\\cA", "(?i)a"]
)  # Python's and ECMA's regexes part ways on some of these: the format check is Python's
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=3) | _PATTERNS
    | st.sampled_from(["string", "integer", "object", "null", "#/components/schemas/A", 2.0, 0.5]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYWORDS, inner, max_size=3),
    max_leaves=8,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["3.0", "3.1"]), st.dictionaries(_KEYWORDS, _VALUES, max_size=4))
def test_compiled_and_python_meta_checks_agree_on_any_schema(
    version: str, schema: dict[str, Any]
) -> None:
    python = python_meta_checks()[version]
    assert refused(compiled_meta_check(python), schema) == refused(python, schema)


def corpus() -> list[Path]:
    found = [
        *(ROOT / "specs").glob("*.yaml"),
        *(ROOT / "tests" / "stateless" / "documents").glob("*.yaml"),
        *(ROOT / "tests" / "validate" / "corpus" / "specs").rglob("*.yaml"),
        *(ROOT / "tests" / "validate" / "oas31").rglob("*.yaml"),
        *(ROOT / "examples").rglob("openapi.yaml"),
    ]
    return sorted(p for p in found if not p.name.endswith(".overlay.yaml"))


@pytest.mark.parametrize("path", corpus(), ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_and_python_meta_checks_agree_on_the_corpus(path: Path) -> None:
    data = read(path).data
    version = str(data.get("openapi", ""))[:3] if isinstance(data, dict) else ""
    if version not in ("3.0", "3.1"):
        pytest.skip(f"not an OpenAPI 3.0/3.1 document: {version!r}")
    python = python_meta_checks()[version]
    compiled = compiled_meta_check(python)
    for schema in nested([root.value for root in schema_roots(data)]):
        assert refused(compiled, schema) == refused(python, schema), schema


def test_a_refused_schema_is_explained_by_python() -> None:
    given = document("3.0.3", components__schemas__Pet__properties__name__pattern="(")
    ours = [(list(e.absolute_path), e.message) for e in checker_for("3.0.3")(given).iter_errors()]
    theirs = [
        (list(e.absolute_path), e.message)
        for e in OpenAPIV30SpecValidator(copy.deepcopy(given)).iter_errors()
    ]
    assert ours == theirs and ours
