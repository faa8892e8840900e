"""Parameter values as OpenAPI serializes them: one decoder per parameter, built at start.

OpenAPI 3.0.3 and 3.1.0, Parameter Object, "Style Values" and "Style Examples": a parameter's
`style` and `explode` say how its value (a primitive, an array or an object) is written into the
path, query, header or cookie. `decoder_for` compiles a parameter into the function that turns the
request's raw strings back into that value, its scalars typed by the schema (`"3"` is 3 for an
integer), for the schema to be checked against. A value that does not follow its style raises
`Unparseable`: the caller refuses it as it refuses a schema miss. A parameter written as it
always was (default style, a scalar schema, a query or path string connexion already reads) gets
no decoder: its requests cost nothing more.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from jobmock.http.scalars import (
    items_schema,
    property_names,
    property_schema,
    scalar_types,
    shape_of,
    typed,
)
from jobmock.http.wire import Decoded, Raw, Wire, rest

# OpenAPI 3.1.0, Parameter Object, `style`: "Default values (based on value of `in`): for `query`
# - `form`; for `path` - `simple`; for `header` - `simple`; for `cookie` - `form`."
# A form body's field (Encoding Object, `style`): "The behavior follows the same values as `query`
# parameters, including default values."
DEFAULT_STYLES = {
    "path": "simple",
    "query": "form",
    "header": "simple",
    "cookie": "form",
    "form": "form",
}
MISSING: t.Any = object()  # the request does not carry the parameter


class Unparseable(ValueError):
    """A raw value that its parameter's style cannot have written."""


@dataclass(frozen=True)
class Parameter:
    """What a decoder needs of a Parameter Object (or of an Encoding Object's property)."""

    name: str
    location: str  # path, query, header, cookie; `form` for a form body's property
    style: str
    explode: bool
    shape: str  # scalar, array, object
    schema: dict[str, t.Any]


Decoder = Callable[[Raw], t.Any]


def _array(parameter: Parameter, wire: Wire, items: Sequence[str]) -> list[t.Any]:
    schema = items_schema(parameter.schema)
    return [typed(wire.text(item), schema) for item in items]


def _object(parameter: Parameter, wire: Wire, pairs: Sequence[tuple[str, str]]) -> dict[str, t.Any]:
    found = {}
    for key, value in pairs:
        name = wire.text(key)
        found[name] = typed(wire.text(value), property_schema(parameter.schema, name))
    return found


def _flat_pairs(parts: Sequence[str]) -> list[tuple[str, str]]:
    """`R,100,G,200` (an object not exploded): names and values alternate."""
    if len(parts) % 2:
        raise Unparseable(f"{len(parts)} names and values: a name without its value")
    return list(zip(parts[::2], parts[1::2], strict=True))


def _assigned_pairs(wire: Wire, parts: Sequence[str], delimiter: str) -> list[tuple[str, str]]:
    """`R=100`, `G=200` (an object exploded): each part a name, `=`, its value. A part without
    `=` continues the value before it: the delimiter was in that value (a header's `a,b`, a
    label's `-6.5`, which nothing escapes)."""
    pairs: list[tuple[str, str]] = []
    for part in parts:
        key, equals, value = wire.partition(part, "=")
        if equals:
            pairs.append((key, value))
        elif pairs:
            before, joined = pairs[-1]
            pairs[-1] = (before, _joined(joined, delimiter, part))
        else:
            raise Unparseable(f"{wire.text(part)!r} is not name=value")
    return pairs


def _joined(head: str, delimiter: str, tail: str) -> str:
    text = head + delimiter + tail
    return Decoded(text) if isinstance(head, Decoded) else text


def _one(raw: Raw, name: str) -> str | t.Any:
    values = raw.values(name)
    return values[-1] if values else MISSING


# --- the styles: each decodes one parameter's raw strings into its value ----------------------


def _simple(parameter: Parameter, raw: Raw) -> t.Any:
    # simple | true | blue | blue,black,brown | R=100,G=200,B=150
    # simple | false | blue | blue,black,brown | R,100,G,200,B,150
    text = _one(raw, parameter.name)
    if text is MISSING:
        return MISSING
    return _delimited(parameter, raw.wire, text, ",", ",")


