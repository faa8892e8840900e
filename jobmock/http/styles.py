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

import decimal
import re
import typing as t
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


class Raw(t.Protocol):
    """A request's raw strings for one location."""

    def values(self, name: str) -> list[str]:
        """Every value sent under `name`, in order (one at most for path and header)."""
        ...

    def pairs(self) -> Sequence[tuple[str, str]]:
        """Every (name, value) sent, in order: exploded objects are spread over several names."""
        ...


@dataclass(frozen=True)
class Pairs:
    """Raw strings given as (name, value) pairs: a query string, cookies, a form body."""

    items: Sequence[tuple[str, str]]

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.items if key == name]

    def pairs(self) -> Sequence[tuple[str, str]]:
        return self.items


Decoder = Callable[[Raw], t.Any]


# --- the scalars of a decoded value, typed by their schema ------------------------------------

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


def _items_schema(schema: dict[str, t.Any]) -> t.Any:
    for branch in (schema, *(schema.get("anyOf") or ()), *(schema.get("oneOf") or ())):
        if isinstance(branch, dict) and isinstance(branch.get("items"), dict):
            return branch["items"]
    return {}


def _property_schema(schema: dict[str, t.Any], key: str) -> t.Any:
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


def _array(parameter: Parameter, items: Sequence[str]) -> list[t.Any]:
    schema = _items_schema(parameter.schema)
    return [typed(item, schema) for item in items]


def _object(parameter: Parameter, pairs: Sequence[tuple[str, str]]) -> dict[str, t.Any]:
    return {key: typed(value, _property_schema(parameter.schema, key)) for key, value in pairs}


def _split(text: str, delimiter: str) -> list[str]:
    """An RFC 6570 list: nothing written is the empty list."""
    return text.split(delimiter) if text else []


def _flat_pairs(parts: Sequence[str]) -> list[tuple[str, str]]:
    """`R,100,G,200` (an object not exploded): names and values alternate."""
    if len(parts) % 2:
        raise Unparseable(f"{len(parts)} names and values: a name without its value")
    return list(zip(parts[::2], parts[1::2], strict=True))


def _assigned_pairs(parts: Sequence[str]) -> list[tuple[str, str]]:
    """`R=100`, `G=200` (an object exploded): each part a name, `=`, its value."""
    pairs = []
    for part in parts:
        key, equals, value = part.partition("=")
        if not equals:
            raise Unparseable(f"{part!r} is not name=value")
        pairs.append((key, value))
    return pairs


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
    return _delimited(parameter, text, ",", ",")


def _delimited(parameter: Parameter, text: str, delimiter: str, exploded_by: str) -> t.Any:
    """A value written as one list: an array's items, or an object's names and values."""
    if parameter.shape == "scalar":
        return typed(text, parameter.schema)
    if parameter.shape == "array":
        return _array(parameter, _split(text, delimiter))
    if parameter.explode:
        return _object(parameter, _assigned_pairs(_split(text, exploded_by)))
    return _object(parameter, _flat_pairs(_split(text, delimiter)))


def _label(parameter: Parameter, raw: Raw) -> t.Any:
    # label | false | .blue | .blue,black,brown (RFC 6570 3.2.5; OpenAPI 3.0.3's table writes
    #   .blue.black.brown, also read) | .R,100,G,200,B,150
    # label | true | .blue | .blue.black.brown | .R=100.G=200.B=150
    text = _one(raw, parameter.name)
    if text is MISSING:
        return MISSING
    if not text.startswith("."):
        raise Unparseable(f"{text!r} does not start with '.' (style label)")
    rest = text[1:]
    if parameter.shape == "scalar":
        return typed(rest, parameter.schema)
    delimiter = "." if parameter.explode or "," not in rest else ","
    return _delimited(parameter, rest, delimiter, ".")


def _matrix(parameter: Parameter, raw: Raw) -> t.Any:
    # matrix | false | ;color=blue | ;color=blue,black,brown | ;color=R,100,G,200,B,150
    # matrix | true | ;color=blue | ;color=blue;color=black;color=brown | ;R=100;G=200;B=150
    text = _one(raw, parameter.name)
    if text is MISSING:
        return MISSING
    if not text.startswith(";"):
        raise Unparseable(f"{text!r} does not start with ';' (style matrix)")
    parts = text[1:].split(";")
    if parameter.shape == "object" and parameter.explode:
        # `;color`, the table's empty value, is the empty object
        return _object(parameter, _assigned_pairs(parts if parts != [parameter.name] else []))
    values = []
    for part in parts:
        key, _, value = part.partition("=")
        if key != parameter.name:
            raise Unparseable(f"{part!r} does not name {parameter.name!r} (style matrix)")
        values.append(value)  # `;color` (nothing after the name): the empty value
    if parameter.shape == "array" and parameter.explode:
        return _array(parameter, [] if values == [""] else values)
    if len(values) != 1:
        raise Unparseable(f"{parameter.name!r} is written {len(values)} times (style matrix)")
    return _delimited(parameter, values[0], ",", ",")


