"""schemathesis' JSON Schema generator (not public API; pinned to one minor version), as
`jobmock.internals.schemathesis.schema_strategy` relies on it for stateless answers."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, Phase, find, settings

from jobmock.internals.schemathesis import schema_strategy

ONCE = settings(
    database=None,
    phases=[Phase.generate],
    deadline=None,
    derandomize=False,
    suppress_health_check=list(HealthCheck),
)


def test_a_schema_no_value_satisfies_has_no_strategy() -> None:
    assert schema_strategy({"type": "integer", "minimum": 5, "maximum": 1}) is None


def test_values_follow_the_schema_refs_and_formats_included() -> None:
    schema = {
        "$ref": "#/components/schemas/Node",
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "required": ["id", "kind"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "kind": {"const": "node"},
                        "children": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Node"},
                        },
                    },
                    "unevaluatedProperties": False,
                }
            }
        },
    }
    value = find(schema_strategy(schema), lambda v: True, settings=ONCE, random=random.Random(0))
    assert value["kind"] == "node"
    assert set(value) <= {"id", "kind", "children"}
    assert len(value["id"]) == 36