def _delimited(
    parameter: Parameter, wire: Wire, text: str, delimiter: str, exploded_by: str
) -> t.Any:
    """A value written as one list: an array's items, or an object's names and values."""
    if parameter.shape == "scalar":
        return typed(wire.text(text), parameter.schema)
    if parameter.shape == "array":
        return _array(parameter, wire, wire.split(text, delimiter))
    if parameter.explode:
        return _object(
            parameter, wire, _assigned_pairs(wire, wire.split(text, exploded_by), exploded_by)
        )
    return _object(parameter, wire, _flat_pairs(wire.split(text, delimiter)))


def _label(parameter: Parameter, raw: Raw) -> t.Any:
    # label | false | .blue | .blue,black,brown (RFC 6570 3.2.5; OpenAPI 3.0.3's and 3.1.0's
    #   table writes .blue.black.brown, also read) | .R,100,G,200,B,150
    # label | true | .blue | .blue.black.brown | .R=100.G=200.B=150
    text = _one(raw, parameter.name)
    if text is MISSING:
        return MISSING
    if not text.startswith("."):
        raise Unparseable(f"{raw.wire.text(text)!r} does not start with '.' (style label)")
    after = rest(text, 1)
    if parameter.shape == "scalar":
        return typed(raw.wire.text(after), parameter.schema)
    listed = raw.wire.split(after, ",")
    delimiter = "." if parameter.explode or len(listed) < 2 else ","
    return _delimited(parameter, raw.wire, after, delimiter, ".")


def _matrix(parameter: Parameter, raw: Raw) -> t.Any:
    # matrix | false | ;color=blue | ;color=blue,black,brown | ;color=R,100,G,200,B,150
    # matrix | true | ;color=blue | ;color=blue;color=black;color=brown | ;R=100;G=200;B=150
    text, wire = _one(raw, parameter.name), raw.wire
    if text is MISSING:
        return MISSING
    if not text.startswith(";"):
        raise Unparseable(f"{wire.text(text)!r} does not start with ';' (style matrix)")
    parts = wire.split(rest(text, 1), ";") or [""]
    if parameter.shape == "object" and parameter.explode:
        # `;color`, the table's empty value, is the empty object
        empty = [wire.text(p) for p in parts] == [parameter.name]
        return _object(parameter, wire, _assigned_pairs(wire, [] if empty else parts, ";"))
    values = []
    for part in parts:
        key, _, value = wire.partition(part, "=")
        if wire.text(key) != parameter.name:
            raise Unparseable(
                f"{wire.text(part)!r} does not name {parameter.name!r} (style matrix)"
            )
        values.append(value)  # `;color` (nothing after the name): the empty value
    if parameter.shape == "array" and parameter.explode:
        return _array(parameter, wire, [] if values == [""] else values)
    if len(values) != 1:
        raise Unparseable(f"{parameter.name!r} is written {len(values)} times (style matrix)")
    return _delimited(parameter, wire, values[0], ",", ",")


def _form(parameter: Parameter, raw: Raw) -> t.Any:
    # form | false | color=blue | color=blue,black,brown | color=R,100,G,200,B,150
    # form | true | color=blue | color=blue&color=black&color=brown | R=100&G=200&B=150
    if parameter.shape == "object" and parameter.explode:
        names = property_names(parameter.schema)
        pairs = [(key, value) for key, value in raw.pairs() if key in names]
        if not pairs:  # `color=`: the table's empty value
            return {} if raw.values(parameter.name) == [""] else MISSING
        return _object(parameter, raw.wire, pairs)
    values = raw.values(parameter.name)
    if not values:
        return MISSING
    if parameter.shape == "array" and parameter.explode:
        return _array(parameter, raw.wire, [] if values == [""] else values)
    if len(values) > 1:  # only an exploded array is written as several pairs
        raise Unparseable(f"{parameter.name!r} is sent {len(values)} times")
    return _delimited(parameter, raw.wire, values[0], ",", ",")


def _delimited_style(delimiter: str) -> Callable[[Parameter, Raw], t.Any]:
    # spaceDelimited | false | blue%20black%20brown | R%20100%20G%20200%20B%20150
    # pipeDelimited | false | blue|black|brown | R|100|G|200|B|150
    def decode(parameter: Parameter, raw: Raw) -> t.Any:
        values = raw.values(parameter.name)
        if not values:
            return MISSING
        if parameter.shape == "array" and parameter.explode:  # as form: one pair per item
            return _array(parameter, raw.wire, [] if values == [""] else values)
        return _delimited(parameter, raw.wire, values[-1], delimiter, delimiter)

    return decode


