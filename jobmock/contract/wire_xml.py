"""An XML request body read back as the value its schema's XML Object says it is (OpenAPI 3.x,
"XML Object"), independently of the server's own reader (`jobmock.http.xmlbody`), since it is the
server that is being judged.

An object is an element whose child elements, named by each property's `xml.name` (else the
property's name), are its properties, or its attributes where `xml.attribute` says so; an array is
its items, each an element named by the items' `xml.name` (else the array's name), inside one
wrapper element named by the array when `xml.wrapped` is true, so `<tag></tag>` for Swagger's
petstore's `tags` (`xml: {name: tag, wrapped: true}`) is the empty array; a scalar is the
element's text read by its type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element, ParseError, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from jobmock.contract.wire_schema import (
    Part,
    Schema,
    Unreadable,
    items,
    properties,
    read_text,
    types,
)

MAX_DEPTH = 64


def read_xml(
    document: Mapping[str, Any], schema: Schema | None, raw: bytes
) -> tuple[Any, list[Part]]:
    """The body's value and each of its root's properties as a part (what was sent for it)."""
    if schema is None:
        raise Unreadable("an XML body without a schema")
    try:
        root = fromstring(raw)
    except (ParseError, DefusedXmlException):
        raise Unreadable("XML that is not well-formed") from None
    expected = _name(schema)
    if expected is not None and _local(root.tag) != expected:
        raise Unreadable(f"root element <{_local(root.tag)}>, not <{expected}>")
    kinds = types(document, schema)
    if "array" in kinds:
        raise Unreadable("an XML array at the root")
    if "object" not in kinds and "properties" not in schema.value:
        value = _value(document, root, schema, 0)
        return value, [Part("body", "", _wire([root]), value, schema)]
    value, sent = _object(document, root, schema, 0)
    fields = properties(document, schema)
    return value, [
        Part("body", name, _wire(sent[name]), value[name], fields.get(name)) for name in value
    ]


def _name(schema: Schema) -> str | None:
    """The root element's name: the schema's `xml.name`, else its component's name."""
    xml = schema.value.get("xml") or {}
    if xml.get("name"):
        return str(xml["name"])
    pointer = schema.pointer
    if len(pointer) == 3 and pointer[:2] == ("components", "schemas"):
        return str(pointer[2])
    return None


def _object(
    document: Mapping[str, Any], element: Element, schema: Schema, depth: int
) -> tuple[dict[str, Any], dict[str, list[Element | str]]]:
    """The element as an object, and what was sent for each property (elements or an attribute)."""
    value: dict[str, Any] = {}
    sent: dict[str, list[Element | str]] = {}
    used: set[int] = set()
    for name, prop in properties(document, schema).items():
        xml = prop.value.get("xml") or {}
        kinds = types(document, prop)
        tag = str(xml.get("name") or name)
        if xml.get("attribute") is True:
            if tag in element.attrib:
                value[name] = read_text(element.attrib[tag], kinds)
                sent[name] = [f'{tag}="{element.attrib[tag]}"']
            continue
        if "array" in kinds:
            member = items(document, prop)
            inner = str(((member.value if member else {}).get("xml") or {}).get("name") or tag)
            holder = _child(element, tag) if xml.get("wrapped") is True else element
            if holder is None:
                continue
            members = [c for c in holder if _local(c.tag) == inner]
            if holder is element and not members:
                continue  # an unwrapped array with no items is not sent at all
            value[name] = [_value(document, c, member, depth + 1) for c in members]
            sent[name] = [holder] if holder is not element else list(members)
            used.update(id(c) for c in sent[name])
            continue
        found = _child(element, tag)
        if found is not None:
            value[name] = _value(document, found, prop, depth + 1)
            sent[name] = [found]
            used.add(id(found))
    for extra in element:  # an element the schema does not name: its text, for the validator
        if id(extra) not in used and _local(extra.tag) not in value:
            value[_local(extra.tag)] = extra.text or ""
            sent[_local(extra.tag)] = [extra]
    return value, sent


def _value(document: Mapping[str, Any], element: Element, schema: Schema | None, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise Unreadable("XML nested too deep")
    kinds = types(document, schema)
    if schema is not None and ("object" in kinds or "properties" in schema.value):
        return _object(document, element, schema, depth)[0]
    if len(element):  # child elements where a scalar is meant: what they hold, not a scalar
        return {_local(c.tag): c.text or "" for c in element}
    return read_text(element.text or "", kinds)


def _child(element: Element, tag: str) -> Element | None:
    return next((c for c in element if _local(c.tag) == tag), None)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _wire(sent: list[Element | str]) -> str:
    return "".join(
        s if isinstance(s, str) else tostring(s, "unicode", short_empty_elements=False)
        for s in sent
    )
