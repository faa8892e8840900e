"""openapi-spec-validator's check of a document, with its record of the schemas it has checked kept
in sets.

openapi-spec-validator 0.9 remembers the ids of the schemas it has visited and meta-checked in
lists, so each visit scans them: quadratic in a document's schemas (GitHub's 12 MB description:
14 s of its keyword checks; 6 s with sets). The checks and their messages are its own, unchanged.
"""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation import keywords


class SeenSchemas(set[int]):
    """The ids of checked schemas: the list methods openapi-spec-validator calls, on a set."""

    def append(self, schema_id: int) -> None:
        self.add(schema_id)


def _seen_as_sets(validator: Any) -> None:
    validator.visited_schema_ids = SeenSchemas()
    validator.meta_checked_schema_ids = SeenSchemas()


class OpenAPIV30Schemas(keywords.OpenAPIV30SchemaValidator):
    def __init__(self, registry: Any) -> None:
        super().__init__(registry)
        _seen_as_sets(self)


class OpenAPIV31Schemas(keywords.OpenAPIV31SchemaValidator):
    def __init__(self, registry: Any) -> None:
        super().__init__(registry)
        _seen_as_sets(self)


class OpenAPIV30Checker(OpenAPIV30SpecValidator):
    keyword_validators = {**OpenAPIV30SpecValidator.keyword_validators, "schema": OpenAPIV30Schemas}


class OpenAPIV31Checker(OpenAPIV31SpecValidator):
    keyword_validators = {**OpenAPIV31SpecValidator.keyword_validators, "schema": OpenAPIV31Schemas}


def checker_for(version: str) -> type[OpenAPIV30SpecValidator] | type[OpenAPIV31SpecValidator]:
    """The checker of an OpenAPI `version` (3.0.x or 3.1.x)."""
    return OpenAPIV31Checker if version.startswith("3.1") else OpenAPIV30Checker
