"""Parameter styles decoded (`jobmock.http.styles`): every row of OpenAPI's "Style Examples"
table reads back as the table's value, and random arrays and objects written as the spec's
styles write them read back as themselves."""

from __future__ import annotations

import typing as t
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobmock.http.styles import (
    MISSING,
    Unparseable,
    cookie_decoder,
    decoder_for,
    needs_decoding,
    parameter_of,
)
from jobmock.http.wire import PERCENT_ENCODED, One, Pairs, Raw, cookie_pairs, query_pairs
from tests.requirements import require

SPEC_TEXT = Path("/usr/share/openapi-specification/versions/3.1.0.md")  # Debian's package

# OpenAPI 3.1.0 (and 3.0.3), Parameter Object, "Style Examples": "Assume a parameter named
# `color` has one of the following values: string -> "blue", array -> ["blue","black","brown"],
# object -> { "R": 100, "G": 200, "B": 150 }. The following table shows examples of rendering
# differences for each value."
TABLE = """\
matrix | false | ;color | ;color=blue | ;color=blue,black,brown | ;color=R,100,G,200,B,150
matrix | true | ;color | ;color=blue | ;color=blue;color=black;color=brown | ;R=100;G=200;B=150
label | false | .  | .blue |  .blue.black.brown | .R.100.G.200.B.150
label | true | . | .blue |  .blue.black.brown | .R=100.G=200.B=150
form | false | color= | color=blue | color=blue,black,brown | color=R,100,G,200,B,150
form | true | color= | color=blue | color=blue&color=black&color=brown | R=100&G=200&B=150
simple | false | n/a | blue | blue,black,brown | R,100,G,200,B,150
simple | true | n/a | blue | blue,black,brown | R=100,G=200,B=150
spaceDelimited | false | n/a | n/a | blue%20black%20brown | R%20100%20G%20200%20B%20150
pipeDelimited | false | n/a | n/a | blue\\|black\\|brown | R\\|100\\|G\\|200\\|B\\|150
deepObject | true | n/a | n/a | n/a | color[R]=100&color[G]=200&color[B]=150
"""
VALUES = {
    "empty": None,
    "string": "blue",
    "array": ["blue", "black", "brown"],
    "object": {"R": 100, "G": 200, "B": 150},
}
SCHEMAS: dict[str, dict[str, t.Any]] = {
    "string": {"type": "string"},
    "array": {"type": "array", "items": {"type": "string"}},
    "object": {"type": "object", "properties": {k: {"type": "integer"} for k in "RGB"}},
}
EMPTY = {"string": "", "array": [], "object": {}}  # the table's `empty` column, by schema
# where each style is written (Style Values table, `in`)
LOCATIONS = {
    "matrix": "path",
    "label": "path",
    "simple": "path",
    "form": "query",
    "spaceDelimited": "query",
    "pipeDelimited": "query",
    "deepObject": "query",
}


def raw_of(location: str, written: str, name: str = "color") -> Raw:
    """What the server reads: a path segment as it is, a query string split and percent-decoded
    (as starlette's QueryParams does)."""
    if location == "query":
        return query_pairs(written.encode())
    return One(name, written, PERCENT_ENCODED)


def table_cases() -> list[tuple[str, bool, str, str, t.Any]]:
    cases = []
    for line in TABLE.splitlines():
        cells = [c.strip().replace("\\|", "|") for c in line.split(" | ")]
        style, explode, written = cells[0], cells[1] == "true", cells[2:]
        for column, cell in zip(("empty", "string", "array", "object"), written, strict=True):
            if cell == "n/a":
                continue
            kinds = EMPTY if column == "empty" else {column: VALUES[column]}
            for kind, value in kinds.items():
                cases.append((style, explode, kind, cell, value))
    return cases


def test_the_table_is_the_specifications() -> None:
    require(SPEC_TEXT.is_file(), f"{SPEC_TEXT} is missing (apt-get install openapi-specification)")
    text = SPEC_TEXT.read_text()
    for line in TABLE.splitlines():
        assert line in text, line


@pytest.mark.parametrize(("style", "explode", "kind", "written", "value"), table_cases())
def test_every_row_of_the_style_examples_table_decodes_to_its_value(
    style: str, explode: bool, kind: str, written: str, value: t.Any
) -> None:
    location = LOCATIONS[style]
    if style in ("spaceDelimited", "pipeDelimited"):
        written = f"color={written}"  # the table writes these two rows' values alone
    definition = {"name": "color", "in": location, "style": style, "explode": explode}
    parameter = parameter_of(definition, SCHEMAS[kind])
    assert decoder_for(parameter)(raw_of(location, written)) == value


