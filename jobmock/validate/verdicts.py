"""Fast verdicts: is a document (or a 3.1 Schema Object) valid against the JSON Schema that the
structure rule checks it with, answered by jsonschema-rs (compiled; a dependency of schemathesis).

Only a yes is used: a valid document skips the pure-Python pass, which then has nothing to say
(on GitHub's 13 MB description that pass is most of a run); an invalid one is checked again in
Python, whose errors carry the paths and messages the findings need. Same schema, same verdict:
tests/validate/test_verdicts.py holds the two engines to it on the corpus.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import quote

from jobmock.validate.schemas import meta_validator, openapi_schema


@cache
def _compiled(version: str) -> Any:
    import jsonschema_rs

    schema = openapi_schema(version)
    return None if schema is None else jsonschema_rs.validator_for(schema)


@cache
def _compiled_meta() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(meta_validator().schema)


def document_is_valid(version: str, document: Any) -> bool:
    """True when the OpenAPI `version` schema accepts `document` (False: ask Python why)."""
    validator = _compiled(version)
    try:
        return validator is not None and bool(validator.is_valid(document))
    except Exception:  # a value Rust cannot take (a non-string key...): let Python decide
        return False


def schema_is_valid(schema: Any) -> bool:
    """True when JSON Schema 2020-12 (the flattened meta-schema) accepts `schema`."""
    try:
        return bool(_compiled_meta().is_valid(schema))
    except Exception:  # as above
        return False


class ValueVerdicts:
    """Is a value (an example, a default) valid against the 3.1 schema at a pointer of the served
    document: one registry for the document, one compiled validator per pointer, formats asserted
    as the Python pass asserts them. 3.0's dialect (`nullable`...) is Python's alone: no verdict."""

    def __init__(self, document: Any, uri: str) -> None:
        import jsonschema_rs

        self._uri = uri
        self._validators: dict[str, Any] = {}
        try:
            self._registry: Any = jsonschema_rs.Registry(
                [(uri, document)], draft=jsonschema_rs.Draft202012
            )
        except Exception:  # a document Rust cannot take: every value goes to Python
            self._registry = None

    def is_valid(self, pointer: str, value: Any) -> bool:
        """True when the schema at `pointer` (encoded) accepts `value` (False: ask Python)."""
        import jsonschema_rs

        if self._registry is None:
            return False
        try:
            if pointer not in self._validators:
                self._validators[pointer] = jsonschema_rs.Draft202012Validator(
                    {"$ref": f"{self._uri}#{quote(pointer, safe='/~')}"},  # `{id}` is no URI
                    registry=self._registry,
                    validate_formats=True,
                )
            return bool(self._validators[pointer].is_valid(value))
        except Exception:  # an unresolvable $ref, a pattern Rust cannot compile: Python says why
            return False
