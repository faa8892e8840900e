"""A `negative_data_rejection` failure is the checker's false positive only when the bytes it sent,
read back by OpenAPI's serialisation rules, are a valid request; a server that accepts a truly
invalid value still fails.

Expected values are OpenAPI's own: the Parameter Object's style examples (`color` as
["blue", "black", "brown"]), the XML Object's examples (`animals`, `Person`), the Encoding Object's
defaults for forms and multipart parts."""

from __future__ import annotations

import re
import typing as t
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from jobmock.cli import main
from jobmock.contract.false_positives import Judge, meant_values
from jobmock.contract.wire import Sent, read_request
from jobmock.contract.wire_schema import MISSING, Unreadable
from tests.servers import serve_in_thread

COLOR = ["blue", "black", "brown"]


def document(paths: dict[str, t.Any], schemas: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas or {}},
    }


def with_parameter(parameter: dict[str, t.Any], path: str = "/colors") -> dict[str, t.Any]:
    operation = {"parameters": [parameter], "responses": {"200": {"description": "ok"}}}
    return document({path: {"get": operation}})


def sent(
    path: str = "/colors", query: str = "", headers: dict[str, str] | None = None, body: bytes = b""
) -> Sent:
    return Sent("GET", path, query, headers or {}, body)


ARRAY = {"type": "array", "items": {"type": "string"}}


@pytest.mark.parametrize(
    "style, explode, query",
    [  # the Parameter Object's style examples, for color = ["blue", "black", "brown"]
        ("form", True, "color=blue&color=black&color=brown"),
        ("form", False, "color=blue,black,brown"),
        ("spaceDelimited", False, "color=blue%20black%20brown"),
        ("pipeDelimited", False, "color=blue|black|brown"),
    ],
)
def test_a_query_array_reads_back_by_its_style(style: str, explode: bool, query: str) -> None:
    parameter = {"name": "color", "in": "query", "style": style, "explode": explode}
    doc = with_parameter({**parameter, "schema": ARRAY})
    read = read_request(doc, "GET", "/colors", sent(query=query))
    assert read.parts[0].value == COLOR


def test_path_and_header_arrays_read_back_in_style_simple() -> None:
    doc = with_parameter(
        {"name": "color", "in": "path", "required": True, "schema": ARRAY}, "/c/{color}"
    )
    assert (
        read_request(doc, "GET", "/c/{color}", sent("/c/blue,black,brown")).parts[0].value == COLOR
    )
    doc = with_parameter({"name": "X-Color", "in": "header", "schema": ARRAY})
    read = read_request(doc, "GET", "/colors", sent(headers={"x-color": "blue,black,brown"}))
    assert read.parts[0].value == COLOR


def test_one_pair_of_an_exploded_form_array_is_an_array_of_one() -> None:
    doc = with_parameter({"name": "color", "in": "query", "schema": ARRAY})
    assert read_request(doc, "GET", "/colors", sent(query="color=blue")).parts[0].value == ["blue"]


def test_text_reads_as_the_schemas_type() -> None:
    doc = with_parameter({"name": "limit", "in": "query", "schema": {"type": "integer"}})
    assert read_request(doc, "GET", "/colors", sent(query="limit=5")).parts[0].value == 5
    assert read_request(doc, "GET", "/colors", sent(query="limit=AAA")).parts[0].value == "AAA"
    assert read_request(doc, "GET", "/colors", sent()).parts[0].value is MISSING


def test_a_form_it_does_not_cover_is_unreadable() -> None:
    deep = {"name": "color", "in": "query", "style": "deepObject", "schema": {"type": "object"}}
    with pytest.raises(Unreadable):
        read_request(with_parameter(deep), "GET", "/colors", sent(query="color[R]=100"))


ANIMALS = {  # the XML Object's examples
    "type": "object",
    "xml": {"name": "zoo"},
    "properties": {
        "animals": {
            "type": "array",
            "items": {"type": "string", "xml": {"name": "animal"}},
            "xml": {"name": "aliens", "wrapped": True},
        },
        "id": {"type": "integer", "xml": {"attribute": True}},
        "name": {"type": "string"},
    },
}


