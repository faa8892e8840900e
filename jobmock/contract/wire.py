"""A request as it was sent, read back by OpenAPI's serialisation rules into the values a server
following them receives, so a checker's verdict can be judged on the bytes sent rather than on the
value the checker meant to send.

    read_request(document, "POST", "/pets/{id}", Sent.of(prepared)) -> Read     (or Unreadable)

Parameters: path and header (style `simple`), query (`form`, explode by default; `spaceDelimited`,
`pipeDelimited`) and cookie (`form`). Bodies: JSON, `application/x-www-form-urlencoded` (each field
by its Encoding Object, `form` with `explode` by default: a field of type array is its repeated
pairs, so one pair is an array of one), `multipart/form-data` (a part per property: text read by the
property's type, JSON for an object, a repeated part for an array, a file's bytes as they are),
XML (`jobmock.contract.wire_xml`) and text. Whatever else (objects in a query, `deepObject`, `label`
or `matrix` paths, another media type) is `Unreadable`: no verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from jobmock.contract.wire_bodies import BODY_READERS, kind
from jobmock.contract.wire_schema import (
    MISSING,
    Part,
    Schema,
    Unreadable,
    at,
    child,
    json_value,
    read_pair,
    read_styled,
    types,
)
from jobmock.http.openapi31 import IGNORED_HEADERS  # header parameters OpenAPI says to ignore


@dataclass(frozen=True)
class Sent:
    """What went over the wire."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes

    @classmethod
    def of(cls, prepared: Any) -> Sent:
        """From a `requests.PreparedRequest` (what schemathesis sent)."""
        url = urlsplit(str(prepared.url or ""))
        body = prepared.body or b""
        return cls(
            method=str(prepared.method or "GET").upper(),
            path=url.path,
            query=url.query,
            headers={str(k).lower(): str(v) for k, v in (prepared.headers or {}).items()},
            body=body.encode() if isinstance(body, str) else bytes(body),
        )


@dataclass
class Read:
    """A request read back: each part, and what to validate (parameters one by one, the body
    whole)."""

    parts: list[Part] = field(default_factory=list)
    parameters: list[tuple[Part, bool]] = field(default_factory=list)  # and whether required
    body: Any = MISSING
    body_schema: Schema | None = None
    body_required: bool = False


def read_request(document: Mapping[str, Any], method: str, template: str, sent: Sent) -> Read:
    """The request `sent` to the operation `method template` of `document`, read back."""
    operation = at(document, ("paths", template, method.lower()))
    path_item = at(document, ("paths", template))
    if operation is None or path_item is None:
        raise Unreadable(f"{method} {template} is not in the document")
    read = Read()
    for where, parameter in _parameters(document, path_item, operation).items():
        part = _read_parameter(document, where, parameter, template, sent)
        read.parts.append(part)
        read.parameters.append((part, parameter.value.get("required") is True))
    _read_body(document, operation, sent, read)
    return read


def _parameters(
    document: Mapping[str, Any], path_item: Schema, operation: Schema
) -> dict[tuple[str, str], Schema]:
    """(in, name) -> the parameter; the operation's override the path item's."""
    found: dict[tuple[str, str], Schema] = {}
    for holder in (path_item, operation):
        for i, _ in enumerate(holder.value.get("parameters") or ()):
            parameter = child(document, holder, "parameters", i)
            if parameter is not None:
                where = str(parameter.value.get("in")), str(parameter.value.get("name"))
                if where[0] != "header" or where[1].lower() not in IGNORED_HEADERS:
                    found[where] = parameter
    return found


