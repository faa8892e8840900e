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
