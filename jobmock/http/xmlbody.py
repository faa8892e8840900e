"""An XML request body read as the JSON value its schema describes, so one validator checks both.

OpenAPI's XML Object says how a schema's data is written in XML: an object is an element whose
child elements (named by the property's `xml.name`, else the property's name) are its properties,
or its attributes where `xml.attribute` says so; an array is its items repeated under the
property's name, inside one wrapper element when `xml.wrapped`; a scalar is the element's text,
read by the schema's type (`7` an integer, `true` a boolean). Swagger's petstore takes
`<Pet><name>doggie</name><photoUrls><photoUrl>…</photoUrl></photoUrls></Pet>`.

A body that is not well-formed XML (or declares entities: defusedxml refuses them) is an
`InvalidBody`; text its type cannot read is kept as text, for the validator to refuse by name.
Elements the schema does not name are left out, as a JSON body's unknown members would be
refused only where the schema closes the object (`additionalProperties: false`).
"""

from __future__ import annotations

import typing as t
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from jobmock.errors import InvalidBody

MAX_DEPTH = 64  # schemas nest no deeper in a request; recursion stops here


def read_xml(raw: bytes, schema: t.Any) -> t.Any:
    """The body as its schema's JSON value."""
    try:
        root = fromstring(raw)
    except (ParseError, DefusedXmlException) as exc:
        raise InvalidBody(f"request body is not well-formed XML: {exc}", keyword="xml") from None
    return _value(root, schema if isinstance(schema, dict) else {}, 0)


def schema_types(schema: dict[str, t.Any]) -> list[str]:
    """The JSON types a schema says its values have (its `type`, else its first branch's)."""
    declared = schema.get("type")
    if isinstance(declared, list):
        return [str(kind) for kind in declared]
    if isinstance(declared, str):
        return [declared]
    for keyword in ("allOf", "anyOf", "oneOf"):  # the first branch that says
        for branch in schema.get(keyword) or ():
            if isinstance(branch, dict) and schema_types(branch):
                return schema_types(branch)
    return ["object"] if "properties" in schema else []


def _properties(schema: dict[str, t.Any]) -> dict[str, t.Any]:
    found = dict(schema.get("properties") or {})
    for branch in schema.get("allOf") or ():
        if isinstance(branch, dict):
            found.update(_properties(branch))
    return found


def _items(schema: dict[str, t.Any]) -> dict[str, t.Any]:
    items = schema.get("items")
    return items if isinstance(items, dict) else {}


def _name(name: str, schema: t.Any) -> str:
    xml = schema.get("xml") if isinstance(schema, dict) else None
    return str(xml.get("name") or name) if isinstance(xml, dict) else name


def _xml(schema: t.Any, key: str) -> t.Any:
    xml = schema.get("xml") if isinstance(schema, dict) else None
    return xml.get(key) if isinstance(xml, dict) else None


def _value(element: Element, schema: dict[str, t.Any], depth: int) -> t.Any:
    kinds = schema_types(schema)
    text = element.text or ""
    if depth >= MAX_DEPTH or (text.strip() and not len(element) and not element.attrib):
        # text alone, where an object or array has elements: the text, for the type to refuse
        return typed_text(text, kinds)
    if "object" in kinds:
        return _object(element, schema, depth)
    if "array" in kinds:
        return [_value(child, _items(schema), depth + 1) for child in element]
    return typed_text(element.text or "", kinds)


def _object(element: Element, schema: dict[str, t.Any], depth: int) -> dict[str, t.Any]:
    found: dict[str, t.Any] = {}
    for name, prop in _properties(schema).items():
        prop = prop if isinstance(prop, dict) else {}
        tag = _name(name, prop)
        if _xml(prop, "attribute"):
            if tag in element.attrib:
                found[name] = typed_text(element.attrib[tag], schema_types(prop))
        elif "array" in schema_types(prop):
            items = _items(prop)
            if _xml(prop, "wrapped"):
                wrapper = element.find(tag)
                if wrapper is not None:
                    found[name] = [_value(child, items, depth + 1) for child in wrapper]
            else:
                repeated = element.findall(_name(name, items) if _xml(items, "name") else tag)
                if repeated:
                    found[name] = [_value(child, items, depth + 1) for child in repeated]
        else:
            child = element.find(tag)
            if child is not None:
                found[name] = _value(child, prop, depth + 1)
    return found


READERS: dict[str, t.Callable[[str], t.Any]] = {
    "integer": int,
    "number": float,
    "boolean": lambda text: {"true": True, "false": False}[text.strip()],
    "null": lambda text: _empty(text),
}


def _empty(text: str) -> None:
    if text:
        raise ValueError(text)
    return None


def typed_text(text: str, kinds: list[str]) -> t.Any:
    """`text` read by the first of the schema's types that can read it; else the text itself."""
    if "string" in kinds:
        return text
    for kind in kinds:
        reader = READERS.get(kind)
        if reader is None:
            continue
        try:
            return reader(text.strip())
        except (ValueError, KeyError):
            continue
    return text
