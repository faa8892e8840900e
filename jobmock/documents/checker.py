"""openapi-spec-validator's check of a document: its checks, verdicts and messages, made faster.

- The schemas it has checked are remembered in sets, not lists it scans on every visit
  (`jobmock.internals.openapi_spec_validator`): quadratic in a document's schemas (GitHub's 12 MB
  description: 14 s of its keyword checks; 6 s with sets).
- Each Schema Object's meta-check (its dialect's meta-schema, formats asserted by
  openapi-spec-validator's own format checker) is asked first of jsonschema-rs, compiled from the
  same meta-schema; only a schema it refuses is checked again in Python, whose error is the one
  reported. The Python meta-check was 44% of GitHub's first start.
  tests/documents/test_checker.py holds the two to the same verdicts.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from importlib.resources import files
from typing import Any

from openapi_schema_validator.validators import check_openapi_schema
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from jobmock.internals.openapi_spec_validator import (
    MetaCheck,
    OpenAPIV30SchemaCheckBase,
    OpenAPIV31SchemaCheckBase,
    SeenSchemas,
)

__all__ = ["SeenSchemas", "checker_for", "compiled_meta_check"]


def compiled_meta_check(checker: MetaCheck) -> MetaCheck:
    """`checker` (openapi-spec-validator's meta-check of a Schema Object), with jsonschema-rs's
    verdict first: a schema it accepts is not checked again; `checker` itself when the
    meta-schema it checks against cannot be compiled."""
    function = getattr(checker, "func", checker)  # 3.1: partial(check_schema, format_checker=)
    validator_cls = getattr(function, "__self__", None)
    if getattr(function, "__func__", None) is not check_openapi_schema or validator_cls is None:
        return checker
    keywords = getattr(checker, "keywords", {})
    compiled = _compiled(
        validator_cls, keywords.get("format_checker", validator_cls.FORMAT_CHECKER)
    )
    if compiled is None:
        return checker

    def check(schema: Any) -> None:
        try:
            if compiled.is_valid(schema):
                return
        except Exception:  # a value Rust cannot take (a non-string key...): Python decides
            pass
        checker(schema)

    return check


STANDARD_FORMATS = (
    "date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname",
    "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template",
    "json-pointer", "relative-json-pointer", "regex",
)  # fmt: skip
"""JSON Schema's formats (2020-12, 7.3): Rust checks each as Python's format checker does."""


@functools.cache
def _compiled(validator_cls: Any, format_checker: Any) -> Any | None:
    """jsonschema-rs's validator of `validator_cls.META_SCHEMA`, formats checked by
    `format_checker` (Python's verdict, format by format), None if it cannot be compiled."""
    import jsonschema_rs

    meta = validator_cls.META_SCHEMA
    resources = _meta_schemas()
    names = {name for schema in [meta, *resources.values()] for name in _formats(schema)}
    names |= {*STANDARD_FORMATS, *format_checker.checkers}  # in meta-schemas Rust has built in
    formats: dict[str, Callable[..., bool]] = {
        name: functools.partial(_conforms, format_checker, name) for name in names
    }
    try:
        registry = jsonschema_rs.Registry(list(resources.items()))
        return jsonschema_rs.validator_for(
            meta, registry=registry, validate_formats=True, formats=formats
        )
    except Exception:  # a meta-schema Rust cannot take: Python checks every schema
        return None


def _conforms(format_checker: Any, name: str, value: Any) -> bool:
    return bool(format_checker.conforms(value, name))


@functools.cache
def _meta_schemas() -> dict[str, Any]:
    """The meta-schemas openapi-schema-validator ships (its package data), by `$id`."""
    found: dict[str, Any] = {}
    folders = [files("openapi_schema_validator").joinpath("schemas")]
    while folders:
        for child in folders.pop().iterdir():
            if child.is_dir():
                folders.append(child)
            else:  # not all named .json (oas3.1/vocabularies/base)
                try:
                    schema = json.loads(child.read_text(encoding="utf-8"))
                except (ValueError, UnicodeDecodeError):
                    continue
                if isinstance(schema, dict) and isinstance(schema.get("$id"), str):
                    found[schema["$id"]] = schema
    return found


def _formats(node: Any) -> Iterator[str]:
    """Every `format` a meta-schema asserts, at any depth."""
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            yield node["format"]
        for value in node.values():
            yield from _formats(value)
    elif isinstance(node, list):
        for value in node:
            yield from _formats(value)


class OpenAPIV30Schemas(OpenAPIV30SchemaCheckBase):
    def meta_checker(self, schema_value: Any, checker: MetaCheck) -> MetaCheck:
        return compiled_meta_check(checker)


class OpenAPIV31Schemas(OpenAPIV31SchemaCheckBase):
    def meta_checker(self, schema_value: Any, checker: MetaCheck) -> MetaCheck:
        return compiled_meta_check(checker)


class OpenAPIV30Checker(OpenAPIV30SpecValidator):
    keyword_validators = {**OpenAPIV30SpecValidator.keyword_validators, "schema": OpenAPIV30Schemas}


class OpenAPIV31Checker(OpenAPIV31SpecValidator):
    keyword_validators = {**OpenAPIV31SpecValidator.keyword_validators, "schema": OpenAPIV31Schemas}


def checker_for(version: str) -> type[OpenAPIV30SpecValidator] | type[OpenAPIV31SpecValidator]:
    """The checker of an OpenAPI `version` (3.0.x or 3.1.x)."""
    return OpenAPIV31Checker if version.startswith("3.1") else OpenAPIV30Checker
