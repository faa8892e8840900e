"""`jobmock.stateless.finite`: a schema has no finite value exactly when no value can be built for
it in finitely many steps; checked against a search that builds one and jsonschema that checks it."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from jobmock.stateless.finite import endless

NAMES = ("A", "B", "C", "D")
NOTHING = object()


@st.composite
def graphs(draw: st.DrawFn) -> dict[str, Any]:
    """Components that refer to each other: objects with required properties, arrays with a
    minimum of items, some nullable, some a oneOf of two others."""
    count = draw(st.integers(1, len(NAMES)))
    names = NAMES[:count]
    refs = st.sampled_from(names).map(lambda n: {"$ref": f"#/components/schemas/{n}"})
    schemas: dict[str, Any] = {}
    for name in names:
        kind = draw(st.sampled_from(["object", "array", "oneOf"]))
        if kind == "object":
            held = draw(st.lists(refs, max_size=2))
            properties = {f"p{n}": ref for n, ref in enumerate(held)}
            required = [p for p in properties if draw(st.booleans())]
            schema: dict[str, Any] = {"type": "object", "properties": properties}
            schema["required"] = required
        elif kind == "array":
            schema = {"type": "array", "items": draw(refs), "minItems": draw(st.integers(0, 2))}
        else:
            schema = {"oneOf": [draw(refs), draw(refs)]}
        if kind != "oneOf" and draw(st.booleans()):
            schema["type"] = [schema["type"], "null"]
        schemas[name] = schema
    return schemas


def build(schemas: dict[str, Any], schema: Any, depth: int) -> Any:
    """A value of `schema` at most `depth` references deep, or NOTHING."""
    if "$ref" in schema:
        if depth == 0:
            return NOTHING
        return build(schemas, schemas[schema["$ref"].rsplit("/", 1)[-1]], depth - 1)
    if "oneOf" in schema:
        for branch in schema["oneOf"]:
            found = build(schemas, branch, depth)
            if found is not NOTHING:
                return found
        return NOTHING
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if "null" in types:
        return None
    if "object" in types:
        made = {}
        for name in schema["required"]:
            made[name] = build(schemas, schema["properties"][name], depth)
            if made[name] is NOTHING:
                return NOTHING
        return made
    items = [build(schemas, schema["items"], depth) for _ in range(schema["minItems"])]
    return NOTHING if NOTHING in items else items


@given(schemas=graphs(), root=st.sampled_from(NAMES))
def test_no_finite_value_is_said_exactly_when_none_can_be_built(
    schemas: dict[str, Any], root: str
) -> None:
    if root not in schemas:
        root = NAMES[0]
    document = {"components": {"schemas": schemas}}
    ref = {"$ref": f"#/components/schemas/{root}"}
    # a value that exists is built at most one reference deep per component (no cycle needed)
    value = build(schemas, ref, len(schemas) + 1)
    found = endless(ref, ("root",), document)
    assert (found is None) == (value is not NOTHING), (found, value)
    if value is not NOTHING and not any("oneOf" in s for s in schemas.values()):
        # jsonschema agrees the built value is one (a oneOf of a ref to itself loops jsonschema)
        validator = Draft202012Validator({**ref, "components": document["components"]})
        assert validator.is_valid(value), value


def test_the_proof_names_the_schema_met_again_and_the_way_there() -> None:
    schemas = {
        "Person": {
            "type": "object",
            "required": ["employer"],
            "properties": {"employer": {"$ref": "#/components/schemas/Company"}},
        },
        "Company": {
            "type": "object",
            "required": ["ceo"],
            "properties": {"ceo": {"$ref": "#/components/schemas/Person"}},
        },
    }
    found = endless(
        {"$ref": "#/components/schemas/Person"}, (), {"components": {"schemas": schemas}}
    )
    assert found is not None
    assert found.why() == (
        "no finite value satisfies it: every Person requires employer.ceo, another Person"
        " (#/components/schemas/Person)"
    )
    optional = {**schemas["Company"], "required": []}
    document = {"components": {"schemas": {**schemas, "Company": optional}}}
    assert (
        endless({"$ref": "#/components/schemas/Person"}, (), document) is None
    )  # {"employer": {}}