def test_label_lists_as_rfc_6570_writes_them() -> None:
    # RFC 6570 3.2.5, `{.list}` with list := ("red", "green", "blue"): ".red,green,blue"; and
    # `{.keys}` with keys := [("semi", ";"), ("dot", "."), ("comma", ",")]: ".semi,%3B,dot,.,comma,%2C"
    array = parameter_of({"name": "list", "in": "path", "style": "label"}, SCHEMAS["array"])
    assert decoder_for(array)(One("list", ".red,green,blue")) == ["red", "green", "blue"]
    keys = parameter_of({"name": "keys", "in": "path", "style": "label"}, {"type": "object"})
    assert decoder_for(keys)(One("keys", ".semi,;,dot,.,comma,x")) == {
        "semi": ";",
        "dot": ".",
        "comma": "x",
    }


@pytest.mark.parametrize(
    ("style", "written", "why"),
    [
        ("matrix", "color=blue", "does not start with ';'"),
        ("matrix", ";colour=blue", "does not name 'color'"),
        ("label", "blue", "does not start with '.'"),
        ("simple", "R,100,G", "a name without its value"),
    ],
)
def test_what_a_style_cannot_have_written_is_unparseable(
    style: str, written: str, why: str
) -> None:
    kind = "object" if style == "simple" else "string"
    parameter = parameter_of({"name": "color", "in": "path", "style": style}, SCHEMAS[kind])
    with pytest.raises(Unparseable, match=why):
        decoder_for(parameter)(One("color", written))


def test_an_exploded_object_reads_its_properties_and_is_missing_without_them() -> None:
    parameter = parameter_of({"name": "color", "in": "query"}, SCHEMAS["object"])
    decode = decoder_for(parameter)
    assert decode(Pairs([("R", "1"), ("other", "x")])) == {"R": 1}
    assert decode(Pairs([("other", "x")])) is MISSING


def test_default_scalars_need_no_decoder_but_typed_headers_and_cookies_do() -> None:
    integer = {"type": "integer"}
    for location in ("path", "query"):
        assert not needs_decoding(parameter_of({"name": "n", "in": location}, integer))
    for location in ("header", "cookie"):
        assert not needs_decoding(parameter_of({"name": "n", "in": location}, {"type": "string"}))
        assert needs_decoding(parameter_of({"name": "n", "in": location}, integer))
    header = parameter_of({"name": "n", "in": "header"}, integer)
    assert decoder_for(header)(One("n", "3")) == 3


def test_cookies_hold_lists_and_objects_in_one_value() -> None:
    # a Cookie header cannot repeat the table's `color=blue&color=black`: one cookie, a list
    cookies = cookie_pairs('array=a,b; object="R=1,G=2"; flat=R,1')
    array = parameter_of({"name": "array", "in": "cookie"}, SCHEMAS["array"])
    exploded = parameter_of({"name": "object", "in": "cookie"}, SCHEMAS["object"])
    flat = parameter_of({"name": "flat", "in": "cookie"}, SCHEMAS["object"])
    assert cookie_decoder(array)(cookies) == ["a", "b"]
    assert cookie_decoder(exploded)(cookies) == {"R": 1, "G": 2}
    assert cookie_decoder(flat)(cookies) == {"R": 1}


# --- property: what the spec's styles write reads back as the value ---------------------------

# characters no style uses as a delimiter (RFC 3986 unreserved, minus `.` and `~`, plus letters
# outside ASCII): a value holding a delimiter cannot be told apart from two values, by any server
TEXT = st.text(
    alphabet=st.characters(
        categories=("L", "Nd"), include_characters="-_", exclude_characters=".,;=|&[]"
    ),
    min_size=1,
    max_size=8,
)
# path and query values are percent-encoded (RFC 6570 3.2.1): a delimiter in them is data
ENCODED_TEXT = st.text(
    alphabet=st.characters(
        categories=("L", "Nd"), include_characters="-_,;=|", exclude_characters=".&[]"
    ),
    min_size=1,
    max_size=8,
)
SCALARS: dict[str, st.SearchStrategy[t.Any]] = {
    "string": TEXT,
    "integer": st.integers(-(2**40), 2**40),
    "number": st.floats(allow_nan=False, allow_infinity=False, width=32).filter(
        lambda x: not x.is_integer()
    ),
    "boolean": st.booleans(),
}
# (style, location, explode) the Style Values table allows, for arrays and objects
STYLED = [
    ("matrix", "path", False),
    ("matrix", "path", True),
    ("label", "path", False),
    ("label", "path", True),
    ("simple", "path", False),
    ("simple", "path", True),
    ("simple", "header", False),
    ("simple", "header", True),
    ("form", "query", False),
    ("form", "query", True),
    ("spaceDelimited", "query", False),
    ("pipeDelimited", "query", False),
    ("deepObject", "query", True),
]


