"""JSON Schema machinery for the rules: a document's schemas as validators, messages from errors.

OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0 schemas are the OpenAPI dialect of draft 4
(`nullable`...), checked with openapi-schema-validator's OAS30Validator, imported only when a 3.0
document needs it. `$ref`s resolve against the served document, registered as one resource.
Formats are asserted (an example id that is not a uuid is a mistake worth reporting).
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from jobmock.documents.pointers import Pointer, encode_pointer

DOCUMENT_URI = "urn:jobmock:served-document"
_REQUIRED = re.compile(r"'(.+)' is a required property")
_UNEXPECTED = re.compile(r"\((.+) (?:was|were) unexpected\)")


def hint(error: ValidationError) -> str:
    """What to do about a schema error of a document (not of a value)."""
    keyword = error.validator
    if keyword == "required" and (m := _REQUIRED.search(error.message)):
        return f"add `{m.group(1)}` here"
    if keyword in ("additionalProperties", "unevaluatedProperties") and (
        m := _UNEXPECTED.search(error.message)
    ):
        return f"remove or rename {m.group(1)} (extensions must start with `x-`)"
    return "change this value"


def unexpected_key(error: ValidationError) -> tuple[str, ...]:
    """The one key an additional/unevaluated-properties error is about (to point at its line)."""
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        keys = re.findall(r"'([^']*)'", (_UNEXPECTED.search(error.message) or [""])[0])
        if len(keys) == 1 and isinstance(error.instance, dict) and keys[0] in error.instance:
            return (keys[0],)
    return ()


def package_file(package: str, *parts: str) -> Path | None:
    """A data file shipped inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    return path if path.exists() else None


def _static(node: Any, dynamic: str) -> Any:
    """`node` with `$dynamicRef: "#meta"` made `$ref: <dynamic>`.

    Python's jsonschema resolves `$dynamicRef` by crawling for anchors on every use, which costs
    most of a check's time; where one anchor is in play, a static `$ref` means the same.
    """
    if isinstance(node, list):
        return [_static(v, dynamic) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$dynamicRef" and value == "#meta":
            out["$ref"] = dynamic
        elif key not in ("$dynamicAnchor", "$id", "$schema", "$vocabulary"):
            out[key] = _static(value, dynamic)
    return out


@cache
def openapi_schema(version: str) -> dict[str, Any] | None:
    """The OpenAPI JSON Schema for "3.0" or "3.1", as openapi-spec-validator ships it."""
    folder = ("resources", "schemas", f"v{version}")
    path = package_file("openapi_spec_validator", *folder, "schema.json")
    if path is None:
        return None
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if version == "3.1" and json.dumps(schema).count('"$dynamicAnchor"') == 1:
        schema = {"$schema": schema["$schema"], **_static(schema, "#/$defs/schema")}
    if version == "3.1":
        _link_server(schema)
    return schema


def _link_server(schema: dict[str, Any]) -> None:
    """The Link Object's fixed fields are operationRef, operationId, parameters, requestBody,
    description and `server` (OpenAPI 3.1.0, 4.8.20.1); the 3.1 schema as shipped spells the last
    one `body`, accepting a Link with `body` and refusing one with `server`. Spelt as specified."""
    properties = schema.get("$defs", {}).get("link", {}).get("properties", {})
    if "body" in properties and "server" not in properties:
        properties["server"] = properties.pop("body")


@cache
def document_validator(version: str) -> Validator | None:
    schema = openapi_schema(version)
    if schema is None:
        return None
    cls = Draft4Validator if version == "3.0" else Draft202012Validator
    validator: Validator = cls(schema)
    return validator


@cache
def meta_validator() -> Validator:
    """Checks a 3.1 Schema Object against the JSON Schema 2020-12 meta-schema, flattened: the
    seven vocabularies define disjoint keywords, so their `properties` and `$defs` merge into one
    schema whose `$dynamicRef: "#meta"` is `$ref: "#"` (five times faster, same verdicts)."""
    from jsonschema_specifications import REGISTRY

    base = "https://json-schema.org/draft/2020-12/"
    root = REGISTRY.contents(base + "schema")
    properties: dict[str, Any] = {}
    defs: dict[str, Any] = {}
    for part in root["allOf"]:
        vocabulary = _static(REGISTRY.contents(base + part["$ref"]), "#")
        properties.update(vocabulary.get("properties", {}))
        defs.update(vocabulary.get("$defs", {}))
    properties["definitions"] = _static(root["properties"]["definitions"], "#")
    meta = {
        "$schema": base + "schema",
        "type": ["object", "boolean"],
        "properties": properties,
        "$defs": defs,
    }
    validator: Validator = Draft202012Validator(meta)
    return validator


_FREE = frozenset({"example", "default", "const"})  # any value is valid JSON Schema there
_TEXT = frozenset({"description", "title", "$comment"})


# maps from names the author chose (a property may be called `example`) to constrained values
_NAMED = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "dependentRequired",
        "dependencies",
        "$vocabulary",
    }
)