def _read_parameter(
    document: Mapping[str, Any],
    where: tuple[str, str],
    parameter: Schema,
    template: str,
    sent: Sent,
) -> Part:
    location, name = where
    values, wire = SOURCES.get(location, _unknown_location)(name, template, sent)
    if "content" in parameter.value:  # a parameter serialised as a media type: JSON, or text
        media = next(iter(parameter.value["content"] or {}), "")
        schema = child(document, parameter, "content", media, "schema")
        if not values:
            return Part(location, name, wire, MISSING, schema)
        value: Any = values[0]
        if "json" in media:
            value = json_value(values[0])
        return Part(location, name, wire, value, schema)
    schema = child(document, parameter, "schema")
    style = str(parameter.value.get("style", DEFAULT_STYLES.get(location, "simple")))
    if style == "deepObject" or types(document, schema) == ["object"]:
        raise Unreadable(f"object parameter {name}")  # its properties are sent under other names
    if not values:
        return Part(location, name, wire, MISSING, schema)
    explode = parameter.value.get("explode", style == "form") is True
    value = read_styled(document, schema, style, explode, values)
    return Part(location, name, wire, value, schema)


DEFAULT_STYLES = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


def _query(name: str, template: str, sent: Sent) -> tuple[list[str], str]:
    pairs = [(seg, *read_pair(seg)) for seg in sent.query.split("&") if seg]
    mine = [(seg, value) for seg, key, value in pairs if key == name]
    return [value for _, value in mine], "&".join(seg for seg, _ in mine)


def _path(name: str, template: str, sent: Sent) -> tuple[list[str], str]:
    pieces = re.split(r"(\{[^}/]+\})", template)  # literal text and {name}s, alternately
    pattern = "".join(
        f"(?P<p{i}>[^/]+)" if i % 2 else re.escape(piece) for i, piece in enumerate(pieces)
    )
    match = re.fullmatch(".*?" + pattern, sent.path)  # after whatever base the server has
    if match is None:
        raise Unreadable(f"{sent.path} is not a path of {template}")
    for i in range(1, len(pieces), 2):
        if pieces[i] == "{" + name + "}":
            raw = match.group(f"p{i}")
            return [unquote(raw)], f"{name} = {raw}"
    return [], ""


def _header(name: str, template: str, sent: Sent) -> tuple[list[str], str]:
    value = sent.headers.get(name.lower())
    return ([value.strip()], f"{name}: {value}") if value is not None else ([], "")


def _cookie(name: str, template: str, sent: Sent) -> tuple[list[str], str]:
    for crumb in sent.headers.get("cookie", "").split(";"):
        key, _, value = crumb.strip().partition("=")
        if key == name:
            return [unquote(value)], f"Cookie: {crumb.strip()}"
    return [], ""


def _unknown_location(name: str, template: str, sent: Sent) -> tuple[list[str], str]:
    raise Unreadable(f"parameter {name} in an unknown location")


Source = Callable[[str, str, Sent], tuple[list[str], str]]
SOURCES: dict[str, Source] = {"query": _query, "path": _path, "header": _header, "cookie": _cookie}


# bodies ---------------------------------------------------------------------------------------
def _read_body(document: Mapping[str, Any], operation: Schema, sent: Sent, read: Read) -> None:
    body = child(document, operation, "requestBody")
    if body is None:
        return  # a body no operation declares is not read: nothing to validate
    read.body_required = body.value.get("required") is True
    if not sent.body:
        return
    content_type = sent.headers.get("content-type", "")
    media = _media_key(body.value.get("content") or {}, content_type)
    if media is None:
        raise Unreadable(f"{content_type or 'no Content-Type'} is not a declared media type")
    schema = child(document, body, "content", media, "schema")
    encoding = (body.value["content"][media] or {}).get("encoding") or {}
    reader = BODY_READERS.get(kind(media))
    if reader is None:
        raise Unreadable(f"a {media} body")
    read.body, parts = reader(document, schema, encoding, sent.body, content_type)
    read.body_schema = schema
    read.parts += parts


def _media_key(content: Mapping[str, Any], content_type: str) -> str | None:
    sent = content_type.split(";")[0].strip().lower()
    declared = {str(key).split(";")[0].strip().lower(): str(key) for key in content}
    if sent in declared:
        return declared[sent]
    major = sent.split("/")[0]
    return declared.get(f"{major}/*") or declared.get("*/*")