def xml_body(schema: dict[str, t.Any]) -> dict[str, t.Any]:
    body = {"content": {"application/xml": {"schema": schema}}}
    operation = {"requestBody": body, "responses": {"200": {"description": "ok"}}}
    return document({"/zoo": {"post": operation}})


def read_xml_body(raw: bytes) -> t.Any:
    xml = Sent("POST", "/zoo", "", {"content-type": "application/xml"}, raw)
    return read_request(xml_body(ANIMALS), "POST", "/zoo", xml).body


def test_xml_reads_back_by_the_xml_object() -> None:
    raw = b'<zoo id="123"><aliens><animal>value</animal><animal>value</animal></aliens>'
    raw += b"<name>example</name></zoo>"
    assert read_xml_body(raw) == {"id": 123, "animals": ["value", "value"], "name": "example"}


def test_an_empty_wrapper_is_the_empty_array() -> None:
    assert read_xml_body(b"<zoo><aliens></aliens></zoo>") == {"animals": []}


def form_document() -> dict[str, t.Any]:
    schema = {
        "type": "object",
        "required": ["To"],
        "properties": {
            "To": {"type": "string"},
            "Tags": {"type": "array", "items": {"type": "string"}},
            "Ttl": {"type": "integer"},
        },
    }
    body = {"content": {"application/x-www-form-urlencoded": {"schema": schema}}}
    operation = {"requestBody": body, "responses": {"201": {"description": "created"}}}
    return document({"/messages": {"post": operation}})


def form(raw: str) -> Sent:
    return Sent(
        "POST", "/messages", "", {"content-type": "application/x-www-form-urlencoded"}, raw.encode()
    )


def meant(body: t.Any) -> dict[str, t.Any]:
    return {"path": {}, "query": {}, "header": {}, "cookie": {}, "body": body}


def test_a_form_array_sent_as_one_pair_is_the_checkers_false_positive() -> None:
    proof = Judge(form_document()).proof(
        "POST /messages", form("To=x&Tags=AAA"), meant({"To": "x", "Tags": "AAA"})
    )
    assert proof is not None
    assert proof.text == 'sent Tags=AAA, which decodes to ["AAA"], valid'


@pytest.mark.parametrize(
    "raw, body",
    [
        ("To=x&Ttl=AAA", {"To": "x", "Ttl": "AAA"}),  # an integer field's text no integer
        ("Tags=AAA", {"Tags": "AAA"}),  # valid as read, but the required `To` is missing
        ("To=x&Ttl=1.5", {"To": "x", "Ttl": 1.5}),  # what was meant is what was sent
    ],
)
def test_a_request_invalid_as_read_back_stays_a_failure(raw: str, body: dict[str, t.Any]) -> None:
    assert Judge(form_document()).proof("POST /messages", form(raw), meant(body)) is None


def test_an_xml_array_sent_as_an_empty_wrapper_is_the_checkers_false_positive() -> None:
    xml = Sent(
        "POST", "/zoo", "", {"content-type": "application/xml"}, b"<zoo><aliens></aliens></zoo>"
    )
    proof = Judge(xml_body(ANIMALS)).proof("POST /zoo", xml, meant({"animals": None}))
    assert proof is not None
    assert proof.text == "sent <aliens></aliens>, which decodes to [], valid"


def test_a_multipart_text_part_is_the_string_it_holds() -> None:
    schema = {
        "type": "object",
        "properties": {"note": {"type": "string"}, "n": {"type": "integer"}},
    }
    body = {"content": {"multipart/form-data": {"schema": schema}}}
    doc = document(
        {"/up": {"post": {"requestBody": body, "responses": {"200": {"description": "ok"}}}}}
    )
    raw = b'--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nnull\r\n'
    raw += b'--b\r\nContent-Disposition: form-data; name="n"\r\n\r\n5\r\n--b--\r\n'
    up = Sent("POST", "/up", "", {"content-type": "multipart/form-data; boundary=b"}, raw)
    assert read_request(doc, "POST", "/up", up).body == {"note": "null", "n": 5}
    proof = Judge(doc).proof("POST /up", up, meant({"note": None, "n": 5}))
    assert proof is not None
    assert proof.text == 'sent part note: null, which decodes to "null", valid'