def _form(parameter: Parameter, raw: Raw) -> t.Any:
    # form | false | color=blue | color=blue,black,brown | color=R,100,G,200,B,150
    # form | true | color=blue | color=blue&color=black&color=brown | R=100&G=200&B=150
    if parameter.shape == "object" and parameter.explode:
        names = property_names(parameter.schema)
        pairs = [(key, value) for key, value in raw.pairs() if key in names]
        if not pairs:  # `color=`: the table's empty value
            return {} if raw.values(parameter.name) == [""] else MISSING
        return _object(parameter, pairs)
    values = raw.values(parameter.name)
    if not values:
        return MISSING
    if parameter.shape == "array" and parameter.explode:
        return _array(parameter, [] if values == [""] else values)
    if len(values) > 1:  # only an exploded array is written as several pairs
        raise Unparseable(f"{parameter.name!r} is sent {len(values)} times")
    return _delimited(parameter, values[0], ",", ",")


def _delimited_style(delimiter: str) -> Callable[[Parameter, Raw], t.Any]:
    # spaceDelimited | false | blue%20black%20brown | R%20100%20G%20200%20B%20150
    # pipeDelimited | false | blue|black|brown | R|100|G|200|B|150
    def decode(parameter: Parameter, raw: Raw) -> t.Any:
        values = raw.values(parameter.name)
        if not values:
            return MISSING
        if parameter.shape == "array" and parameter.explode:  # as form: one pair per item
            return _array(parameter, [] if values == [""] else values)
        return _delimited(parameter, values[-1], delimiter, delimiter)

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
        path = _BRACKETS.findall(key[len(parameter.name) :])
        if "".join(f"[{p}]" for p in path) != key[len(parameter.name) :] or not path:
            raise Unparseable(f"{key!r} is not {parameter.name}[name] (style deepObject)")
        any_sent = True
        node, schema = found, parameter.schema
        for step in path[:-1]:
            schema = _property_schema(schema, step) if isinstance(schema, dict) else {}
            child = node.setdefault(step, {})
            if not isinstance(child, dict):
                raise Unparseable(f"{key!r} sets {step!r} twice (style deepObject)")
            node = child
        leaf = _property_schema(schema, path[-1]) if isinstance(schema, dict) else {}
        node[path[-1]] = typed(value, leaf)
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
    if parameter.location in ("header", "cookie"):
        return scalar_types(parameter.schema) not in ([], ["string"])
    return False


def decoder_for(parameter: Parameter) -> Callable[[Raw], t.Any]:
    """The function reading `parameter`'s value from its location's raw strings (`MISSING` when
    not sent), raising `Unparseable` for what its style cannot have written. A style OpenAPI does
    not define is read as its location's default."""
    style = STYLES.get(parameter.style) or STYLES[DEFAULT_STYLES.get(parameter.location, "form")]
    return lambda raw: style(parameter, raw)


# --- a request's raw strings, per location -----------------------------------------------------


@dataclass(frozen=True)
class One:
    """A location that carries one string per name: a path parameter, a header (its lines joined)."""

    name: str
    value: str | None

    def values(self, name: str) -> list[str]:
        return [self.value] if self.value is not None and name == self.name else []

    def pairs(self) -> Sequence[tuple[str, str]]:
        return [(self.name, self.value)] if self.value is not None else []


def _unquoted(value: str) -> str:
    # RFC 6265 4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def cookie_pairs(header: str) -> list[tuple[str, str]]:
    """Every cookie of a `Cookie` header, in order, names repeated as sent (RFC 6265 5.4)."""
    pairs = []
    for chunk in header.split(";"):
        key, equals, value = chunk.partition("=")
        if equals:
            pairs.append((key.strip(), _unquoted(value.strip())))
    return pairs


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
            return _array(parameter, [item for value in values for item in _split(value, ",")])

        return array

    other = Parameter(**{**parameter.__dict__, "explode": not parameter.explode})

    def object_(raw: Raw) -> t.Any:
        text = _one(raw, parameter.name)
        if text is MISSING:
            return base(raw)
        try:
            return _delimited(parameter, text, ",", ",")
        except (
            Unparseable
        ):  # one cookie has no exploded form: `R=100,G=200` and `R,100,G,200` alike
            return _delimited(other, text, ",", ",")

    return object_