def wire(value: t.Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def serialize(style: str, location: str, explode: bool, name: str, value: t.Any) -> str:
    """`value` written as OpenAPI's Style Examples table writes it (RFC 6570 for lists: items
    joined by `,`), each name and value percent-encoded in a path or query (RFC 6570 3.2.1)."""
    encode = (lambda v: quote(v, safe="")) if location != "header" else (lambda v: v)
    if isinstance(value, list):
        items = [encode(wire(v)) for v in value]
        pairs: list[tuple[str, str]] = []
    else:
        pairs = [(encode(k), encode(wire(v))) for k, v in value.items()]
        items = [part for pair in pairs for part in pair]
    if style == "matrix":
        if isinstance(value, dict) and explode:
            return "".join(f";{k}={v}" for k, v in pairs) or f";{name}"
        if isinstance(value, list) and explode:
            return "".join(f";{name}={v}" for v in items) or f";{name}"
        return f";{name}" + (f"={','.join(items)}" if items else "")
    if style == "label":
        if isinstance(value, dict) and explode:
            return "." + ".".join(f"{k}={v}" for k, v in pairs)
        return "." + ("." if explode else ",").join(items)
    if style == "simple":
        if isinstance(value, dict) and explode:
            return ",".join(f"{k}={v}" for k, v in pairs)
        return ",".join(items)
    if style == "form" and explode:
        query = pairs if isinstance(value, dict) else [(name, item) for item in items]
        return "&".join(f"{k}={v}" for k, v in query) or f"{name}="
    if style == "deepObject":
        return "&".join(f"{name}%5B{k}%5D={v}" for k, v in pairs)
    delimiter = {"form": ",", "spaceDelimited": "%20", "pipeDelimited": "|"}[style]
    return f"{name}=" + delimiter.join(items)


@st.composite
def styled_values(draw: st.DrawFn) -> tuple[str, str, bool, dict[str, t.Any], t.Any]:
    style, location, explode = draw(st.sampled_from(STYLED))
    kind = "object" if style == "deepObject" else draw(st.sampled_from(["array", "object"]))
    # label writes `.` between items: a number's decimal point cannot be told from it
    scalars = sorted(set(SCALARS) - {"number"}) if style == "label" else sorted(SCALARS)
    text = TEXT if location == "header" else ENCODED_TEXT  # headers are not percent-encoded
    values = {**SCALARS, "string": text}
    if kind == "array":
        scalar = draw(st.sampled_from(scalars))
        schema: dict[str, t.Any] = {"type": "array", "items": {"type": scalar}}
        value: t.Any = draw(st.lists(values[scalar], max_size=4))
        if location == "query" and len(value) == 1 and scalar == "string":
            # one query value holding an encoded delimiter and no literal one is read as a
            # client that encoded the delimiters wrote it (`jobmock.http.wire`)
            value = [draw(TEXT)]
    else:
        names = draw(st.lists(text, min_size=1, max_size=4, unique=True))
        types = {n: draw(st.sampled_from(scalars)) for n in names}
        schema = {"type": "object", "properties": {n: {"type": x} for n, x in types.items()}}
        # an exploded object sends no pair without properties: no value to read back
        minimum = 1 if (style, explode) in (("form", True), ("deepObject", True)) else 0
        chosen = draw(st.lists(st.sampled_from(names), min_size=minimum, unique=True))
        value = {n: draw(values[types[n]]) for n in chosen}
    return style, location, explode, schema, value


@given(styled_values())
def test_what_a_style_writes_reads_back_as_the_value(
    case: tuple[str, str, bool, dict[str, t.Any], t.Any],
) -> None:
    style, location, explode, schema, value = case
    name = "param"
    definition = {"name": name, "in": location, "style": style, "explode": explode}
    parameter = parameter_of(definition, schema)
    written = serialize(style, location, explode, name, value)
    assert decoder_for(parameter)(raw_of(location, written, name)) == value


def test_an_exploded_part_without_a_name_continues_the_value_before_it() -> None:
    # nothing escapes a header's comma or a label's `.`: `name=a,b` is only one value's
    header = parameter_of({"name": "h", "in": "header", "explode": True}, {"type": "object"})
    assert decoder_for(header)(One("h", "name=a,b,size=2")) == {"name": "a,b", "size": "2"}
    label = parameter_of(
        {"name": "p", "in": "path", "style": "label", "explode": True},
        {"type": "object", "properties": {"x": {"type": "number"}}},
    )
    assert decoder_for(label)(One("p", ".x=-6.5.y=", PERCENT_ENCODED)) == {"x": -6.5, "y": ""}
