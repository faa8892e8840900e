"""What a document's schema says about a value on the wire, for reading a sent request back
(`jobmock.contract.wire`): the schema behind its `$ref`s (and where it is, for the validator),
its types, properties and items, and text read as the type it gives (`"5"` an integer).

On the wire every form field, query value and XML text is text; OpenAPI's serialisation rules
say which text is which value, and a schema's type says how to read the text: `5` for an integer,
`true` for a boolean, anything for a string.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from jobmock.documents.pointers import Node, Pointer, deref, lookup


class Unreadable(Exception):
    """The request cannot be read back by the rules jobmock knows (a form it does not cover,
    bytes that do not parse): no verdict on it."""


class Missing:
    """A value the request did not send."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = Missing()


@dataclass(frozen=True)
class Schema:
    """A schema of the document, its `$ref`s followed, and the pointer to where it is."""

    pointer: Pointer
    value: Mapping[str, Any]


def at(document: Mapping[str, Any], pointer: Pointer) -> Schema | None:
    """The schema at `pointer`, `$ref`s followed; None when there is none."""
    found, value = lookup(document, pointer)
    if not found:
        return None
    node = deref(document, Node(pointer, value))
    return Schema(node.pointer, node.value) if isinstance(node.value, Mapping) else None


def child(document: Mapping[str, Any], schema: Schema, *keys: str | int) -> Schema | None:
    """A schema under `schema` (`properties`, `name`), `$ref`s followed."""
    return at(document, (*schema.pointer, *keys))


def branches(document: Mapping[str, Any], schema: Schema) -> list[Schema]:
    """The schemas of `allOf`, `anyOf` and `oneOf`, in that order."""
    found = []
    for keyword in ("allOf", "anyOf", "oneOf"):
        for i, _ in enumerate(schema.value.get(keyword) or ()):
            branch = child(document, schema, keyword, i)
            if branch is not None:
                found.append(branch)
    return found


def types(document: Mapping[str, Any], schema: Schema | None, depth: int = 0) -> list[str]:
    """The JSON types a schema's values have: its `type`, else its branches' (first that says)."""
    if schema is None or depth > 20:
        return []
    declared = schema.value.get("type")
    if isinstance(declared, list):
        return [str(kind) for kind in declared]
    if isinstance(declared, str):
        return [declared]
    for branch in branches(document, schema):
        if found := types(document, branch, depth + 1):
            return found
    if "properties" in schema.value:
        return ["object"]
    return ["array"] if "items" in schema.value else []


def properties(document: Mapping[str, Any], schema: Schema, depth: int = 0) -> dict[str, Schema]:
    """Property name -> schema, `allOf` branches' included."""
    found: dict[str, Schema] = {}
    if depth > 20:
        return found
    for i, _ in enumerate(schema.value.get("allOf") or ()):
        branch = child(document, schema, "allOf", i)
        if branch is not None:
            found.update(properties(document, branch, depth + 1))
    for name in schema.value.get("properties") or {}:
        prop = child(document, schema, "properties", name)
        if prop is not None:
            found[str(name)] = prop
    return found


def items(document: Mapping[str, Any], schema: Schema | None) -> Schema | None:
    """The schema of an array's items (its own or its first branch's that has one)."""
    if schema is None:
        return None
    if "items" in schema.value:
        return child(document, schema, "items")
    return next((found for b in branches(document, schema) if (found := items(document, b))), None)


def is_binary(schema: Schema | None) -> bool:
    """A string whose value is a file's bytes (`format: binary`/`byte`, or a media type)."""
    value = schema.value if schema is not None else {}
    return value.get("format") in ("binary", "byte") or "contentMediaType" in value


@dataclass(frozen=True)
class Part:
    """One parameter, or one property of a form, multipart or XML body, as sent and as read."""

    location: str  # path, query, header, cookie, body
    name: str  # the parameter's or property's name; "" for a whole body
    wire: str  # what was sent for it, as sent: `Tags=AAA`, `<tag></tag>`
    value: Any  # what it reads as; MISSING when it was not sent
    schema: Schema | None = None  # what it must satisfy, where the document says
    binary: bool = False  # a file's bytes, read as latin-1 text


INTEGER = re.compile(r"-?[0-9]+")


def read_text(text: str, kinds: list[str]) -> Any:
    """Text as the value of a schema of these types: a string stays text, `5` is an integer,
    `1.5` a number, `true`/`false` a boolean; text no type reads stays text (the validator then
    names the type it is not)."""
    if not kinds or "string" in kinds:
        return text
    if "integer" in kinds and INTEGER.fullmatch(text):
        return int(text)
    if "number" in kinds:
        if INTEGER.fullmatch(text):
            return int(text)
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if math.isfinite(number) and text.strip() == text:
            return number
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    return text


DELIMITERS = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def read_styled(
    document: Mapping[str, Any], schema: Schema | None, style: str, explode: bool, values: list[str]
) -> Any:
    """The values sent for one name, read by its style."""
    kinds = types(document, schema)
    if "array" in kinds and (
        len(kinds) == 1 or not any(k in kinds for k in ("string", "integer", "number", "boolean"))
    ):
        item_kinds = types(document, items(document, schema))
        if style == "form" and explode:
            return [read_text(v, item_kinds) for v in values]
        if len(values) == 1 and style in DELIMITERS:
            return [read_text(v, item_kinds) for v in values[0].split(DELIMITERS[style])]
        raise Unreadable(f"an array in style {style}")
    if "object" in kinds and not any(k in kinds for k in ("string", "integer", "number")):
        raise Unreadable("an object parameter")
    if len(values) > 1:
        raise Unreadable("one value sent several times")
    return read_text(values[0], kinds)


def read_pair(segment: str) -> tuple[str, str]:
    """`a%20b=c+d` -> ("a b", "c d"): one pair of a query or urlencoded body."""
    key, _, value = segment.partition("=")
    return unquote_plus(key), unquote_plus(value)


def utf8(raw: bytes) -> str:
    """Bytes as text (a form, a JSON body, a part), or Unreadable."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("text that is not UTF-8") from None


def json_value(text: str) -> Any:
    """JSON text's value, or Unreadable."""
    try:
        return json.loads(text)
    except ValueError:
        raise Unreadable("JSON that does not parse") from None


def short(text: str, limit: int = 120) -> str:
    """Text cut for a one-line report."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
