"""Request bodies read back by OpenAPI's serialisation rules (`jobmock.contract.wire`), one reader
per kind of media type: JSON, text, `application/x-www-form-urlencoded` (each field by its Encoding
Object: style `form` with `explode` by default, so a field of type array is its repeated pairs and
one pair is an array of one), `multipart/form-data` (a part per property: text read by the
property's type, JSON for an object, a repeated part for an array, a file's bytes as they are) and
XML (`jobmock.contract.wire_xml`).

    BODY_READERS[kind(media)](document, schema, encoding, body, content_type) -> (value, parts)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from jobmock.contract.wire_schema import (
    Part,
    Schema,
    Unreadable,
    is_binary,
    items,
    json_value,
    properties,
    read_pair,
    read_styled,
    read_text,
    short,
    types,
    utf8,
)
from jobmock.contract.wire_xml import read_xml


def kind(media: str) -> str:
    """Which reader a media type takes: `json` (and `+json`), `xml` (and `+xml`), `text/*` as
    `text`, any other by its own name."""
    media = media.split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        return "json"
    if media.endswith("/xml") or media.endswith("+xml"):
        return "xml"
    if media.startswith("text/"):
        return "text"
    return media


BodyReader = Callable[
    [Mapping[str, Any], Schema | None, Mapping[str, Any], bytes, str], tuple[Any, list[Part]]
]


def _json_body(
    document: Mapping[str, Any],
    schema: Schema | None,
    encoding: Mapping[str, Any],
    body: bytes,
    content_type: str,
) -> tuple[Any, list[Part]]:
    text = utf8(body)
    value = json_value(text)
    return value, [Part("body", "", short(text), value, schema)]


def _text_body(
    document: Mapping[str, Any],
    schema: Schema | None,
    encoding: Mapping[str, Any],
    body: bytes,
    content_type: str,
) -> tuple[Any, list[Part]]:
    text = utf8(body)
    return text, [Part("body", "", short(text), text, schema)]


def _form_body(
    document: Mapping[str, Any],
    schema: Schema | None,
    encoding: Mapping[str, Any],
    body: bytes,
    content_type: str,
) -> tuple[Any, list[Part]]:
    fields = properties(document, schema) if schema is not None else {}
    grouped: dict[str, list[tuple[str, str]]] = {}
    for segment in utf8(body).split("&"):
        if segment:
            key, text = read_pair(segment)
            grouped.setdefault(key, []).append((segment, text))
    value: dict[str, Any] = {}
    parts = []
    for name, sent_pairs in grouped.items():
        values = [v for _, v in sent_pairs]
        wire = "&".join(segment for segment, _ in sent_pairs)
        value[name] = _field(document, fields.get(name), encoding.get(name) or {}, values)
        parts.append(Part("body", name, wire, value[name], fields.get(name)))
    return value, parts


def _field(
    document: Mapping[str, Any],
    schema: Schema | None,
    encoding: Mapping[str, Any],
    values: list[str],
) -> Any:
    """One form field's values, read by its Encoding Object (default style `form`, exploded)."""
    if "json" in str(encoding.get("contentType", "")):
        if len(values) > 1:
            raise Unreadable("a JSON form field sent several times")
        return json_value(values[0])
    if schema is None:  # a field the schema does not name: text, or its repeated values
        return values[0] if len(values) == 1 else values
    style = str(encoding.get("style", "form"))
    explode = encoding.get("explode", style == "form") is True
    return read_styled(document, schema, style, explode, values)


def _multipart_body(
    document: Mapping[str, Any],
    schema: Schema | None,
    encoding: Mapping[str, Any],
    body: bytes,
    content_type: str,
) -> tuple[Any, list[Part]]:
    fields = properties(document, schema) if schema is not None else {}
    grouped: dict[str, list[tuple[bytes, bool]]] = {}
    for name, payload, is_file in multipart_parts(body, content_type):
        grouped.setdefault(name, []).append((payload, is_file))
    value: dict[str, Any] = {}
    parts = []
    for name, sent_parts in grouped.items():
        prop = fields.get(name)
        kinds = types(document, prop)
        if "array" in kinds:
            member = items(document, prop)
            read = [_part_value(document, member, p, f) for p, f in sent_parts]
            binary = is_binary(member)
            value[name] = read
        elif prop is None and len(sent_parts) > 1:  # a part the schema does not name, repeated
            binary = any(f for _, f in sent_parts)
            value[name] = [_part_value(document, None, p, f) for p, f in sent_parts]
        else:
            if len(sent_parts) > 1:
                raise Unreadable(f"part {name} sent several times")
            binary = is_binary(prop) or sent_parts[0][1]
            value[name] = _part_value(document, prop, *sent_parts[0])
        wire = ", ".join(_part_wire(name, payload, is_file) for payload, is_file in sent_parts)
        parts.append(Part("body", name, wire, value[name], prop, binary=binary))
    return value, parts


def _part_value(
    document: Mapping[str, Any], schema: Schema | None, payload: bytes, file: bool
) -> Any:
    """A part as its property's value (default Content-Type: text/plain for a primitive,
    application/json for an object, the bytes as they are for a file)."""
    if file or is_binary(schema):
        return payload.decode("latin-1")
    kinds = types(document, schema)
    text = utf8(payload)
    if "object" in kinds or ("array" in kinds and "string" not in kinds):
        return json_value(text)
    return read_text(text, kinds)


def _part_wire(name: str, payload: bytes, is_file: bool) -> str:
    if is_file:
        return f"part {name}: a file of {len(payload)} bytes"
    return f"part {name}: {short(payload.decode('utf-8', 'replace'))}"


def multipart_parts(body: bytes, content_type: str) -> list[tuple[str, bytes, bool]]:
    """(name, payload, is a file) of each part of a multipart/form-data body."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise Unreadable("multipart without a boundary")
    delimiter = b"--" + match.group(1).encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise Unreadable("multipart body without its closing boundary")
    found = []
    for chunk in chunks[1:-1]:
        head, separator, payload = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator or not payload.endswith(b"\r\n"):
            raise Unreadable("a multipart part without its headers")
        disposition = next(
            (
                line
                for line in head.decode("utf-8", "surrogateescape").split("\r\n")
                if line.lower().startswith("content-disposition:")
            ),
            "",
        )
        name = re.search(r'\bname="([^"]*)"', disposition)
        if name is None:
            raise Unreadable("a multipart part without a name")
        is_file = re.search(r'\bfilename="', disposition) is not None
        found.append((name.group(1), payload[:-2], is_file))
    return found


BODY_READERS: dict[str, BodyReader] = {
    "json": _json_body,
    "text": _text_body,
    "application/x-www-form-urlencoded": _form_body,
    "multipart/form-data": _multipart_body,
    "xml": lambda document, schema, encoding, body, content_type: read_xml(document, schema, body),
}