def _shape(node: Any, names: bool = False) -> Any:
    """`node` with the values the meta-schema does not constrain blanked (examples, defaults,
    texts; not the schemas of properties that happen to be named so): valid when the schema is,
    so schemas that differ only there are checked once."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if names:
                out[key] = _shape(value)
            elif key in _FREE:
                out[key] = None
            elif key in _TEXT and isinstance(value, str):
                out[key] = ""
            elif key == "examples" and isinstance(value, list):
                out[key] = []
            else:
                out[key] = _shape(value, key in _NAMED)
        return out
    if isinstance(node, list):
        return [_shape(v) for v in node]
    return node


_VALID_SHAPES: set[str] = set()


def meta_errors(schema: Any) -> Iterator[ValidationError]:
    """The errors of a 3.1 Schema Object against JSON Schema 2020-12; a schema shaped like one
    already found valid is valid (a blanked value never makes an invalid schema valid)."""
    shape = json.dumps(_shape(schema), sort_keys=True, default=str)
    if shape in _VALID_SHAPES:
        return iter(())
    errors = list(meta_validator().iter_errors(schema))
    if not errors:
        _VALID_SHAPES.add(shape)
    return iter(errors)


class SchemaSet:
    """Validators for the schemas of one served document, by pointer."""

    def __init__(self, document: dict[str, Any], version: str, compiled: bool = True) -> None:
        self.version = version
        if version == "3.0":
            from openapi_schema_validator import OAS30Validator, oas30_format_checker

            self._cls: Any = OAS30Validator
            self._formats: Any = oas30_format_checker
            resource = Resource.from_contents(document, default_specification=DRAFT4)
        else:
            self._cls = Draft202012Validator
            self._formats = Draft202012Validator.FORMAT_CHECKER
            resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)
        self._validators: dict[Pointer, Validator] = {}
        self._fast: Any = None
        if version == "3.1" and compiled:  # a compiled verdict first; Python explains a refusal
            from jobmock.validate.verdicts import ValueVerdicts

            self._fast = ValueVerdicts(document, DOCUMENT_URI)

    def validator(self, pointer: Pointer) -> Validator:
        if pointer not in self._validators:
            schema = {"$ref": DOCUMENT_URI + "#" + encode_pointer(pointer)}
            self._validators[pointer] = self._cls(
                schema, registry=self._registry, format_checker=self._formats
            )
        return self._validators[pointer]

    def errors(self, pointer: Pointer, instance: Any) -> list[ValidationError]:
        """The errors of `instance` against the schema at `pointer`, most relevant first."""
        if self._fast is not None and self._fast.is_valid(encode_pointer(pointer), instance):
            return []
        try:
            found = list(self.validator(pointer).iter_errors(instance))
        except Exception as exc:  # an unresolvable $ref, a broken pattern: the schema's own fault
            return [ValidationError(f"the schema cannot be used ({type(exc).__name__}: {exc})")]
        return [best_match([error]) or error for error in found]  # for values: jsonschema's pick


def _json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def plain_message(error: ValidationError) -> str:
    """jsonschema's message with the values written as JSON (`null`, `true`, `"x"`), not as
    Python reprs (`None`, `True`, `'x'`)."""
    message: str = error.message
    instance = error.instance
    if error.validator == "enum" and isinstance(error.validator_value, list):
        return f"{_json(instance)} is not one of {_json(error.validator_value)}"
    if error.validator == "const":
        return f"{_json(error.validator_value)} was expected, not {_json(instance)}"
    if error.validator == "oneOf" and " is valid under each of " in message:  # schemas as reprs
        return f"{_json(instance)} is valid under more than one of its `oneOf` schemas"
    if message == "None for not nullable":  # openapi-schema-validator's 3.0 `nullable` message
        return "null is not allowed here (the schema is not `nullable: true`)"
    shown = repr(instance)
    if message.startswith(shown) and error.validator not in ("required", "additionalProperties"):
        return _json(instance) + message[len(shown) :]
    return message


def describe(error: ValidationError) -> str:
    """`at /items/0/status: "DONE" is not one of [...]` (or without `at` for the root)."""
    where = encode_pointer(tuple(error.absolute_path))
    message = plain_message(error)
    if len(message) > 200:
        message = message[:197] + "..."
    return f"at {where}: {message}" if where else message


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    if not error.context:
        yield error
    for cause in error.context or ():
        yield from _leaves(cause)


def _meant(error: ValidationError) -> bool:
    """Not the `$ref` alternative of a reference-or-object choice, not a bare oneOf/anyOf."""
    if error.validator == "required" and "'$ref' is a required property" in error.message:
        return False
    return error.validator not in ("oneOf", "anyOf")


def leaf_errors(errors: Iterator[ValidationError]) -> list[ValidationError]:
    """Each error of a document replaced by the cause its author most likely means: the deepest
    leaf of its `anyOf`/`oneOf` tree that is not the "or a `$ref`" alternative."""
    out = []
    for error in errors:
        leaves = [leaf for leaf in _leaves(error) if _meant(leaf)] if error.context else []
        out.append(best_match(leaves) if leaves else error)
    return out
