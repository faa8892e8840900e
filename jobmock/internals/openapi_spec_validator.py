"""openapi-spec-validator's undocumented names, reached from here only.

Its Schema Object check (`keywords.SchemaValidator`) keeps the ids of the schemas it has visited
and meta-checked in lists, scanned on every visit (quadratic: GitHub's 13 MB description spent 14 s
there), and meta-checks each schema in Python through its private `_get_schema_checker`. The bases
here keep those records in sets and make the meta-check a public hook (`meta_checker`).
`tests/internals/test_private_names.py` checks each name still exists and behaves as relied on.
"""

from __future__ import annotations

import typing as t

from openapi_spec_validator.validation import keywords


class SeenSchemas(set[int]):
    """The ids of checked schemas: the list methods openapi-spec-validator calls, on a set."""

    def append(self, schema_id: int) -> None:
        self.add(schema_id)


MetaCheck = t.Callable[[t.Any], None]  # raises jsonschema's SchemaError/ValidationError


class SchemaCheckHooks:
    """What the Schema Object checks below add: sets for their records, and `meta_checker`."""

    def seen_as_sets(self) -> None:
        records: t.Any = self  # typed as lists there: a set stands in for them
        records.visited_schema_ids = SeenSchemas()
        records.meta_checked_schema_ids = SeenSchemas()

    def meta_checker(self, schema_value: t.Any, checker: MetaCheck) -> MetaCheck:
        """The check of one Schema Object against its dialect's meta-schema; `checker` is
        openapi-spec-validator's own (Python). Override to check faster with the same verdicts."""
        return checker


class OpenAPIV30SchemaCheckBase(SchemaCheckHooks, keywords.OpenAPIV30SchemaValidator):
    def __init__(self, registry: t.Any) -> None:
        super().__init__(registry)
        self.seen_as_sets()

    def _get_schema_checker(self, schema: t.Any, schema_value: t.Any) -> MetaCheck:
        # called once per Schema Object with the path and value; its result raises or not
        return self.meta_checker(schema_value, super()._get_schema_checker(schema, schema_value))


class OpenAPIV31SchemaCheckBase(SchemaCheckHooks, keywords.OpenAPIV31SchemaValidator):
    def __init__(self, registry: t.Any) -> None:
        super().__init__(registry)
        self.seen_as_sets()

    def _get_schema_checker(self, schema: t.Any, schema_value: t.Any) -> MetaCheck:
        # as above; it raises ValueError for an unknown dialect, which the caller reports
        return self.meta_checker(schema_value, super()._get_schema_checker(schema, schema_value))
