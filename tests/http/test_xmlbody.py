"""XML request bodies read as the JSON value their schema describes (OpenAPI's XML Object), so the
schema's validator checks them as it checks JSON."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobmock.errors import InvalidBody
from jobmock.http.xmlbody import read_xml

# Swagger's petstore `Pet` (npm @readme/oas-examples 3.0/json/petstore.json), its refs inlined
PET: dict[str, Any] = {
    "type": "object",
    "required": ["name", "photoUrls"],
    "properties": {
        "id": {"type": "integer", "format": "int64"},
        "category": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "xml": {"name": "Category"},
        },
        "name": {"type": "string", "example": "doggie"},
        "photoUrls": {
            "type": "array",
            "xml": {"name": "photoUrl", "wrapped": True},
            "items": {"type": "string", "xml": {"name": "photoUrl"}},
        },
        "tags": {
            "type": "array",
            "xml": {"name": "tag", "wrapped": True},
            "items": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                "xml": {"name": "Tag"},
            },
        },
        "status": {"type": "string", "enum": ["available", "pending", "sold"]},
        "sold": {"type": "boolean", "xml": {"attribute": True}},
    },
    "xml": {"name": "Pet"},
}


def test_a_pet_is_read_by_its_xml_object() -> None:
    body = (
        b'<Pet sold="false"><id>7</id><Category><id>1</id><name>Dogs</name></Category>'
        b"<name>doggie</name><photoUrl><photoUrl>https://example.com/a.png</photoUrl></photoUrl>"
        b"<tag><Tag><id>2</id><name>good</name></Tag></tag><status>sold</status><other/></Pet>"
    )
    assert read_xml(body, PET) == {
        "id": 7,
        "category": {"id": 1, "name": "Dogs"},
        "name": "doggie",
        "photoUrls": ["https://example.com/a.png"],
        "tags": [{"id": 2, "name": "good"}],
        "status": "sold",
        "sold": False,
    }


def test_text_its_type_cannot_read_is_kept_for_the_validator() -> None:
    assert read_xml(b"<Pet><id>abc</id><sold>1</sold></Pet>", PET) == {"id": "abc"}
    assert read_xml(b'<Pet sold="yes"/>', PET) == {"sold": "yes"}
    # an object is its elements: text alone is text (schemathesis writes a null item so)
    assert read_xml(b"<Pet><tag><Tag>null</Tag></tag></Pet>", PET) == {"tags": ["null"]}


@pytest.mark.parametrize(
    "body",
    [b"<Pet>null</Pet><Pet>null</Pet>", b"<Pet>", b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'],
)
def test_a_body_that_is_not_well_formed_xml_is_refused(body: bytes) -> None:
    with pytest.raises(InvalidBody) as refused:
        read_xml(body, PET)
    assert refused.value.reason.startswith("request body is not well-formed XML: ")


names = st.text(st.characters(codec="ascii", categories=["L", "N"]), max_size=8)


@given(
    identifier=st.integers(-(2**63), 2**63 - 1),
    name=names,
    urls=st.lists(names, max_size=3),
    sold=st.booleans(),
)
def test_a_pet_written_as_its_xml_object_says_reads_back_the_same(
    identifier: int, name: str, urls: list[str], sold: bool
) -> None:
    photos = "".join(f"<photoUrl>{url}</photoUrl>" for url in urls)
    written = (
        f'<Pet sold="{str(sold).lower()}"><id>{identifier}</id><name>{name}</name>'
        f"<photoUrl>{photos}</photoUrl></Pet>"
    )
    assert read_xml(written.encode(), PET) == {
        "id": identifier,
        "name": name,
        "photoUrls": urls,
        "sold": sold,
    }