_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


def _deep_object(parameter: Parameter, raw: Raw) -> t.Any:
    # deepObject | true | color[R]=100&color[G]=200&color[B]=150
    prefix = parameter.name + "["
    found: dict[str, t.Any] = {}
    any_sent = False
    for key, value in raw.pairs():
        if not key.startswith(prefix):
            continue
        brackets = key[len(parameter.name) :]
        path = _BRACKETS.findall(brackets)
        if not path or "".join(f"[{p}]" for p in path) != brackets:
            raise Unparseable(f"{key!r} is not {parameter.name}[name] (style deepObject)")
        any_sent = True
        node, schema = found, parameter.schema
        for step in path[:-1]:
            schema = property_schema(schema, step) if isinstance(schema, dict) else {}
            child = node.setdefault(step, {})
            if not isinstance(child, dict):
                raise Unparseable(f"{key!r} sets {step!r} twice (style deepObject)")
            node = child
        leaf = property_schema(schema, path[-1]) if isinstance(schema, dict) else {}
        node[path[-1]] = typed(raw.wire.text(value), leaf)
    return found if any_sent else MISSING


STYLES: dict[str, Callable[[Parameter, Raw], t.Any]] = {
    "simple": _simple,
    "label": _label,
    "matrix": _matrix,
    "form": _form,
    "spaceDelimited": _delimited_style(" "),
    "pipeDelimited": _delimited_style("|"),
    "deepObject": _deep_object,
}


def parameter_of(definition: dict[str, t.Any], schema: dict[str, t.Any]) -> Parameter:
    location = definition.get("in", "query")
    style = definition.get("style") or DEFAULT_STYLES.get(location, "form")
    # "When style is form, the default value is true. For all other styles, the default value is
    # false." (Parameter Object, `explode`)
    explode = definition.get("explode")
    return Parameter(
        name=definition["name"],
        location=location,
        style=style,
        explode=bool(style == "form" if explode is None else explode),
        shape=shape_of(schema),
        schema=schema,
    )


def needs_decoding(parameter: Parameter) -> bool:
    """False for what connexion already reads as written: a primitive in its location's default
    style, kept a string (path and query are typed by connexion, headers and cookies are not)."""
    if parameter.style != DEFAULT_STYLES.get(parameter.location) or parameter.shape != "scalar":
        return True
    if len(scalar_types(parameter.schema)) > 1:  # `anyOf: [integer, string]`: read by `typed`
        return True
    if parameter.location in ("header", "cookie"):
        return scalar_types(parameter.schema) not in ([], ["string"])
    return False


def decoder_for(parameter: Parameter) -> Callable[[Raw], t.Any]:
    """The function reading `parameter`'s value from its location's raw strings (`MISSING` when
    not sent), raising `Unparseable` for what its style cannot have written. A style OpenAPI does
    not define is read as its location's default."""
    style = STYLES.get(parameter.style) or STYLES[DEFAULT_STYLES.get(parameter.location, "form")]
    return lambda raw: style(parameter, raw)


def cookie_decoder(parameter: Parameter) -> Callable[[Raw], t.Any]:
    """Cookies in style form: the table's `color=blue&color=black` has no Cookie header form, so
    exploded arrays are every cookie of that name, each a comma-separated list, and an exploded
    object is the named cookie's `R=100,G=200`, else its properties as cookies (the table's)."""
    base = decoder_for(parameter)
    if parameter.style != "form" or parameter.shape == "scalar":
        return base
    if parameter.shape == "array":

        def array(raw: Raw) -> t.Any:
            values = raw.values(parameter.name)
            if not values:
                return MISSING
            items = [item for value in values for item in raw.wire.split(value, ",")]
            return _array(parameter, raw.wire, items)

        return array

    other = replace(parameter, explode=not parameter.explode)

    def object_(raw: Raw) -> t.Any:
        text = _one(raw, parameter.name)
        if text is MISSING:
            return base(raw)
        # one cookie has no exploded form: `R=100,G=200` and `R,100,G,200` are read alike
        try:
            return _delimited(parameter, raw.wire, text, ",", ",")
        except Unparseable:
            return _delimited(other, raw.wire, text, ",", ",")

    return object_
