"""A parameter's strings typed by its schema: `"3"` is 3 where the schema takes an integer.

What the styles (`jobmock.http.styles`) split a value into are strings; each becomes the first of
its schema's scalar types that reads it, else stays as sent, for the schema check to refuse.
"""

from __future__ import annotations

import decimal
import re
import typing as t
from collections.abc import Callable

_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _integer(text: str) -> t.Any:
    if _INTEGER.fullmatch(text):
        return int(text)
    if _NUMBER.fullmatch(
        text
    ):  # `4.0`, `1e3`: JSON Schema's integer is any number whose fraction is zero
        number = decimal.Decimal(text)
        if number.adjusted() <= 40 and number == number.to_integral_value():
            return int(number)
    raise ValueError(text)


def _number(text: str) -> t.Any:
    if not _NUMBER.fullmatch(text):
        raise ValueError(text)
    return int(text) if _INTEGER.fullmatch(text) else float(text)


def _boolean(text: str) -> bool:
    lowered = text.lower()  # as connexion reads a boolean query parameter
    if lowered in ("true", "false"):
        return lowered == "true"
    raise ValueError(text)


# the order a type list is tried in: the narrowest reading first, a string last
SCALAR_READERS: dict[str, Callable[[str], t.Any]] = {
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "string": str,
}


def scalar_types(schema: t.Any) -> list[str]:
    """The scalar types a schema takes, in `SCALAR_READERS`' order (any: a string)."""
    if not isinstance(schema, dict):
        return []
    declared = schema.get("type")
    found: set[str] = set()
    if isinstance(declared, str):
        found.add(declared)
    elif isinstance(declared, list):
        found.update(x for x in declared if isinstance(x, str))
    else:
        for keyword in ("anyOf", "oneOf", "allOf"):
            for branch in schema.get(keyword) or ():
                found.update(scalar_types(branch))
        if "enum" in schema or "const" in schema:
            values = schema.get("enum") or [schema.get("const")]
            found.update(_JSON_TYPES.get(type(v), "string") for v in values)
    return [name for name in SCALAR_READERS if name in found]


_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}


def typed(text: str, schema: t.Any) -> t.Any:
    """`text` as the first of its schema's scalar types that reads it; else as sent (the schema
    check then refuses it, naming the type)."""
    for name in scalar_types(schema):
        try:
            return SCALAR_READERS[name](text)
        except ValueError:
            continue
    return text


def shape_of(schema: t.Any) -> str:
    """Whether a schema describes an array, an object or a primitive (what the styles tell apart)."""
    if not isinstance(schema, dict):
        return "scalar"
    declared = schema.get("type")
    types = [declared] if isinstance(declared, str) else declared or []
    for kind in ("array", "object"):
        if kind in types:
            return kind
    if declared is None:
        if "items" in schema or "prefixItems" in schema:
            return "array"
        if "properties" in schema or "additionalProperties" in schema:
            return "object"
        for keyword in ("anyOf", "oneOf", "allOf"):
            for branch in schema.get(keyword) or ():
                found = shape_of(branch)
                if found != "scalar":
                    return found
    return "scalar"


def items_schema(schema: dict[str, t.Any]) -> t.Any:
    for branch in (schema, *(schema.get("anyOf") or ()), *(schema.get("oneOf") or ())):
        if isinstance(branch, dict) and isinstance(branch.get("items"), dict):
            return branch["items"]
    return {}


def property_schema(schema: dict[str, t.Any], key: str) -> t.Any:
    for branch in (schema, *(schema.get("anyOf") or ()), *(schema.get("oneOf") or ())):
        if not isinstance(branch, dict):
            continue
        properties = branch.get("properties") or {}
        if key in properties:
            return properties[key]
        if isinstance(branch.get("additionalProperties"), dict):
            return branch["additionalProperties"]
    return {}


def property_names(schema: t.Any) -> list[str]:
    if not isinstance(schema, dict):
        return []
    names = list(schema.get("properties") or {})
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(keyword) or ():
            names.extend(n for n in property_names(branch) if n not in names)
    return names
