"""jobmock.documents.pointers: decoding, encoding and looking up JSON Pointers; following `$ref`s."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from jobmock.documents.pointers import Node, decode_pointer, deref, encode_pointer, lookup

DOCUMENT: dict[str, Any] = {
    "paths": {
        "/jobs/{id}": {"get": {"responses": {"200": {"$ref": "#/components/responses/Job"}}}}
    },
    "components": {
        "responses": {
            "Job": {"$ref": "#/components/responses/JobBody"},
            "JobBody": {"description": "a job", "content": {}},
            "Remote": {"$ref": "other.yaml#/Job"},
            "Missing": {"$ref": "#/components/responses/Nowhere"},
            "NotAPointer": {"$ref": "#Job"},
            "Loop": {"$ref": "#/components/responses/Loop"},
            "Listed": {"$ref": "#/components/examples/0/1"},
            "Escaped": {"$ref": "#/paths/~1jobs~1%7Bid%7D/get"},
        },
        "examples": [["a", {"value": "b"}]],
    },
}


@given(st.lists(st.text().filter(lambda part: "%" not in part)))
@example(["paths", "/a/{b}", "~x", ""])
def test_encode_then_decode_gives_the_parts_back(parts: list[str]) -> None:
    assert decode_pointer(encode_pointer(tuple(parts))) == tuple(parts)


def test_decode_reads_escapes_and_percent_encoding() -> None:
    assert decode_pointer("/a~1b/~01/%7Bid%7D") == ("a/b", "~1", "{id}")
    assert decode_pointer("") == ()
    assert decode_pointer("Job") is None


def test_encode_writes_list_indices_as_digits() -> None:
    assert encode_pointer(("components", "examples", 0)) == "/components/examples/0"


def test_lookup_walks_mappings_and_lists() -> None:
    assert lookup(DOCUMENT, ("components", "examples", "0", "1", "value")) == (True, "b")
    assert lookup(DOCUMENT, ("components", "examples", 0, "0")) == (True, "a")
    assert lookup(DOCUMENT, ("components", "examples", "1")) == (False, None)
    assert lookup(DOCUMENT, ("components", "nothing")) == (False, None)
    assert lookup(DOCUMENT, ()) == (True, DOCUMENT)


def test_deref_follows_a_chain_and_says_where_it_ended() -> None:
    declared = DOCUMENT["paths"]["/jobs/{id}"]["get"]["responses"]["200"]
    found = deref(DOCUMENT, Node(("paths", "/jobs/{id}", "get", "responses", "200"), declared))
    assert found == Node(
        ("components", "responses", "JobBody"), {"description": "a job", "content": {}}
    )


def test_deref_leaves_a_value_without_ref_where_it_is() -> None:
    node = Node(("x",), {"description": "no ref"})
    assert deref(DOCUMENT, node) is node


def test_deref_types_list_indices_as_ints() -> None:
    found = deref(DOCUMENT, Node((), DOCUMENT["components"]["responses"]["Listed"]))
    assert found == Node(("components", "examples", 0, 1), {"value": "b"})


def test_deref_decodes_escaped_targets() -> None:
    found = deref(DOCUMENT, Node((), DOCUMENT["components"]["responses"]["Escaped"]))
    assert found.pointer == ("paths", "/jobs/{id}", "get")


def test_deref_stops_at_what_it_cannot_follow() -> None:
    for name in ("Remote", "Missing", "NotAPointer"):
        node = Node(("components", "responses", name), DOCUMENT["components"]["responses"][name])
        assert deref(DOCUMENT, node) == node, name


def test_deref_gives_up_on_a_cycle_after_the_limit() -> None:
    loop = Node(("components", "responses", "Loop"), DOCUMENT["components"]["responses"]["Loop"])
    assert deref(DOCUMENT, loop, limit=3) == loop


def test_importing_it_loads_neither_validate_nor_connexion() -> None:
    code = (
        "import sys, jobmock.documents.pointers; "
        "print(sorted(m for m in sys.modules if m.startswith(('jobmock.validate', 'connexion'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