@given(st.lists(st.text(), min_size=1))
def test_an_exploded_form_array_reads_back_as_sent(values: list[str]) -> None:
    raw = urlencode([("To", "x"), *(("Tags", v) for v in values)])
    read = read_request(form_document(), "POST", "/messages", form(raw))
    assert read.body == {"To": "x", "Tags": values}


@given(st.text())
def test_text_for_an_integer_field_is_a_false_positive_only_if_it_is_an_integer(text: str) -> None:
    raw = urlencode([("To", "x"), ("Ttl", text)])
    proof = Judge(form_document()).proof(
        "POST /messages", form(raw), meant({"To": "x", "Ttl": text})
    )
    assert (proof is not None) == bool(re.fullmatch(r"-?[0-9]+", text))


def test_the_values_meant_come_from_the_case() -> None:
    case = t.cast(t.Any, type("Case", (), {}))()
    case.path_parameters, case.query, case.cookies = {"id": 1}, None, {}
    case.headers, case.body = {"X-Trace": "a"}, None
    assert meant_values(case) == {
        "path": {"id": 1},
        "query": {},
        "header": {"x-trace": "a"},
        "cookie": {},
        "body": MISSING,
    }


def accepts_everything() -> Starlette:
    """Whatever is sent, 201 and an empty object: a server that validates nothing."""

    async def anything(request: Request) -> JSONResponse:
        await request.body()
        return JSONResponse({}, status_code=201)

    return Starlette(routes=[Route("/messages", anything, methods=["POST"])])


def test_a_server_accepting_a_truly_invalid_value_still_fails(tmp_path: Path) -> None:
    doc = form_document()
    doc["paths"]["/messages"]["post"]["responses"]["400"] = {"description": "invalid"}
    spec = tmp_path / "messages.yaml"
    spec.write_text(yaml.safe_dump(doc))
    with serve_in_thread(accepts_everything()) as url:
        result = CliRunner().invoke(
            main,
            ["contract", "--spec", str(spec), "--url", url, "--max-examples", "20", "--seed", "1"],
        )
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    failures = result.output.split("\nFailures (")[1].split("\n\n")[0]
    assert "POST /messages: negative_data_rejection" in failures, result.output


def test_a_part_the_schema_does_not_name_may_be_sent_several_times() -> None:
    doc = document({"/up": {"post": {"requestBody": {"content": {"multipart/form-data": {
        "schema": {"type": "object", "properties": {"note": {"type": "string"}}}}}},
        "responses": {"200": {"description": "ok"}}}}})  # fmt: skip
    raw = b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n'
    raw += b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n{}\r\n--b--\r\n'
    up = Sent("POST", "/up", "", {"content-type": "multipart/form-data; boundary=b"}, raw)
    assert read_request(doc, "POST", "/up", up).body == {"x": ["1", "{}"]}


XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"))


@given(st.lists(XML_TEXT, min_size=1))
def test_a_wrapped_xml_array_reads_back_as_sent(values: list[str]) -> None:
    from xml.sax.saxutils import escape

    animals = "".join(f"<animal>{escape(v)}</animal>" for v in values)
    assert read_xml_body(f"<zoo><aliens>{animals}</aliens></zoo>".encode()) == {"animals": values}


@pytest.mark.parametrize(
    "schema",
    [{"type": "string", "pattern": r"\p{L}"}, {"$ref": "other.yaml#/name"}],  # re: no \p; elsewhere
)
def test_a_schema_the_validator_cannot_apply_gives_no_verdict(schema: dict[str, t.Any]) -> None:
    doc = with_parameter({"name": "q", "in": "query", "schema": schema})
    assert Judge(doc).proof("GET /colors", sent(query="q=5"), {"query": {"q": 5}}) is None
