"""The JSON Schema (2020-12) of a fixture file, `fixtures/<api>.yaml`: its shape, before meaning.

`jobmock.fixtures.load_fixture` checks a file against it first, then checks what the schema cannot
say (scenario statuses belong to the API, jobs name known tenants and scenarios, no duplicates).
"""

from __future__ import annotations

from typing import Any

from jobmock.faults import FAULT_SCHEMA

_NAME = {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"}
_STATUSES = {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True}


def _named_list(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    """A non-empty list of closed objects, each with a `name` and maybe a `description`."""
    return {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", *required],
            "properties": {"name": _NAME, "description": {"type": "string"}, **properties},
        },
    }


FIXTURE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["api", "statuses", "tenants", "scenarios"],
    "properties": {
        "api": _NAME,
        "description": {"type": "string"},
        "statuses": {
            "type": "object",
            "additionalProperties": False,
            "required": ["order", "terminal"],
            "properties": {
                "order": _STATUSES,
                "terminal": _STATUSES,
            },
        },
        "default_scenario": {"type": "string"},
        "tenants": _named_list(
            ["credentials"],
            {
                "credentials": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["value"],
                        "properties": {
                            "value": {"type": "string", "minLength": 1},
                            "scopes": {"type": "array", "items": {"type": "string"}},
                            "description": {"type": "string"},
                            "attributes": {"type": "object"},
                        },
                    },
                },
                "data": {"type": "object"},
            },
        ),
        "scenarios": _named_list(
            ["phases"],
            {
                "phases": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["status"],
                        "properties": {
                            "status": {"type": "string"},
                            "seconds": {"type": "number", "exclusiveMinimum": 0},
                            "progress": {
                                "type": "object",
                                "additionalProperties": {
                                    "type": "number",
                                    "minimum": 0,
                                    "maximum": 1,
                                },
                            },
                        },
                    },
                },
                "fields": {"type": "object"},
            },
        ),
        "jobs": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "tenant", "scenario"],
                "properties": {
                    "id": {"type": ["string", "integer"]},
                    "tenant": {"type": "string"},
                    "scenario": {"type": "string"},
                    "age": {"type": "number", "minimum": 0},
                    "fields": {"type": "object"},
                    "description": {"type": "string"},
                },
            },
        },
        "defaults": {"type": "object"},
        "faults": {
            "type": "array",
            "items": {k: v for k, v in FAULT_SCHEMA.items() if k != "$schema"},
        },
        "rules": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["match", "scenario"],
                "properties": {
                    "description": {"type": "string"},
                    "match": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["field"],
                        "minProperties": 2,
                        "maxProperties": 2,
                        "properties": {
                            "field": {"type": "string", "minLength": 1},
                            "contains": {"type": "string", "minLength": 1},
                            "equals": {"type": ["string", "number", "boolean"]},
                            "pattern": {"type": "string", "minLength": 1},
                        },
                    },
                    "scenario": {"type": "string"},
                },
            },
        },
    },
}
