"""How the parts of a multipart/form-data body become the values of their properties.

OpenAPI 3.1.0, "Special Considerations for `multipart` Content": "each schema property, or each
element of a schema array property, takes a section in the payload", and the section's default
Content-Type is `text/plain` for a primitive (or an array of them), `application/json` for an
object (or an array of them); an Encoding Object's `contentType` names another. So a part is read
by its media type: its own `Content-Type` header (RFC 7578 4.4: what the client says it sent),
else the one its Encoding Object or schema gives it. JSON is decoded (a part that does not
decode stays the text it is, for the schema to refuse); text is typed by the schema as a form
field is (`"3"` is 3 for an integer); a file is a string, as `format: binary` says. A property
whose Encoding Object names `style` or `explode` is read in that style by `jobmock.http.styles`,
as a urlencoded field is ("If a value is explicitly defined, then the value of `contentType`
(implicit or explicit) SHALL be ignored"). Each property's reader is built once, at start.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jobmock.documents.pointers import Node, deref
from jobmock.http import jsondepth
from jobmock.http.styles import MISSING, Unparseable, decoder_for, parameter_of
from jobmock.http.wire import Pairs, Raw
from jobmock.http.xmlbody import schema_types, typed_text
from jobmock.limits import Limits
from jobmock.stateless.negotiation import is_json

TEXT, JSON = "text/plain", "application/json"
STYLE_KEYS = ("style", "explode", "allowReserved")
MAX_DEPTH = Limits().json_max_depth


@dataclass(frozen=True)
class Part:
    """One section of the body: its text (None for a file) and its own Content-Type ('' if none)."""

    text: str | None
    media_type: str = ""


def default_type(schema: Mapping[str, Any], root: Mapping[str, Any]) -> str:
    """A property's default part Content-Type: JSON for an object, an array's by its items'."""
    kinds = schema_types(dict(schema))
    if "object" in kinds:
        return JSON
    if "array" in kinds:
        items = deref(root, Node((), schema.get("items"))).value
        return default_type(items, root) if isinstance(items, Mapping) else TEXT
    return TEXT


@dataclass(frozen=True)
class Reading:
    """How a text part for one schema is read: its declared media type and the schema's types."""

    media_type: str
    kinds: list[str]

    def value(self, part: Part) -> Any:
        if part.text is None:
            return ""  # a file: a string of bytes (`format: binary`), not held
        if is_json(part.media_type or self.media_type) and self.kinds != ["string"]:
            try:
                return jsondepth.loads(part.text, MAX_DEPTH)
            except json.JSONDecodeError:  # kept as sent: the schema check names what it is not
                return part.text
        return typed_text(part.text, self.kinds)


def reading(schema: Any, encoding: Mapping[str, Any], root: Mapping[str, Any]) -> Reading:
    schema = schema if isinstance(schema, Mapping) else {}
    declared = encoding.get("contentType")
    media_type = (
        str(declared).split(",")[0].strip().lower()  # "a comma-separated list of the two types"
        if isinstance(declared, str) and declared.strip()
        else default_type(schema, root)
    )
    return Reading(media_type, schema_types(dict(schema)))


class PropertyReader:
    """The parts sent for one property, read into its value."""

    def __init__(
        self, name: str, schema: Any, encoding: Mapping[str, Any], root: Mapping[str, Any]
    ) -> None:
        schema = deref(root, Node((), schema)).value
        self.schema: dict[str, Any] = dict(schema) if isinstance(schema, Mapping) else {}
        self.whole = reading(self.schema, encoding, root)
        self.array = "array" in self.whole.kinds
        items = deref(root, Node((), self.schema.get("items"))).value
        self.items = reading(items, encoding, root) if self.array else self.whole
        serialization = {key: encoding[key] for key in STYLE_KEYS[:2] if key in encoding}
        self.styled: Callable[[Raw], Any] | None = None
        if any(key in encoding for key in STYLE_KEYS):
            definition = {"name": name, "in": "form", **serialization}
            self.styled = decoder_for(parameter_of(definition, self.schema))

    def value(self, parts: Sequence[Part], text_parts: Pairs) -> Any:
        """The property's value (MISSING when its style finds none in the parts sent)."""
        # a file or a part that says it is JSON is what it says, whatever the style
        if self.styled is not None and all(
            p.text is not None and not is_json(p.media_type) for p in parts
        ):
            try:
                return self.styled(text_parts)
            except Unparseable:  # kept as sent: the body's schema check refuses it
                texts = [p.text for p in parts]
                return texts[0] if len(texts) == 1 else texts
        if self.array:
            values = [self.items.value(part) for part in parts]
            if len(values) == 1 and isinstance(values[0], list) and "array" not in self.items.kinds:
                return values[0]  # the whole array in one part (a JSON array)
            return values
        values = [self.whole.value(part) for part in parts]
        return values[0] if len(values) == 1 else values


def properties(schema: Mapping[str, Any], root: Mapping[str, Any]) -> dict[str, Any]:
    """A body schema's properties, those of its `allOf` branches too."""
    found: dict[str, Any] = {}
    for branch in schema.get("allOf") or ():
        branch = deref(root, Node((), branch)).value
        if isinstance(branch, Mapping):
            found.update(properties(branch, root))
    found.update(schema.get("properties") or {})
    return found


class BodyReader:
    """A multipart body's parts, by name, read into the object its schema describes."""

    def __init__(self, schema: Mapping[str, Any], encodings: Any) -> None:
        self.root = schema
        encodings = encodings if isinstance(encodings, Mapping) else {}
        top = deref(schema, Node((), schema)).value  # a `$ref` to a component, most often
        top = top if isinstance(top, Mapping) else {}
        self.readers = {
            name: PropertyReader(name, prop, self.encoding(encodings, name), schema)
            for name, prop in properties(top, schema).items()
        }
        self.other = PropertyReader("", {}, {}, schema)  # a part the schema does not name

    @staticmethod
    def encoding(encodings: Mapping[str, Any], name: str) -> Mapping[str, Any]:
        found = encodings.get(name)
        return found if isinstance(found, Mapping) else {}

    def value(self, sent: Mapping[str, list[Part]]) -> dict[str, Any]:
        text_parts = Pairs(
            [(name, p.text) for name, parts in sent.items() for p in parts if p.text is not None]
        )
        found = {}
        for name, parts in sent.items():
            value = self.readers.get(name, self.other).value(parts, text_parts)
            if value is not MISSING:
                found[name] = value
        for name, reader in self.readers.items():  # an exploded object: its properties as parts
            if name not in sent and reader.styled is not None and text_parts.items:
                try:
                    value = reader.styled(text_parts)
                except Unparseable:
                    continue
                if value is not MISSING:
                    found[name] = value
        return found
